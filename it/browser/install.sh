#!/usr/bin/env bash
# Installs what the browser test and the run graph benchmark need, when missing: Debian's chromium (npx playwright
# install cannot work here) and playwright-core from it/browser/package-lock.json.
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
