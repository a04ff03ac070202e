#!/usr/bin/env bash
# Automations benchmark: with 1,000 enabled automations in a workspace, event-to-webhook latency p50/p99 and task-run
# ingest with the automations on against all of them paused; Steward and Prefect's own server (set up for production
# as Prefect's self-hosting guide advises) in the same run, with the same automations, probes and webhook receiver.
#
#   bench/automations.sh [options] [-- extra options for bench/automations.py]
#
#   --runs N              measured runs per server (default 3); medians are printed, with each run's figure
#   --automations N       automations created in the workspace (default 1000), the probes' included
#   --probe-automations K of them, the ones that react to the probe events with call-webhook (default 5)
#   --probes N            probe events per run (default 300)
#   --rate R              probe events per second (default 5)
#   --events N            task-run state events per ingest run, 3 per task run (default 30000; 0: no ingest phase)
#   --connections N       /events/in WebSocket connections of the ingest (default 4)
#   --only NAME           steward or prefect: load only that server (PostgreSQL and Redis still come from the
#                         Steward stack)
#   --jvm-warmup N        warm-up rounds for Steward alone after the common one (default 2, each a probe phase of
#                         --warmup-probes and an ingest pair of --jvm-warmup-events, default 30000): its JIT compiles
#                         for minutes after start; Prefect's Python server has nothing to warm up
#   --warmup-probes N     probes of each warm-up round (default 25); --warmup-events N: events of the common one
#                         (default 3000)
#   --quiet-timeout S     longest wait for a quiet machine before each phase (default 180)
#   --ingest-timeout S    give up waiting for task_run_state rows after S seconds (default 600); the phase's figure
#                         is then recorded/elapsed, flagged as incomplete
#   --prefect-workers N   API worker processes of Prefect's server (default 1; see below)
#   --prefect-env K=V     one more setting for Prefect's server processes (repeatable), e.g.
#                         PREFECT_REDIS_MESSAGING_PUBLISHER_BATCH_SIZE=1; reported with the setup
#   --keep                leave the bench's automations and blocks on Steward afterwards
#
# What it prints, per server (medians of the runs, each run in brackets):
#   - webhook latency p50/p99/max: probe events sent at a steady rate through the client's events client
#     (PrefectEventsClient.emit over WS /events/in, as emit_event does), each matching one of the probe automations,
#     whose call-webhook action calls a local receiver (127.0.0.1, a free port) with a payload carrying the event's
#     id; latency = the call's arrival minus the time of emit (one machine, one clock). Goal: p99 < 500 ms;
#   - calls against probes: missing, duplicate, from the wrong automation, stray (an automation that should not have
#     fired): reported, never hidden;
#   - ingest events/s with the automations on and with all of them paused, and on as % of off (goal: on at most 20%
#     lower); with them on, how long after the ingest was recorded a probe still took to call its webhook (the
#     automations' lag behind the stream).
#
# What it does:
#   1. the Python virtualenv of it/prefect/run.sh for the driver (prefect 3.9.1's client); for Prefect's server a
#      virtualenv of its own, ~/.cache/steward/prefect-server-venv (STEWARD_PREFECT_SERVER_VENV), with prefect 3.9.1
#      and prefect-redis (bench/prefect-server/requirements.txt), so the client tests never load prefect-redis;
#   2. the Steward dev stack: reuses a running `bin/steward dev` of this checkout, else starts one (building the WAR
#      if stale) and stops it at the end; its webhooks may call loopback addresses (STEWARD_WEBHOOKS_ALLOW_PRIVATE);
#   3. database prefect_bench_automations on that stack's PostgreSQL (dropped and created again) and Redis databases
#      1 and 2 of that stack's Redis (flushed; Steward uses database 0), and Prefect's server set up as its guide
#      "How to scale self-hosted Prefect" (docs.prefect.io/v3/advanced/self-hosted) configures it: Redis as message
#      broker, cache, causal ordering and lease storage (prefect-redis), Docket on Redis, migrations run once
#      beforehand with migrate-on-start off, the API server (`prefect server start --no-services`) apart from the
#      background services (`prefect server services start`), which run the triggers and actions services measured
#      here, the event persister and the task-run recorder. One machine, two cores: one API process (the guide's
#      several API instances need a load balancer, and the services process needs the other core;
#      --prefect-workers runs more). The UI, analytics and the services this load does not involve are off, as in
#      bench/orchestration.sh. The setup is printed at the top of the report. Stopped at the end;
#   4. bench/automations.py (the driver; see its header) against both.
# Logs and results: bench/out/ (automations-<time>.txt and .json, prefect-api.log, prefect-services.log,
# webhook-calls.jsonl, steward-dev.log).
#
# Environment: STEWARD_PREFECT_VENV / STEWARD_PREFECT_PYTHON as for it/prefect/run.sh; BENCH_PG_ADMIN_USER (default
# postgres, no password) creates the database and, before each phase, waits for autovacuum and runs CHECKPOINT.
# Figures depend on the machine and on what else runs on it: take them on a quiet machine, and compare servers
# within one run, not across runs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$HERE/out"
PREFECT_DB="prefect_bench_automations"
PREFECT_REDIS_DB=1 PREFECT_DOCKET_DB=2

