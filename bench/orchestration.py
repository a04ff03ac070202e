#!/usr/bin/env python3
"""Orchestration benchmark driver: loads one or more Prefect-API servers the way the prefect 3.9 client does and
prints medians. Run it through bench/orchestration.sh, which starts the servers and passes the targets.

Per server and run:
  ingest     a fresh flow run (created and set Running over HTTP), then N/3 task runs of it, each as the three
             state events the client's task engine emits (Pending, Running, Completed), built and framed as
             WebSocket frames before timing and sent over C `/events/in` WebSockets (the client's subprotocol, auth
             frame and checkpoint pings). The
             clock runs from the first send until PostgreSQL holds a `task_run_state` row for every event (polled
             directly); events/s = N / that time. The client's own send rate is printed beside it. Then, not
             timed, it waits (--drain-timeout) until every event also has its row in the server's events table, so
             the next phase never runs against a backlog; how long that took is printed too.
  set_state  fresh flow runs (Pending) created beforehand; then an open loop at a fixed rate of
             `POST /flow_runs/{id}/set_state`, each run Running and, `--lag` seconds later, Completed, with the
             client's bodies, over keep-alive connections opened before the clock starts; each latency is taken
             from the request's scheduled send time (no coordinated omission). Every response must be 200/201
             with status ACCEPT, else it counts as an error.
The driver keeps its own work out of the timed loops (frames built beforehand, a lean HTTP/1.1 client), because it
shares the 2 cores with the server: it must not be what is measured.

A warm-up round (discarded; --warmup-events, --warmup-duration) precedes the measured runs, and --warmup-extra gives
a JVM server more of them alone (its JIT compiles for minutes after start; a Python server has nothing to warm up).
Before each phase the driver waits until the machine is quiet (--quiet-cpu), so that what a server still does after
its answers (Prefect persists events and runs services for seconds) is not charged to the next one measured.
Servers alternate within each run so slow drift on a shared machine hits both alike.

Targets: --target NAME=API_URL --dsn NAME=POSTGRES_DSN [--auth-env NAME=ENV_VAR] [--label NAME=TEXT]
         [--events-table NAME=TABLE]; NAME "steward" and "prefect" give the ratio steward/prefect.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import gc
import json
import math
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from websockets.typing import Subprotocol

import client_events as ce
from prefect._internal.websockets import websocket_connect
from prefect.client.constants import SERVER_API_VERSION

FLOW_NAME = "bench-orchestration"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


@dataclass
class Target:
    name: str
    label: str
    api: str
    dsn: str
    auth: str | None
    events_table: str
    http: httpx.AsyncClient | None = None
    flow_id: uuid.UUID | None = None
    ingest: list[dict] = field(default_factory=list)
    set_state: list[dict] = field(default_factory=list)

    def headers(self) -> dict[str, str]:
        # as PrefectClient: the API version, the client's user agent, the auth string as HTTP Basic
        h = {"X-PREFECT-API-VERSION": SERVER_API_VERSION,
             "User-Agent": f"prefect/{ce.PREFECT_VERSION} (API {SERVER_API_VERSION})"}
        if self.auth:
            h["Authorization"] = "Basic " + base64.b64encode(self.auth.encode()).decode()
        return h


# ---------------------------------------------------------------------------------------------------------------
# HTTP helpers

class KeepAlivePool:
    """The timed set_state loop's HTTP/1.1 client: N keep-alive connections, requests written as bytes, responses read
    by Content-Length or chunked encoding. Why not httpx there: at 200 requests/s httpx took a whole core of this
    2-core machine, so the latency figures were partly the client's own queueing. The requests on the wire are the
    same (method, path, headers, body)."""

    def __init__(self, api: str, headers: dict[str, str], size: int):
        url = httpx.URL(api)
        self.host, self.port, self.base = url.host, url.port or 80, url.raw_path.decode().rstrip("/")
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Host": f"{self.host}:{self.port}",
                                                          "Content-Type": "application/json"}.items())
        self.idle: asyncio.Queue = asyncio.Queue()
        self.size = size

    async def open(self) -> None:
        for _ in range(self.size):
            self.idle.put_nowait(await asyncio.open_connection(self.host, self.port))

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        reader, writer = await self.idle.get()
        try:
            writer.write(f"POST {self.base}{path} HTTP/1.1\r\n{self.head}Content-Length: {len(body)}\r\n\r\n"
                         .encode() + body)
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, chunked = None, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                parts = []
                while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
                    parts.append(await reader.readexactly(size))
                    await reader.readline()
                await reader.readline()
                content = b"".join(parts)
            else:
                content = await reader.readexactly(length or 0)
            self.idle.put_nowait((reader, writer))
            return status, content
        except BaseException:
            writer.close()
            self.idle.put_nowait(await asyncio.open_connection(self.host, self.port))
            raise

    async def close(self) -> None:
        while not self.idle.empty():
            _, writer = self.idle.get_nowait()
            writer.close()


async def post_json(t: Target, path: str, body: Any, expect=(200, 201)) -> Any:
    r = await t.http.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
    if r.status_code not in expect:
        raise BenchError(f"{t.label}: POST {path} answered {r.status_code}: {r.text[:500]}")
    return r.json()


async def setup(t: Target, http_connections: int) -> None:
    limits = httpx.Limits(max_connections=http_connections, max_keepalive_connections=http_connections)
    t.http = httpx.AsyncClient(base_url=t.api, headers=t.headers(), limits=limits, timeout=60.0)
    try:
        r = await t.http.get("/health")
    except httpx.HTTPError as e:
        raise BenchError(f"{t.label}: {t.api}/health unreachable: {e}") from e
    if r.status_code != 200:
        raise BenchError(f"{t.label}: {t.api}/health answered {r.status_code}: {r.text[:300]}")
    flow = await post_json(t, "/flows/", {"name": FLOW_NAME})
    t.flow_id = uuid.UUID(flow["id"])
    try:
        db = await asyncpg.connect(t.dsn)
    except Exception as e:
        raise BenchError(f"{t.label}: cannot connect to PostgreSQL ({redact(t.dsn)}): {e}") from e
    try:
        for table in ("task_run_state", t.events_table):
            if not await db.fetchval("select to_regclass($1) is not null", table):
                raise BenchError(f"{t.label}: table {table} not found in {redact(t.dsn)}")
        # a slow-statement log writes each logged ingest batch out with its parameters (megabytes per statement):
        # it once cost the database more CPU than the inserts themselves
        logged = await db.fetchval("select current_setting('log_min_duration_statement')")
        if logged != "-1":
            log(f"WARNING {t.label}: PostgreSQL logs statements slower than {logged} (log_min_duration_statement), "
                f"with their parameters; figures are lower than they should be (ALTER SYSTEM RESET "
                f"log_min_duration_statement; SELECT pg_reload_conf())")
    finally:
        await db.close()


def redact(dsn: str) -> str:
    if "@" in dsn and "://" in dsn:
        scheme, rest = dsn.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return dsn


async def create_flow_runs(t: Target, count: int, prefix: str, concurrency: int = 8) -> list[tuple[uuid.UUID, str]]:
    """count flow runs in state Pending, created with the client's body; (id, name) each."""
    out: list[tuple[uuid.UUID, str] | None] = [None] * count
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with sem:
            name = f"{prefix}-{i}"
            run = await post_json(t, "/flow_runs/", ce.flow_run_create_body(t.flow_id, name))
            out[i] = (uuid.UUID(run["id"]), run["name"])

    await asyncio.gather(*(one(i) for i in range(count)))
    return out  # type: ignore[return-value]


