# Sourced by the bench scripts: the Steward dev stack of this checkout. use_dev_stack reuses a running
# `bin/steward dev`, else starts one (it builds first if stale; log $OUT/steward-dev.log) and waits until it is ready,
# then loads .steward/dev.env; stop_started_stack (for the script's EXIT trap) stops only a stack use_dev_stack started;
# stop_stack_on_exit sets that trap for a script with nothing else to clean up. Needs ROOT and OUT.
say() { echo "[bench] $*" >&2; }
die() { say "error: $*"; exit 1; }
STATE="$ROOT/.steward"
STARTED_STACK_PID=""

stack_running() {
  [[ -f "$STATE/steward.pid" ]] && kill -0 "$(cat "$STATE/steward.pid")" 2>/dev/null
}

use_dev_stack() {
  if stack_running; then
    say "using the running Steward dev stack (pid $(cat "$STATE/steward.pid"))"
  else
    say "starting the Steward dev stack: bin/steward dev (log $OUT/steward-dev.log; builds first if stale)"
    (cd "$ROOT" && exec setsid bin/steward dev) > "$OUT/steward-dev.log" 2>&1 < /dev/null &
    STARTED_STACK_PID=$!
    local deadline=$((SECONDS + 1800))
    until grep -q "^Steward is running" "$OUT/steward-dev.log" 2>/dev/null; do
      if ! kill -0 "$STARTED_STACK_PID" 2>/dev/null; then
        tail -n 30 "$OUT/steward-dev.log" >&2
        STARTED_STACK_PID=""
        die "bin/steward dev exited before the stack was ready (log above, $OUT/steward-dev.log)"
      fi
      (( SECONDS < deadline )) || die "the Steward dev stack was not ready after 30 minutes ($OUT/steward-dev.log)"
      sleep 2
    done
    say "Steward dev stack ready"
  fi
  [[ -f "$STATE/dev.env" ]] || die "$STATE/dev.env is missing; restart the dev stack (bin/steward stop; bin/steward dev)"
  # shellcheck disable=SC1091
  . "$STATE/dev.env"
}

# The dev stack's PostgreSQL (dev.env's STEWARD_DB_*; a stack started before they were written there:
# ports.properties) and its API answering the dev key: sets STEWARD_API, STEWARD_AUTH, PG_HOST, PG_PORT, PG_DB,
# PG_USER, PG_PASSWORD, STEWARD_DSN and PREFECT_DSN (for the database named by PREFECT_DB). After use_dev_stack.
dev_stack_database() {
  [[ -n "${PREFECT_API_URL:-}" && -n "${PREFECT_API_AUTH_STRING:-}" ]] \
    || die "$STATE/dev.env has no PREFECT_API_URL / PREFECT_API_AUTH_STRING (did provisioning fail? see the dev log)"
  STEWARD_API="$PREFECT_API_URL"
  STEWARD_AUTH="$PREFECT_API_AUTH_STRING"
  if [[ -n "${STEWARD_DB_URL:-}" ]]; then
    [[ "$STEWARD_DB_URL" =~ ^jdbc:postgresql://([^:/]+):([0-9]+)/([^?]+) ]] \
      || die "cannot read host, port and database from STEWARD_DB_URL=$STEWARD_DB_URL"
    PG_HOST="${BASH_REMATCH[1]}" PG_PORT="${BASH_REMATCH[2]}" PG_DB="${BASH_REMATCH[3]}"
    PG_USER="${STEWARD_DB_USER:-steward}" PG_PASSWORD="${STEWARD_DB_PASSWORD:-steward}"
  else
    PG_PORT="$(sed -n 's/^postgres=\([0-9]*\).*/\1/p' "$STATE/ports.properties" 2>/dev/null || true)"
    [[ -n "$PG_PORT" ]] || die "no STEWARD_DB_URL in dev.env and no postgres port in $STATE/ports.properties"
    PG_HOST=127.0.0.1 PG_DB=steward PG_USER=steward PG_PASSWORD=steward
  fi
  STEWARD_DSN="postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DB"
  PREFECT_DSN="postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PREFECT_DB"
  for _ in $(seq 1 60); do
    curl -sf -o /dev/null -H "Authorization: Bearer $STEWARD_AUTH" "$STEWARD_API/health" && return 0
    sleep 1
  done
  die "Steward does not answer $STEWARD_API/health with the dev API key"
}

stop_started_stack() {
  [[ -n "$STARTED_STACK_PID" ]] || return 0
  say "stopping the Steward dev stack this script started"
  (cd "$ROOT" && bin/steward stop >&2) || true
  for _ in $(seq 1 120); do kill -0 "$STARTED_STACK_PID" 2>/dev/null || break; sleep 0.5; done
}

stop_stack_on_exit() {
  # shellcheck disable=SC2317 # called by the trap
  on_exit() {
    local rc=$?
    trap - EXIT INT TERM HUP
    stop_started_stack
    exit "$rc"
  }
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
}
