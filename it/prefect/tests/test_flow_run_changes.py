"""Changing and deleting a flow run with the unmodified client and CLI: update_flow_run, labels, `flow-run delete`."""

from __future__ import annotations

import uuid

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRunPolicy
from prefect.exceptions import ObjectNotFound


@flow
def _noop() -> None:
    pass


def test_update_labels_and_delete(prefect_cli):
    name = f"changes-{uuid.uuid4().hex[:8]}"
    with get_client(sync_client=True) as client:
        run = client.create_flow_run(_noop.with_options(name=name), tags=["before"])

        client.update_flow_run(run.id, name="renamed", tags=["a", "b"], parameters={"n": 1}, flow_version="v9",
                               infrastructure_pid="4242", empirical_policy=FlowRunPolicy(retries=2, retry_delay=5))
        updated = client.read_flow_run(run.id)
        assert updated.name == "renamed"
        assert sorted(updated.tags) == ["a", "b"]
        assert updated.parameters == {"n": 1}
        assert updated.flow_version == "v9"
        assert updated.infrastructure_pid == "4242"
        assert (updated.empirical_policy.retries, updated.empirical_policy.retry_delay) == (2, 5)

        client.update_flow_run_labels(run.id, {"env": "prod", "attempt": 1})
        client.update_flow_run_labels(run.id, {"env": "staging"})
        labels = client.read_flow_run(run.id).labels
        assert labels["env"] == "staging" and labels["attempt"] == 1, labels
        assert labels["prefect.flow.id"] == str(run.flow_id), "merged into the run's labels, not replacing them"

    deleted = prefect_cli("flow-run", "delete", str(run.id))
    assert deleted.returncode == 0, deleted.output
    assert f"Successfully deleted flow run '{run.id}'" in deleted.output, deleted.output

    with get_client(sync_client=True) as client:
        with pytest.raises(ObjectNotFound):
            client.read_flow_run(run.id)
    again = prefect_cli("flow-run", "delete", str(run.id))
    assert again.returncode == 1 and "not found" in again.output, again.output
