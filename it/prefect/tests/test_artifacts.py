"""Artifacts with the unmodified client, CLI and a flow: a task creates one artifact of each kind (markdown, table,
link, progress updated to 100, image); the client and `prefect artifact ls|inspect|delete` read them back; the
server's `prefect.artifact-collection.*` events and the client's `prefect.artifact.*` ones are stored; deleting a flow
run deletes its artifacts and makes each key's previous version its latest."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

from prefect import flow, runtime, task
from prefect.artifacts import (
    create_image_artifact,
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactCollectionFilter,
    ArtifactCollectionFilterKey,
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.sorting import ArtifactCollectionSort, ArtifactSort
from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventResourceFilter
from prefect.events.schemas.events import ResourceSpecification

KINDS = ("md", "table", "link", "progress", "image")
TYPES = {"md": "markdown", "table": "table", "link": "markdown", "progress": "progress", "image": "image"}


@task
def publish(keys: dict[str, str], version: int) -> str:
    create_markdown_artifact(f"# Report v{version}", key=keys["md"], description=f"v{version}")
    create_table_artifact([{"row": 1, "version": version}], key=keys["table"])
    create_link_artifact("https://example.com/report", link_text=f"report v{version}", key=keys["link"])
    progress = create_progress_artifact(0.0, key=keys["progress"])
    update_progress_artifact(progress, 100.0)
    create_image_artifact("https://example.com/chart.png", key=keys["image"])
    return str(progress)


@flow
def report(keys: dict[str, str], version: int) -> tuple[str, str]:
    return str(runtime.flow_run.id), publish(keys, version)


def _versions(client, keys):
    return client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=list(keys.values()))),
                                 sort=ArtifactSort.CREATED_DESC)


def _latest(client, keys):
    return client.read_latest_artifacts(
        artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=list(keys.values()))),
        sort=ArtifactCollectionSort.KEY_ASC)


def _events(client, keys, prefix, want, timeout=20.0):
    """The events named `prefix`* of these keys, once at least `want` are stored (the client's arrive by socket)."""
    now = datetime.now(timezone.utc)
    event_filter = EventFilter(
        occurred=EventOccurredFilter(since=now - timedelta(hours=1), until=now + timedelta(minutes=1)),
        event=EventNameFilter(prefix=[prefix]),
        resource=EventResourceFilter(labels=ResourceSpecification({"prefect.resource.name": list(keys.values())})))
    deadline = time.monotonic() + timeout
    while True:
        events = client.read_events(filter=event_filter, limit=50).events
        if len(events) >= want or time.monotonic() > deadline:
            return events
        time.sleep(0.5)


def test_a_flows_artifacts_through_client_cli_events_and_run_deletion(prefect_cli):
    suffix = uuid.uuid4().hex[:8]
    keys = {kind: f"it-{kind}-{suffix}" for kind in KINDS}
    run1, _ = report(keys, 1)
    run2, progress2 = report(keys, 2)

    with get_client(sync_client=True) as client:
        versions = _versions(client, keys)
        assert len(versions) == 10, versions
        assert {v.type for v in versions} == set(TYPES.values())
        assert all(v.task_run_id is not None for v in versions), "made in a task: the task run is recorded"
        assert {str(v.flow_run_id) for v in versions} == {run1, run2}
        by_run = {run: {v.key: v for v in versions if str(v.flow_run_id) == run} for run in (run1, run2)}
        progress = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[keys["progress"]])),
                                         flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[uuid.UUID(run2)])))
        assert [str(p.id) for p in progress] == [progress2] and progress[0].data == 100.0, progress
        assert by_run[run2][keys["table"]].data and "version" in by_run[run2][keys["table"]].data

        latest = _latest(client, keys)
        assert [c.key for c in latest] == sorted(keys.values())
        assert {c.latest_id for c in latest} == {v.id for v in by_run[run2].values()}, "the newest version of each key"
        assert next(c for c in latest if c.key == keys["md"]).description == "v2"

        # the server's collection events: created by the first run, updated by the second, with Prefect's related
        collection_events = _events(client, keys, "prefect.artifact-collection.", 10)
        md_events = sorted((e for e in collection_events if e.resource.name == keys["md"]), key=lambda e: e.occurred)
        assert [e.event for e in md_events] == ["prefect.artifact-collection.created",
                                                "prefect.artifact-collection.updated"], md_events
        related = {r.role: r.id for r in md_events[1].related}
        assert related == {"latest": f"prefect.artifact.{by_run[run2][keys['md']].id}",
                           "flow-run": f"prefect.flow-run.{run2}",
                           "task-run": f"prefect.task-run.{by_run[run2][keys['md']].task_run_id}"}, related
        assert md_events[1].payload == {"key": keys["md"], "type": "markdown", "data": "# Report v2",
                                        "description": "v2"}, md_events[1].payload
        # the client's own events for each version, through the events socket
        client_events = _events(client, keys, "prefect.artifact.", 10)
        assert {e.event for e in client_events} == {"prefect.artifact.created"}, client_events
        assert len(client_events) == 10, [e.event for e in client_events]

    listing, inspected = prefect_cli.many(("artifact", "ls"), ("artifact", "inspect", keys["md"], "-o", "json"))
    assert listing.returncode == 0, listing
    for c in latest:
        assert c.key in listing.stdout and str(c.latest_id) in listing.stdout, listing
    assert inspected.returncode == 0, inspected
    assert [a["description"] for a in inspected.json()] == ["v2", "v1"], inspected

    # deleting the second run deletes its artifacts; each key's version of the first run is its latest again
    with get_client(sync_client=True) as client:
        client.delete_flow_run(uuid.UUID(run2))
        versions = _versions(client, keys)
        assert {str(v.flow_run_id) for v in versions} == {run1} and len(versions) == 5, versions
        latest = _latest(client, keys)
        assert {c.latest_id for c in latest} == {v.id for v in by_run[run1].values()}, latest
        assert next(c for c in latest if c.key == keys["md"]).description == "v1"
        updated = _events(client, keys, "prefect.artifact-collection.updated", 10)
        promoted = [e for e in updated if e.resource.name == keys["md"]
                    and any(r.id == f"prefect.artifact.{by_run[run1][keys['md']].id}" for r in e.related)]
        assert len(promoted) == 1, updated

    deleted = prefect_cli("--no-prompt", "artifact", "delete", keys["md"])
    assert deleted.returncode == 0, deleted
    assert f"Deleted 1 artifact(s) with key '{keys['md']}'." in deleted.output, deleted
    gone = prefect_cli("artifact", "inspect", keys["md"])
    assert gone.returncode == 1 and "not found" in gone.output, gone

    with get_client(sync_client=True) as client:
        assert keys["md"] not in {c.key for c in _latest(client, keys)}
        removed = _events(client, keys, "prefect.artifact-collection.deleted", 1)
        assert [e.resource.name for e in removed] == [keys["md"]], removed
        client.delete_flow_run(uuid.UUID(run1))
        assert _versions(client, keys) == [] and _latest(client, keys) == []
