#!/usr/bin/env bash
# Run graph benchmark: the console's <steward-run-graph> (frontend/src/run-graph/) in headless Chromium.
#
#   bench/run-graph.sh [--runs=N] [--frames=N] [--sizes=1000,20000,50000]
#
# For graphs of 1,000, 20,000 and 50,000 task runs (bench/run-graph/graphs.js: a task mapped over the items, a
# second mapped task after it, a reduce and a chain; most runs done, some running, some waiting), in both layouts with
# the mapped runs expanded (every run its own node: the heaviest case), and once grouped, it prints the medians over
# the runs of: the time from handing the graph over to the end of the first frame that shows it (layout included),
# and the median and p95 frame time while panning at the zoom that fits the whole graph (every node in view).
# Needs: Chromium and playwright-core (it/browser/install.sh installs them), esbuild from the project's npm packages
# (a Maven build installs them; else `npm ci`). Results: bench/out/run-graph-<time>.txt and .json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
log() { echo "[bench/run-graph] $*" >&2; }

bash "$ROOT/it/browser/install.sh"
if [[ ! -x "$ROOT/node_modules/.bin/esbuild" ]]; then
  log "installing the project's npm packages…"
  (cd "$ROOT" && npm ci --no-audit --no-fund --silent)
fi

STAMP="$(date -u +%Y%m%d-%H%M%S)"
BUNDLE="$OUT/run-graph-bundle.js"
"$ROOT/node_modules/.bin/esbuild" "$ROOT/frontend/src/run-graph/run-graph.ts" --bundle --format=esm --minify \
  --target=es2022 --outfile="$BUNDLE" --log-level=warning
log "Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), $(nproc) cores; results in $OUT/run-graph-$STAMP.txt"
node "$ROOT/bench/run-graph/bench.mjs" --bundle="$BUNDLE" --json="$OUT/run-graph-$STAMP.json" "$@" \
  | tee "$OUT/run-graph-$STAMP.txt"
