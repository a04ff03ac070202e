#!/usr/bin/env bash
# Orchestration benchmark: Steward against Prefect's own server, both loaded the way the prefect 3.9 client loads
# them, on the same PostgreSQL, in one run.
#
#   bench/orchestration.sh [options] [-- extra options for bench/orchestration.py]
#
#   --runs N           measured runs per server (default 5); medians are printed, with each run's figure
#   --events N         task-run state events per ingest run, 3 per task run (default 30000)
#   --connections N    /events/in WebSocket connections (default 4)
#   --rate R           set_state requests per second, open loop (default 200)
#   --duration S       seconds of set_state load per run (default 15)
#   --only NAME        steward or prefect: load only that server (PostgreSQL still comes from the Steward stack)
#   --ingest-timeout S give up waiting for task_run_state rows after S seconds (default 600); the run's figure is
#                      then recorded/elapsed, marked as incomplete
#   --drain-timeout S  after each ingest run, wait at most S seconds (untimed, default 600) until every event is
#                      stored (task_run_state and events table) before set_state is measured
#   --jvm-warmup N     warm-up rounds for Steward alone after the common one (default 5, each with
#                      --jvm-warmup-events events, default 40000, and a set_state phase): its JIT compiles for
#                      minutes after start; Prefect's Python server has nothing to warm up
#
# What it prints (medians of the runs): task-run state events recorded per second, end to end (first event sent
# over /events/in until every event has its task_run_state row in PostgreSQL), and set_state latency p50/p99 at the
# fixed rate; for each, Steward/Prefect (for latency: Prefect/Steward, so higher is better for Steward too).
#
# What it does:
#   1. the Python virtualenv of it/prefect/run.sh (prefect 3.9.1, websockets, httpx, asyncpg; created if missing);
#   2. the Steward dev stack: reuses a running `bin/steward dev` of this checkout, else starts one (building the WAR
#      if stale) and stops it at the end; connection details come from .steward/dev.env;
#   3. database prefect_bench on that stack's PostgreSQL, dropped and created again, and `prefect server start`
#      (3.9.1 from PyPI) on it, on a free port of 127.0.0.1, with the UI, analytics and the services this load
#      does not involve switched off (scheduler, late runs, foreman, cancellation cleanup, pause expirations,
#      repossessor, triggers/actions, cleanup reconciler); its event persister and task-run recorder stay on, at
#      their default settings: they are what the ingest figure measures. Stopped at the end;
#   4. bench/orchestration.py (the driver; see its header) against both.
# Logs and results: bench/out/ (orchestration-<time>.txt and .json, prefect-server.log, steward-dev.log).
#
# Environment: STEWARD_PREFECT_VENV / STEWARD_PREFECT_PYTHON as for it/prefect/run.sh; BENCH_PG_ADMIN_USER
# (default postgres, no password: the embedded PostgreSQL trusts local connections) creates prefect_bench and, before
# each phase, waits for autovacuum and runs CHECKPOINT, so that neither server's phase pays for the last one's writes.
# Figures depend on the machine and on what else runs on it: compare servers within one run, not across runs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$HERE/out"
PREFECT_DB="prefect_bench"

RUNS=5 EVENTS=30000 CONNECTIONS=4 RATE=200 DURATION=15 ONLY="" INGEST_TIMEOUT=600 DRAIN_TIMEOUT=600 JVM_WARMUP=5 JVM_WARMUP_EVENTS=40000
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --ingest-timeout) INGEST_TIMEOUT="$2"; shift 2 ;;
    --drain-timeout) DRAIN_TIMEOUT="$2"; shift 2 ;;
    --jvm-warmup) JVM_WARMUP="$2"; shift 2 ;;
    --jvm-warmup-events) JVM_WARMUP_EVENTS="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "orchestration.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in "" | steward | prefect) ;; *) echo "--only wants steward or prefect" >&2; exit 2 ;; esac

# shellcheck source=bench/devstack.sh
. "$HERE/devstack.sh"

mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"
PREFECT_PID=""
PREFECT_HOME_DIR=""
DRIVER_HOME=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ -n "$PREFECT_PID" ]] && kill -0 "$PREFECT_PID" 2>/dev/null; then
    say "stopping Prefect's server (pid $PREFECT_PID)"
    # its own process group (setsid below): the server and anything it spawned
    kill -TERM -- "-$PREFECT_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$PREFECT_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$PREFECT_PID" 2>/dev/null || true
  fi
  stop_started_stack
  [[ -n "$PREFECT_HOME_DIR" ]] && rm -rf "$PREFECT_HOME_DIR"
  [[ -n "$DRIVER_HOME" ]] && rm -rf "$DRIVER_HOME"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# 1. the virtualenv ---------------------------------------------------------------------------------------------
VENV="$("$ROOT/it/prefect/run.sh" --venv-only)" || die "could not set up the Python virtualenv (see above)"
PY="$VENV/bin/python"
[[ -x "$PY" ]] || die "no python in $VENV"

# 2. the Steward dev stack --------------------------------------------------------------------------------------
use_dev_stack
dev_stack_database

# 3. Prefect's server on database prefect_bench -------------------------------------------------------------------
TARGET_ARGS=()
if [[ "$ONLY" != "prefect" ]]; then
  TARGET_ARGS+=(--target "steward=$STEWARD_API" --dsn "steward=$STEWARD_DSN" --auth-env steward=BENCH_STEWARD_AUTH
                --label steward=Steward --events-table steward=event)
fi

