"""Prefect's filters through the real client and CLI: `prefect task-run ls` and `prefect flow-run ls` by state name
and type, the client's FlowRunFilter, TaskRunFilter and FlowFilter parts (parents, subflows, tags, or_), filters
across objects, a deployment filter (no deployments yet: nothing matches) and the event filters related and text.
The runs come from a real flow run (flows/filter_flows.py): a tagged task, a failing task and a subflow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
    FlowRunFilterParentTaskRunId,
    FlowRunFilterStateType,
    FlowRunFilterState,
    TaskRunFilter,
    TaskRunFilterState,
    TaskRunFilterStateType,
    TaskRunFilterSubFlowRuns,
    TaskRunFilterTags,
)
from prefect.client.schemas.objects import StateType
from prefect.events.filters import (
    EventFilter,
    EventNameFilter,
    EventOccurredFilter,
    EventRelatedFilter,
    EventTextFilter,
)

FLOWS = Path(__file__).resolve().parents[1] / "flows" / "filter_flows.py"
FINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}


def _run_outer(suffix: str) -> None:
    code = (f"import runpy; ns = runpy.run_path({str(FLOWS)!r}); "
            f"print('result', ns['outer'].with_options(name='outer-{suffix}')({suffix!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=os.environ)
    assert done.returncode == 0, f"flow failed:\n{done.stdout}\n{done.stderr}"
    assert "result 3" in done.stdout, done.stdout


def test_filters_of_the_real_client_and_cli(prefect_cli):
    suffix = uuid.uuid4().hex[:8]
    _run_outer(suffix)

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[f"outer-{suffix}"])))
        assert len(runs) == 1, runs
        parent = runs[0]
        of_parent = FlowRunFilter(id=FlowRunFilterId(any_=[parent.id]))

        # task runs arrive as events: wait for fetch, explode and the subflow's placeholder to be final
        deadline = time.time() + 60
        tasks = []
        while time.time() < deadline:
            tasks = client.read_task_runs(flow_run_filter=of_parent)
            if len(tasks) == 3 and all(t.state and t.state.type.value in FINAL for t in tasks):
                break
            time.sleep(0.5)
        assert len(tasks) == 3, tasks
        by_kind = {t.name.split("-")[0]: t for t in tasks}
        assert set(by_kind) >= {"fetch", "explode"}, [t.name for t in tasks]
        placeholder = next(t for t in tasks if t.id not in (by_kind["fetch"].id, by_kind["explode"].id))

        # subflows: by parent flow run, by parent task run; and the placeholder is a task run with a subflow run
        children = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent.id])))
        assert len(children) == 1 and children[0].parent_task_run_id == placeholder.id, children
        assert [r.id for r in client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_task_run_id=FlowRunFilterParentTaskRunId(any_=[placeholder.id])))] == [children[0].id]
        assert [f.name for f in client.read_flows(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[children[0].id])))] == [f"inner-{suffix}"]

        # or_: the parent's task runs that failed, or that stand for a subflow
        either = client.read_task_runs(
            task_run_filter=TaskRunFilter(
                operator="or_",
                state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.FAILED])),
                subflow_runs=TaskRunFilterSubFlowRuns(exists_=True)),
            flow_run_filter=of_parent)
        assert sorted(t.id for t in either) == sorted([by_kind["explode"].id, placeholder.id]), either
        tagged = client.read_task_runs(task_run_filter=TaskRunFilter(tags=TaskRunFilterTags(all_=[f"t-{suffix}"])))
        assert [t.id for t in tagged] == [by_kind["fetch"].id], tagged

        # flow runs by their flow and state, counted; a deployment filter matches nothing while there are none
        both = FlowFilter(name=FlowFilterName(any_=[f"outer-{suffix}", f"inner-{suffix}"]))
        assert client.count_flow_runs(flow_filter=both) == 2
        completed = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.COMPLETED])))
        assert len(client.read_flow_runs(flow_filter=both, flow_run_filter=completed)) == 2
        assert client.read_flow_runs(flow_filter=both, deployment_filter=DeploymentFilter(
            id=DeploymentFilterId(any_=[uuid.uuid4()]))) == []

        # events: the parent's task-run events carry it as their related flow run
        now = datetime.now(timezone.utc)
        occurred = EventOccurredFilter(since=now - timedelta(hours=1), until=now + timedelta(minutes=1))
        page = client.read_events(filter=EventFilter(
            occurred=occurred, event=EventNameFilter(prefix=["prefect.task-run."]),
            related=EventRelatedFilter(id=[f"prefect.flow-run.{parent.id}"], role=["flow-run"])), limit=50)
        names = {e.resource.get("prefect.resource.name") for e in page.events}
        assert {by_kind["fetch"].name, by_kind["explode"].name} <= names, names
        assert page.total == len(page.events) and all(e.event.startswith("prefect.task-run.") for e in page.events)
        # the failed state's message quotes the exception; the task's other events do not
        failed = client.read_events(filter=EventFilter(
            occurred=occurred, text=EventTextFilter(query=f'"fails on purpose" +explode-{suffix}')), limit=50)
        assert {e.event for e in failed.events} == {"prefect.task-run.Failed"}, [e.event for e in failed.events]

    explode_name = by_kind["explode"].name
    by_name, by_type, listing, none_failed = prefect_cli.many(
        ("task-run", "ls", "--task-run-name", explode_name, "--state", "Failed", "-o", "json"),
        ("task-run", "ls", "--task-run-name", explode_name, "--task-run-name", by_kind["fetch"].name,
         "--state-type", "COMPLETED", "-o", "json"),
        ("flow-run", "ls", "--flow-name", f"outer-{suffix}", "--state", "Completed"),
        ("flow-run", "ls", "--flow-name", f"outer-{suffix}", "--state-type", "FAILED"),
    )
    assert by_name.returncode == 0, by_name
    assert [t["id"] for t in json.loads(by_name.stdout)] == [str(by_kind["explode"].id)], by_name
    assert by_type.returncode == 0, by_type
    assert [t["id"] for t in json.loads(by_type.stdout)] == [str(by_kind["fetch"].id)], by_type
    assert listing.returncode == 0 and parent.name in listing.stdout, listing
    assert none_failed.returncode == 0 and parent.name not in none_failed.stdout, none_failed