RUNS=3 AUTOMATIONS=1000 PROBE_AUTOMATIONS=5 PROBES=300 RATE=5 EVENTS=30000 CONNECTIONS=4 ONLY=""
JVM_WARMUP=2 JVM_WARMUP_EVENTS=30000 WARMUP_PROBES=25 WARMUP_EVENTS=3000 QUIET_TIMEOUT=180 INGEST_TIMEOUT=600
PREFECT_WORKERS=1 KEEP=""
PREFECT_EXTRA_ENV=()
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --automations) AUTOMATIONS="$2"; shift 2 ;;
    --probe-automations) PROBE_AUTOMATIONS="$2"; shift 2 ;;
    --probes) PROBES="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --jvm-warmup) JVM_WARMUP="$2"; shift 2 ;;
    --jvm-warmup-events) JVM_WARMUP_EVENTS="$2"; shift 2 ;;
    --warmup-probes) WARMUP_PROBES="$2"; shift 2 ;;
    --warmup-events) WARMUP_EVENTS="$2"; shift 2 ;;
    --quiet-timeout) QUIET_TIMEOUT="$2"; shift 2 ;;
    --ingest-timeout) INGEST_TIMEOUT="$2"; shift 2 ;;
    --prefect-workers) PREFECT_WORKERS="$2"; shift 2 ;;
    --prefect-env) [[ "$2" =~ ^PREFECT_[A-Z0-9_]+=.*$ ]] || { echo "--prefect-env wants PREFECT_NAME=VALUE" >&2; exit 2; }
                   PREFECT_EXTRA_ENV+=("$2"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "automations.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in "" | steward | prefect) ;; *) echo "--only wants steward or prefect" >&2; exit 2 ;; esac

# shellcheck source=bench/devstack.sh
. "$HERE/devstack.sh"

mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"
PREFECT_PIDS=()
PREFECT_HOME_DIR=""
DRIVER_HOME=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  local pid
  for pid in "${PREFECT_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping Prefect's server process $pid"
      # its own process group (setsid below): the process and anything it spawned
      kill -TERM -- "-$pid" 2>/dev/null || true
    fi
  done
  for pid in "${PREFECT_PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  stop_started_stack
  [[ -n "$PREFECT_HOME_DIR" ]] && rm -rf "$PREFECT_HOME_DIR"
  [[ -n "$DRIVER_HOME" ]] && rm -rf "$DRIVER_HOME"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# 1. the virtualenvs ---------------------------------------------------------------------------------------------
VENV="$("$ROOT/it/prefect/run.sh" --venv-only)" || die "could not set up the Python virtualenv (see above)"
PY="$VENV/bin/python"
[[ -x "$PY" ]] || die "no python in $VENV"

SERVER_VENV="${STEWARD_PREFECT_SERVER_VENV:-$HOME/.cache/steward/prefect-server-venv}"
if [[ "$ONLY" != "steward" ]]; then
  REQ="$HERE/prefect-server/requirements.txt" OVERRIDES="$ROOT/it/prefect/overrides.txt"
  want="$(cat "$REQ" "$OVERRIDES" | sha256sum | cut -d' ' -f1)"
  if [[ "$(cat "$SERVER_VENV/.steward-requirements.sha256" 2>/dev/null)" != "$want" || ! -x "$SERVER_VENV/bin/prefect" ]]; then
    if [[ -e "$SERVER_VENV" ]]; then
      [[ -f "$SERVER_VENV/pyvenv.cfg" ]] || die "$SERVER_VENV exists but is not a virtualenv; remove it or set STEWARD_PREFECT_SERVER_VENV"
      rm -rf "$SERVER_VENV"
    fi
    say "creating $SERVER_VENV for Prefect's server ($(grep -E '^[a-z]' "$REQ" | tr '\n' ' '))"
    "$PY" -m venv "$SERVER_VENV" || die "could not create $SERVER_VENV"
    if [[ -z "${SSL_CERT_FILE:-}" && -n "${PIP_CERT:-}" ]]; then export SSL_CERT_FILE="$PIP_CERT"; fi
    # uv, as it/prefect/run.sh installs: it takes the overrides file (prefect 3.9.1's certifi pin)
    "$VENV/bin/uv" pip install --quiet --python "$SERVER_VENV/bin/python" --compile-bytecode -r "$REQ" \
        --override "$OVERRIDES" >&2 || die "could not install $REQ into $SERVER_VENV"
    echo "$want" > "$SERVER_VENV/.steward-requirements.sha256"
  fi
fi

# 2. the Steward dev stack --------------------------------------------------------------------------------------
use_dev_stack
dev_stack_database
REDIS_PORT="$(sed -n 's/^redis=\([0-9]*\).*/\1/p' "$STATE/ports.properties" 2>/dev/null || true)"

TARGET_ARGS=()
if [[ "$ONLY" != "prefect" ]]; then
  TARGET_ARGS+=(--target "steward=$STEWARD_API" --dsn "steward=$STEWARD_DSN" --auth-env steward=BENCH_STEWARD_AUTH
                --label steward=Steward --events-table steward=event)
fi

# 3. Prefect's server: API and background services, on database prefect_bench_automations and Redis --------------
PREFECT_SETUP=""
if [[ "$ONLY" != "steward" ]]; then
  [[ -n "$REDIS_PORT" ]] || die "no redis port in $STATE/ports.properties"
  SPY="$SERVER_VENV/bin/python"
  PREFECT_VERSION="$("$SPY" -c 'import prefect; print(prefect.__version__)')"
  PREFECT_REDIS_VERSION="$("$SPY" -c 'import prefect_redis; print(prefect_redis.__version__)' 2>/dev/null || echo '?')"
  say "database $PREFECT_DB on PostgreSQL $PG_HOST:$PG_PORT: dropping and creating it; Redis databases $PREFECT_REDIS_DB and $PREFECT_DOCKET_DB on 127.0.0.1:$REDIS_PORT: flushing them"
  PGADMIN_USER="${BENCH_PG_ADMIN_USER:-postgres}" PGADMIN_PASSWORD="${BENCH_PG_ADMIN_PASSWORD:-}" \
  PG_HOST="$PG_HOST" PG_PORT="$PG_PORT" PG_USER="$PG_USER" PREFECT_DB="$PREFECT_DB" REDIS_PORT="$REDIS_PORT" \
  REDIS_DBS="$PREFECT_REDIS_DB $PREFECT_DOCKET_DB" "$SPY" - <<'EOF' \
    || die "could not create database $PREFECT_DB (as ${BENCH_PG_ADMIN_USER:-postgres}; set BENCH_PG_ADMIN_USER/PASSWORD) or flush Redis"
import asyncio, os, asyncpg, redis
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
for n in os.environ["REDIS_DBS"].split():
    redis.Redis(host="127.0.0.1", port=int(os.environ["REDIS_PORT"]), db=int(n)).flushdb()
EOF

  PREFECT_PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  PREFECT_HOME_DIR="$(mktemp -d -t bench-prefect-home.XXXXXX)"
  SELF_HOSTED="the guide"
  # NAME=VALUE and where it comes from; applied to the migration, the API server and the services process
  PREFECT_SETTINGS=(
    "PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PREFECT_DB|$SELF_HOSTED, Database setup (PostgreSQL)"
    "PREFECT_MESSAGING_BROKER=prefect_redis.messaging|$SELF_HOSTED, Redis setup"
    "PREFECT_MESSAGING_CACHE=prefect_redis.messaging|$SELF_HOSTED, Redis setup"
    "PREFECT_SERVER_EVENTS_CAUSAL_ORDERING=prefect_redis.ordering|$SELF_HOSTED, Redis setup"
    "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE=prefect_redis.lease_storage|$SELF_HOSTED, Redis setup"
    "PREFECT_REDIS_MESSAGING_HOST=127.0.0.1|$SELF_HOSTED, Redis setup (the Steward stack's Redis)"
    "PREFECT_REDIS_MESSAGING_PORT=$REDIS_PORT|$SELF_HOSTED, Redis setup"
    "PREFECT_REDIS_MESSAGING_DB=$PREFECT_REDIS_DB|$SELF_HOSTED, Redis setup (database 1: Steward uses 0)"
    "PREFECT_SERVER_DOCKET_URL=redis://127.0.0.1:$REDIS_PORT/$PREFECT_DOCKET_DB|$SELF_HOSTED, Docket URL for background services (another database number, as its note suggests)"
    "PREFECT_API_DATABASE_MIGRATE_ON_START=false|$SELF_HOSTED, Database migrations (run once beforehand: prefect server database upgrade -y)"
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED=true|measured: ReactiveTriggers, ProactiveTriggers and Actions (its default)"
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED=true|measured: the events table (its default)"
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED=true|measured: task_run / task_run_state (its default)"
    "PREFECT_SERVER_ANALYTICS_ENABLED=false|not involved"
    "PREFECT_SERVER_UI_ENABLED=false|not involved"
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED=false|not involved (no deployments), as in bench/orchestration.sh"
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED=false|not involved, as in bench/orchestration.sh"
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED=false|not involved, as in bench/orchestration.sh"
    "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED=false|not involved, as in bench/orchestration.sh"
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED=false|not involved, as in bench/orchestration.sh"
    "PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED=false|not involved, as in bench/orchestration.sh"
    "PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_ENABLED=false|not involved, as in bench/orchestration.sh"
    "PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED=false|not involved (its default)"
  )
  for kv in "${PREFECT_EXTRA_ENV[@]}"; do PREFECT_SETTINGS+=("$kv|--prefect-env"); done

  prefect_env() {
    # nothing from the caller's Prefect profile or environment (API URL, auth strings) reaches the server
    for v in $(compgen -e | grep '^PREFECT_' || true); do unset "$v"; done
    export PREFECT_HOME="$PREFECT_HOME_DIR" PREFECT_LOGGING_LEVEL=INFO
    local entry
    for entry in "${PREFECT_SETTINGS[@]}"; do export "${entry%%|*}"; done
  }

  say "Prefect's server $PREFECT_VERSION (prefect-redis $PREFECT_REDIS_VERSION): migrating $PREFECT_DB"
  ( prefect_env; exec "$SERVER_VENV/bin/prefect" server database upgrade -y ) > "$OUT/prefect-migrate.log" 2>&1 < /dev/null \
    || { tail -n 30 "$OUT/prefect-migrate.log" >&2; die "prefect server database upgrade failed ($OUT/prefect-migrate.log)"; }

  PREFECT_API="http://127.0.0.1:$PREFECT_PORT/api"
  start_prefect_api() {  # WORKERS LOG: prefect server start --no-services, until /api/health answers
    say "starting Prefect's API server on 127.0.0.1:$PREFECT_PORT (--no-services, $1 worker(s); log $2)"
    (
      prefect_env
      exec setsid "$SERVER_VENV/bin/prefect" server start --host 127.0.0.1 --port "$PREFECT_PORT" --no-services \
        --no-ui --analytics-off --workers "$1"
    ) > "$2" 2>&1 < /dev/null &
    PREFECT_PIDS+=($!)
    local deadline=$((SECONDS + 300)) pid
    until curl -sf -o /dev/null "$PREFECT_API/health"; do
      for pid in "${PREFECT_PIDS[@]}"; do
        if ! kill -0 "$pid" 2>/dev/null; then
          tail -n 30 "$2" >&2
          die "a Prefect server process exited before the API answered /api/health (log above, $2)"
        fi
      done
      (( SECONDS < deadline )) || die "Prefect's API server did not answer $PREFECT_API/health within 5 minutes"
      sleep 1
    done
  }
  if (( PREFECT_WORKERS > 1 )); then
    # On a fresh database every worker registers Prefect's block types at start-up and all but one fail on the
    # unique slug, which stops the server (3.9.1): one worker registers them first, then the server restarts.
    start_prefect_api 1 "$OUT/prefect-api-first-start.log"
    pid="${PREFECT_PIDS[0]}"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    PREFECT_PIDS=()
    for _ in $(seq 1 40); do curl -sf -o /dev/null "$PREFECT_API/health" || break; sleep 0.25; done
  fi
  start_prefect_api "$PREFECT_WORKERS" "$OUT/prefect-api.log"
  say "starting Prefect's background services: prefect server services start (log $OUT/prefect-services.log)"
  (
    prefect_env
    exec setsid "$SERVER_VENV/bin/prefect" server services start
  ) > "$OUT/prefect-services.log" 2>&1 < /dev/null &
  PREFECT_PIDS+=($!)
  deadline=$((SECONDS + 300))
  # the services process has no health endpoint: wait until its log shows the services started
  until grep -q "Started\|started\|Starting services" "$OUT/prefect-services.log" 2>/dev/null; do
    kill -0 "${PREFECT_PIDS[-1]}" 2>/dev/null || { tail -n 30 "$OUT/prefect-services.log" >&2; die "prefect server services start exited ($OUT/prefect-services.log)"; }
    (( SECONDS < deadline )) || die "Prefect's background services did not start within 5 minutes ($OUT/prefect-services.log)"
    sleep 1
  done
  sleep 5
  for pid in "${PREFECT_PIDS[@]}"; do  # (with several workers, one may answer /api/health before another fails)
    kill -0 "$pid" 2>/dev/null \
      || { tail -n 20 "$OUT/prefect-api.log" "$OUT/prefect-services.log" >&2; die "a Prefect server process exited after start (logs above)"; }
  done
  say "Prefect's server ready"
  TARGET_ARGS+=(--target "prefect=$PREFECT_API" --dsn "prefect=$PREFECT_DSN" --label "prefect=Prefect $PREFECT_VERSION"
                --events-table prefect=events)
  PREFECT_SETUP="$(
    echo "Prefect's server $PREFECT_VERSION with prefect-redis $PREFECT_REDIS_VERSION, set up as Prefect's guide \"How to scale self-hosted Prefect\" (docs.prefect.io/v3/advanced/self-hosted) advises: \`prefect server start --no-services --workers $PREFECT_WORKERS\` (the API, 127.0.0.1:$PREFECT_PORT) and \`prefect server services start\` (the background services), each process with:"
    for entry in "${PREFECT_SETTINGS[@]}"; do
      kv="${entry%%|*}"
      [[ "$kv" == PREFECT_API_DATABASE_CONNECTION_URL=* ]] && kv="${kv/:$PG_PASSWORD@/:***@}"
      echo "  $kv   (${entry#*|})"
    done
    echo "  everything else at Prefect's defaults (e.g. the Redis publisher's batch of 5 events or 10 s per /events/in connection, the triggers service's read batch of 1)"
  )"
