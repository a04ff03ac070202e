"""What the prefect 3.9.x client sends, built by the client's own code.

Task-run state events come out of the functions the task engine calls when a task runs inside a flow
(`_create_task_run_locally`, `emit_task_run_state_change_event`, `SyncTaskRunEngine.set_state`), with
`emit_event` replaced by a function that keeps the event instead of queueing it. The flow-run and flow related
resources are then attached as the client's `EventsWorker` does, and each event is serialized with
`Event.model_dump_json()`, which is what `PrefectEventsClient` writes to the socket.

The engine path costs about 0.4 ms per event, too slow to build 30,000 events per run on two busy cores, so
`EventFactory` runs it for two task runs, turns the first one's three events into a template (ids, names and
timestamps as slots) and checks that the template, filled with the second task run's values, reproduces the
engine's output byte for byte. Every further task run is the template with fresh values.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from types import SimpleNamespace
from typing import Any

import prefect
import pydantic_core
import prefect.task_engine as task_engine
import prefect.utilities.engine as engine_utils
from prefect import task
from prefect._internal.uuid7 import uuid7
from prefect.events.schemas.events import Event, RelatedResource
from prefect.states import Completed, Pending, Running, to_state_create

PREFECT_VERSION = prefect.__version__

_captured: list[Event] = []


def _keep_event(event, resource, occurred=None, related=None, payload=None, id=None, follows=None, **kwargs):
    """Stands in for prefect.events.utilities.emit_event: builds the same Event, keeps it, sends nothing."""
    event_kwargs: dict[str, Any] = {"event": event, "resource": resource, **kwargs}
    event_kwargs["occurred"] = occurred
    if related is not None:
        event_kwargs["related"] = related
    if payload is not None:
        event_kwargs["payload"] = payload
    if id is not None:
        event_kwargs["id"] = id
    if follows is not None:
        # emit_event sets follows only within 5 minutes of the preceding event: always the case here
        event_kwargs["follows"] = follows.id
    ev = Event(**event_kwargs)
    _captured.append(ev)
    return ev


# emit_task_run_state_change_event looks emit_event up in its own module
engine_utils.emit_event = _keep_event


@task
def bench_task(x: int) -> int:
    return x


def engine_task_run(flow_run_id: uuid.UUID, flow_run_name: str, flow_id: uuid.UUID, flow_name: str,
                    index: int) -> tuple[Any, list[Event]]:
    """One task run inside a running flow run, as the sync task engine runs it: Pending, Running, Completed."""
    context = SimpleNamespace(flow_run=SimpleNamespace(id=flow_run_id, run_count=1), detached=False,
                              task_run_results={})
    task_run = task_engine._create_task_run_locally(task=bench_task, parameters={"x": index},
                                                    flow_run_context=context)
    engine = task_engine.SyncTaskRunEngine(task=bench_task, parameters={"x": index}, task_run=task_run)
    start = len(_captured)
    # engine start: the Pending event of a task run created locally (no initial state)
    engine._last_event = engine_utils.emit_task_run_state_change_event(
        task_run=task_run, initial_state=None, validated_state=task_run.state)
    # begin_run
    running = Running()
    task_run.start_time = running.timestamp
    task_run.flow_run_run_count = 1
    engine.set_state(running)
    # handle_success; results are not persisted (the default), so the state carries no data
    engine.set_state(Completed())
    events = _captured[start:]
    del _captured[start:]
    # EventsWorker.attach_related_resources_from_context: the flow run, then its flow
    related = [
        RelatedResource({"prefect.resource.id": f"prefect.flow-run.{flow_run_id}",
                         "prefect.resource.role": "flow-run", "prefect.resource.name": flow_run_name}),
        RelatedResource({"prefect.resource.id": f"prefect.flow.{flow_id}",
                         "prefect.resource.role": "flow", "prefect.resource.name": flow_name}),
    ]
    for ev in events:
        ev.related += related
    return task_run, events


def _utc(t: dt.datetime) -> dt.datetime:
    """A plain datetime in UTC (prefect's own DateTime subclass loses its zone in arithmetic)."""
    t = t.astimezone(dt.timezone.utc)
    return dt.datetime(t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond, tzinfo=dt.timezone.utc)


def _z(t: dt.datetime) -> str:
    """A UTC datetime as pydantic writes it in JSON."""
    return t.isoformat().replace("+00:00", "Z")


def _iso(t: dt.datetime) -> str:
    """As datetime.isoformat() writes it (the client's prefect.state-timestamp label)."""
    return t.isoformat()


def _values(task_run, events: list[Event]) -> dict[str, str]:
    """The per-task-run strings of one engine task run, keyed by template slot."""
    times = [_utc(ev.occurred) for ev in events]
    v = {"task_run_id": str(task_run.id), "name": task_run.name, "dynamic_key": task_run.dynamic_key}
    for i, (ev, t) in enumerate(zip(events, times)):
        v[f"event_id_{i}"] = str(ev.id)
        v[f"time_z_{i}"] = _z(t)
        v[f"time_iso_{i}"] = _iso(t)
    # as the client's serializer writes the number (pydantic writes 9.8e-05 as 0.000098; Python's str() does not)
    v["total_run_time"] = pydantic_core.to_json(events[2].payload["task_run"]["total_run_time"]).decode()
    return v


class _Template:
    """A serialized event with the per-task-run strings cut out as slots."""

    def __init__(self, text: str, values: dict[str, str]):
        # ids and timestamps are unique strings, matched anywhere (the task run id also sits inside
        # "prefect.task-run.<id>"); the name is matched quoted, as "bench_task-a55" could begin the task key;
        # total_run_time is a JSON number, matched with its key
        by_text = {}
        for key, s in values.items():
            if key == "name":
                by_text[f'"{s}"'] = key
            elif key == "total_run_time":
                by_text[f'"total_run_time":{s}'] = key
            else:
                by_text[s] = key
        if len(by_text) != len(values):
            raise RuntimeError("two template values are equal; cannot build a template")
        pattern = re.compile("|".join(re.escape(s) for s in sorted(by_text, key=len, reverse=True)))
        self.parts: list[str] = []
        self.slots: list[str] = []
        pos = 0
        for m in pattern.finditer(text):
            self.parts.append(text[pos:m.start()])
            self.slots.append(by_text[m.group(0)])
            pos = m.end()
        self.parts.append(text[pos:])
        rest = "".join(self.parts)
        if re.search(r"\d{4}-\d\d-\d\dT\d\d:", rest):
            raise RuntimeError("a timestamp in the event is not a template slot: " + rest)

    def render(self, values: dict[str, str]) -> str:
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            if slot == "name":
                out.append('"' + values["name"] + '"')
            elif slot == "total_run_time":
                out.append('"total_run_time":' + values["total_run_time"])
            else:
                out.append(values[slot])
            out.append(part)
        return "".join(out)


class EventFactory:
    """Task runs of one flow run, each as its three serialized state events (see the module comment)."""

    def __init__(self, flow_run_id: uuid.UUID, flow_run_name: str, flow_id: uuid.UUID, flow_name: str):
        proto_run, proto_events = engine_task_run(flow_run_id, flow_run_name, flow_id, flow_name, 0)
        check_run, check_events = engine_task_run(flow_run_id, flow_run_name, flow_id, flow_name, 1)
        proto = _values(proto_run, proto_events)
        self.templates = [_Template(ev.model_dump_json(), proto) for ev in proto_events]
        expected = [ev.model_dump_json() for ev in check_events]
        got = [t.render(_values(check_run, check_events)) for t in self.templates]
        if got != expected:
            raise RuntimeError("the event template does not reproduce the client's events:\n"
                               + "\n".join(f"engine:   {e}\ntemplate: {g}" for e, g in zip(expected, got)))
        self.proto_times = [_utc(ev.occurred) for ev in proto_events]
        self.total_run_time = proto["total_run_time"]
        self.name_prefix = bench_task.name + "-"

    def task_run(self, offset: dt.timedelta) -> tuple[str, list[str], list[str]]:
        """A fresh task run whose timestamps are the prototype's plus offset: (task run id, its 3 events, their
        ids)."""
        dynamic_key = str(uuid.uuid4())
        v = {"task_run_id": str(uuid7()), "name": self.name_prefix + dynamic_key[:3], "dynamic_key": dynamic_key,
             "total_run_time": self.total_run_time}
        for i, t in enumerate(self.proto_times):
            t = t + offset
            v[f"event_id_{i}"] = str(uuid7())
            v[f"time_z_{i}"] = _z(t)
            v[f"time_iso_{i}"] = _iso(t)
        return (v["task_run_id"], [t.render(v) for t in self.templates],
                [v["event_id_0"], v["event_id_1"], v["event_id_2"]])


def flow_run_create_body(flow_id: uuid.UUID, name: str) -> dict:
    """PrefectClient.create_flow_run's POST /flow_runs/ body for a local flow call (state Pending)."""
    from prefect.client.schemas.actions import FlowRunCreate
    from prefect.client.schemas.objects import FlowRunPolicy

    create = FlowRunCreate(flow_id=flow_id, flow_version=None, name=name, parameters={}, context={}, tags=[],
                           parent_task_run_id=None, state=to_state_create(Pending()),
                           empirical_policy=FlowRunPolicy(retries=None, retry_delay=0))
    return create.model_dump(mode="json", exclude_unset=True)


def set_state_body(flow_run_id: uuid.UUID, state) -> dict:
    """PrefectClient.set_flow_run_state's POST /flow_runs/{id}/set_state body (force=False)."""
    state_create = to_state_create(state)
    state_create.state_details.flow_run_id = flow_run_id
    state_create.state_details.transition_id = uuid.uuid4()
    return {"state": state_create.model_dump(mode="json", serialize_as_any=True), "force": False}


def running_body(flow_run_id: uuid.UUID) -> dict:
    return set_state_body(flow_run_id, Running())


def completed_body(flow_run_id: uuid.UUID) -> dict:
    return set_state_body(flow_run_id, Completed())
