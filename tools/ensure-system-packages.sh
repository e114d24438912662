#!/usr/bin/env bash
# Install the Debian packages that some tests and the benchmark use, when they are missing
# and we can (root + apt-get):
#   chromium, fonts-liberation  headless browser tests (fixed-metric fonts for screenshots)
#   graphviz                    the system `dot`, the second renderer of the benchmark
#   nodejs, npm                 npm ci installs axe-core (package-lock.json) for the browser tests
# Without them the browser tests skip with a reason and the benchmark leaves out the system
# Graphviz column; both fail instead when CI=true.
set -u

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
command -v dot >/dev/null 2>&1 || [ -x /usr/bin/dot ] || missing+=(graphviz)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages for the browser tests and the benchmark: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit $?
fi
echo "missing ${missing[*]} and cannot install here (need root and apt-get): browser tests" \
     "skip and the benchmark leaves out the system Graphviz, except when CI=true." >&2
exit 0