fi

# 4. the driver ------------------------------------------------------------------------------------------------
REPORT="$OUT/automations-$STAMP.txt"
DRIVER_HOME="$(mktemp -d -t bench-driver-home.XXXXXX)"
{
  echo "Steward $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+changes') at $STEWARD_API"
  [[ -n "$PREFECT_SETUP" ]] && echo "$PREFECT_SETUP"
  echo "PostgreSQL $PG_HOST:$PG_PORT (database $PG_DB$([[ -n "$PREFECT_SETUP" ]] && echo " and $PREFECT_DB")); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} | tee "$REPORT"
set +e
(
  for v in $(compgen -e | grep '^PREFECT_' || true); do unset "$v"; done
  export PREFECT_HOME="$DRIVER_HOME" PREFECT_LOGGING_LEVEL=WARNING PYTHONDONTWRITEBYTECODE=1
  export BENCH_STEWARD_AUTH="$STEWARD_AUTH" BENCH_PREFECT_SETUP="$PREFECT_SETUP"
  cd "$HERE"
  exec "$PY" automations.py "${TARGET_ARGS[@]}" --runs "$RUNS" --automations "$AUTOMATIONS" \
    --probe-automations "$PROBE_AUTOMATIONS" --probes "$PROBES" --rate "$RATE" --events "$EVENTS" \
    --connections "$CONNECTIONS" --warmup-probes "$WARMUP_PROBES" --warmup-events "$WARMUP_EVENTS" \
    --warmup-extra steward="$JVM_WARMUP" --warmup-extra-events "$JVM_WARMUP_EVENTS" --quiet-timeout "$QUIET_TIMEOUT" \
    --ingest-timeout "$INGEST_TIMEOUT" \
    --admin-dsn "postgresql://${BENCH_PG_ADMIN_USER:-postgres}${BENCH_PG_ADMIN_PASSWORD:+:$BENCH_PG_ADMIN_PASSWORD}@$PG_HOST:$PG_PORT/postgres" \
    --receiver-log "$OUT/webhook-calls-$STAMP.jsonl" ${KEEP:+--keep} --json-out "$OUT/automations-$STAMP.json" "${EXTRA[@]}"
) | tee -a "$REPORT"
rc=${PIPESTATUS[0]}
set -e
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end" | tee -a "$REPORT"
say "report: $REPORT (and .json)"
exit "$rc"
