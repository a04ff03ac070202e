"""Deployments run by the real `prefect worker start --type process`, end to end.

A deployment is built from a local flow file (flow.from_source(<dir>, entrypoint).deploy(...), which 3.9.1 supports
for a local path with a process pool: its pull step sets the working directory). Two process workers poll one pool
every second (PREFECT_WORKER_QUERY_SECONDS=1). The module checks: an on-demand run (`prefect deployment run`)
completes; a run made by the server's scheduler from an interval schedule completes; a running flow cancelled with
`prefect flow-run cancel` has its process killed by the worker and ends CANCELLED; a run stuck in CANCELLING is
forced CANCELLED after the timeout and its process killed by a third process worker that handles teardowns (a subclass
with kill_infrastructure, which 3.9.1's ProcessWorker lacks) through the cleanup queue; 60 queued runs shared by the two
workers each run exactly once (one RUNNING state each), with the median delay from the scheduled time to RUNNING
printed; the workers talk to the server over the worker channel.
"""

from __future__ import annotations

import datetime
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from _helpers import RUN_ID

FLOWS = Path(__file__).resolve().parent.parent / "flows"
POOL = f"steward-it-{RUN_ID}-process"


def _client():
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def _deploy(flow_name: str, name: str, **kwargs) -> uuid.UUID:
    from prefect import flow

    loaded = flow.from_source(str(FLOWS), f"deployment_flows.py:{flow_name}")
    name = f"{name}-{RUN_ID}"  # a workspace may keep the deployments of earlier sessions
    # The engine command given as a job variable: the process worker then starts the engine itself, without its
    # workspace supervisor, one Python process per run instead of two (each costs seconds of CPU on 2 cores).
    return loaded.deploy(name=name, work_pool_name=POOL, print_next_steps=False, ignore_warnings=True,
                         job_variables={"command": f"{sys.executable} -m prefect.engine"}, **kwargs)


