"""Automations managed with the unmodified client and CLI: created with Prefect's own models, read back, filtered
with each sort and paged, counted; paused and resumed with `prefect automation pause|resume`, listed with `ls`,
inspected and deleted; refused as Prefect refuses them (a proactive trigger's `within` under 10 s) and as Steward
also refuses them (a trigger that would fire on every event); a deployment's triggers (`deploy(triggers=[...])`)
become automations owned by the deployment, listed by `related-to`, and deleted with it."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import httpx


from _helpers import RUN_ID

FLOWS = Path(__file__).resolve().parent.parent / "flows"


def _client():
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def _raw(method: str, path: str, body=None) -> httpx.Response:
    """A request the client would raise on: the answer as it is."""
    url = os.environ["PREFECT_API_URL"].rstrip("/") + path
    key = os.environ.get("PREFECT_API_AUTH_STRING", "")
    return httpx.request(method, url, json=body, auth=(key, "") if key else None, timeout=60)


def _gone(automation_id) -> bool:
    return _raw("GET", f"/automations/{automation_id}").status_code == 404


def _automation(name: str, **trigger):
    from prefect.automations import Automation
    from prefect.events.actions import DoNothing
    from prefect.events.schemas.automations import EventTrigger, Posture

    spec = {"expect": {"steward.test.ping"}, "match": {"prefect.resource.id": f"steward.test.{RUN_ID}"},
            "posture": Posture.Reactive, "threshold": 1}
    spec.update(trigger)
    return Automation(name=name, description=f"made by {RUN_ID}", trigger=EventTrigger(**spec),
                      actions=[DoNothing()])


def _names(prefix: str) -> list[str]:
    return [f"{prefix}-{i}-{RUN_ID}" for i in range(5)]


def test_create_read_and_update_round_trip():
    created = _automation(f"round-trip-{RUN_ID}").create()
    with _client() as client:
        read = client.read_automation(created.id)
        assert read.name == created.name
        assert read.enabled is True
        assert read.trigger.expect == {"steward.test.ping"}
        assert read.trigger.match.model_dump() == {"prefect.resource.id": f"steward.test.{RUN_ID}"}
        assert read.actions[0].type == "do-nothing"
        # PUT replaces the definition
        from prefect.events.schemas.automations import AutomationCore

        update = AutomationCore(**{**read.model_dump(exclude={"id", "created", "updated"}),
                                   "description": "changed"})
        client.update_automation(created.id, update)
        assert client.read_automation(created.id).description == "changed"
        assert client.read_automations_by_name(created.name)[0].id == created.id
        client.delete_automation(created.id)
        assert _gone(created.id)


def test_filter_sorts_and_pages():
    from prefect.client.schemas.sorting import AutomationSort
    from prefect.events.filters import AutomationFilter, AutomationFilterName

    names = _names("sorted")
    ids = [_automation(name).create().id for name in names]
    only_ours = AutomationFilter(name=AutomationFilterName(any_=names))
    with _client() as client:
        def read(sort, limit=None, offset=0):
            return [a.name for a in client.read_automations(automations=only_ours, sort=sort, limit=limit,
                                                               offset=offset)]

        assert read(AutomationSort.NAME_ASC) == sorted(names)
        assert read(AutomationSort.NAME_DESC) == sorted(names, reverse=True)
        assert read(AutomationSort.CREATED_DESC) == list(reversed(names))
        client.pause_automation(ids[1])  # touches it: the most recently updated
        assert read(AutomationSort.UPDATED_DESC)[0] == names[1]
        assert read(AutomationSort.NAME_ASC, limit=2) == sorted(names)[:2]
        assert read(AutomationSort.NAME_ASC, limit=2, offset=2) == sorted(names)[2:4]
        assert read(AutomationSort.NAME_ASC, offset=4) == sorted(names)[4:]
        count = client.request("POST", "/automations/count",
                               json={"automations": only_ours.model_dump(mode="json")}).json()
        assert count == 5
        for automation_id in ids:
            client.delete_automation(automation_id)


def test_cli_ls_inspect_pause_resume_delete(prefect_cli):
    name = f"cli-{RUN_ID}"
    created = _automation(name).create()
    listed = prefect_cli("automation", "ls")
    assert listed.returncode == 0, listed
    assert name in listed.output
    inspected = prefect_cli("automation", "inspect", name, "--output", "json")
    assert inspected.returncode == 0, inspected
    assert [a["id"] for a in json.loads(inspected.stdout)] == [str(created.id)]  # by name: a list
    assert prefect_cli("automation", "pause", name).returncode == 0
    with _client() as client:
        assert client.read_automation(created.id).enabled is False
    assert prefect_cli("automation", "resume", name).returncode == 0
    with _client() as client:
        assert client.read_automation(created.id).enabled is True
    deleted = prefect_cli("automation", "delete", name)  # not interactive: no confirmation asked
    assert deleted.returncode == 0, deleted
    with _client() as client:
        assert _gone(created.id)


def test_refused_as_prefect_refuses_and_an_every_event_trigger():
    with _client() as client:
        base = {"name": f"refused-{RUN_ID}", "actions": [{"type": "do-nothing"}]}
        proactive = {**base, "trigger": {"type": "event", "posture": "Proactive", "expect": ["steward.test.ping"],
                                         "match": {"prefect.resource.id": "steward.test.x"}, "within": 5}}
        answer = _raw("POST", "/automations/", proactive)
        assert answer.status_code == 422, answer.text
        assert "10 seconds" in answer.text
        everything = {**base, "trigger": {"type": "event", "posture": "Reactive"}}
        answer = _raw("POST", "/automations/", everything)
        assert answer.status_code == 422, answer.text
        assert "every event" in answer.text
        unknown = {**base, "trigger": {"type": "event", "posture": "Reactive", "expect": ["x"]}, "colour": "red"}
        assert _raw("POST", "/automations/", unknown).status_code == 422
        assert _raw("GET", f"/automations/{uuid.uuid4()}").status_code == 404


def test_deployment_triggers_are_owned_and_deleted_with_it():
    from prefect import flow
    from prefect.events import DeploymentEventTrigger

    pool = f"automations-{RUN_ID}"
    with _client() as client:
        from prefect.client.schemas.actions import WorkPoolCreate

        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
    loaded = flow.from_source(str(FLOWS), "deployment_flows.py:doubler")
    trigger = DeploymentEventTrigger(name=f"on-ping-{RUN_ID}", expect={"steward.test.ping"},
                                     match={"prefect.resource.id": f"steward.test.{RUN_ID}"},
                                     parameters={"x": 2})
    deployment_id = loaded.deploy(name=f"triggered-{RUN_ID}", work_pool_name=pool, print_next_steps=False,
                                  ignore_warnings=True, triggers=[trigger])
    resource = f"prefect.deployment.{deployment_id}"
    with _client() as client:
        related = client.read_resource_related_automations(resource)
        assert [a.name for a in related] == [f"on-ping-{RUN_ID}"]
        action = related[0].actions[0]
        assert action.type == "run-deployment" and action.deployment_id == deployment_id
        assert action.parameters == {"x": 2}
        # deploying again replaces the deployment's automations rather than adding to them
        loaded.deploy(name=f"triggered-{RUN_ID}", work_pool_name=pool, print_next_steps=False,
                      ignore_warnings=True, triggers=[trigger])
        assert len(client.read_resource_related_automations(resource)) == 1
        automation_id = client.read_resource_related_automations(resource)[0].id
        client.delete_deployment(deployment_id)
        assert _gone(automation_id)
        assert client.read_resource_related_automations(resource) == []


def _wait_for(what: str, check, timeout: float = 30.0):
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def _automation_events(client, automation_id, name: str):
    from prefect.events.filters import EventFilter, EventNameFilter, EventResourceFilter

    flt = EventFilter(event=EventNameFilter(name=[name]),
                      resource=EventResourceFilter(id=[f"prefect.automation.{automation_id}"]))
    answer = _raw("POST", "/events/filter", {"filter": flt.model_dump(mode="json"), "limit": 50})
    answer.raise_for_status()
    return answer.json()["events"]


def test_a_reactive_trigger_runs_its_action_once():
    """An event sent by the client fires an automation whose action pauses another one: exactly one firing."""
    from prefect.events import emit_event
    from prefect.events.clients import get_events_client

    target = _automation(f"target-{RUN_ID}").create()
    resource = f"steward.test.reactive.{RUN_ID}"
    with _client() as client:
        body = {"name": f"pauser-{RUN_ID}",
                "trigger": {"type": "event", "posture": "Reactive", "expect": ["steward.test.fire"],
                            "match": {"prefect.resource.id": resource}, "threshold": 2, "within": 60},
                "actions": [{"type": "pause-automation", "source": "selected", "automation_id": str(target.id)}]}
        answer = _raw("POST", "/automations/", body)
        assert answer.status_code == 201, answer.text
        pauser = answer.json()["id"]
        emit_event(event="steward.test.fire", resource={"prefect.resource.id": resource})
        emit_event(event="steward.test.fire", resource={"prefect.resource.id": resource})
        emit_event(event="steward.test.fire", resource={"prefect.resource.id": resource})  # same window: no refire
        _wait_for("the target to be paused", lambda: client.read_automation(target.id).enabled is False)
        executed = _wait_for("the action's executed event",
                             lambda: _automation_events(client, pauser, "prefect.automation.action.executed"))
        assert executed[0]["payload"]["action_type"] == "pause-automation"
        assert any(r["prefect.resource.id"] == f"prefect.automation.{target.id}" for r in executed[0]["related"])
        import time

        time.sleep(2)
        assert len(_automation_events(client, pauser, "prefect.automation.triggered")) == 1
        client.delete_automation(pauser)
        client.delete_automation(target.id)


def test_a_proactive_trigger_fires_once_for_a_stuck_run_and_never_for_a_quick_one():
    """'Stays Running for 15 s': the server's own state events drive it; the stuck run fires once."""
    import time

    from prefect import flow
    from prefect.states import Completed, Running

    @flow(name=f"proactive-{RUN_ID}")
    def noop():
        return 1

    with _client() as client:
        flow_id = client.create_flow(noop)
        from prefect.client.schemas.actions import FlowRunCreate  # noqa: F401

        stuck = client.create_flow_run(noop, name=f"stuck-{RUN_ID}")
        quick = client.create_flow_run(noop, name=f"quick-{RUN_ID}")
        body = {"name": f"stuck-{RUN_ID}",
                "trigger": {"type": "event", "posture": "Proactive", "after": ["prefect.flow-run.Running"],
                            "expect": ["prefect.flow-run.Completed", "prefect.flow-run.Failed",
                                       "prefect.flow-run.Crashed", "prefect.flow-run.Cancelled"],
                            "for_each": ["prefect.resource.id"],
                            "match": {"prefect.resource.id": [f"prefect.flow-run.{stuck.id}",
                                                              f"prefect.flow-run.{quick.id}"]},
                            "within": 15},
                "actions": [{"type": "do-nothing"}]}
        answer = _raw("POST", "/automations/", body)
        assert answer.status_code == 201, answer.text
        automation_id = answer.json()["id"]
        time.sleep(1)  # the evaluator reads the new automation
        client.set_flow_run_state(stuck.id, Running())
        client.set_flow_run_state(quick.id, Running())
        time.sleep(2)
        client.set_flow_run_state(quick.id, Completed())
        fired = _wait_for("the proactive firing",
                          lambda: _automation_events(client, automation_id, "prefect.automation.triggered"),
                          timeout=40)
        time.sleep(3)
        fired = _automation_events(client, automation_id, "prefect.automation.triggered")
        assert len(fired) == 1, fired
        assert fired[0]["payload"]["triggering_labels"] == {"prefect.resource.id": f"prefect.flow-run.{stuck.id}"}
        assert fired[0]["resource"]["prefect.posture"] == "Proactive"
        from datetime import datetime, timedelta

        running = client.read_flow_run(stuck.id).state.timestamp
        deadline = running + timedelta(seconds=15)
        late = datetime.fromisoformat(fired[0]["occurred"].replace("Z", "+00:00")) - deadline
        print(f"proactive firing {late.total_seconds():.3f} s after its deadline")
        assert timedelta(0) <= late < timedelta(seconds=1), late
        client.delete_automation(automation_id)
        assert flow_id


