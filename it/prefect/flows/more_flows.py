"""Flows that exercise subflows, failures and mapping against a server (see it/prefect/tests/test_more_flows.py)."""

from prefect import flow, get_run_logger, task


@task
def double(x: int) -> int:
    return 2 * x


@task
def square(x: int) -> int:
    return x * x


@flow
def child(x: int) -> int:
    get_run_logger().info("child got %d", x)
    return double(x)


@flow
def parent() -> int:
    first = double(1)
    return child(first)


@flow
def failing() -> None:
    get_run_logger().info("about to fail")
    raise ValueError("this flow fails on purpose")


@flow
def mapped(n: int) -> int:
    return sum(f.result() for f in square.map(range(n)))