async def set_state_checked(t: Target, run_id: uuid.UUID, body: dict) -> None:
    res = await post_json(t, f"/flow_runs/{run_id}/set_state", body)
    if res.get("status") != "ACCEPT":
        raise BenchError(f"{t.label}: set_state {body['state']['type']} of {run_id} answered {res}")


# ---------------------------------------------------------------------------------------------------------------
# ingest: task-run state events over /events/in, until recorded in task_run_state

def events_in_url(api: str) -> str:
    # prefect.events.clients.events_in_socket_from_api_url
    return api.replace("http://", "ws://", 1).replace("https://", "wss://", 1).rstrip("/") + "/events/in"


async def open_events_socket(t: Target):
    """As PrefectEventsClient._reconnect: connect with the "prefect" subprotocol (and the auth string as HTTP Basic
    when set), ping, send the auth frame, expect auth_success."""
    kwargs: dict[str, Any] = {"subprotocols": [Subprotocol("prefect")]}
    if t.auth:
        kwargs["additional_headers"] = {"Authorization": "Basic " + base64.b64encode(t.auth.encode()).decode()}
    connect = websocket_connect(events_in_url(t.api), **kwargs)
    ws = await connect.__aenter__()
    pong = await ws.ping()
    await pong
    await ws.send(json.dumps({"type": "auth", "token": t.auth}))
    reply = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if reply.get("type") != "auth_success":
        raise BenchError(f"{t.label}: /events/in auth failed: {reply}")
    return connect, ws


