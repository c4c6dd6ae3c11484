#!/usr/bin/env bash
# Makes sure a system Chromium exists for the browser tests (test/e2e/report-html.test.ts): the tests
# drive Debian's /usr/bin/chromium through playwright-core and never download a browser. Installs it
# with apt-get when we are root and can; otherwise says what to do and fails.
set -euo pipefail

CHROMIUM=/usr/bin/chromium # the path test/e2e/report-html.test.ts launches

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "${EUID}" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM missing; installing Debian's chromium with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  log="$(mktemp)"
  if apt-get update >"$log" 2>&1 && apt-get install -y --no-install-recommends chromium >>"$log" 2>&1 \
    && [ -x "$CHROMIUM" ]; then
    rm -f "$log"
    exit 0
  fi
  tail -n 20 "$log" >&2
  rm -f "$log"
  echo "ensure-chromium: installing chromium with apt-get failed (output above); $CHROMIUM is still missing" >&2
  exit 1
fi

echo "ensure-chromium: $CHROMIUM is missing and cannot be installed here (needs root and apt-get)." >&2
echo "  Install Chromium yourself (Debian/Ubuntu: sudo apt-get install chromium) so that $CHROMIUM exists;" >&2
echo "  the browser tests in test/e2e/report-html.test.ts need it." >&2
exit 1