def test_a_failed_run_calls_a_webhook_once_with_the_payload_rendered():
    """Reactive on a failed flow run: the Webhook block's URL is called once, with the template rendered from the
    run the event is about."""
    import http.server
    import threading

    from prefect import flow
    from prefect.blocks.webhook import Webhook

    received: list[bytes] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    flow_name = f"fails-{RUN_ID}"
    try:
        block_id = Webhook(url=f"http://127.0.0.1:{server.server_port}/hook", method="POST").save(
            f"hook-{RUN_ID}")
        body = {"name": f"on-failure-{RUN_ID}",
                "trigger": {"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Failed"],
                            "match": {"prefect.resource.id": "prefect.flow-run.*"},
                            "match_related": {"prefect.resource.role": "flow", "prefect.resource.name": flow_name}},
                "actions": [{"type": "call-webhook", "block_document_id": str(block_id),
                             "payload": '{"run": "{{ flow_run.name }}", "flow": "{{ flow.name }}", '
                                        '"state": "{{ event.event }}"}'}]}
        answer = _raw("POST", "/automations/", body)
        assert answer.status_code == 201, answer.text

        @flow(name=flow_name, retries=0)
        def fails():
            raise ValueError("boom")

        state = fails(return_state=True)
        assert state.is_failed()
        with _client() as client:
            run_name = client.read_flow_run(state.state_details.flow_run_id).name
        _wait_for("the webhook call", lambda: received)
        import time

        time.sleep(3)
        assert len(received) == 1, received
        assert json.loads(received[0]) == {"run": run_name, "flow": flow_name, "state": "prefect.flow-run.Failed"}
        automation_id = answer.json()["id"]
        with _client() as client:
            executed = _wait_for("the executed event", lambda: _automation_events(
                client, automation_id, "prefect.automation.action.executed"))
        assert executed[0]["payload"]["status_code"] == 200
        assert str(server.server_port) not in json.dumps(executed), "the webhook's URL stays out of events"
        _raw("DELETE", f"/automations/{automation_id}")
    finally:
        server.shutdown()


