#!/usr/bin/env bash
# The board pack's print tests rasterise its PDF with poppler (pdftoppm, pdftotext). Install
# poppler-utils if missing and we are root; otherwise say so (those tests then skip, or fail
# under REQUIRE_SERVICES).
set -euo pipefail
command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[poppler] installing Debian's poppler-utils for the board pack's print tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
else
  echo "[poppler] pdftoppm is missing: 'sudo apt-get install poppler-utils' to run the print tests" >&2
fi
