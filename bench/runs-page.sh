#!/usr/bin/env bash
# Flow runs page benchmark (issue 6): the console's flow runs page with a million runs in the workspace.
#
#   bench/runs-page.sh [--runs N] [--seed-runs N] [--other-runs N]
#
# On the dev stack of this checkout (reused if running, else started and stopped again), it seeds --seed-runs
# (1,000,000) flow runs into the dev workspace and --other-runs (200,000) into a second workspace (bench-other), 40
# flows with 3 deployments each per workspace, straight into PostgreSQL (bench/runs-page/seed.sql: INSERT ... SELECT
# over generate_series; skipped when the workspace already holds that many seeded runs). Then headless Chromium
# (bench/runs-page/bench.mjs) logs in as alice, opens the page, and for each filter times the step from following a
# link to the filtered page until its counts per state, chart and first rows are shown (medians of --runs after a
# warm-up): unfiltered, by state, flow, deployment, tag, name, a time range, and a deep page (grid scrolled to row
# 50,000 and on). Needs psql, Chromium and playwright-core (it/browser/install.sh installs the last two).
# Results: bench/out/runs-page-<time>.txt and .json.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$HERE/out"

RUNS=5 SEED_RUNS=1000000 OTHER_RUNS=200000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --seed-runs) SEED_RUNS="$2"; shift 2 ;;
    --other-runs) OTHER_RUNS="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "runs-page.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=bench/devstack.sh
. "$HERE/devstack.sh"

mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"

stop_stack_on_exit

command -v psql > /dev/null || die "psql is missing (Debian: apt-get install postgresql-client)"
bash "$ROOT/it/browser/install.sh"

use_dev_stack
[[ -n "${STEWARD_URL:-}" && -n "${STEWARD_DB_URL:-}" ]] || die "$STATE/dev.env has no STEWARD_URL / STEWARD_DB_URL"
[[ "$STEWARD_DB_URL" =~ ^jdbc:postgresql://([^:/]+):([0-9]+)/([^?]+) ]] \
  || die "cannot read host, port and database from STEWARD_DB_URL=$STEWARD_DB_URL"
export PGHOST="${BASH_REMATCH[1]}" PGPORT="${BASH_REMATCH[2]}" PGDATABASE="${BASH_REMATCH[3]}"
export PGUSER="${STEWARD_DB_USER:-steward}" PGPASSWORD="${STEWARD_DB_PASSWORD:-steward}"
q() { psql -X -qAt -v ON_ERROR_STOP=1 "$@"; }

WS="$(q -c "select id from workspace where slug = '${STEWARD_WORKSPACE:-default}'")"
[[ -n "$WS" ]] || die "no workspace ${STEWARD_WORKSPACE:-default} in the dev database"
seeded() {
  q -c "select count(*) from flow_run r join flow f on f.id = r.flow_id and f.workspace_id = r.workspace_id
        where f.name like 'bench-flow-%' and r.workspace_id = (select id from workspace where slug = '$1')"
}
if [[ "$(seeded "${STEWARD_WORKSPACE:-default}")" == "$SEED_RUNS" && "$(seeded bench-other)" == "$OTHER_RUNS" ]]; then
  say "the workspaces hold the seeded runs already ($SEED_RUNS and $OTHER_RUNS): not seeding again"
else
  say "seeding $SEED_RUNS runs into workspace ${STEWARD_WORKSPACE:-default} and $OTHER_RUNS into bench-other"
  SECONDS=0
  q -v ws="$WS" -v runs="$SEED_RUNS" -v other_runs="$OTHER_RUNS" -f "$HERE/runs-page/seed.sql" >&2
  say "seeded in ${SECONDS}s"
fi
say "runs in the workspace: $(q -c "select count(*) from flow_run where workspace_id = '$WS'")," \
    "in all: $(q -c "select count(*) from flow_run"); flow_run with its indexes:" \
    "$(q -c "select pg_size_pretty(pg_total_relation_size('flow_run'))")"

FLOW="$(q -c "select id from flow where workspace_id = '$WS' and name = 'bench-flow-07'")"
read -r BUSIEST_FLOW BUSIEST_NAME BUSIEST_RUNS < <(q -F ' ' -c "select f.id, f.name, count(*) from flow_run r
    join flow f on f.id = r.flow_id and f.workspace_id = r.workspace_id where r.workspace_id = '$WS'
    group by f.id, f.name order by 3 desc limit 1")
DEPLOYMENT="$(q -c "select d.id from deployment d join flow f on f.id = d.flow_id
                    where d.workspace_id = '$WS' and f.name = 'bench-flow-03' and d.name = 'staging'")"
MONTH_FROM="$(date -u -d '100 days ago' +%Y-%m-%dT00:00:00Z)"
MONTH_TO="$(date -u -d '70 days ago' +%Y-%m-%dT00:00:00Z)"
export BENCH_SCENARIOS
BENCH_SCENARIOS="$(cat <<JSON
[
  {"name": "unfiltered (all time)", "query": ""},
  {"name": "state: failed and crashed", "query": "state=CRASHED,FAILED"},
  {"name": "flow: bench-flow-07", "query": "flow=$FLOW"},
  {"name": "the busiest flow: $BUSIEST_NAME ($(printf "%'d" "$BUSIEST_RUNS") runs)", "query": "flow=$BUSIEST_FLOW"},
  {"name": "deployment: bench-flow-03/staging", "query": "deployment=$DEPLOYMENT"},
  {"name": "tag: backfill (2% of runs)", "query": "tag=backfill"},
  {"name": "tag: prod (a third of runs)", "query": "tag=prod"},
  {"name": "name contains \"otter\"", "query": "q=otter"},
  {"name": "time range: last 7 days", "query": "range=week"},
  {"name": "time range: 30 days, 70-100 days ago", "query": "range=custom&from=$MONTH_FROM&to=$MONTH_TO"},
  {"name": "state + flow + tag + last 30 days", "query": "state=FAILED&flow=$FLOW&tag=nightly&range=month"}
]
JSON
)"

say "Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), $(nproc) cores, load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg); results in $OUT/runs-page-$STAMP.txt"
node "$HERE/runs-page/bench.mjs" --runs="$RUNS" \
  --json="$OUT/runs-page-$STAMP.json" | tee "$OUT/runs-page-$STAMP.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/runs-page-$STAMP.txt"
