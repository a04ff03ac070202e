"""A real flow run by the unmodified client: flow, flow run and its states, task runs from events, logs, CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterId, LogFilter, LogFilterFlowRunId, TaskRunFilter, TaskRunFilterFlowRunId

FLOW_FILE = Path(__file__).resolve().parents[1] / "flows" / "simple_flow.py"


def _run_flow(flow_name: str) -> None:
    """Runs simple_flow.py's flow under a unique flow name, as a user would run a script."""
    code = (
        "import runpy, sys; sys.argv=['simple_flow']; "
        f"ns = runpy.run_path({str(FLOW_FILE)!r}); "
        f"print('result', ns['etl'].with_options(name={flow_name!r})())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                          env=dict(os.environ, PREFECT_LOGGING_TO_API_BATCH_INTERVAL="0.5"))
    assert done.returncode == 0, f"flow failed:\n{done.stdout}\n{done.stderr}"
    assert "result 60" in done.stdout, done.stdout


def test_flow_with_three_dependent_tasks_is_recorded(prefect_cli):
    flow_name = f"etl-{uuid.uuid4().hex[:10]}"
    _run_flow(flow_name)

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))
        assert len(runs) == 1, runs
        run = runs[0]
        assert run.state.type.value == "COMPLETED", run.state
        assert run.run_count == 1
        assert run.start_time is not None and run.end_time is not None and run.total_run_time.total_seconds() >= 0

        # task runs arrive as events, possibly after the flow run completed: give them a moment
        deadline = time.time() + 30
        tasks = []
        while time.time() < deadline:
            tasks = client.read_task_runs(task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run.id])))
            if len(tasks) == 3 and all(t.state.type.value == "COMPLETED" for t in tasks):
                break
            time.sleep(0.5)
        assert sorted(t.name.split("-")[0] for t in tasks) == ["extract", "load", "transform"], tasks
        assert all(t.state.type.value == "COMPLETED" for t in tasks), [t.state for t in tasks]
        by_name = {t.name.split("-")[0]: t for t in tasks}
        # dependencies travel in task_inputs
        assert [i.id for i in by_name["transform"].task_inputs["data"]] == [by_name["extract"].id]
        assert [i.id for i in by_name["load"].task_inputs["data"]] == [by_name["transform"].id]

        deadline = time.time() + 30
        logs = []
        while time.time() < deadline:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
            if any("etl finished" in log.message for log in logs):
                break
            time.sleep(0.5)
        messages = [log.message for log in logs]
        assert any("extracted [1, 2, 3]" in m for m in messages), messages
        assert any("etl finished, total=60" in m for m in messages), messages
        assert any(log.task_run_id == by_name["load"].id for log in logs)

    listing, inspect, logs_cli = prefect_cli.many(
        ("flow-run", "ls", "--flow-name", flow_name),
        ("flow-run", "inspect", str(run.id)),
        ("flow-run", "logs", str(run.id)),
    )
    assert listing.returncode == 0, listing
    assert run.name in listing.stdout and "COMPLETED" in listing.stdout, listing.stdout
    assert inspect.returncode == 0, inspect
    assert str(run.id) in inspect.stdout and "COMPLETED" in inspect.stdout, inspect.stdout
    assert logs_cli.returncode == 0, logs_cli
    assert "extracted [1, 2, 3]" in logs_cli.stdout, logs_cli.stdout
