"""Flows that deployments run through a real process worker (it/prefect/tests/test_deployments_with_workers.py)."""

import time

from prefect import flow


@flow
def doubler(x: int = 1) -> int:
    return x * 2


@flow
def sleeper(seconds: float = 300) -> None:
    time.sleep(seconds)
