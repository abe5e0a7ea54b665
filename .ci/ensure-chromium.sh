#!/usr/bin/env bash
# Browser tests drive Debian's chromium (never a downloaded browser). Install it if missing
# and we are root; otherwise say so (the browser tests then skip, or fail under REQUIRE_SERVICES).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[chromium] installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "[chromium] /usr/bin/chromium is missing: 'sudo apt-get install chromium' to run the browser tests" >&2
fi
