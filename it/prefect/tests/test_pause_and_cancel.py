"""Pausing, resuming and cancelling flows run by the real client, acted on from another process (this one, the CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import resume_flow_run

FLOWS = Path(__file__).resolve().parents[1] / "flows" / "pause_cancel_flows.py"


def _start(flow: str, name: str, args: str) -> subprocess.Popen:
    code = (f"import runpy; ns = runpy.run_path({str(FLOWS)!r}); "
            f"print('result', ns[{flow!r}].with_options(name={name!r})({args}))")
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ)


def _finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"the flow did not finish in {timeout}s\n{out}\n{err}")


def _wait_for(client, flow_name: str, state_type: str, proc: subprocess.Popen, timeout: float = 90):
    """The flow's only run once it is in the state type; fails early if the flow process ended first."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))
        if runs and runs[0].state and runs[0].state.type.value == state_type:
            return runs[0]
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the flow ended before reaching {state_type}: {runs and runs[0].state}\n{out}\n{err}")
        time.sleep(0.5)
    proc.kill()
    pytest.fail(f"the flow run never reached {state_type}")


def _state_names(client, run_id) -> list[str]:
    return [s.name for s in sorted(client.read_flow_run_states(run_id), key=lambda s: s.timestamp)]


def test_paused_flow_is_resumed_from_another_process():
    name = f"pausing-{uuid.uuid4().hex[:8]}"
    proc = _start("pausing", name, "120")
    try:
        with get_client(sync_client=True) as client:
            run = _wait_for(client, name, "PAUSED", proc)
            assert run.state.state_details.pause_timeout is not None
            assert run.state.state_details.pause_reschedule is False
            resume_flow_run(run.id)
            out, err = _finish(proc)
            assert proc.returncode == 0 and "result resumed" in out, out + err
            done = client.read_flow_run(run.id)
            assert done.state.type.value == "COMPLETED", done.state
            assert _state_names(client, run.id) == ["Pending", "Running", "Paused", "Running", "Completed"]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_pause_that_times_out_fails_the_flow():
    name = f"pause-timeout-{uuid.uuid4().hex[:8]}"
    proc = _start("pausing", name, "3")
    try:
        with get_client(sync_client=True) as client:
            run = _wait_for(client, name, "PAUSED", proc)
            out, err = _finish(proc)
            assert proc.returncode != 0 and "FlowPauseTimeout" in err, out + err
            done = client.read_flow_run(run.id)
            assert done.state.type.value == "FAILED", done.state
            with pytest.raises(Exception) as raised:
                resume_flow_run(run.id)
            assert "isn't paused" in str(raised.value) or isinstance(raised.value, FlowPauseTimeout)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_running_flow_cancelled_with_the_cli_ends_cancelled(prefect_cli, tmp_path):
    name = f"cancelled-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "stop"
    proc = _start("until_marker", name, repr(str(marker)))
    try:
        with get_client(sync_client=True) as client:
            run = _wait_for(client, name, "RUNNING", proc)
            cancel = prefect_cli("flow-run", "cancel", str(run.id))
            assert cancel.returncode == 0, cancel
            assert "successfully scheduled for cancellation" in cancel.output, cancel
            assert client.read_flow_run(run.id).state.type.value == "CANCELLING"
            # nothing stops an in-process run (as with Prefect's server): it ends when its code does
            marker.touch()
            out, err = _finish(proc)
            done = client.read_flow_run(run.id)
            assert done.state.type.value == "CANCELLED", f"{done.state}\n{out}\n{err}"
            assert _state_names(client, run.id) == ["Pending", "Running", "Cancelling", "Cancelled"]
    finally:
        marker.touch()
        if proc.poll() is None:
            proc.kill()
