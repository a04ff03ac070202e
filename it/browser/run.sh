#!/usr/bin/env bash
# Runs the console's browser test (console.test.mjs) in real Chromium.
#   STEWARD_URL        the app, e.g. http://127.0.0.1:8080
#   STEWARD_WORKSPACE  a workspace alice owns and bob views (the realm's groups name "default")
#   STEWARD_API_KEY    a developer key of that workspace (changes made "through the REST API")
# Installs what it needs when missing: Debian's chromium (npx playwright install cannot work here) and
# playwright-core from package-lock.json.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[it/browser] $*" >&2; }

if [[ ! -x /usr/bin/chromium ]]; then
  log "installing Debian's chromium (one time)…"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [[ ! -d "$HERE/node_modules/playwright-core" ]]; then
  log "installing playwright-core…"
  (cd "$HERE" && npm ci --no-audit --no-fund --silent)
fi
exec node "$HERE/console.test.mjs"
