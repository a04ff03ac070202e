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


def test_flow_paused_for_input_is_resumed_with_an_answer_that_fits_its_schema():
    name = f"asking-{uuid.uuid4().hex[:8]}"
    proc = _start("asking", name, "120")
    try:
        with get_client(sync_client=True) as client:
            run = _wait_for(client, name, "PAUSED", proc)
            keyset = run.state.state_details.run_input_keyset
            assert keyset and set(keyset) >= {"schema", "response"}, keyset
            schema = client.read_flow_run_input(run.id, keyset["schema"])
            assert '"approver"' in schema and '"copies"' in schema, schema
            # an answer that does not fit the schema is refused and the run stays paused
            refused = client.resume_flow_run(run.id, run_input={"approver": "ann", "copies": "many"})
            assert refused.status.value == "REJECT" and "copies" in refused.details.reason, refused
            assert client.read_flow_run(run.id).state.type.value == "PAUSED"
            accepted = client.resume_flow_run(run.id, run_input={"approver": "ann", "copies": 3})
            assert accepted.status.value == "ACCEPT", accepted
            out, err = _finish(proc)
            assert proc.returncode == 0 and "result ann x3" in out, out + err
            assert client.read_flow_run(run.id).state.type.value == "COMPLETED"
            # the answer is kept as an input of the run, beside the schema
            keys = [i.key for i in client.filter_flow_run_input(run.id, key_prefix="", limit=10, exclude_keys=set())]
            assert keyset["schema"] in keys and keyset["response"] in keys, keys
    finally:
        if proc.poll() is None:
            proc.kill()


def test_inputs_sent_to_a_run_are_received_in_order_and_can_be_deleted():
    import httpx
    from prefect.input.run_input import receive_input, send_input

    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name(f"inbox-{uuid.uuid4().hex[:8]}")
        answer = client._client.post("/flow_runs/", json={"flow_id": str(flow_id)})
        answer.raise_for_status()
        run_id = uuid.UUID(answer.json()["id"])
        send_input("hello", flow_run_id=run_id, sender="test-a")
        send_input("world", flow_run_id=run_id, sender="test-b")
        received = []
        for item in receive_input(str, flow_run_id=run_id, timeout=20, poll_interval=0.5, with_metadata=True):
            received.append((item.value, item.metadata.sender))
            if len(received) == 2:
                break
        assert received == [("hello", "test-a"), ("world", "test-b")], received
        inputs = client.filter_flow_run_input(run_id, key_prefix="", limit=10, exclude_keys=set())
        assert len(inputs) == 2
        client.delete_flow_run_input(run_id, inputs[0].key)
        with pytest.raises(httpx.HTTPStatusError) as gone:
            client.read_flow_run_input(run_id, inputs[0].key)
        assert gone.value.response.status_code == 404
        left = client.filter_flow_run_input(run_id, key_prefix="", limit=10, exclude_keys=set())
        assert [i.key for i in left] == [inputs[1].key]


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
