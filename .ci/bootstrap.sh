#!/usr/bin/env bash
# Install the few Debian packages the project builds with, only where they are missing:
# python3-venv (for `python3 -m venv`), libpq-dev, gcc and the Python headers (psycopg2
# compiles against libpq), and Pango (WeasyPrint makes the board packs' PDFs with it).
# Needs root for apt-get; otherwise it says what to install.
set -euo pipefail
PY=${PYTHON:-python3}
need=()
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  need+=("python3-venv")
fi
command -v pg_config >/dev/null 2>&1 || need+=("libpq-dev")
command -v gcc >/dev/null 2>&1 || need+=("gcc")
inc=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
[ -f "$inc/Python.h" ] || need+=("python3-dev")
# WeasyPrint (board packs as PDF) draws text with Pango.
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || need+=("libpango-1.0-0")
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || need+=("libpangoft2-1.0-0")
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[bootstrap] installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "[bootstrap] please install these packages first: ${need[*]}" >&2
  echo "            for example: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
