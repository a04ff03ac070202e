"""Minimal three-task ETL flow used to exercise flow/task-run orchestration.

Run it against a server with PREFECT_API_URL (and PREFECT_API_AUTH_STRING) set:

    python it/prefect/flows/simple_flow.py
"""

from prefect import flow, get_run_logger, task


@task
def extract() -> list[int]:
    logger = get_run_logger()
    data = [1, 2, 3]
    logger.info("extracted %s", data)
    return data


@task
def transform(data: list[int]) -> list[int]:
    logger = get_run_logger()
    result = [x * 10 for x in data]
    logger.info("transformed %s -> %s", data, result)
    return result


@task
def load(data: list[int]) -> int:
    logger = get_run_logger()
    total = sum(data)
    logger.info("loaded %d rows, total=%d", len(data), total)
    return total


@flow
def etl() -> int:
    logger = get_run_logger()
    logger.info("starting etl")
    raw = extract()
    transformed = transform(raw)
    total = load(transformed)
    logger.info("etl finished, total=%d", total)
    return total


if __name__ == "__main__":
    etl()
