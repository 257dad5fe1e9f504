#!/bin/sh
# Installs the system packages crmlib's tests and figures use, where they are missing:
#   chromium  - the browser test opens reports in headless Chromium
#   fonts-lohit-deva, fonts-lohit-beng-bengali - Devanagari and Bengali glyphs for figures
# With --optional a failure (no root, no apt) is reported and ignored.
optional=0
[ "${1:-}" = "--optional" ] && optional=1
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
fc-list 2>/dev/null | grep -qi "lohit.*devanagari\|Lohit-Devanagari" || need="$need fonts-lohit-deva"
fc-list 2>/dev/null | grep -qi "lohit.*bengali\|Lohit-Bengali" || need="$need fonts-lohit-beng-bengali"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages:$need"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 || \
     { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends $need >/dev/null; }; then
    exit 0
  fi
fi
if [ "$optional" = 1 ] || command -v chromium >/dev/null 2>&1; then
  echo "note: could not install$need (needs root and apt-get); figures use crmlib's bundled fonts" >&2
  exit 0
fi
echo "error: the browser test needs chromium; install it with: sudo apt-get install chromium" >&2
exit 1