def frame_chunks(ws, messages: list[str], checkpoint_every: int) -> list[bytes]:
    """The messages as this connection's own masked text frames (websockets' protocol object frames them, as its
    send() would), checkpoint_every per chunk. Encoded before the clock starts: framing and masking in Python took
    a whole core at about 5,000 events/s, so the figure was the client's. The bytes on the wire are the same."""
    chunks = []
    for i in range(0, len(messages), checkpoint_every):
        for m in messages[i:i + checkpoint_every]:
            ws.protocol.send_text(m.encode())
        chunks.append(b"".join(ws.protocol.data_to_send()))
    return chunks


async def send_events(ws, chunks: list[bytes]) -> float:
    """Writes each chunk of frames, then waits for a pong, as the client's _checkpoint does every checkpoint_every
    events; the last pong means the server has read everything. Returns the time of that last pong."""
    for chunk in chunks:
        ws.transport.write(chunk)
        pong = await ws.ping()
        await pong
    return time.perf_counter()


async def run_ingest(t: Target, n_events: int, connections: int, checkpoint_every: int, timeout: float,
                     poll_interval: float, tag: str) -> dict:
    n_tasks = max(1, n_events // 3)
    (flow_run_id, flow_run_name), = await create_flow_runs(t, 1, f"bench-ingest-{tag}")
    await set_state_checked(t, flow_run_id, ce.running_body(flow_run_id))

    factory = ce.EventFactory(flow_run_id, flow_run_name, t.flow_id, FLOW_NAME)
    per_conn: list[list[str]] = [[] for _ in range(connections)]
    task_run_ids: list[uuid.UUID] = []
    event_ids: list[uuid.UUID] = []
    last_of_conn: dict[int, uuid.UUID] = {}
    for i in range(n_tasks):
        task_run_id, events, ids = factory.task_run(dt.timedelta(microseconds=200 * i))
        tid = uuid.UUID(task_run_id)
        task_run_ids.append(tid)
        event_ids.extend(uuid.UUID(e) for e in ids)
        per_conn[i % connections].extend(events)
        last_of_conn[i % connections] = tid
    sent = 3 * n_tasks
    sample = list({*random.sample(task_run_ids, min(200, n_tasks)), *last_of_conn.values()})
    nbytes = sum(len(m) for c in per_conn for m in c)

    db = await asyncpg.connect(t.dsn)
    sockets = []
    senders: list[asyncio.Task] = []
    try:
        count_sql = "select count(*) from task_run_state where task_run_id = any($1::uuid[])"
        before = await db.fetchval(count_sql, task_run_ids)
        if before:
            raise BenchError(f"{t.label}: {before} task_run_state rows exist before sending")
        for _ in range(connections):
            sockets.append(await open_events_socket(t))
        # the client offers permessage-deflate (websockets' default); whether the server takes it changes the
        # client's cost per event a lot, so it is reported
        extensions = sockets[0][1].response.headers.get("Sec-WebSocket-Extensions") or "none"

        chunks = [frame_chunks(ws, msgs, checkpoint_every) for (_, ws), msgs in zip(sockets, per_conn)]
        t0 = time.perf_counter()
        senders = [asyncio.create_task(send_events(ws, c)) for (_, ws), c in zip(sockets, chunks)]
        deadline = t0 + timeout
        full = False
        recorded = 0
        t_end = None
        polls = 0
        while True:
            tq = time.perf_counter()
            failed = [s for s in senders if s.done() and s.exception() is not None]
            if failed:
                raise BenchError(f"{t.label}: sending over /events/in failed: {failed[0].exception()!r}")
            if not full:
                n = await db.fetchval(count_sql, sample)
                polls += 1
                if n >= 3 * len(sample):
                    full = True
                    continue
            else:
                recorded = await db.fetchval(count_sql, task_run_ids)
                polls += 1
                if recorded >= sent:
                    t_end = tq
                    break
            if tq > deadline:
                break
            await asyncio.sleep(poll_interval)
        if t_end is None:
            recorded = await db.fetchval(count_sql, task_run_ids)
        done, pending = await asyncio.wait(senders, timeout=max(1.0, deadline - time.perf_counter()))
        for s in done:
            if s.exception() is not None:
                raise BenchError(f"{t.label}: sending over /events/in failed: {s.exception()!r}")
        send_done = max(s.result() for s in done) if done and not pending else None
    finally:
        for s in senders:
            s.cancel()
        for connect, ws in sockets:
            try:
                await connect.__aexit__(None, None, None)
            except Exception:
                pass
        await db.close()

    complete = t_end is not None
    elapsed = (t_end if complete else time.perf_counter()) - t0
    return {
        "events": sent, "task_runs": n_tasks, "connections": connections, "bytes": nbytes,
        "complete": complete, "recorded": recorded, "elapsed_s": elapsed,
        "events_per_s": (sent if complete else recorded) / elapsed,
        "send_s": (send_done - t0) if send_done else None,
        "send_events_per_s": (sent / (send_done - t0)) if send_done else None,
        "polls": polls, "flow_run_id": str(flow_run_id), "websocket_extensions": extensions,
        "_task_run_ids": task_run_ids, "_event_ids": event_ids,
    }


async def drain(t: Target, task_run_ids: list[uuid.UUID], event_ids: list[uuid.UUID], timeout: float) -> dict:
    """After an ingest run (not timed): waits until every sent event has its task_run_state row and its row in the
    events table, so the next phase does not run against a backlog. Polls every second, at most timeout seconds."""
    db = await asyncpg.connect(t.dsn)
    try:
        start = time.perf_counter()
        while True:
            states = await db.fetchval("select count(*) from task_run_state where task_run_id = any($1::uuid[])",
                                       task_run_ids)
            events = await db.fetchval(f"select count(*) from {t.events_table} where id = any($1::uuid[])",
                                       event_ids)
            waited = time.perf_counter() - start
            if (states >= len(event_ids) and events >= len(event_ids)) or waited > timeout:
                return {"drained": states >= len(event_ids) and events >= len(event_ids), "drain_s": waited,
                        "task_run_state_rows": states, "events_rows": events}
            await asyncio.sleep(1.0)
    finally:
        await db.close()


# ---------------------------------------------------------------------------------------------------------------
# set_state latency at a fixed rate

def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[k - 1]


async def run_set_state(t: Target, rate: float, duration: float, lag: float, tag: str,
                        http_connections: int) -> dict:
    block = max(1, round(rate * lag))              # requests per block: Running of B runs, then their Completed
    total = max(2 * block, math.ceil(rate * duration / (2 * block)) * 2 * block)
    n_runs = total // 2
    runs = await create_flow_runs(t, n_runs, f"bench-set-state-{tag}")
    running = [json.dumps(ce.running_body(rid)).encode() for rid, _ in runs]
    completed = [json.dumps(ce.completed_body(rid)).encode() for rid, _ in runs]
    # the pool's connections open before the clock starts
    pool = KeepAlivePool(t.api, t.headers(), http_connections)
    await pool.open()

    slots: list[tuple[int, bool]] = []             # (run index, is Completed)
    for j in range(total):
        b, k = divmod(j, block)
        slots.append(((b // 2) * block + k, b % 2 == 1))
    accepted = [asyncio.Event() for _ in range(n_runs)]
    latencies: list[float] = [math.nan] * total
    lags: list[float] = [0.0] * total
    errors: list[str] = []
    waited_for_running = 0
    async def request(j: int, scheduled: float) -> None:
        nonlocal waited_for_running
        run, is_completed = slots[j]
        run_id = runs[run][0]
        # how late this client started the request: its own scheduling delay, not the server's
        lags[j] = time.perf_counter() - scheduled
        try:
            if is_completed and not accepted[run].is_set():
                # the run's Running answer is still out: Completed waits for it (the wait counts as latency)
                waited_for_running += 1
                await accepted[run].wait()
            body = completed[run] if is_completed else running[run]
            code, content = await pool.post(f"/flow_runs/{run_id}/set_state", body)
            done = time.perf_counter()
            if code not in (200, 201):
                errors.append(f"HTTP {code}: {content[:200]!r}")
            elif (status := json.loads(content).get("status")) != "ACCEPT":
                errors.append(f"status {status}: {content[:200]!r}")
            latencies[j] = done - scheduled
        except Exception as e:
            errors.append(repr(e))
        finally:
            if not is_completed:
                accepted[run].set()

    def scheduled_at(j: int) -> float:
        return j / rate

    tasks = []
    start = time.perf_counter() + 0.05
    for j in range(total):
        scheduled = start + j / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(request(j, scheduled)))
    await asyncio.gather(*tasks)
    last = time.perf_counter()
    await pool.close()
    ok = sorted(x for x in latencies if not math.isnan(x))
    lag_sorted = sorted(lags)
    return {
        "requests": total, "target_rate": rate, "flow_runs": n_runs,
        "achieved_rate": total / (last - start),
        "errors": len(errors), "error_samples": errors[:5],
        "p50_ms": percentile(ok, 50) * 1000, "p90_ms": percentile(ok, 90) * 1000,
        "p99_ms": percentile(ok, 99) * 1000, "max_ms": (ok[-1] * 1000) if ok else math.nan,
        "dispatch_lag_p99_ms": percentile(lag_sorted, 99) * 1000,
        "completed_waited_for_running": waited_for_running,
        # the slowest 1%: (seconds after the start, latency in ms, the client's dispatch lag in ms), to tell a
        # stall from a spread, and the server's stall from the client's
        "slowest": sorted(((round(scheduled_at(j), 3), round(x * 1000, 1), round(lags[j] * 1000, 1))
                           for j, x in enumerate(latencies) if not math.isnan(x)), key=lambda p: -p[1])[:max(1, total // 100)],
    }


# ---------------------------------------------------------------------------------------------------------------
# the report

def med(values: list[float]) -> float:
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else math.nan


def fmt_num(v: float | None, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:,.{digits}f}"


def report(targets: list[Target], args) -> str:
    lines: list[str] = []
    runs = args.runs
    lines.append(f"Orchestration benchmark: medians of {runs} run(s) per server; each run's figure in brackets")
    lines.append(f"  ingest     {args.events // 3 * 3:,} task-run state events per run ({args.events // 3:,} task runs x "
                 f"Pending/Running/Completed), {args.connections} /events/in connection(s); recorded = rows in "
                 f"task_run_state")
    lines.append(f"  set_state  {args.rate:g} requests/s open loop for {args.duration:g} s per run (Running, then "
                 f"Completed {args.lag:g} s later, on fresh flow runs), {args.http_connections} HTTP connections")
    lines.append("")

    def cell(values: list[float | None], digits: int) -> str:
        m = med([v for v in values if v is not None])
        if len(values) == 1:
            return fmt_num(m, digits)
        return f"{fmt_num(m, digits)} [{' '.join(fmt_num(v, digits) for v in values)}]"

    cols = [t.label for t in targets]
    ratio = None
    by_name = {t.name: t for t in targets}
    if "steward" in by_name and "prefect" in by_name:
        ratio = (by_name["steward"], by_name["prefect"])
    table: list[list[str]] = [[""] + cols + (["Steward/Prefect"] if ratio else [])]

    def row(label: str, rows_of: list[list[dict]], getter, digits: int, ratio_kind: str | None = None):
        vals = [[getter(r) for r in rows] for rows in rows_of]
        cells = [label] + [cell(v, digits) for v in vals]
        if ratio:
            text = ""
            if ratio_kind:
                st = med([x for x in vals[targets.index(ratio[0])] if x is not None])
                pr = med([x for x in vals[targets.index(ratio[1])] if x is not None])
                if ratio_kind == "higher":
                    text = f"{fmt_num(st / pr if pr else math.nan, 2)}x"
                else:
                    text = f"{fmt_num(pr / st if st else math.nan, 2)}x (Prefect/Steward)"
            cells.append(text)
        table.append(cells)

    ingest = [t.ingest for t in targets]
    row("events recorded/s", ingest, lambda r: r["events_per_s"], 0, "higher")
    row("  client send rate, events/s", ingest, lambda r: r["send_events_per_s"], 0)
    row("  seconds to record all", ingest, lambda r: r["elapsed_s"] if r["complete"] else None, 2)
    row("  in events table, %", ingest,
        lambda r: (100.0 * r["events_rows"] / r["events"]) if r.get("events_rows") is not None else None, 1)
    row("  s more until all stored", ingest, lambda r: r.get("drain_s"), 1)
    set_state = [t.set_state for t in targets]
    row("set_state p50, ms", set_state, lambda r: r["p50_ms"], 1, "lower")
    row("set_state p99, ms", set_state, lambda r: r["p99_ms"], 1, "lower")
    row("  max, ms", set_state, lambda r: r["max_ms"], 1)
    row("  achieved rate, req/s", set_state, lambda r: r["achieved_rate"], 0)
    row("  errors", set_state, lambda r: r["errors"], 0)
    row("  client dispatch lag p99, ms", set_state, lambda r: r["dispatch_lag_p99_ms"], 1)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        lines.append("   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())

    incomplete = [(t.label, i + 1, r) for t in targets for i, r in enumerate(t.ingest) if not r["complete"]]
    for label, i, r in incomplete:
        lines.append(f"  ! {label} run {i}: only {r['recorded']:,} of {r['events']:,} task_run_state rows after "
                     f"{r['elapsed_s']:.0f} s (--ingest-timeout); its figure is recorded/elapsed")
    for t in targets:
        for i, r in enumerate(t.ingest):
            if not r.get("drained", True):
                lines.append(f"  ! {t.label} run {i + 1}: still not all stored {r['drain_s']:.0f} s after the "
                             f"measurement (--drain-timeout): its set_state run {i + 1} ran against that backlog")
        for i, r in enumerate(t.set_state):
            if r["errors"]:
                lines.append(f"  ! {t.label} set_state run {i + 1}: {r['errors']} error(s), e.g. "
                             f"{r['error_samples'][0]}")

    for t in targets:
        ext = sorted({r.get("websocket_extensions", "?") for r in t.ingest})
        lines.append(f"  {t.label}: /events/in WebSocket extensions negotiated: {', '.join(ext)}")

    lines.append("  before each phase: " + ("autovacuum finished and a CHECKPOINT (--admin-dsn), then " if args.admin_dsn
                                            else "") + f"under {args.quiet_cpu:.0%} of the cores busy")
    if BUSY_STARTS:
        lines.append(f"  WARNING: {len(BUSY_STARTS)} phase(s) started on a busy machine (not quiet after "
                     f"{args.quiet_timeout:g} s): something else ran; compare with care")
    lines.append("")
    lines.append("Goals (medians)")
    if "steward" not in by_name:
        lines.append("  (the goals are Steward's; it was not loaded in this run)")
    for t in targets:
        if t.name != "steward":
            continue
        ev = med([r["events_per_s"] for r in t.ingest])
        p99 = med([r["p99_ms"] for r in t.set_state])
        lines.append(f"  >= 10,000 task-run state events/s recorded     {fmt_num(ev)}/s: {'met' if ev >= 10000 else 'not met'}")
        rate_ok = args.rate >= 200 and all(r["errors"] == 0 and r["achieved_rate"] >= 0.95 * args.rate
                                           for r in t.set_state)
        verdict = "met" if p99 < 25 and rate_ok else "not met"
        if p99 < 25 and not rate_ok:
            verdict += " (the rate was below 200 req/s, not reached, or had errors)"
        lines.append(f"  set_state p99 < 25 ms at 200 req/s              {fmt_num(p99, 1)} ms at {args.rate:g}/s: "
                     f"{verdict}")
        if ratio:
            pr_ev = med([r["events_per_s"] for r in ratio[1].ingest])
            pr_p99 = med([r["p99_ms"] for r in ratio[1].set_state])
            r_ev = ev / pr_ev if pr_ev else math.nan
            r_p99 = pr_p99 / p99 if p99 else math.nan
            lines.append(f"  >= 5x Prefect's server, events/s               {fmt_num(r_ev, 2)}x: "
                         f"{'met' if r_ev >= 5 else 'not met'}")
            lines.append(f"  >= 5x Prefect's server, set_state p99          {fmt_num(r_p99, 2)}x: "
                         f"{'met' if r_p99 >= 5 else 'not met'}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------

def parse_named(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for v in values or []:
        if "=" not in v:
            raise SystemExit(f"{option} wants NAME=VALUE, got {v!r}")
        k, val = v.split("=", 1)
        out[k] = val
    return out


def cpu_busy_fraction(window: float) -> float:
    """The share of all cores busy over the window, from /proc/stat (Linux)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)
    busy0, total0 = sample()
    time.sleep(window)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(1, total1 - total0)


@contextlib.contextmanager
def client_gc_paused():
    """Keeps this driver's own garbage collector out of a phase: with prefect imported, a full collection walks over
    100,000 objects and stopped the event loop for about 100 ms, which a latency measured from the request's
    scheduled time then charged to the server. The objects alive before the phase are frozen (never walked again)
    and collection is off until the phase ends; reference counting still frees what the phase drops."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


BUSY_STARTS: list[float] = []  # the busy share of the cores when a phase had to start before the machine was quiet


async def settle_database(args) -> None:
    """With --admin-dsn: lets the shared PostgreSQL finish the previous phase's background work before the next one,
    whichever server comes next: waits for running autovacuum workers, then writes out the dirty pages (CHECKPOINT).
    Else a checkpoint, or a vacuum of the tables just written, lands in the next phase: of the second server measured
    as often as not, and a phase of 9,000 events lasts about a second."""
    if not args.admin_dsn:
        return
    deadline = time.monotonic() + args.quiet_timeout
    c = await asyncpg.connect(args.admin_dsn)
    try:
        while await c.fetchval("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'"):
            if time.monotonic() > deadline:
                log(f"autovacuum still running after {args.quiet_timeout:g} s; going on")
                BUSY_STARTS.append(-1.0)
                break
            await asyncio.sleep(0.5)
        await c.execute("checkpoint")
    finally:
        await c.close()


async def quiesce(args) -> float:
    """Waits until the machine is quiet before the next phase: a server's work does not end with its answers (Prefect's
    server persists events and runs its services for seconds after a load), and whatever still runs would be charged
    to the next server measured. Quiet = under --quiet-cpu of all cores busy for two windows in a row, after the
    database has settled (settle_database)."""
    start = time.monotonic()
    await asyncio.sleep(args.settle)
    await settle_database(args)
    quiet_windows = 0
    while quiet_windows < 2:
        busy = await asyncio.to_thread(cpu_busy_fraction, 0.5)
        quiet_windows = quiet_windows + 1 if busy < args.quiet_cpu else 0
        if time.monotonic() - start > args.quiet_timeout:
            log(f"machine not quiet after {args.quiet_timeout:g} s ({busy:.0%} of the cores busy); going on")
            BUSY_STARTS.append(busy)
            break
    waited = time.monotonic() - start
    if waited > args.settle + 2:
        log(f"waited {waited:.0f} s for the machine to be quiet")
    return waited


async def one_round(targets: list[Target], args, events: int, duration: float, tag: str, keep: bool) -> None:
    for t in targets:
        log(f"{t.label}: ingest of {events:,} events ({tag})")
        with client_gc_paused():
            res = await run_ingest(t, events, args.connections, args.checkpoint_every, args.ingest_timeout,
                                   args.poll_interval, f"{tag}")
        state = "all recorded" if res["complete"] else f"ONLY {res['recorded']:,} recorded"
        send = f"{res['send_events_per_s']:,.0f}/s" if res["send_events_per_s"] else "unfinished"
        log(f"{t.label}: {res['events_per_s']:,.0f} events/s ({state} in {res['elapsed_s']:.2f} s; "
            f"client sent at {send})")
        drained = await drain(t, res.pop("_task_run_ids"), res.pop("_event_ids"), args.drain_timeout)
        res.update(drained)
        log(f"{t.label}: " + ("all events in task_run_state and in table " + t.events_table if drained["drained"]
                              else f"NOT DRAINED after {drained['drain_s']:.0f} s (--drain-timeout): "
                                   f"{drained['task_run_state_rows']:,} task_run_state rows, "
                                   f"{drained['events_rows']:,} rows in {t.events_table}, of {res['events']:,}")
            + f" ({drained['drain_s']:.1f} s after the measurement)")
        # the flow run ends, as the client's flow engine would end it (not timed)
        await set_state_checked(t, uuid.UUID(res["flow_run_id"]), ce.completed_body(uuid.UUID(res["flow_run_id"])))
        res["quiesce_s"] = await quiesce(args)
        if keep:
            t.ingest.append(res)
        log(f"{t.label}: set_state at {args.rate:g}/s for {duration:g} s ({tag})")
        quiet_s = res["quiesce_s"]
        with client_gc_paused():
            res = await run_set_state(t, args.rate, duration, args.lag, tag, args.http_connections)
        res["after_backlog"] = not drained["drained"]
        res["quiesce_s"] = quiet_s
        log(f"{t.label}: set_state p50 {res['p50_ms']:.1f} ms, p99 {res['p99_ms']:.1f} ms, "
            f"{res['achieved_rate']:.0f} req/s, {res['errors']} error(s)")
        if keep:
            t.set_state.append(res)
        await quiesce(args)


async def main_async(args) -> int:
    urls = parse_named(args.target, "--target")
    dsns = parse_named(args.dsn, "--dsn")
    auth_envs = parse_named(args.auth_env, "--auth-env")
    labels = parse_named(args.label, "--label")
    tables = parse_named(args.events_table, "--events-table")
    if not urls:
        raise SystemExit("no --target given")
    targets = []
    for name, url in urls.items():
        if name not in dsns:
            raise SystemExit(f"--dsn {name}=... missing")
        auth = os.environ.get(auth_envs[name]) if name in auth_envs else None
        if name in auth_envs and not auth:
            raise SystemExit(f"{auth_envs[name]} (auth for {name}) is empty")
        targets.append(Target(name=name, label=labels.get(name, name), api=url.rstrip("/"), dsn=dsns[name],
                              auth=auth, events_table=tables.get(name, "events")))
    try:
        for t in targets:
            await setup(t, args.http_connections)
            log(f"{t.label}: {t.api} ready (flow {t.flow_id})")
        stamp = time.strftime("%Y%m%d%H%M%S")
        if args.warmup_events > 0 or args.warmup_duration > 0:
            log("warm-up round (discarded)")
            await one_round(targets, args, max(3, args.warmup_events), max(1.0, args.warmup_duration),
                            f"{stamp}-warmup", keep=False)
        # a JVM compiles its hot code for minutes after start (C2); a Python server has nothing to warm up
        extra = {name: int(n) for name, n in parse_named(args.warmup_extra, "--warmup-extra").items()}
        for t in targets:
            for j in range(extra.get(t.name, 0)):
                log(f"{t.label}: extra warm-up round {j + 1} of {extra[t.name]} (discarded)")
                await one_round([t], args, max(3, args.warmup_extra_events), max(1.0, args.warmup_duration),
                                f"{stamp}-warmup-extra{j + 1}", keep=False)
        for i in range(args.runs):
            order = targets if i % 2 == 0 else list(reversed(targets))
            log(f"run {i + 1} of {args.runs}")
            await one_round(order, args, args.events, args.duration, f"{stamp}-run{i + 1}", keep=True)
    finally:
        for t in targets:
            if t.http:
                await t.http.aclose()

    text = report(targets, args)
    print(text, flush=True)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"args": {k: v for k, v in vars(args).items()},
                       "prefect_client": ce.PREFECT_VERSION,
                       "targets": [{"name": t.name, "label": t.label, "api": t.api, "ingest": t.ingest,
                                    "set_state": t.set_state} for t in targets],
                       "report": text}, f, indent=1, default=str)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", action="append", help="NAME=API_URL (repeatable)")
    p.add_argument("--dsn", action="append", help="NAME=postgresql://user:password@host:port/db")
    p.add_argument("--auth-env", action="append", help="NAME=ENV_VAR holding the auth string (PREFECT_API_AUTH_STRING)")
    p.add_argument("--label", action="append", help="NAME=display name")
    p.add_argument("--events-table", action="append", help="NAME=table the server keeps events in (default events)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--events", type=int, default=30000, help="task-run state events per ingest run (3 per task run)")
    p.add_argument("--connections", type=int, default=4, help="/events/in WebSocket connections")
    p.add_argument("--checkpoint-every", type=int, default=700, help="ping/pong every N events per connection, "
                   "as PrefectEventsClient (checkpoint_every=700)")
    p.add_argument("--ingest-timeout", type=float, default=600.0)
    p.add_argument("--poll-interval", type=float, default=0.02)
    p.add_argument("--rate", type=float, default=200.0, help="set_state requests per second")
    p.add_argument("--duration", type=float, default=15.0, help="seconds of set_state load per run")
    p.add_argument("--lag", type=float, default=0.25, help="seconds between a run's Running and Completed")
    p.add_argument("--http-connections", type=int, default=20)
    p.add_argument("--warmup-events", type=int, default=3000)
    p.add_argument("--warmup-duration", type=float, default=20.0)
    p.add_argument("--warmup-extra-events", type=int, default=40000,
                   help="task-run state events of each of those extra rounds (the JIT settles after a few hundred "
                        "thousand)")
    p.add_argument("--warmup-extra", action="append", default=[],
                   help="NAME=ROUNDS: more warm-up rounds for that target only (a JVM's JIT)")
    p.add_argument("--drain-timeout", type=float, default=600.0,
                   help="after an ingest run, wait at most this long (untimed) until every event is stored, so "
                        "set_state does not run against a backlog")
    p.add_argument("--settle", type=float, default=3.0, help="pause after each phase, before waiting for quiet")
    p.add_argument("--quiet-cpu", type=float, default=0.15,
                   help="a phase starts when under this share of all cores is busy (two 0.5 s windows in a row)")
    p.add_argument("--quiet-timeout", type=float, default=180.0, help="longest wait for the machine to be quiet")
    p.add_argument("--admin-dsn", help="a PostgreSQL superuser's DSN: before each phase, wait for autovacuum and "
                   "run CHECKPOINT (see settle_database)")
    p.add_argument("--json-out")
    args = p.parse_args()
    if args.events < 3:
        p.error("--events must be at least 3")
    try:
        return asyncio.run(main_async(args))
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
