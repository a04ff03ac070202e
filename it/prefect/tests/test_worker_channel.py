"""The real `prefect worker start --type process` connects through the worker channel instead of falling back to REST."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from _helpers import RUN_ID


def _workers(client, pool: str) -> list[dict]:
    # the raw response: it carries Steward's `channel` field beside Prefect's
    response = client._client.post(f"/work_pools/{pool}/workers/filter", json={})
    response.raise_for_status()
    return response.json()


def test_process_worker_connects_over_the_channel_and_heartbeats_through_it():
    pool = f"steward-it-{RUN_ID}-channel"
    worker = f"channel-worker-{RUN_ID}"
    exe = str(Path(sys.executable).parent / "prefect")
    env = dict(os.environ, PREFECT_WORKER_HEARTBEAT_SECONDS="2", PREFECT_WORKER_QUERY_SECONDS="2",
               PREFECT_LOGGING_LEVEL="DEBUG", COLUMNS="500", NO_COLOR="1")
    with tempfile.TemporaryFile("w+") as output:
        proc = subprocess.Popen([exe, "worker", "start", "--pool", pool, "--type", "process", "--name", worker],
                                stdout=output, stderr=subprocess.STDOUT, env=env, text=True)
        try:
            with get_client(sync_client=True) as client:
                beats: set[str] = set()
                deadline = time.time() + 90
                while time.time() < deadline and len(beats) < 3:
                    if proc.poll() is not None:
                        output.seek(0)
                        pytest.fail(f"the worker exited with {proc.returncode}:\n{output.read()}")
                    try:
                        found = [w for w in _workers(client, pool) if w["name"] == worker]
                    except Exception:
                        found = []  # the pool is created by the worker's hello
                    if found:
                        beats.add(found[0]["last_heartbeat_time"])
                    time.sleep(1)
                assert len(beats) >= 3, f"heartbeats seen: {beats}"
                registered = [w for w in _workers(client, pool) if w["name"] == worker][0]
                assert registered["status"] == "ONLINE"
                assert registered["heartbeat_interval_seconds"] == 2
                assert registered["channel"] is True, "the heartbeats came over the worker channel"
                work_pool = client.read_work_pool(pool)
                assert work_pool.type == "process"
                assert work_pool.status.value == "READY"
                assert work_pool.base_job_template["job_configuration"], "the worker's default template"
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            with get_client(sync_client=True) as client:
                try:
                    client.delete_work_pool(pool)
                except Exception:
                    pass
        output.seek(0)
        log = output.read()
    assert "Skipping REST worker heartbeat because the worker channel is healthy" in log, log
    for fallback in ("REST fallback", "Worker channel disabled", "Worker channel unhealthy"):
        assert fallback not in log, log
