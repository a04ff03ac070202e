"""Subflows, a failing flow and 1,000 mapped tasks, run by the real client; checked through the API and graph-v2."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName

FLOWS = Path(__file__).resolve().parents[1] / "flows" / "more_flows.py"


def _run(flow: str, name: str, args: str = "") -> subprocess.CompletedProcess:
    code = (f"import runpy; ns = runpy.run_path({str(FLOWS)!r}); "
            f"print('result', ns[{flow!r}].with_options(name={name!r})({args}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=os.environ)


def _only_run(client, flow_name: str):
    runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))
    assert len(runs) == 1, runs
    return runs[0]


def _api(method: str, path: str, body: dict | None = None):
    url = os.environ["PREFECT_API_URL"].rstrip("/") + path
    key = os.environ.get("PREFECT_API_AUTH_STRING", "")
    reply = httpx.request(method, url, json=body, auth=(key, "") if key else None, timeout=60)
    reply.raise_for_status()
    return reply.json()


def _graph(run_id) -> dict:
    return _api("GET", f"/flow_runs/{run_id}/graph-v2")


def _wait_for_tasks(run_id, count: int, timeout: float = 90) -> int:
    """Task runs arrive as events, possibly after the flow run ended: waits until `count` have finished."""
    final = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"]
    deadline = time.time() + timeout
    finished = 0
    while time.time() < deadline:
        finished = _api("POST", "/task_runs/count", {"task_runs": {"flow_run_id": {"any_": [str(run_id)]},
                                                                     "state": {"type": {"any_": final}}}})
        if finished >= count:
            return _api("POST", "/task_runs/count", {"task_runs": {"flow_run_id": {"any_": [str(run_id)]}}})
        time.sleep(0.5)
    raise AssertionError(f"expected {count} finished task runs, have {finished}")


def test_subflow_is_linked_to_its_parent():
    suffix = uuid.uuid4().hex[:8]
    done = _run("parent", f"parent-{suffix}")
    assert done.returncode == 0 and "result 4" in done.stdout, done.stdout + done.stderr
    with get_client(sync_client=True) as client:
        parent = _only_run(client, f"parent-{suffix}")
        assert parent.state.type.value == "COMPLETED"
        children = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["child"])))
        child = [c for c in children if c.parent_task_run_id is not None and
                 client.read_task_run(c.parent_task_run_id).flow_run_id == parent.id]
        assert len(child) == 1, children
        assert child[0].state.type.value == "COMPLETED"
        _wait_for_tasks(parent.id, 2)
    graph = _graph(parent.id)
    kinds = sorted(node["kind"] for _, node in graph["nodes"])
    assert kinds == ["flow-run", "task-run"], graph
    assert [s["type"] for s in graph["states"]][-1] == "COMPLETED"


def test_failing_flow_is_recorded_as_failed():
    name = f"failing-{uuid.uuid4().hex[:8]}"
    done = _run("failing", name)
    assert done.returncode != 0 and "this flow fails on purpose" in done.stderr, done.stderr
    with get_client(sync_client=True) as client:
        run = _only_run(client, name)
        assert run.state.type.value == "FAILED", run.state
        assert "this flow fails on purpose" in (run.state.message or ""), run.state.message
        history = [s.type.value for s in client.read_flow_run_states(run.id)]
        assert history == ["PENDING", "RUNNING", "FAILED"], history


def test_one_thousand_mapped_tasks_are_all_recorded():
    name = f"mapped-{uuid.uuid4().hex[:8]}"
    done = _run("mapped", name, "1000")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"result {sum(i * i for i in range(1000))}" in done.stdout, done.stdout
    with get_client(sync_client=True) as client:
        run = _only_run(client, name)
        assert run.state.type.value == "COMPLETED"
        assert _wait_for_tasks(run.id, 1000, timeout=180) == 1000
    graph = _graph(run.id)
    assert len(graph["nodes"]) == 1000
    assert len(graph["root_node_ids"]) == 1000  # mapped tasks do not depend on each other
