"""Flows that pause (one waiting for input) and one that runs until told to stop (it/prefect/tests/test_pause_and_cancel.py)."""

import pathlib
import time

from prefect import flow, task
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput


@task
def step(i: int) -> int:
    return i


@flow
def pausing(timeout: int) -> str:
    step(1)
    # blocks, polling the run's state every second, until it is resumed or the timeout passes
    pause_flow_run(timeout=timeout, poll_interval=1)
    step(2)
    return "resumed"


class Approval(RunInput):
    approver: str
    copies: int


@flow
def asking(timeout: int) -> str:
    """Pauses until someone answers with an Approval (its schema is stored as a flow-run input), then uses it."""
    answer = pause_flow_run(wait_for_input=Approval, timeout=timeout, poll_interval=1)
    return f"{answer.approver} x{answer.copies}"


@flow
def until_marker(marker: str) -> str:
    """Runs tasks until the marker file exists (at most two minutes), so a test can act on it while it runs."""
    deadline = time.monotonic() + 120
    i = 0
    while not pathlib.Path(marker).exists() and time.monotonic() < deadline:
        step(i)
        i += 1
        time.sleep(0.5)
    return "finished"
