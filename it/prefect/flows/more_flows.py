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


@task(retries=2, retry_delay_seconds=0)
def flaky(marker: str) -> str:
    """Fails on its first two attempts (counted in a file), then succeeds."""
    import pathlib

    path = pathlib.Path(marker)
    attempts = int(path.read_text()) if path.exists() else 0
    path.write_text(str(attempts + 1))
    if attempts < 2:
        raise RuntimeError(f"attempt {attempts + 1} fails")
    return "ok"


@flow
def task_retries(marker: str) -> str:
    return flaky(marker)


@flow(retries=1, retry_delay_seconds=0)
def flow_retries(marker: str) -> str:
    import pathlib

    path = pathlib.Path(marker)
    if not path.exists():
        path.write_text("failed once")
        raise RuntimeError("the first attempt of the flow fails")
    return "second attempt"


@task(cache_key_fn=lambda ctx, params: f"steward-cache-{params['key']}", persist_result=True)
def expensive(key: str) -> str:
    get_run_logger().info("computing %s", key)
    return f"value-{key}"


@flow
def cached(key: str) -> list[str]:
    return [expensive(key), expensive(key)]
