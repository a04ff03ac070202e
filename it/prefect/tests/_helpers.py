"""Helpers shared by conftest.py and the test modules (prefect is imported lazily)."""

from __future__ import annotations

import uuid

# One id per pytest session: every variable this run creates carries it, so two
# runs against the same workspace never collide.
RUN_ID = uuid.uuid4().hex[:10]


def delete_variable_if_exists(name: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.delete_variable_by_name(name)
        except ObjectNotFound:
            pass