def _wait(client, run_id, until, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        run = client.read_flow_run(run_id)
        if until(run):
            return run
        if time.monotonic() > deadline:
            pytest.fail(f"flow run {run_id} never {what}; it is {run.state.type.value} {run.state.name!r}")
        time.sleep(0.3)


def _final(client, run_id, timeout: float = 60):
    return _wait(client, run_id, lambda r: r.state is not None and r.state.is_final(), timeout, "finished")


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    """A process pool and two process workers on it, stopped (and their logs shown on failure) afterwards."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    with _client() as client:
        client.create_work_pool(WorkPoolCreate(name=POOL, type="process",
                                               base_job_template=ProcessWorker.get_default_base_job_template()),
                                overwrite=True)
    logs = tmp_path_factory.mktemp("workers")
    env = dict(os.environ, PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="2",
               PREFECT_LOGGING_LEVEL="DEBUG")
    procs = []
    for name in ("w1", "w2"):
        out = open(logs / f"{name}.log", "w")
        procs.append((subprocess.Popen(
            [str(Path(sys.executable).parent / "prefect"), "worker", "start", "--pool", POOL, "--type", "process",
             "--name", f"{POOL}-{name}", "--limit", "4"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=str(FLOWS)), out, logs / f"{name}.log"))
    yield [log for _, _, log in procs]
    for proc, out, _ in procs:
        proc.terminate()
    for proc, out, log in procs:
        _reap(proc)
        out.close()


def test_on_demand_run_completes(workers, prefect_cli):
    deployment_id = _deploy("doubler", "on-demand", parameters={"x": 21})
    result = prefect_cli("deployment", "run", f"doubler/on-demand-{RUN_ID}", "--param", "x=4")
    assert result.returncode == 0, str(result)
    with _client() as client:
        runs = client.read_flow_runs(deployment_filter=_by_id(deployment_id))
        assert len(runs) == 1
        run = _final(client, runs[0].id)
        assert run.state.type.value == "COMPLETED", run.state
        assert run.parameters == {"x": 4}
        assert run.deployment_id == deployment_id
        assert run.work_queue_name == "default"
        assert run.infrastructure_pid


def test_prefect_deploy_from_the_cli_runs_and_inspects(workers, prefect_cli):
    name = f"cli-{RUN_ID}"
    result = prefect_cli("--no-prompt", "deploy", "deployment_flows.py:doubler", "--name", name, "--pool", POOL,
                         "--param", "x=5", "--cron", "0 9 * * *", "--timezone", "Europe/Paris", "--job-variable",
                         f"command={sys.executable} -m prefect.engine", cwd=str(FLOWS))
    assert result.returncode == 0 and "successfully created" in result.stdout, str(result)
    inspected = prefect_cli("deployment", "inspect", f"doubler/{name}")
    assert inspected.returncode == 0, str(inspected)
    assert "'cron': '0 9 * * *'" in inspected.stdout and "Europe/Paris" in inspected.stdout, inspected.stdout
    assert f"'work_pool_name': '{POOL}'" in inspected.stdout, inspected.stdout
    assert "'automations': []" in inspected.stdout, inspected.stdout
    run = prefect_cli("deployment", "run", f"doubler/{name}")
    assert run.returncode == 0, str(run)
    with _client() as client:
        deployment = client.read_deployment_by_name(f"doubler/{name}")
        assert deployment.entrypoint == "deployment_flows.py:doubler" and deployment.parameters == {"x": 5}
        runs = [r for r in client.read_flow_runs(deployment_filter=_by_id(deployment.id)) if not r.auto_scheduled]
        assert len(runs) == 1, runs
        done = _final(client, runs[0].id)
        assert done.state.type.value == "COMPLETED", done.state


def test_an_automation_runs_a_deployment_on_the_worker(workers):
    """A deployment trigger (deploy(triggers=[...])): an event the client emits makes the automation run the
    deployment with the trigger's parameters, and a process worker runs it to completion, once."""
    from prefect.events import DeploymentEventTrigger, emit_event

    resource = f"steward.test.automation.{RUN_ID}"
    trigger = DeploymentEventTrigger(name=f"on-go-{RUN_ID}", expect={"steward.test.go"},
                                     match={"prefect.resource.id": resource}, parameters={"x": 8})
    deployment_id = _deploy("doubler", "triggered", triggers=[trigger])
    emit_event(event="steward.test.go", resource={"prefect.resource.id": resource})
    with _client() as client:
        deadline = time.monotonic() + 60
        while not (runs := client.read_flow_runs(deployment_filter=_by_id(deployment_id))):
            assert time.monotonic() < deadline, "the automation never ran the deployment"
            time.sleep(0.3)
        run = _final(client, runs[0].id)
        assert run.state.type.value == "COMPLETED", run.state
        assert run.parameters == {"x": 8}
        time.sleep(2)
        assert len(client.read_flow_runs(deployment_filter=_by_id(deployment_id))) == 1, "run once"


def test_scheduled_run_completes(workers):
    from prefect.client.schemas.schedules import IntervalSchedule

    anchor = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
    deployment_id = _deploy("doubler", "scheduled",
                            schedule=IntervalSchedule(interval=datetime.timedelta(hours=1), anchor_date=anchor))
    with _client() as client:
        deadline = time.monotonic() + 30
        while not (runs := client.read_flow_runs(deployment_filter=_by_id(deployment_id))):
            assert time.monotonic() < deadline, "the scheduler made no run"
            time.sleep(0.3)
        first = min(runs, key=lambda r: r.expected_start_time)
        assert first.auto_scheduled and "auto-scheduled" in first.tags
        assert abs((first.expected_start_time - anchor).total_seconds()) < 1
        run = _final(client, first.id)
        assert run.state.type.value == "COMPLETED", run.state
        # the next runs of the horizon wait for their time
        assert len(runs) >= 3 and all(r.id == first.id or r.state.type.value == "SCHEDULED" for r in
                                      client.read_flow_runs(deployment_filter=_by_id(deployment_id)))


def test_running_flow_is_cancelled_and_its_process_killed(workers, prefect_cli):
    deployment_id = _deploy("sleeper", "cancel-me")
    with _client() as client:
        run, pid = _running_with_pid(client, deployment_id)
        result = prefect_cli("flow-run", "cancel", str(run.id))
        assert result.returncode == 0, str(result)
        run = _final(client, run.id, timeout=45)
        assert run.state.type.value == "CANCELLED", run.state
        _wait_gone(pid, 10, "outlived its cancellation")


def test_run_stuck_in_cancelling_is_torn_down_through_the_cleanup_queue(workers, tmp_path):
    """A run left CANCELLING (as when its worker died) past the timeout (10 s in the test stack) is forced CANCELLED by
    the server, and a worker that handles teardowns gets the message over the worker channel, kills the process and
    acks it. Prefect 3.9.1's own ProcessWorker declares no cleanup kinds (it lacks kill_infrastructure), so the
    teardown worker is its subclass with that one method (_support/teardown_worker.py)."""
    log = open(tmp_path / "teardown-worker.log", "w")
    teardown = subprocess.Popen([sys.executable, str(Path(__file__).parent / "_support" / "teardown_worker.py"), POOL,
                                 f"{POOL}-teardown"], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=dict(os.environ, PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_LOGGING_LEVEL="DEBUG"),
                                cwd=str(FLOWS))
    try:
        _tear_down_a_stuck_run()
    except BaseException:
        log.flush()
        print((tmp_path / "teardown-worker.log").read_text()[-5000:])
        print("dead letters:", _cleanup_api("/dead_letters"))
        raise
    finally:
        teardown.terminate()
        _reap(teardown)
        log.close()


def _tear_down_a_stuck_run():
    from prefect.client.schemas.objects import StateType
    from prefect.states import State

    deployment_id = _deploy("sleeper", "stuck")
    with _client() as client:
        run, pid = _running_with_pid(client, deployment_id)
        # CANCELLING under another name: no prefect.flow-run.Cancelling event, so nothing on the worker's side
        # stops the run; it stays CANCELLING, its process alive
        client.set_flow_run_state(run.id, State(type=StateType.CANCELLING, name="Stuck"), force=True)
        time.sleep(3)
        assert _alive(pid), "the run was meant to be stuck"
        assert client.read_flow_run(run.id).state.type.value == "CANCELLING"
        run = _final(client, run.id, timeout=60)
        assert run.state.type.value == "CANCELLED", run.state
        assert run.state.message == "Flow run cancellation timed out; marked this flow run as Cancelled."
        _wait_gone(pid, 30, "was not torn down")
    stats = _cleanup_stats()
    deadline = time.monotonic() + 15
    while stats["acked"] < 1:
        assert time.monotonic() < deadline, f"the teardown message was never acked: {stats}"
        time.sleep(0.2)
        stats = _cleanup_stats()
    assert (stats["enqueued"], stats["acked"], stats["in_flight"], stats["dead_letters"]) == (1, 1, 0, 0), stats


def _cleanup_stats() -> dict:
    return _cleanup_api("")


def _cleanup_api(path: str):
    """The pool's cleanup queue through Steward's operator API (an admin key of the workspace)."""
    import httpx

    response = httpx.get(f"{os.environ['PREFECT_API_URL']}/cleanup/{POOL}{path}",
                         headers={"Authorization": f"Bearer {os.environ['STEWARD_IT_ADMIN_KEY']}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_sixty_queued_runs_each_run_once_on_two_workers(workers, capsys):
    deployment_id = _deploy("doubler", "sixty")
    with _client() as client:
        began = time.monotonic()
        ids = [client.create_flow_run_from_deployment(deployment_id, parameters={"x": i}).id for i in range(60)]
        delays, starts = [], []
        deadline = time.monotonic() + 480
        for run_id in ids:
            run = _final(client, run_id, timeout=max(1.0, deadline - time.monotonic()))
            assert run.state.type.value == "COMPLETED", (run_id, run.state)
            states = client.read_flow_run_states(run_id)
            running = [s for s in states if s.type.value == "RUNNING"]
            # the worker that took the run proposed PENDING once (then its "Submitting" sub-state); no other did
            pending = [s for s in states if s.name == "Pending"]
            assert len(running) == 1 and len(pending) == 1, (run_id, [s.name for s in states])
            assert run.run_count == 1
            delays.append((running[0].timestamp - run.expected_start_time).total_seconds())
            starts.append((running[0].timestamp - pending[0].timestamp).total_seconds())
    # shown whatever pytest captures: the figure the issue asks for. All 60 are due at once and the two workers run
    # 4 each, so most of a run's delay is its wait for a free slot; the smallest delay is a run that did not wait,
    # and PENDING to RUNNING is the flow's process starting (a Python process importing prefect).
    with capsys.disabled():
        print(f"\n60 runs on two process workers (limit 4 each): scheduled-to-running median "
              f"{statistics.median(delays):.2f} s, min {min(delays):.2f} s, max {max(delays):.2f} s; "
              f"the process's start (PENDING to RUNNING) median {statistics.median(starts):.2f} s; "
              f"all 60 done {time.monotonic() - began:.0f} s after they were queued")


def test_workers_connect_over_the_worker_channel(workers):
    # the server marks a worker whose last heartbeat came over the channel; the worker logs when it falls back
    with _client() as client:
        answer = client._client.post(f"/work_pools/{POOL}/workers/filter", json={})
        answer.raise_for_status()
        ours = {w["name"]: w for w in answer.json() if w["name"].startswith(POOL)}
    # the teardown worker of the CANCELLING test, when it ran, is a worker of the pool too
    assert {f"{POOL}-w1", f"{POOL}-w2"} <= set(ours) <= {f"{POOL}-w1", f"{POOL}-w2", f"{POOL}-teardown"}, ours
    assert all(w["channel"] for w in ours.values()), ours
    for log in workers:
        text = Path(log).read_text()
        assert "Worker channel disabled" not in text, text[-3000:]


def _running_with_pid(client, deployment_id):
    """A new run of the deployment once RUNNING with its process alive, and that process's pid."""
    run = client.create_flow_run_from_deployment(deployment_id)
    run = _wait(client, run.id, lambda r: r.state.type.value == "RUNNING" and r.infrastructure_pid, 60,
                "ran with an infrastructure pid")
    pid = int(run.infrastructure_pid.rsplit(":", 1)[-1])
    os.kill(pid, 0)
    return run, pid


def _wait_gone(pid: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        assert time.monotonic() < deadline, f"the flow's process {pid} {what}"
        time.sleep(0.2)


def _reap(proc: subprocess.Popen) -> None:
    """Waits for a terminated process, killing it after 15 s."""
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _by_id(deployment_id):
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    return DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie left for its parent (the worker) to reap is gone as a process
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
