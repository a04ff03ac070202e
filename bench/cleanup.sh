#!/usr/bin/env bash
# Cleanup queue benchmark (issue 5): the wake-up path and the throughput of reserve + ack, on the dev stack's Redis,
# beside redis-benchmark's figure on that same Redis in the same run.
#
#   bench/cleanup.sh [options]
#
#   --runs N           measured runs (default 5) after one smaller warm-up run; medians are printed, with each run's
#   --samples N        wake-up samples per run (default 500)
#   --gap MIN-MAX      milliseconds between two wake-up samples, random within (default 20-50)
#   --messages M       messages per throughput phase (default 20000)
#   --threads K        driver threads reserving and acking in the queue phase, and enqueueing (default 8)
#   --batch B          the most messages a thread reserves in one call in the queue's second phase (default 10)
#   --connections C    worker-channel connections in the end-to-end phase (default 4)
#   --concurrency X    their max_cleanup_concurrency (default 100)
#   --redis-requests N requests per redis-benchmark test (default 200000)
#
# What it prints (medians of the runs):
#   - wake-up latency p50/p99: one worker connected over the real worker channel (WS /api/workspaces/{ws}/
#     work_pools/{name}/workers/connect, Prefect's frames: auth, worker.hello.v1 with cleanup_delivery.v1,
#     handled_cleanup_kinds, max_cleanup_concurrency 1), the queue idle; the driver enqueues one message at a time
#     straight into the stack's Redis with the product's CleanupQueue (the producer's path: the MULTI with the
#     wake-up PUBLISH), and times from enqueue's return (EXEC acknowledged) to the worker having cleanup.message.v1,
#     then acks and waits for the operation_result before the next. Goal: p99 < 20 ms.
#   - reserve + ack msgs/s, (a) of the queue itself: K threads in the driver's JVM doing CleanupQueue.reserve + ack
#     over M messages enqueued beforehand (goal: >= 5,000 msgs/s on 2 cores), first reserving one message per call,
#     then up to B per call (as the dispatcher does for a worker with room for B; each is still acked on its own); (b) end to end through the server:
#     C worker-channel connections acking each delivery at once over M messages enqueued beforehand, from the first
#     delivery to the last accepted ack.
#   - redis-benchmark on the same Redis in the same run (-n N -t set,get,incr, its default 50 clients, no
#     pipelining): the mean of the three tests' requests/s is the raw-Redis peer; the ratio queue msgs/s : that,
#     and the Redis commands the queue issues per message (INFO commandstats before/after each phase) to read it by.
#
# What it does:
#   1. redis-benchmark: installed from Debian's redis-tools (apt-get, non-interactive) when missing;
#   2. the Steward dev stack: reuses a running `bin/steward dev` of this checkout, else starts one (building the WAR
#      if stale) and stops it at the end; connection details come from .steward/dev.env and ports.properties;
#   3. the driver dev.steward.bench.CleanupBench (it/src/test/java; compiled when missing or stale) on the
#      launcher's classpath, as bin/steward runs it. It creates a work pool per phase and run in workspace
#      `default` and deletes it afterwards, with everything the bench put in Redis.
# Reports: bench/out/cleanup-<time>.txt and .json. Figures depend on what else runs on the machine: the report
# records the load average at the start and the end.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$HERE/out"

RUNS=5 SAMPLES=500 GAP=20-50 MESSAGES=20000 THREADS=8 BATCH=10 CONNECTIONS=4 CONCURRENCY=100 REDIS_REQUESTS=200000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --samples) SAMPLES="$2"; shift 2 ;;
    --gap) GAP="$2"; shift 2 ;;
    --messages) MESSAGES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --redis-requests) REDIS_REQUESTS="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "cleanup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$GAP" =~ ^([0-9]+)-([0-9]+)$ ]] || { echo "--gap wants MIN-MAX in milliseconds" >&2; exit 2; }
GAP_MIN="${BASH_REMATCH[1]}" GAP_MAX="${BASH_REMATCH[2]}"

# shellcheck source=bench/devstack.sh
. "$HERE/devstack.sh"

mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"

stop_stack_on_exit

# 1. redis-benchmark --------------------------------------------------------------------------------------------
if ! command -v redis-benchmark > /dev/null; then
  say "installing redis-benchmark (Debian's redis-tools)"
  SUDO=""
  [[ "$(id -u)" == 0 ]] || SUDO="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q --no-install-recommends redis-tools >&2 \
    || { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q --no-install-recommends redis-tools >&2; } \
    || die "could not install redis-tools (apt-get as root)"
fi

# 2. the Steward dev stack --------------------------------------------------------------------------------------
use_dev_stack
[[ -n "${STEWARD_URL:-}" && -n "${STEWARD_API_KEY:-}" && -n "${STEWARD_DB_URL:-}" ]] \
  || die "$STATE/dev.env has no STEWARD_URL / STEWARD_API_KEY / STEWARD_DB_URL (did provisioning fail? see the dev log)"
REDIS_PORT="$(sed -n 's/^redis=\([0-9]*\).*/\1/p' "$STATE/ports.properties" 2>/dev/null || true)"
[[ -n "$REDIS_PORT" ]] || die "no redis port in $STATE/ports.properties"

for _ in $(seq 1 60); do
  curl -sf -o /dev/null -H "Authorization: Bearer $STEWARD_API_KEY" "$PREFECT_API_URL/health" && break
  sleep 1
done
curl -sf -o /dev/null -H "Authorization: Bearer $STEWARD_API_KEY" "$PREFECT_API_URL/health" \
  || die "Steward does not answer $PREFECT_API_URL/health with the dev API key"

# 3. the driver -------------------------------------------------------------------------------------------------
cd "$ROOT"
DRIVER_CLASS=target/test-classes/dev/steward/bench/CleanupBench.class
# (target/devstack.classpath exists: bin/steward dev builds it)
if [[ ! -f "$DRIVER_CLASS" \
      || -n "$(find it/src/test/java/dev/steward/bench src/main/java -newer "$DRIVER_CLASS" -name '*.java' -print -quit)" ]]; then
  say "compiling the driver: ./mvnw -q -DskipTests test-compile"
  ./mvnw -q -DskipTests test-compile >&2 || die "the driver did not compile"
fi

REPORT="$OUT/cleanup-$STAMP.txt"
{
  echo "Cleanup queue benchmark: Steward $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+changes') at $STEWARD_URL"
  echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $(date -u +%Y-%m-%dT%H:%M:%SZ); $(redis-benchmark --version 2>/dev/null | head -n1)"
} | tee "$REPORT"
set +e
java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/devstack.classpath)" dev.steward.bench.CleanupBench \
  --app "$STEWARD_URL" --workspace "${STEWARD_WORKSPACE:-default}" --api-key "$STEWARD_API_KEY" \
  --db-url "$STEWARD_DB_URL" --db-user "$STEWARD_DB_USER" --db-password "$STEWARD_DB_PASSWORD" \
  --redis "redis://127.0.0.1:$REDIS_PORT" --runs "$RUNS" --samples "$SAMPLES" --gap-min-ms "$GAP_MIN" \
  --gap-max-ms "$GAP_MAX" --messages "$MESSAGES" --threads "$THREADS" --batch "$BATCH" --connections "$CONNECTIONS" \
  --concurrency "$CONCURRENCY" --redis-requests "$REDIS_REQUESTS" --json-out "$OUT/cleanup-$STAMP.json" \
  | tee -a "$REPORT"
rc=${PIPESTATUS[0]}
set -e
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end" | tee -a "$REPORT"
say "report: $REPORT (and .json)"
exit "$rc"