def test_a_webhook_that_cannot_be_reached_fails_with_a_reason_that_names_no_url():
    """A call that gets no answer fails, is retried, and says why without the block's URL."""
    import socket

    from prefect.blocks.webhook import Webhook
    from prefect.events import emit_event

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    block_id = Webhook(url=f"http://127.0.0.1:{port}/secret-path-{RUN_ID}").save(f"dead-hook-{RUN_ID}")
    resource = f"steward.test.dead.{RUN_ID}"
    body = {"name": f"dead-hook-{RUN_ID}",
            "trigger": {"type": "event", "posture": "Reactive", "expect": ["steward.test.dead"],
                        "match": {"prefect.resource.id": resource}},
            "actions": [{"type": "call-webhook", "block_document_id": str(block_id), "payload": "x"}]}
    answer = _raw("POST", "/automations/", body)
    assert answer.status_code == 201, answer.text
    automation_id = answer.json()["id"]
    emit_event(event="steward.test.dead", resource={"prefect.resource.id": resource})
    with _client() as client:
        failed = _wait_for("two failed attempts", lambda: (lambda f: f if len(f) >= 2 else None)(
            _automation_events(client, automation_id, "prefect.automation.action.failed")), timeout=30)
    reasons = {f["payload"]["reason"] for f in failed}
    assert reasons == {"Webhook call failed: connection refused"}, reasons
    assert all(f["payload"]["will_retry"] for f in failed), "the first attempts are retried"
    text = json.dumps(failed)
    assert f"secret-path-{RUN_ID}" not in text and str(port) not in text
    _raw("DELETE", f"/automations/{automation_id}")


