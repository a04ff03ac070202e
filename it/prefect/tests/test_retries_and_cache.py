"""Task retries, flow retries and a cached task, run by the real client and checked through the API."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName

FLOWS = Path(__file__).resolve().parents[1] / "flows" / "more_flows.py"


def _run(flow: str, name: str, args: str) -> subprocess.CompletedProcess:
    code = (f"import runpy; ns = runpy.run_path({str(FLOWS)!r}); "
            f"print('result', ns[{flow!r}].with_options(name={name!r})({args}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=os.environ)


def _only_run(client, flow_name: str):
    runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))
    assert len(runs) == 1, runs
    return runs[0]


def test_task_retries(tmp_path):
    name = f"task-retries-{uuid.uuid4().hex[:8]}"
    done = _run("task_retries", name, repr(str(tmp_path / "attempts")))
    assert done.returncode == 0 and "result ok" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "attempts").read_text() == "3"
    with get_client(sync_client=True) as client:
        assert _only_run(client, name).state.type.value == "COMPLETED"


def test_flow_retries(tmp_path):
    name = f"flow-retries-{uuid.uuid4().hex[:8]}"
    done = _run("flow_retries", name, repr(str(tmp_path / "marker")))
    assert done.returncode == 0 and "result second attempt" in done.stdout, done.stdout + done.stderr
    with get_client(sync_client=True) as client:
        run = _only_run(client, name)
        assert run.state.type.value == "COMPLETED", run.state
        assert run.run_count == 2, run.run_count


def test_cached_task_is_computed_once(tmp_path):
    name = f"cached-{uuid.uuid4().hex[:8]}"
    key = uuid.uuid4().hex[:8]
    env_done = _run("cached", name, repr(key))
    assert env_done.returncode == 0, env_done.stdout + env_done.stderr
    assert f"result ['value-{key}', 'value-{key}']" in env_done.stdout, env_done.stdout
    assert env_done.stderr.count(f"computing {key}") + env_done.stdout.count(f"computing {key}") == 1, env_done.stderr
