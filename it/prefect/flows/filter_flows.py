"""A flow with a tagged task, a failing task and a subflow, for the filter tests (it/prefect/tests/test_filters.py)."""

from prefect import flow, tags, task


@task
def fetch(x: int) -> int:
    return x + 1


@task
def explode(x: int) -> int:
    raise ValueError(f"explode({x}) fails on purpose")


@flow
def inner(x: int) -> int:
    return fetch(x)


@flow
def outer(suffix: str) -> int:
    with tags(f"t-{suffix}"):
        first = fetch.with_options(name=f"fetch-{suffix}")(1)
    explode.with_options(name=f"explode-{suffix}")(first, return_state=True)
    return inner.with_options(name=f"inner-{suffix}")(first)