def test_a_run_deployment_action_renders_its_parameters_when_it_runs():
    """Prefect's hydration of a run-deployment action's parameters, when the event fires it: a jinja placeholder
    over the event, a v1 template that keeps its value's type, a workspace variable, json, an object the event names
    (its work pool) and one it names that is not there (a flow run: nothing, as Prefect's None); the run gets them.
    A variable the workspace does not have fails the other action with Prefect's reason."""
    from prefect import flow
    from prefect.client.schemas.actions import VariableCreate, WorkPoolCreate
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.events import emit_event

    @flow(name=f"templated-{RUN_ID}")
    def templated():
        return None

    resource = f"steward.test.templated.{RUN_ID}"
    variable = f"templated_{RUN_ID}"
    with _client() as client:
        pool = client.create_work_pool(WorkPoolCreate(name=f"templated-{RUN_ID}", type="process"))
        client.create_variable(VariableCreate(name=variable, value={"region": "eu", "sizes": [1, 2]}))
        deployment_id = client.create_deployment(flow_id=client.create_flow(templated), name=f"templated-{RUN_ID}",
                                                 work_pool_name=pool.name, enforce_parameter_schema=False)
        parameters = {
            "who": {"__prefect_kind": "jinja", "template": "{{ event.resource.name }}"},
            "count": "{{ event.payload.count }}",
            "config": {"__prefect_kind": "workspace_variable", "variable_name": variable},
            "nested": {"pool": {"__prefect_kind": "jinja", "template": "pool {{ work_pool.name }}"},
                       "items": [{"__prefect_kind": "json", "value": '[1, {"a": null}]'}, "plain",
                                 {"__prefect_kind": "json"}]},
            "gone": {"__prefect_kind": "jinja", "template": "run:{{ flow_run.name }}"},
        }
        missing = {"x": {"__prefect_kind": "workspace_variable", "variable_name": f"missing_{RUN_ID}"}}
        body = {"name": f"templated-{RUN_ID}",
                "trigger": {"type": "event", "posture": "Reactive", "expect": ["steward.test.templated"],
                            "match": {"prefect.resource.id": resource}},
                "actions": [{"type": "run-deployment", "source": "selected", "deployment_id": str(deployment_id),
                             "parameters": parameters},
                            {"type": "run-deployment", "source": "selected", "deployment_id": str(deployment_id),
                             "parameters": missing}]}
        answer = _raw("POST", "/automations/", body)
        assert answer.status_code == 201, answer.text
        automation_id = answer.json()["id"]
        import time

        time.sleep(1)  # the evaluator reads the new automation
        emit_event(event="steward.test.templated", resource={"prefect.resource.id": resource,
                                                             "prefect.resource.name": "fox"},
                   related=[{"prefect.resource.id": f"prefect.work-pool.{pool.id}", "prefect.resource.role": "work-pool"},
                            {"prefect.resource.id": f"prefect.flow-run.{uuid.uuid4()}", "prefect.resource.role": "flow-run"}],
                   payload={"count": 3})
        of_deployment = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
        runs = _wait_for("the deployment's run", lambda: client.read_flow_runs(deployment_filter=of_deployment))
        assert runs[0].parameters == {"who": "fox", "count": 3, "config": {"region": "eu", "sizes": [1, 2]},
                                      "nested": {"pool": f"pool {pool.name}", "items": [[1, {"a": None}], "plain"]},
                                      "gone": "run:"}
        failed = _wait_for("the other action's failure",
                           lambda: _automation_events(client, automation_id, "prefect.automation.action.failed"))
        assert failed[0]["payload"]["reason"] == ("Unable to create flow run from deployment: "
                                                  f"Variable 'missing_{RUN_ID}' not found in workspace.")
        time.sleep(2)
        assert len(client.read_flow_runs(deployment_filter=of_deployment)) == 1
        client.delete_automation(automation_id)
        client.delete_deployment(deployment_id)
        client.delete_variable_by_name(variable)


