#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing and we can (root + apt).
# The tests skip with a reason locally when there is no browser, and fail in CI.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
  exit $?
fi
echo "chromium not found and cannot be installed here (need root and apt-get);" \
     "browser tests will be skipped outside CI." >&2
exit 0
