"""flow.serve(): the runner creates its deployment (no work pool) and polls POST /deployments/get_scheduled_flow_runs;
a run made with run_deployment is picked up and executed by the serving process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from _helpers import RUN_ID

FLOWS = Path(__file__).resolve().parent.parent / "flows"


def test_served_flow_runs_a_deployment_run():
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    name = f"served-{RUN_ID}"
    code = (f"import sys; sys.path.insert(0, {str(FLOWS)!r}); from deployment_flows import doubler; "
            f"doubler.serve(name={name!r}, limit=2)")
    env = dict(os.environ, PREFECT_RUNNER_POLL_FREQUENCY="1")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    try:
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    deployment = client.read_deployment_by_name(f"doubler/{name}")
                    break
                except Exception:
                    assert proc.poll() is None, proc.stdout.read()
                    assert time.monotonic() < deadline, "flow.serve() made no deployment"
                    time.sleep(0.5)
            assert deployment.work_pool_name is None
            run = run_deployment(f"doubler/{name}", parameters={"x": 5}, timeout=90)
            assert run.state.is_completed(), run.state
            assert run.deployment_id == deployment.id
            assert client.read_deployment(deployment.id).status.value == "READY"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