def test_compound_and_sequence_triggers_fire_once_their_children_have():
    """A compound trigger (require all) fires when both its children have fired; a sequence only in its order."""
    import time

    from prefect.automations import Automation
    from prefect.events import emit_event
    from prefect.events.actions import DoNothing
    from prefect.events.schemas.automations import CompoundTrigger, EventTrigger, Posture, SequenceTrigger

    resource = f"steward.test.composite.{RUN_ID}"

    def child(name: str) -> EventTrigger:
        return EventTrigger(expect={name}, match={"prefect.resource.id": resource}, posture=Posture.Reactive,
                            threshold=1)

    compound = Automation(name=f"compound-{RUN_ID}", actions=[DoNothing()],
                          trigger=CompoundTrigger(require="all", within=60,
                                                  triggers=[child("steward.test.a"), child("steward.test.b")])).create()
    sequence = Automation(name=f"sequence-{RUN_ID}", actions=[DoNothing()],
                          trigger=SequenceTrigger(within=60,
                                                  triggers=[child("steward.test.c"), child("steward.test.d")])).create()
    time.sleep(1)

    def emit(name: str) -> None:
        emit_event(event=name, resource={"prefect.resource.id": resource})
        time.sleep(0.5)

    emit("steward.test.a")
    emit("steward.test.a")
    emit("steward.test.d")  # before c: not the sequence's order
    emit("steward.test.c")
    time.sleep(2)
    with _client() as client:
        assert _automation_events(client, compound.id, "prefect.automation.triggered") == []
        assert _automation_events(client, sequence.id, "prefect.automation.triggered") == []
        emit("steward.test.b")
        emit("steward.test.d")
        _wait_for("the compound firing", lambda: _automation_events(client, compound.id, "prefect.automation.triggered"))
        _wait_for("the sequence firing", lambda: _automation_events(client, sequence.id, "prefect.automation.triggered"))
        time.sleep(2)
        assert len(_automation_events(client, compound.id, "prefect.automation.triggered")) == 1
        assert len(_automation_events(client, sequence.id, "prefect.automation.triggered")) == 1
        fired = _automation_events(client, compound.id, "prefect.automation.triggered")[0]
        assert "prefect.posture" not in fired["resource"], "composites have no posture"
        client.delete_automation(compound.id)
        client.delete_automation(sequence.id)


