"""Flows under concurrency limits (see it/prefect/tests/test_concurrency_limits.py).

`tagged` submits tasks that share a tag at once: with a tag limit of 1 the task engine must run them one at a time.
`globally_limited` submits tasks that each enter `concurrency(name)`: with a global limit of 1 only one is inside.
"""

import time

from prefect import flow, task
from prefect.concurrency.sync import concurrency


@task
def hold(i: int, seconds: float) -> int:
    time.sleep(seconds)
    return i


@flow
def tagged(tag: str, n: int = 4, seconds: float = 1.0) -> list[int]:
    tagged_hold = hold.with_options(tags=[tag])
    futures = [tagged_hold.submit(i, seconds) for i in range(n)]
    return [f.result() for f in futures]


@task
def guarded(name: str, seconds: float) -> list[float]:
    with concurrency(name, occupy=1, strict=True):
        start = time.time()
        time.sleep(seconds)
        end = time.time()
    return [start, end]


@flow
def globally_limited(name: str, n: int = 3, seconds: float = 0.5) -> list[list[float]]:
    futures = [guarded.submit(name, seconds) for _ in range(n)]
    return [f.result() for f in futures]