PREFECT_VERSION="$("$PY" -c 'import prefect; print(prefect.__version__)')"
if [[ "$ONLY" != "steward" ]]; then
  say "database $PREFECT_DB on PostgreSQL $PG_HOST:$PG_PORT: dropping and creating it"
  PGADMIN_USER="${BENCH_PG_ADMIN_USER:-postgres}" PGADMIN_PASSWORD="${BENCH_PG_ADMIN_PASSWORD:-}" \
  PG_HOST="$PG_HOST" PG_PORT="$PG_PORT" PG_USER="$PG_USER" PREFECT_DB="$PREFECT_DB" "$PY" - <<'EOF' \
    || die "could not create database $PREFECT_DB (as ${BENCH_PG_ADMIN_USER:-postgres}; set BENCH_PG_ADMIN_USER/PASSWORD)"
import asyncio, os, asyncpg
async def main():
    c = await asyncpg.connect(host=os.environ["PG_HOST"], port=int(os.environ["PG_PORT"]), database="postgres",
                              user=os.environ["PGADMIN_USER"], password=os.environ["PGADMIN_PASSWORD"] or None)
    try:
        db, owner = os.environ["PREFECT_DB"], os.environ["PG_USER"]
        await c.execute(f'drop database if exists "{db}" with (force)')
        await c.execute(f'create database "{db}" owner "{owner}"')
    finally:
        await c.close()
asyncio.run(main())
EOF

  PREFECT_PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  PREFECT_HOME_DIR="$(mktemp -d -t bench-prefect-home.XXXXXX)"
  say "starting Prefect's server $PREFECT_VERSION on 127.0.0.1:$PREFECT_PORT (log $OUT/prefect-server.log)"
  (
    # nothing from the caller's Prefect profile or environment (API URL, auth strings) reaches the server
    for v in $(compgen -e | grep '^PREFECT_' || true); do unset "$v"; done
    export PREFECT_HOME="$PREFECT_HOME_DIR"
    export PREFECT_API_DATABASE_CONNECTION_URL="postgresql+asyncpg://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PREFECT_DB"
    export PREFECT_SERVER_ANALYTICS_ENABLED=false
    export PREFECT_UI_ENABLED=false PREFECT_SERVER_UI_ENABLED=false
    export PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED=false
    export PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED=false
    export PREFECT_SERVER_SERVICES_FOREMAN_ENABLED=false
    export PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED=false
    export PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED=false
    export PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED=false
    export PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED=false          # reactive/proactive triggers and actions
    export PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_ENABLED=false
    export PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED=false
    export PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED=true      # measured: events table
    export PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED=true    # measured: task_run / task_run_state
    exec setsid "$VENV/bin/prefect" server start --host 127.0.0.1 --port "$PREFECT_PORT" --no-ui --analytics-off
  ) > "$OUT/prefect-server.log" 2>&1 < /dev/null &
  PREFECT_PID=$!
  PREFECT_API="http://127.0.0.1:$PREFECT_PORT/api"
  deadline=$((SECONDS + 300))
  until curl -sf -o /dev/null "$PREFECT_API/health"; do
    if ! kill -0 "$PREFECT_PID" 2>/dev/null; then
      tail -n 30 "$OUT/prefect-server.log" >&2
      PREFECT_PID=""
      die "Prefect's server exited before answering /api/health (log above, $OUT/prefect-server.log)"
    fi
    (( SECONDS < deadline )) || die "Prefect's server did not answer $PREFECT_API/health within 5 minutes"
    sleep 1
  done
  say "Prefect's server ready (migrations applied)"
  TARGET_ARGS+=(--target "prefect=$PREFECT_API" --dsn "prefect=$PREFECT_DSN" --label "prefect=Prefect $PREFECT_VERSION"
                --events-table prefect=events)
fi

# 4. the driver ------------------------------------------------------------------------------------------------
REPORT="$OUT/orchestration-$STAMP.txt"
DRIVER_HOME="$(mktemp -d -t bench-driver-home.XXXXXX)"
{
  echo "Steward $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+changes') at $STEWARD_API"
  [[ -n "$PREFECT_PID" ]] && echo "Prefect's server $PREFECT_VERSION at $PREFECT_API (database $PREFECT_DB)"
  echo "PostgreSQL $PG_HOST:$PG_PORT (database $PG_DB$([[ -n "$PREFECT_PID" ]] && echo " and $PREFECT_DB")); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} | tee "$REPORT"
set +e
(
  for v in $(compgen -e | grep '^PREFECT_' || true); do unset "$v"; done
  export PREFECT_HOME="$DRIVER_HOME" PREFECT_LOGGING_LEVEL=WARNING PYTHONDONTWRITEBYTECODE=1
  export BENCH_STEWARD_AUTH="$STEWARD_AUTH"
  cd "$HERE"
  exec "$PY" orchestration.py "${TARGET_ARGS[@]}" --runs "$RUNS" --events "$EVENTS" --connections "$CONNECTIONS" \
    --rate "$RATE" --duration "$DURATION" --ingest-timeout "$INGEST_TIMEOUT" --drain-timeout "$DRAIN_TIMEOUT" \
    --admin-dsn "postgresql://${BENCH_PG_ADMIN_USER:-postgres}${BENCH_PG_ADMIN_PASSWORD:+:$BENCH_PG_ADMIN_PASSWORD}@$PG_HOST:$PG_PORT/postgres" \
    --warmup-extra steward="$JVM_WARMUP" --warmup-extra-events "$JVM_WARMUP_EVENTS" --json-out "$OUT/orchestration-$STAMP.json" "${EXTRA[@]}"
) | tee -a "$REPORT"
rc=${PIPESTATUS[0]}
set -e
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end" | tee -a "$REPORT"
say "report: $REPORT (and .json)"
exit "$rc"
