"""Concurrency limits with the real client: a tag limit created by the CLI holds tagged tasks to one at a time,
`concurrency()` takes a global limit's slot, and the CLI creates, lists, inspects and deletes limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName

FLOWS = Path(__file__).resolve().parents[1] / "flows" / "concurrency_flows.py"


def _run(flow: str, flow_name: str, /, **kwargs) -> subprocess.CompletedProcess:
    code = (f"import json, runpy; ns = runpy.run_path({str(FLOWS)!r}); "
            f"print('result', json.dumps(ns[{flow!r}].with_options(name={flow_name!r})(**{kwargs!r})))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=os.environ)


def _result(done: subprocess.CompletedProcess):
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(l for l in done.stdout.splitlines() if l.startswith("result "))
    return json.loads(line.removeprefix("result "))


def _api(method: str, path: str, body: dict | None = None):
    url = os.environ["PREFECT_API_URL"].rstrip("/") + path
    key = os.environ.get("PREFECT_API_AUTH_STRING", "")
    reply = httpx.request(method, url, json=body, auth=(key, "") if key else None, timeout=60)
    reply.raise_for_status()
    return reply.json() if reply.content else None


def _finished_task_runs(flow_run_id, count: int, timeout: float = 60) -> list[dict]:
    """Task runs arrive as events, possibly after the flow run ended: waits until `count` have completed."""
    deadline = time.time() + timeout
    runs: list[dict] = []
    while time.time() < deadline:
        runs = _api("POST", "/task_runs/filter", {"task_runs": {"flow_run_id": {"any_": [str(flow_run_id)]}}})
        done = [r for r in runs if r["state_type"] == "COMPLETED" and r.get("end_time")]
        if len(done) >= count:
            return done
        time.sleep(0.5)
    raise AssertionError(f"expected {count} completed task runs, have {runs}")


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_tagged_tasks_under_a_limit_of_one_never_overlap(prefect_cli):
    tag = f"steward-it-{uuid.uuid4().hex[:8]}"
    created = prefect_cli("concurrency-limit", "create", tag, "1")
    assert created.returncode == 0, created
    assert f"tag - '{tag}'" in created.output, created.output
    try:
        name = f"tagged-{uuid.uuid4().hex[:8]}"
        started = time.time()
        assert sorted(_result(_run("tagged", name, tag=tag, n=4, seconds=1.0))) == [0, 1, 2, 3]
        assert time.time() - started >= 4, "four one-second tasks, one at a time"

        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name])))
            assert len(runs) == 1 and runs[0].state.type.value == "COMPLETED", runs
            flow_run_id = runs[0].id
        tasks = _finished_task_runs(flow_run_id, 4)
        assert all(tag in t["tags"] for t in tasks), [t["tags"] for t in tasks]
        spans = sorted((_time(t["start_time"]), _time(t["end_time"])) for t in tasks)
        for (_, end), (next_start, _) in zip(spans, spans[1:]):
            assert end <= next_start, f"task runs overlapped under a limit of 1: {spans}"

        limit = _api("GET", f"/v2/concurrency_limits/tag:{tag}")
        assert limit["active_slots"] == 0, limit
        inspected = prefect_cli("concurrency-limit", "inspect", tag, "--output", "json")
        assert inspected.returncode == 0, inspected
        assert json.loads(inspected.stdout)["active_slots"] == [], inspected.stdout
        listed = prefect_cli("concurrency-limit", "ls")
        assert listed.returncode == 0 and tag in listed.output, listed
    finally:
        deleted = prefect_cli("concurrency-limit", "delete", tag)
        assert deleted.returncode == 0, deleted
    assert _get_status(f"/concurrency_limits/tag/{tag}") == 404


def test_concurrency_context_manager_takes_a_global_limit(prefect_cli):
    gcl = f"steward-it-gcl-{uuid.uuid4().hex[:8]}"
    created = prefect_cli("global-concurrency-limit", "create", gcl, "--limit", "1")
    assert created.returncode == 0, created
    try:
        duplicate = prefect_cli("global-concurrency-limit", "create", gcl, "--limit", "1")
        assert duplicate.returncode != 0 and "already exists" in duplicate.output, duplicate

        spans = sorted(_result(_run("globally_limited", f"gcl-{uuid.uuid4().hex[:8]}", name=gcl, n=3, seconds=0.5)))
        assert len(spans) == 3
        for (_, end), (next_start, _) in zip(spans, spans[1:]):
            assert end <= next_start, f"two holders inside a limit of 1: {spans}"

        inspected = prefect_cli("global-concurrency-limit", "inspect", gcl, "--output", "json")
        assert inspected.returncode == 0, inspected
        body = json.loads(inspected.stdout)
        assert body["limit"] == 1 and body["active_slots"] == 0, body
        listed = prefect_cli("global-concurrency-limit", "ls")
        assert listed.returncode == 0 and gcl in listed.output, listed
        updated = prefect_cli("global-concurrency-limit", "update", gcl, "--limit", "2")
        assert updated.returncode == 0, updated
        assert _api("GET", f"/v2/concurrency_limits/{gcl}")["limit"] == 2
    finally:
        deleted = prefect_cli("global-concurrency-limit", "delete", gcl)
        assert deleted.returncode == 0, deleted
    assert _get_status(f"/v2/concurrency_limits/{gcl}") == 404


def _get_status(path: str) -> int:
    url = os.environ["PREFECT_API_URL"].rstrip("/") + path
    key = os.environ.get("PREFECT_API_AUTH_STRING", "")
    return httpx.get(url, auth=(key, "") if key else None, timeout=30).status_code
