#!/usr/bin/env python3
"""Automations benchmark driver: the same automations on one or more Prefect-API servers, created, loaded and timed
the way the prefect 3.9 client does it. Run it through bench/automations.sh, which starts the servers and passes the
targets.

Set-up, per server (once, not timed):
  - a local webhook receiver (bench/webhook_receiver.py, a process of its own on 127.0.0.1) records each call's
    arrival time and body;
  - two Webhook blocks saved with the client (`Webhook(url=..., method="POST").asave(...)`): "probe" pointing at
    /hook/<server>/probe, "stray" at /hook/<server>/stray;
  - --automations automations created with the client (`PrefectClient.create_automation`): --probe-automations of
    them react to the probe events (`bench.probe.ping` on resource `bench.probe.<k>`, one automation per k) with a
    call-webhook action on the probe block whose payload template carries the triggering event's id
    (`{{ event.id }}`) and the automation's name; the rest are a mix of reactive event triggers with expect + match
    that never fire here (flow-run and task-run failures of other flows, task-run completions counted for other
    flows, completions of other deployments, bursts of custom events, wildcard partner events), with do-nothing or
    call-webhook on the stray block (a call there means an automation fired that should not have).
  Leftovers of an earlier run (automations named bench-automations-*) are deleted first; other automations of the
  workspace are counted and reported (they add to the load).

Per server and run:
  latency    --probes probe events at --rate per second (open loop, scheduled times), each emitted through the
             client's own events client (`PrefectEventsClient.emit`, the /events/in WebSocket, as emit_event does);
             probe j goes to resource bench.probe.<j mod k>, so exactly one automation fires for it. Latency = the
             webhook call's arrival at the receiver minus the time just before emit (one machine, one clock). Then it
             waits --call-timeout seconds after the last probe for the calls still missing and --grace seconds more
             for duplicates. Reported: p50/p90/p99/max over the calls received, and calls against probes: missing,
             duplicate, sent by the wrong automation, and stray calls (none of these is hidden).
  ingest     orchestration.py's ingest phase (N task-run state events as the client's task engine emits them, over
             --connections /events/in WebSockets, timed until PostgreSQL has every task_run_state row), twice: with
             the automations enabled and with all of them paused (PATCH enabled=false, the client's
             pause_automation), the order alternating per run; resumed afterwards. With automations on, one probe is
             sent once the ingest is recorded: its webhook's delay says how far the automations lag behind the
             ingest (they evaluate events in order), waited for at most --backlog-timeout seconds.
Warm-up rounds (discarded) precede the measured runs; servers alternate within each run; before each phase the
driver waits for the shared PostgreSQL and the machine to be quiet (orchestration.py's quiesce).

Targets: --target NAME=API_URL --dsn NAME=POSTGRES_DSN [--auth-env NAME=ENV_VAR] [--label NAME=TEXT]
         [--events-table NAME=TABLE]; NAME "steward" and "prefect" give the ratios.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import orchestration as orch
from orchestration import BenchError, Target, log, med, fmt_num, percentile

from prefect.blocks.webhook import Webhook
from prefect.client.orchestration import PrefectClient
from prefect.events import Event
from prefect.events.actions import CallWebhook, DoNothing
from prefect.events.clients import PrefectEventsClient
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
from prefect.settings import PREFECT_API_AUTH_STRING, temporary_settings

PREFIX = "bench-automations-"
PROBE_EVENT = "bench.probe.ping"
PAYLOAD = '{"event_id": "{{ event.id }}", "automation": "{{ automation.name }}"}'
HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Server:
    t: Target
    client: PrefectClient | None = None
    probe_block: uuid.UUID | None = None
    stray_block: uuid.UUID | None = None
    automation_ids: list[uuid.UUID] = field(default_factory=list)
    other_enabled: int = 0
    enabled: bool = True
    latency: list[dict] = field(default_factory=list)
    ingest_on: list[dict] = field(default_factory=list)
    ingest_off: list[dict] = field(default_factory=list)
    toggles: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.t.name

    @property
    def label(self) -> str:
        return self.t.label


# ---------------------------------------------------------------------------------------------------------------
# the webhook receiver

class Receiver:
    """bench/webhook_receiver.py in a process of its own; calls() returns the calls recorded since the last call."""

    def __init__(self, log_path: str):
        self.log_path = log_path
        open(log_path, "w").close()
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "webhook_receiver.py"), log_path],
                                     stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.proc.kill()
            raise BenchError(f"the webhook receiver did not start (said {line!r})")
        self.port = int(line)
        self.offset = 0
        self.partial = ""

    def url(self, server: str, kind: str) -> str:
        return f"http://127.0.0.1:{self.port}/hook/{server}/{kind}"

    def calls(self) -> list[dict]:
        with open(self.log_path, "r", encoding="utf-8") as f:
            f.seek(self.offset)
            data = f.read()
            self.offset = f.tell()
        data = self.partial + data
        lines = data.split("\n")
        self.partial = lines.pop()  # an unfinished last line waits for the next read
        out = []
        for line in lines:
            if line.strip():
                call = json.loads(line)
                try:
                    call["json"] = json.loads(call["body"])
                except ValueError:
                    call["json"] = None
                out.append(call)
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ---------------------------------------------------------------------------------------------------------------
# the automations

def probe_automation(k: int, block_id: uuid.UUID) -> AutomationCore:
    return AutomationCore(
        name=f"{PREFIX}probe-{k}", description="bench/automations.py: calls the receiver for each probe event",
        trigger=EventTrigger(expect={PROBE_EVENT}, match={"prefect.resource.id": f"bench.probe.{k}"},
                             posture=Posture.Reactive, threshold=1, within=0),
        actions=[CallWebhook(block_document_id=block_id, payload=PAYLOAD)])


# (share of 20, kind): the mix of the automations that never fire here
MIX = [(6, "flow-failed"), (4, "task-failed"), (2, "task-completed-count"), (3, "deployment-completed"),
       (3, "custom-burst"), (2, "partner-wildcard")]


def other_kind(i: int) -> str:
    slot = i % 20
    for share, kind in MIX:
        if slot < share:
            return kind
        slot -= share
    raise AssertionError


def other_automation(i: int, stray_block: uuid.UUID) -> AutomationCore:
    kind = other_kind(i)
    if kind == "flow-failed":          # alert on a failed or crashed run of one flow
        spec = dict(expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                    match={"prefect.resource.id": "prefect.flow-run.*"},
                    match_related={"prefect.resource.role": "flow", "prefect.resource.name": f"pipeline-{i}"})
    elif kind == "task-failed":        # a failed task of one flow, once per task run
        spec = dict(expect={"prefect.task-run.Failed"}, match={"prefect.resource.id": "prefect.task-run.*"},
                    match_related={"prefect.resource.role": "flow", "prefect.resource.name": f"pipeline-{i}"},
                    for_each={"prefect.resource.id"})
    elif kind == "task-completed-count":  # 50 completed tasks of one flow within an hour: reads every completion
        spec = dict(expect={"prefect.task-run.Completed"}, match={"prefect.resource.id": "prefect.task-run.*"},
                    match_related={"prefect.resource.role": "flow", "prefect.resource.name": f"reports-{i}"},
                    threshold=50, within=3600)
    elif kind == "deployment-completed":  # a run of one deployment completed
        spec = dict(expect={"prefect.flow-run.Completed"}, match={"prefect.resource.id": "prefect.flow-run.*"},
                    match_related={"prefect.resource.role": "deployment", "prefect.resource.name": f"deploy-{i}"})
    elif kind == "custom-burst":       # 3 rejected orders of one store within 5 minutes
        spec = dict(expect={"acme.orders.rejected"}, match={"prefect.resource.id": f"acme.store.{i}"},
                    threshold=3, within=300)
    else:                              # any event of one partner's feed
        spec = dict(expect={f"external.partner-{i}.*"}, match={"prefect.resource.id": f"external.partner-{i}.*"})
    spec.setdefault("threshold", 1)
    spec.setdefault("within", 0)
    action = CallWebhook(block_document_id=stray_block, payload=PAYLOAD) if i % 2 == 0 else DoNothing()
    return AutomationCore(name=f"{PREFIX}{kind}-{i:05d}", description="bench/automations.py: never fires here",
                          trigger=EventTrigger(posture=Posture.Reactive, **spec), actions=[action])


async def gather_limited(coros, limit: int) -> list:
    sem = asyncio.Semaphore(limit)

    async def one(c):
        async with sem:
            return await c

    return await asyncio.gather(*(one(c) for c in coros))


async def list_automations(s: Server) -> list[dict]:
    """Every automation of the workspace, paged (raw answers: names and enabled flags are all that is needed)."""
    out, offset = [], 0
    while True:
        r = await s.client.request("POST", "/automations/filter", json={"limit": 200, "offset": offset})
        page = r.json()
        out.extend(page)
        if len(page) < 200:
            return out
        offset += 200


async def set_up(s: Server, receiver: Receiver, args) -> None:
    s.client = PrefectClient(s.t.api, auth_string=s.t.auth)
    await s.client.__aenter__()
    existing = await list_automations(s)
    leftovers = [a for a in existing if a["name"].startswith(PREFIX)]
    if leftovers:
        log(f"{s.label}: deleting {len(leftovers)} automation(s) left by an earlier run")
        await gather_limited([s.client.delete_automation(uuid.UUID(a["id"])) for a in leftovers], 8)
    s.other_enabled = sum(1 for a in existing if not a["name"].startswith(PREFIX) and a.get("enabled"))
    if s.other_enabled:
        log(f"{s.label}: WARNING the workspace has {s.other_enabled} other enabled automation(s); they add to the load")
    s.probe_block = await Webhook(url=receiver.url(s.name, "probe"), method="POST").asave(
        f"{PREFIX}probe", overwrite=True, client=s.client)
    s.stray_block = await Webhook(url=receiver.url(s.name, "stray"), method="POST").asave(
        f"{PREFIX}stray", overwrite=True, client=s.client)
    k = args.probe_automations
    models = [probe_automation(j, s.probe_block) for j in range(k)]
    models += [other_automation(i, s.stray_block) for i in range(args.automations - k)]
    start = time.perf_counter()
    s.automation_ids = await gather_limited([s.client.create_automation(m) for m in models], args.http_connections)
    log(f"{s.label}: {len(models):,} automations created in {time.perf_counter() - start:.1f} s "
        f"({k} for the probes)")
    s.enabled = True


async def toggle_all(s: Server, enabled: bool, args) -> dict:
    """Pauses or resumes every bench automation (the client's pause_automation/resume_automation: PATCH enabled)."""
    start = time.perf_counter()
    call = s.client.resume_automation if enabled else s.client.pause_automation
    await gather_limited([call(a) for a in s.automation_ids], args.http_connections)
    s.enabled = enabled
    took = time.perf_counter() - start
    log(f"{s.label}: {len(s.automation_ids):,} automations {'resumed' if enabled else 'paused'} in {took:.1f} s")
    await asyncio.sleep(args.toggle_settle)  # for the server to take the change in (Prefect: NOTIFY, then a read)
    return {"enabled": enabled, "seconds": took}


async def tear_down(s: Server) -> None:
    if not s.client:
        return
    try:
        await gather_limited([s.client.delete_automation(a) for a in s.automation_ids], 8)
        for block in (s.probe_block, s.stray_block):
            if block:
                await s.client.delete_block_document(block)
        log(f"{s.label}: the bench's automations and blocks deleted")
    except Exception as e:  # noqa: BLE001 - reported, the results stand
        log(f"{s.label}: could not delete the bench's automations ({e!r}); they are named {PREFIX}*")


# ---------------------------------------------------------------------------------------------------------------
# latency: probe events to webhook calls

@contextlib.asynccontextmanager
async def events_client(s: Server):
    """The client's PrefectEventsClient on the server's /events/in; the auth string comes from the client's settings
    (as for emit_event), read when the client is made and when it connects (its server version check)."""
    with temporary_settings(updates={PREFECT_API_AUTH_STRING: s.t.auth}) if s.t.auth else contextlib.nullcontext():
        async with PrefectEventsClient(api_url=s.t.api) as client:
            yield client


def probe_event(k: int, seq: int, tag: str) -> Event:
    return Event(event=PROBE_EVENT, resource={"prefect.resource.id": f"bench.probe.{k}",
                                              "prefect.resource.name": f"probe-{k}"},
                 payload={"seq": seq, "tag": tag}, id=uuid.uuid4())


async def wait_for_calls(receiver: Receiver, calls: list[dict], wanted: set[str], deadline: float) -> None:
    """Collects the receiver's calls into `calls` until every id in `wanted` has been called or the deadline."""
    seen = {c["json"].get("event_id") for c in calls if isinstance(c.get("json"), dict)}
    while not wanted <= seen and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
        fresh = receiver.calls()
        calls.extend(fresh)
        seen.update(c["json"].get("event_id") for c in fresh if isinstance(c.get("json"), dict))


async def run_latency(s: Server, receiver: Receiver, probes: int, rate: float, args, tag: str) -> dict:
    k = args.probe_automations
    receiver.calls()  # what arrived before this phase is not this phase's
    sent: dict[str, tuple[float, int]] = {}
    lags: list[float] = []
    async with events_client(s) as client:
        start = time.perf_counter() + 0.2
        for j in range(probes):
            scheduled = start + j / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lags.append(time.perf_counter() - scheduled)
            event = probe_event(j % k, j, tag)
            t_sent = time.time()
            await client.emit(event)
            sent[str(event.id)] = (t_sent, j % k)
        last = time.perf_counter()
        calls: list[dict] = []
        await wait_for_calls(receiver, calls, set(sent), last + args.call_timeout)
        await asyncio.sleep(args.grace)
        calls.extend(receiver.calls())
    return latency_figures(s, sent, calls, lags, probes, rate, time.perf_counter() - start)


def latency_figures(s: Server, sent: dict[str, tuple[float, int]], calls: list[dict], lags: list[float],
                    probes: int, rate: float, elapsed: float) -> dict:
    first: dict[str, float] = {}
    count: dict[str, int] = {}
    wrong_automation = 0
    stray, unknown = [], []
    for c in calls:
        body = c["json"] if isinstance(c.get("json"), dict) else {}
        eid = body.get("event_id")
        if c["path"] != f"/hook/{s.name}/probe":
            stray.append(c)
            continue
        if eid not in sent:
            unknown.append(c)
            continue
        count[eid] = count.get(eid, 0) + 1
        first[eid] = min(first.get(eid, math.inf), c["t"])
        if body.get("automation") != f"{PREFIX}probe-{sent[eid][1]}":
            wrong_automation += 1
    lat = sorted((first[e] - sent[e][0]) * 1000 for e in first)
    missing = [e for e in sent if e not in first]
    return {
        "probes": probes, "rate": rate, "calls": sum(count.values()), "called": len(first),
        "missing": len(missing), "missing_ids": missing[:20],
        "duplicates": sum(n - 1 for n in count.values() if n > 1),
        "duplicated_probes": sum(1 for n in count.values() if n > 1),
        "wrong_automation": wrong_automation, "stray_calls": len(stray), "unknown_calls": len(unknown),
        "stray_samples": [c["path"] + " " + c["body"][:200] for c in stray[:5]],
        "p50_ms": percentile(lat, 50), "p90_ms": percentile(lat, 90), "p99_ms": percentile(lat, 99),
        "max_ms": lat[-1] if lat else math.nan, "min_ms": lat[0] if lat else math.nan,
        "over_500ms": sum(1 for x in lat if x > 500),
        "send_lag_p99_ms": percentile(sorted(lags), 99) * 1000, "elapsed_s": elapsed,
        # the slowest calls: (seconds after the first probe, latency ms), to tell a stall from a spread
        "slowest": sorted(((round(sent[e][0] - min(v[0] for v in sent.values()), 2),
                            round((first[e] - sent[e][0]) * 1000, 1)) for e in first),
                          key=lambda p: -p[1])[:max(3, len(first) // 100)],
    }


# ---------------------------------------------------------------------------------------------------------------
# ingest with automations on and off

async def run_ingest(s: Server, receiver: Receiver, events: int, args, tag: str) -> dict:
    t = s.t
    with orch.client_gc_paused():
        res = await orch.run_ingest(t, events, args.connections, args.checkpoint_every, args.ingest_timeout,
                                    args.poll_interval, tag)
    state = "all recorded" if res["complete"] else f"ONLY {res['recorded']:,} recorded"
    log(f"{s.label}: {res['events_per_s']:,.0f} events/s with automations {'on' if s.enabled else 'off'} "
        f"({state} in {res['elapsed_s']:.2f} s)")
    sentinel = None
    if s.enabled:
        # how far the automations are behind once the ingest is recorded: one probe, through the same queue
        receiver.calls()
        async with events_client(s) as client:
            event = probe_event(0, -1, tag + "-after-ingest")
            sentinel = (str(event.id), time.time(), time.perf_counter())
            await client.emit(event)
    drained = await orch.drain(t, res.pop("_task_run_ids"), res.pop("_event_ids"), args.drain_timeout)
    res.update(drained)
    if sentinel:
        calls: list[dict] = []
        await wait_for_calls(receiver, calls, {sentinel[0]}, sentinel[2] + args.backlog_timeout)
        hit = [c for c in calls if isinstance(c.get("json"), dict) and c["json"].get("event_id") == sentinel[0]]
        res["backlog_s"] = (min(c["t"] for c in hit) - sentinel[1]) if hit else None
        res["backlog_timeout_s"] = args.backlog_timeout
        log(f"{s.label}: a probe sent once the ingest was recorded called its webhook "
            + (f"{res['backlog_s']:.2f} s later" if hit else f"not within {args.backlog_timeout:g} s"))
    await orch.set_state_checked(t, uuid.UUID(res["flow_run_id"]), orch.ce.completed_body(uuid.UUID(res["flow_run_id"])))
    res["automations_enabled"] = s.enabled
    return res


async def ingest_pair(s: Server, receiver: Receiver, events: int, args, tag: str, off_first: bool,
                      keep: bool) -> None:
    for enabled in ([False, True] if off_first else [True, False]):
        if s.enabled != enabled:
            toggled = await toggle_all(s, enabled, args)
            if keep:
                s.toggles.append(toggled)
            await orch.quiesce(args)
        log(f"{s.label}: ingest of {events:,} events, automations {'on' if enabled else 'off'} ({tag})")
        res = await run_ingest(s, receiver, events, args, f"{tag}-{'on' if enabled else 'off'}")
        res["quiesce_s"] = await orch.quiesce(args)
        if keep:
            (s.ingest_on if enabled else s.ingest_off).append(res)
    if not s.enabled:
        await toggle_all(s, True, args)
        await orch.quiesce(args)


async def one_round(servers: list[Server], receiver: Receiver, args, probes: int, events: int, tag: str,
                    keep: bool, off_first: bool) -> None:
    for s in servers:
        log(f"{s.label}: {probes} probe events at {args.rate:g}/s with {len(s.automation_ids):,} automations ({tag})")
        with orch.client_gc_paused():
            res = await run_latency(s, receiver, probes, args.rate, args, tag)
        log(f"{s.label}: webhook latency p50 {fmt_num(res['p50_ms'], 0)} ms, p99 {fmt_num(res['p99_ms'], 0)} ms, "
            f"max {fmt_num(res['max_ms'], 0)} ms; {res['called']}/{probes} probes called, {res['missing']} missing, "
            f"{res['duplicates']} duplicate(s), {res['stray_calls']} stray")
        if keep:
            s.latency.append(res)
        await orch.quiesce(args)
        if events > 0:
            await ingest_pair(s, receiver, events, args, tag, off_first, keep)


# ---------------------------------------------------------------------------------------------------------------
# the report

def report(servers: list[Server], args) -> str:
    lines: list[str] = []
    lines.append(f"Automations benchmark: medians of {args.runs} run(s) per server; each run's figure in brackets")
    lines.append(f"  automations  {args.automations:,} enabled in the workspace: {args.probe_automations} react to the "
                 f"probes with call-webhook, {args.automations - args.probe_automations:,} reactive triggers with "
                 f"expect + match that never fire here")
    lines.append(f"  latency      {args.probes:,} probe events at {args.rate:g}/s over the client's /events/in "
                 f"WebSocket; webhook arrival at the receiver minus the time of emit")
    lines.append(f"  ingest       {args.events // 3 * 3:,} task-run state events per run, {args.connections} "
                 f"connection(s), recorded = rows in task_run_state; with the automations enabled and all paused")
    for s in servers:
        if s.other_enabled:
            lines.append(f"  ! {s.label}: the workspace had {s.other_enabled} other enabled automation(s) besides")
    lines.append("")

    def cell(values: list, digits: int) -> str:
        vals = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
        m = med(vals) if vals else math.nan
        if len(values) <= 1:
            return fmt_num(m, digits)
        return f"{fmt_num(m, digits)} [{' '.join(fmt_num(v, digits) if v is not None else '-' for v in values)}]"

    by = {s.name: s for s in servers}
    pair = (by["steward"], by["prefect"]) if "steward" in by and "prefect" in by else None
    table = [[""] + [s.label for s in servers] + (["Prefect/Steward"] if pair else [])]

    def row(label, rows_of, getter, digits, ratio=False):
        vals = [[getter(r) for r in rows] for rows in rows_of]
        cells = [label] + [cell(v, digits) for v in vals]
        if pair:
            text = ""
            if ratio:
                st = med([x for x in vals[servers.index(pair[0])] if x is not None])
                pr = med([x for x in vals[servers.index(pair[1])] if x is not None])
                text = f"{fmt_num(pr / st if st else math.nan, 1)}x"
            cells.append(text)
        table.append(cells)

    lat = [s.latency for s in servers]
    row("webhook latency p50, ms", lat, lambda r: r["p50_ms"], 0, True)
    row("webhook latency p99, ms", lat, lambda r: r["p99_ms"], 0, True)
    row("  max, ms", lat, lambda r: r["max_ms"], 0)
    row("  calls over 500 ms", lat, lambda r: r["over_500ms"], 0)
    row("  probes called / sent", lat, lambda r: r["called"], 0)
    row("  missing calls", lat, lambda r: r["missing"], 0)
    row("  duplicate calls", lat, lambda r: r["duplicates"], 0)
    row("  wrong automation / stray calls", lat, lambda r: r["wrong_automation"] + r["stray_calls"], 0)
    row("  client send lag p99, ms", lat, lambda r: r["send_lag_p99_ms"], 1)
    if args.events > 0:
        on = [s.ingest_on for s in servers]
        off = [s.ingest_off for s in servers]
        row("ingest events/s, automations on", on, lambda r: r["events_per_s"], 0)
        row("ingest events/s, automations off", off, lambda r: r["events_per_s"], 0)
        ratio_rows = [[(a["events_per_s"] / b["events_per_s"] * 100) if b["events_per_s"] else None
                       for a, b in zip(s.ingest_on, s.ingest_off)] for s in servers]
        cells = ["  on as % of off (each run)"] + [cell(v, 1) for v in ratio_rows] + ([""] if pair else [])
        table.append(cells)
        row("  automations' lag after ingest, s", on,
            lambda r: r.get("backlog_s") if r.get("backlog_s") is not None else None, 2)
        row("  s more until all stored (on)", on, lambda r: r.get("drain_s"), 1)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        lines.append("   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())

    for s in servers:
        for i, r in enumerate(s.latency):
            if r["missing"]:
                lines.append(f"  ! {s.label} run {i + 1}: {r['missing']} of {r['probes']} probes never called their "
                             f"webhook within {args.call_timeout:g} s (e.g. event {r['missing_ids'][0]})")
            if r["duplicates"]:
                lines.append(f"  ! {s.label} run {i + 1}: {r['duplicates']} duplicate call(s) "
                             f"({r['duplicated_probes']} probe(s) called more than once)")
            if r["wrong_automation"] or r["stray_calls"]:
                lines.append(f"  ! {s.label} run {i + 1}: {r['wrong_automation']} call(s) from the wrong automation, "
                             f"{r['stray_calls']} stray call(s), e.g. {(r['stray_samples'] or ['-'])[0]}")
            if r["unknown_calls"]:
                lines.append(f"  ! {s.label} run {i + 1}: {r['unknown_calls']} call(s) for events of an earlier phase "
                             f"arrived during this one")
        for name, rows in (("on", s.ingest_on), ("off", s.ingest_off)):
            for i, r in enumerate(rows):
                if not r["complete"]:
                    lines.append(f"  ! {s.label} ingest ({name}) run {i + 1}: only {r['recorded']:,} of "
                                 f"{r['events']:,} recorded after {r['elapsed_s']:.0f} s (--ingest-timeout)")
                if not r.get("drained", True):
                    lines.append(f"  ! {s.label} ingest ({name}) run {i + 1}: not all stored {r['drain_s']:.0f} s "
                                 f"after the measurement (--drain-timeout)")
                if name == "on" and r.get("backlog_s") is None and "backlog_timeout_s" in r:
                    lines.append(f"  ! {s.label} ingest (on) run {i + 1}: the probe sent after the ingest did not "
                                 f"call its webhook within {r['backlog_timeout_s']:g} s")
    lines.append("  before each phase: " + ("autovacuum finished and a CHECKPOINT (--admin-dsn), then "
                                            if args.admin_dsn else "")
                 + f"under {args.quiet_cpu:.0%} of the cores busy")
    if orch.BUSY_STARTS:
        lines.append(f"  WARNING: {len(orch.BUSY_STARTS)} phase(s) started on a busy machine (not quiet after "
                     f"{args.quiet_timeout:g} s): something else ran; compare with care")
    lines.append("")
    lines.append("Goals (medians)")
    if "steward" not in by:
        lines.append("  (the goals are Steward's; it was not loaded in this run)")
    else:
        s = by["steward"]
        p99 = med([r["p99_ms"] for r in s.latency])
        missing = sum(r["missing"] for r in s.latency)
        dups = sum(r["duplicates"] for r in s.latency)
        wrong = sum(r["wrong_automation"] + r["stray_calls"] for r in s.latency)
        verdict = "met" if p99 < 500 and not missing and not dups and not wrong else "not met"
        if p99 < 500 and (missing or dups or wrong):
            verdict += f" (p99 under 500 ms, but {missing} missing, {dups} duplicate, {wrong} wrong/stray call(s))"
        lines.append(f"  event-to-webhook p99 < 500 ms, every probe called once   {fmt_num(p99, 0)} ms: {verdict}")
        if args.events > 0 and s.ingest_on and s.ingest_off:
            on = med([r["events_per_s"] for r in s.ingest_on])
            off = med([r["events_per_s"] for r in s.ingest_off])
            # the runs' own ratios (on and off measured in the same run, minutes apart), then their median
            share = med([a["events_per_s"] / b["events_per_s"] * 100
                         for a, b in zip(s.ingest_on, s.ingest_off) if b["events_per_s"]])
            lines.append(f"  ingest with automations on >= 80% of off             {fmt_num(share, 1)}% (medians "
                         f"{fmt_num(on, 0)} on, {fmt_num(off, 0)} off events/s): {'met' if share >= 80 else 'not met'}")
            lag = med([r["backlog_s"] for r in s.ingest_on if r.get("backlog_s") is not None])
            lines.append(f"  (no goal) automations' lag once the ingest was recorded   {fmt_num(lag, 2)} s: a probe sent "
                         f"then waited that long for its webhook")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------

async def main_async(args) -> int:
    urls = orch.parse_named(args.target, "--target")
    dsns = orch.parse_named(args.dsn, "--dsn")
    auth_envs = orch.parse_named(args.auth_env, "--auth-env")
    labels = orch.parse_named(args.label, "--label")
    tables = orch.parse_named(args.events_table, "--events-table")
    if not urls:
        raise SystemExit("no --target given")
    servers: list[Server] = []
    for name, url in urls.items():
        if name not in dsns:
            raise SystemExit(f"--dsn {name}=... missing")
        auth = os.environ.get(auth_envs[name]) if name in auth_envs else None
        if name in auth_envs and not auth:
            raise SystemExit(f"{auth_envs[name]} (auth for {name}) is empty")
        servers.append(Server(Target(name=name, label=labels.get(name, name), api=url.rstrip("/"), dsn=dsns[name],
                                     auth=auth, events_table=tables.get(name, "events"))))
    receiver = Receiver(args.receiver_log)
    log(f"webhook receiver on 127.0.0.1:{receiver.port} (calls logged to {args.receiver_log})")
    try:
        for s in servers:
            await orch.setup(s.t, args.http_connections)
            await set_up(s, receiver, args)
        await orch.quiesce(args)
        stamp = time.strftime("%Y%m%d%H%M%S")
        if args.warmup_probes > 0 or args.warmup_events > 0:
            log("warm-up round (discarded)")
            await one_round(servers, receiver, args, max(1, args.warmup_probes),
                            args.warmup_events if args.events > 0 else 0,
                            f"{stamp}-warmup", keep=False, off_first=False)
        extra = {name: int(n) for name, n in orch.parse_named(args.warmup_extra, "--warmup-extra").items()}
        for s in servers:
            for j in range(extra.get(s.name, 0)):
                log(f"{s.label}: extra warm-up round {j + 1} of {extra[s.name]} (discarded)")
                await one_round([s], receiver, args, max(1, args.warmup_probes),
                                args.warmup_extra_events if args.events > 0 else 0,
                                f"{stamp}-warmup-extra{j + 1}", keep=False, off_first=j % 2 == 1)
        for i in range(args.runs):
            order = servers if i % 2 == 0 else list(reversed(servers))
            log(f"run {i + 1} of {args.runs}")
            await one_round(order, receiver, args, args.probes, args.events, f"{stamp}-run{i + 1}", keep=True,
                            off_first=i % 2 == 1)
    finally:
        if not args.keep:
            for s in servers:
                if s.name == "steward":  # Prefect's database is dropped by the next run
                    await tear_down(s)
        for s in servers:
            if s.client:
                await s.client.__aexit__(None, None, None)
            if s.t.http:
                await s.t.http.aclose()
        receiver.stop()

    text = report(servers, args)
    print(text, flush=True)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"args": vars(args), "prefect_client": orch.ce.PREFECT_VERSION,
                       "prefect_server_setup": os.environ.get("BENCH_PREFECT_SETUP"),
                       "servers": [{"name": s.name, "label": s.label, "api": s.t.api,
                                    "other_enabled_automations": s.other_enabled, "latency": s.latency,
                                    "ingest_on": s.ingest_on, "ingest_off": s.ingest_off, "toggles": s.toggles}
                                   for s in servers],
                       "report": text}, f, indent=1, default=str)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", action="append", help="NAME=API_URL (repeatable)")
    p.add_argument("--dsn", action="append", help="NAME=postgresql://user:password@host:port/db")
    p.add_argument("--auth-env", action="append", help="NAME=ENV_VAR holding the auth string (PREFECT_API_AUTH_STRING)")
    p.add_argument("--label", action="append", help="NAME=display name")
    p.add_argument("--events-table", action="append", help="NAME=table the server keeps events in (default events)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--automations", type=int, default=1000, help="automations created, the probes' included")
    p.add_argument("--probe-automations", type=int, default=5,
                   help="automations that react to the probes (probe j goes to automation j mod this)")
    p.add_argument("--probes", type=int, default=300, help="probe events per run")
    p.add_argument("--rate", type=float, default=5.0, help="probe events per second")
    p.add_argument("--call-timeout", type=float, default=30.0,
                   help="seconds after the last probe to wait for missing calls")
    p.add_argument("--grace", type=float, default=3.0, help="seconds more, for duplicate calls")
    p.add_argument("--events", type=int, default=30000, help="task-run state events per ingest run (0: no ingest)")
    p.add_argument("--connections", type=int, default=4, help="/events/in WebSocket connections for the ingest")
    p.add_argument("--checkpoint-every", type=int, default=700)
    p.add_argument("--ingest-timeout", type=float, default=600.0)
    p.add_argument("--drain-timeout", type=float, default=600.0)
    p.add_argument("--backlog-timeout", type=float, default=300.0,
                   help="longest wait for the probe sent after an ingest with automations on")
    p.add_argument("--poll-interval", type=float, default=0.02)
    p.add_argument("--http-connections", type=int, default=8, help="concurrent requests when creating or toggling")
    p.add_argument("--toggle-settle", type=float, default=2.0,
                   help="seconds after pausing or resuming every automation, before the next phase")
    p.add_argument("--warmup-probes", type=int, default=25)
    p.add_argument("--warmup-events", type=int, default=3000)
    p.add_argument("--warmup-extra", action="append", default=[], help="NAME=ROUNDS: more warm-up rounds for that "
                   "target only (a JVM's JIT)")
    p.add_argument("--warmup-extra-events", type=int, default=30000)
    p.add_argument("--settle", type=float, default=3.0, help="pause after each phase, before waiting for quiet")
    p.add_argument("--quiet-cpu", type=float, default=0.15)
    p.add_argument("--quiet-timeout", type=float, default=180.0)
    p.add_argument("--admin-dsn")
    p.add_argument("--receiver-log", default=os.path.join(HERE, "out", "webhook-calls.jsonl"))
    p.add_argument("--keep", action="store_true", help="leave the bench's automations and blocks on Steward")
    p.add_argument("--json-out")
    args = p.parse_args()
    if not 1 <= args.probe_automations <= args.automations:
        p.error("--probe-automations must be between 1 and --automations")
    if args.events and args.events < 3:
        p.error("--events must be 0 or at least 3")
    try:
        return asyncio.run(main_async(args))
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
