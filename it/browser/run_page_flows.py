"""Flows the run page's browser test (RunPageBrowserIT, run-page.test.mjs) looks at, run by the real prefect client.

    python run_page_flows.py mapped            1,000 mapped task runs with persisted JSON results, and logs
    python run_page_flows.py subflow           a flow that calls a subflow
    python run_page_flows.py running FILE      a flow that waits until FILE exists, with downstream tasks waiting on it

Each prints the flow run's id on a line "FLOW_RUN_ID <id>" as soon as it is known (the running one before it waits),
and writes it to the file STEWARD_RUN_ID_FILE names, when set.
"""

import os
import sys
import time

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run


def announce() -> None:
    print(f"FLOW_RUN_ID {flow_run.id}", flush=True)
    if os.environ.get("STEWARD_RUN_ID_FILE"):
        with open(os.environ["STEWARD_RUN_ID_FILE"], "w") as f:
            f.write(str(flow_run.id))


@task(persist_result=True, result_serializer="json")
def square(x: int) -> int:
    if x % 100 == 0:
        get_run_logger().info("squaring %d", x)
    return x * x


@task(persist_result=True, result_serializer="json")
def total(values: list[int]) -> dict:
    get_run_logger().warning("summing %d squares", len(values))
    return {"count": len(values), "sum": sum(values)}


@flow(name="run-page-mapped", persist_result=True, result_serializer="json")
def mapped(n: int = 1000) -> dict:
    announce()
    logger = get_run_logger()
    logger.debug("a debug line before the map")
    logger.info("mapping over %d items", n)
    squares = square.map(range(n))
    result = total(squares.result())
    logger.error("an error line, for the level filter (nothing failed)")
    return result


@task
def child_step(word: str) -> str:
    get_run_logger().info("child step got %s", word)
    return word.upper()


@flow(name="run-page-child")
def child(word: str) -> str:
    return child_step(word)


@task
def prepare() -> str:
    return "hello"


@flow(name="run-page-parent")
def parent() -> str:
    announce()
    return child(prepare())


@task
def wait_for_file(path: str) -> str:
    logger = get_run_logger()
    tick = 0
    while not os.path.exists(path):
        tick += 1
        logger.info("waiting for the release file, tick %d", tick)
        time.sleep(0.3)
    logger.info("released")
    return "released"


@task
def after_wait(value: str) -> str:
    return value + " and processed"


@task
def last_step(value: str) -> str:
    return value + " and done"


@flow(name="run-page-running")
def running(path: str) -> str:
    announce()
    waiting = wait_for_file.submit(path)
    processed = after_wait.submit(waiting)
    done = last_step.submit(processed)
    return done.result()


if __name__ == "__main__":
    which = sys.argv[1]
    if which == "mapped":
        mapped()
    elif which == "subflow":
        parent()
    elif which == "running":
        running(sys.argv[2])
    else:
        raise SystemExit(f"unknown flow {which}")
