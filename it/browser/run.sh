#!/usr/bin/env bash
# Runs a browser test of the console in real Chromium: console.test.mjs, or the script named as the argument.
#   STEWARD_URL        the app, e.g. http://127.0.0.1:8080
#   STEWARD_WORKSPACE  a workspace alice owns and bob views (the realm's groups name "default")
#   STEWARD_API_KEY    a developer key of that workspace (changes made "through the REST API")
# Installs what it needs when missing (install.sh: Debian's chromium and playwright-core).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/install.sh"
exec node "$HERE/${1:-console.test.mjs}"