def test_a_metric_trigger_round_trips_as_the_client_models_it():
    """Prefect keeps metric triggers for its Cloud; Steward evaluates them: the client's MetricTrigger is stored and
    read back as it was sent, and a range under 5 minutes is refused as the client refuses it."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.events.actions import DoNothing
    from prefect.events.schemas.automations import (
        MetricTrigger,
        MetricTriggerOperator,
        MetricTriggerQuery,
        PrefectMetric,
    )

    trigger = MetricTrigger(match={"prefect.resource.id": "prefect.flow-run.*"},
                            match_related={"prefect.resource.id": f"prefect.tag.{RUN_ID}"},
                            metric=MetricTriggerQuery(name=PrefectMetric.successes, threshold=90,
                                                      operator=MetricTriggerOperator.LT, range=timedelta(minutes=10),
                                                      firing_for=timedelta(minutes=5)))
    created = Automation(name=f"metric-{RUN_ID}", trigger=trigger, actions=[DoNothing()]).create()
    with _client() as client:
        read = client.read_automation(created.id)
        assert read.trigger.type == "metric"
        assert read.trigger.metric.name == PrefectMetric.successes
        assert read.trigger.metric.operator == MetricTriggerOperator.LT
        assert read.trigger.metric.range == timedelta(minutes=10)
        client.delete_automation(created.id)
    short = {"name": f"metric-short-{RUN_ID}", "actions": [{"type": "do-nothing"}],
             "trigger": {"type": "metric", "posture": "Metric",
                         "metric": {"name": "lateness", "threshold": 60, "operator": ">", "range": 60}}}
    answer = _raw("POST", "/automations/", short)
    assert answer.status_code == 422 and "300 seconds" in answer.text, answer.text
