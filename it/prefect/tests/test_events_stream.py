"""The events-out WebSocket (`WS <api>/events/out`) through the real client:
prefect.events.clients.get_events_subscriber.

What the client does (prefect 3.9.1, prefect/events/clients.py PrefectEventSubscriber):
connects to ws://.../events/out with subprotocol "prefect", pings, sends
{"type": "auth", "token": <PREFECT_API_AUTH_STRING>}, expects {"type": "auth_success"},
then sends {"type": "filter", "filter": <EventFilter JSON>} whose `occurred` it has
replaced with [now - 1 minute, now + 365 days] (no "backfill" key: the server's
default, backfill on, applies). Each message it then receives must be
{"type": "event", "event": {...}}; it drops events whose id it has already seen.

Variables are changed through prefect.variables.Variable while subscribed; Prefect's
own server emits prefect.variable.{created,updated,deleted} since 3.7.4, with resource
{"prefect.resource.id": "prefect.variable.<id>", "prefect.resource.name": <name>} and
payload {"name", "value", "tags"} (the deleted event carries the value at deletion).

Authentication failures: the server accepts the socket, reads the auth frame and closes
with 1008 (policy violation) and a reason ("Invalid token", "Auth required but no token
provided"); the client turns that into a plain Exception("Unable to authenticate to the
event stream. ... Reason: <reason>") raised from `async with`, chained to websockets'
ConnectionClosedError. Those tests run only when the server is known to require auth:
STEWARD_IT_SERVER_REQUIRES_AUTH=1 forces them, =0 skips them; when it is unset they run
iff PREFECT_API_AUTH_STRING is set (Steward always requires a tenant API key; Prefect's
own server only with PREFECT_SERVER_API_AUTH_STRING, in which case the client needs
PREFECT_API_AUTH_STRING too).

The tests use asyncio.run (no pytest-asyncio), like test_variables_api.py.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.events.clients import get_events_subscriber
from prefect.events.filters import EventFilter, EventNameFilter, EventResourceFilter
from prefect.events.schemas.events import Event, ResourceSpecification
from prefect.variables import Variable

TIMEOUT = 20.0  # seconds, for everything one test waits on
# The protocol has no acknowledgement of the filter frame: `async with` returns as soon
# as it is sent. Give the server a moment to register the subscription before the
# changes whose events the test waits for (a missed live event could otherwise only be
# recovered through backfill, which on Prefect's server depends on the event persister).
SUBSCRIPTION_SETTLE = 0.5

VARIABLE_EVENTS = EventNameFilter(prefix=["prefect.variable."])


def _server_requires_auth() -> bool:
    forced = os.environ.get("STEWARD_IT_SERVER_REQUIRES_AUTH")
    if forced is not None and forced.strip() != "":
        return forced.strip().lower() in ("1", "true", "yes")
    return bool(os.environ.get("PREFECT_API_AUTH_STRING"))


requires_server_auth = pytest.mark.skipif(
    not _server_requires_auth(),
    reason="server auth not known to be required (set PREFECT_API_AUTH_STRING "
    "or STEWARD_IT_SERVER_REQUIRES_AUTH=1)",
)


def _variable_filter(name: str | None = None) -> EventFilter:
    resource = None
    if name is not None:
        resource = EventResourceFilter(
            labels=ResourceSpecification({"prefect.resource.name": name})
        )
    return EventFilter(event=VARIABLE_EVENTS, resource=resource)


def _describe(event: Event) -> str:
    return f"{event.event} {event.resource.id} name={event.resource.get('prefect.resource.name')!r} id={event.id}"


async def _next_event(subscriber, deadline: float) -> Event:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise asyncio.TimeoutError
    return await asyncio.wait_for(subscriber.__anext__(), timeout=remaining)


async def _collect_for(
    subscriber, name: str, count: int, deadline: float, seen: list[Event]
) -> list[Event]:
    """The next `count` events whose resource is named `name`; every event received
    (whatever its resource) is appended to `seen`."""
    mine: list[Event] = []
    while len(mine) < count:
        try:
            event = await _next_event(subscriber, deadline)
        except asyncio.TimeoutError:
            pytest.fail(
                f"timed out waiting for {count} events of variable {name!r}; got "
                f"{[_describe(e) for e in mine]}; all received: {[_describe(e) for e in seen]}"
            )
        seen.append(event)
        if event.resource.get("prefect.resource.name") == name:
            mine.append(event)
    return mine


def _variable_id(name: str) -> uuid.UUID:
    with get_client(sync_client=True) as client:
        var = client.read_variable_by_name(name)
    assert var is not None, f"variable {name!r} not found"
    return var.id


def _assert_lifecycle(
    events: list[Event],
    name: str,
    variable_id: uuid.UUID,
    expected: list[tuple[str, Any, list[str]]],
) -> None:
    """`expected` is [(event name, payload value, payload tags), ...] in order."""
    got_names = [e.event for e in events]
    assert got_names == [kind for kind, _, _ in expected], [_describe(e) for e in events]
    for event, (kind, value, tags) in zip(events, expected):
        assert event.resource.id == f"prefect.variable.{variable_id}", _describe(event)
        assert event.resource.get("prefect.resource.name") == name, _describe(event)
        assert event.payload.get("name") == name, f"{kind}: payload {event.payload!r}"
        assert "value" in event.payload, f"{kind}: payload {event.payload!r}"
        assert event.payload["value"] == value, f"{kind}: payload {event.payload!r}"
        assert type(event.payload["value"]) is type(value), f"{kind}: payload {event.payload!r}"
        assert event.payload.get("tags") == tags, f"{kind}: payload {event.payload!r}"
    assert len({e.id for e in events}) == len(events), "event ids repeat"
    occurred = [e.occurred for e in events]
    assert occurred == sorted(occurred), f"occurred not ascending: {occurred}"


# ---------------------------------------------------------------- live stream


def test_variable_lifecycle_events_arrive_in_order(var_name):
    """Subscribed to prefect.variable.* (events of other variables are ignored), create,
    overwrite and unset one variable: created, updated, deleted arrive in that order."""
    name = var_name()
    first = {"stage": 1, "items": [1, "two", None]}
    second = "second value"

    async def scenario():
        deadline = time.monotonic() + TIMEOUT
        seen: list[Event] = []
        subscriber_cm = get_events_subscriber(filter=_variable_filter())
        async with asyncio.timeout(TIMEOUT):
            async with subscriber_cm as subscriber:
                await asyncio.sleep(SUBSCRIPTION_SETTLE)
                await Variable.aset(name, first, tags=["stream", "one"])
                variable_id = await asyncio.to_thread(_variable_id, name)
                await Variable.aset(name, second, tags=["two"], overwrite=True)
                assert await Variable.aunset(name) is True
                events = await _collect_for(subscriber, name, 3, deadline, seen)
        return variable_id, events

    variable_id, events = asyncio.run(scenario())
    _assert_lifecycle(
        events,
        name,
        variable_id,
        [
            ("prefect.variable.created", first, ["stream", "one"]),
            ("prefect.variable.updated", second, ["two"]),
            ("prefect.variable.deleted", second, ["two"]),
        ],
    )


def test_filter_by_resource_name_label(var_name):
    """A filter on the resource's prefect.resource.name label is applied by the server:
    the other variable's events, changed first, never reach the subscriber."""
    name = var_name("wanted")
    other = var_name("other")

    async def scenario():
        deadline = time.monotonic() + TIMEOUT
        seen: list[Event] = []
        async with asyncio.timeout(TIMEOUT):
            async with get_events_subscriber(filter=_variable_filter(name)) as subscriber:
                await asyncio.sleep(SUBSCRIPTION_SETTLE)
                await Variable.aset(other, "not for us")
                await Variable.aunset(other)
                await Variable.aset(name, 42)
                variable_id = await asyncio.to_thread(_variable_id, name)
                await Variable.aunset(name)
                # Both of `other`'s events were emitted before any of `name`'s, so had
                # the server ignored the filter they would be in `seen` by now.
                events = await _collect_for(subscriber, name, 2, deadline, seen)
        return variable_id, events, seen

    variable_id, events, seen = asyncio.run(scenario())
    strangers = [_describe(e) for e in seen if e.resource.get("prefect.resource.name") != name]
    assert strangers == [], "events outside the filter were delivered"
    _assert_lifecycle(
        events,
        name,
        variable_id,
        [
            ("prefect.variable.created", 42, []),
            ("prefect.variable.deleted", 42, []),
        ],
    )


# ------------------------------------------------------------------- backfill


def test_backfill_then_live_without_duplicates(var_name):
    """Events stored before the subscription (within the client's 1-minute look-back)
    are replayed oldest first, then live events follow; each event arrives once.

    Prefect's server persists events in batches (event persister, flush interval 5 s),
    so a fresh subscriber may not see them in its backfill yet: subscribe again until
    it does (each attempt is a new subscriber, so its own de-duplication cannot hide
    a duplicate within one connection)."""
    name = var_name()

    async def scenario():
        deadline = time.monotonic() + TIMEOUT
        await Variable.aset(name, "v1", tags=["a"])
        await Variable.aset(name, "v2", tags=["b"], overwrite=True)
        variable_id = await asyncio.to_thread(_variable_id, name)
        attempts: list[list[str]] = []
        while True:
            seen: list[Event] = []
            mine: list[Event] = []
            async with asyncio.timeout(max(0.1, deadline - time.monotonic())):
                async with get_events_subscriber(filter=_variable_filter()) as subscriber:
                    attempt_deadline = min(deadline, time.monotonic() + 3)
                    while len(mine) < 2:
                        try:
                            event = await _next_event(subscriber, attempt_deadline)
                        except asyncio.TimeoutError:
                            break
                        seen.append(event)
                        if event.resource.get("prefect.resource.name") == name:
                            mine.append(event)
                    if len(mine) == 2:
                        assert await Variable.aunset(name) is True
                        live = await _collect_for(subscriber, name, 1, deadline, seen)
                        return variable_id, mine + live, seen
            attempts.append([_describe(e) for e in mine])
            if time.monotonic() >= deadline - 1:
                pytest.fail(
                    f"the created/updated events of {name!r} were never backfilled; "
                    f"attempts saw {attempts}"
                )
            await asyncio.sleep(1)

    variable_id, events, seen = asyncio.run(scenario())
    _assert_lifecycle(
        events,
        name,
        variable_id,
        [
            ("prefect.variable.created", "v1", ["a"]),
            ("prefect.variable.updated", "v2", ["b"]),
            ("prefect.variable.deleted", "v2", ["b"]),
        ],
    )
    # Backfill comes oldest first for every resource, not only ours.
    occurred = [e.occurred for e in seen]
    assert occurred == sorted(occurred), [_describe(e) for e in seen]


# ----------------------------------------------------------------------- auth


@requires_server_auth
@pytest.mark.parametrize(
    "token",
    [
        pytest.param(f"steward-it-wrong-{uuid.uuid4().hex}", id="wrong-token"),
        pytest.param(None, id="no-token"),
    ],
)
def test_subscriber_with_bad_token_is_refused(token):
    """Same URL, another PREFECT_API_AUTH_STRING (or none): the server accepts the socket,
    reads the auth frame, closes with 1008, and `async with` raises.

    The subscriber's one-per-process server version check (GET <api>/admin/version, with
    the same credentials over HTTP) is switched off here: it would otherwise answer 401
    first and raise httpx.HTTPStatusError before the socket is opened, unless an earlier
    test of this process had already done the check (see the test below)."""
    from websockets.exceptions import ConnectionClosed

    async def scenario() -> BaseException:
        try:
            async with asyncio.timeout(TIMEOUT):
                async with get_events_subscriber(filter=_variable_filter()) as subscriber:
                    # Not expected; if it got here, show what the stream does.
                    try:
                        event = await asyncio.wait_for(subscriber.__anext__(), 2)
                        got = _describe(event)
                    except (asyncio.TimeoutError, StopAsyncIteration):
                        got = "no event"
        except TimeoutError as exc:
            pytest.fail(f"subscriber neither connected nor failed within {TIMEOUT}s: {exc!r}")
        except Exception as exc:  # the client raises a plain Exception
            return exc
        pytest.fail(f"subscription with a bad token was accepted ({got})")

    with _bad_credentials(token, version_check=False):
        exc = asyncio.run(scenario())

    assert "Unable to authenticate to the event stream" in str(exc), repr(exc)
    cause = exc.__cause__
    assert isinstance(cause, ConnectionClosed), (
        f"expected the server to accept the socket and close it (1008) after the auth "
        f"frame; the client raised {exc!r} caused by {cause!r}"
    )
    assert cause.rcvd is not None, f"no close frame received: {cause!r}"
    assert cause.rcvd.code == 1008, f"close code {cause.rcvd.code} ({cause.rcvd.reason!r})"


@requires_server_auth
def test_subscriber_with_bad_token_fails_version_check_first():
    """What a fresh process (e.g. `prefect events stream`) sees with a wrong key: the
    subscriber's server version check, GET <api>/admin/version with
    "Authorization: Basic base64(key)", answers 401 and `async with` raises
    httpx.HTTPStatusError (the client re-raises errors mentioning "Unauthorized")."""
    import httpx

    try:
        from prefect._internal.version_checking import _clear_api_version_check_cache
    except ImportError:  # private helper of prefect 3.9.x
        pytest.skip("prefect._internal.version_checking._clear_api_version_check_cache is gone")

    async def scenario() -> BaseException:
        try:
            async with asyncio.timeout(TIMEOUT):
                async with get_events_subscriber(filter=_variable_filter()):
                    pass
        except Exception as exc:
            return exc
        pytest.fail("subscription with a wrong token was accepted")

    _clear_api_version_check_cache()  # this process has passed the check already
    with _bad_credentials(f"steward-it-wrong-{uuid.uuid4().hex}", version_check=True):
        exc = asyncio.run(scenario())

    assert isinstance(exc, httpx.HTTPStatusError), repr(exc)
    assert exc.response.status_code == 401, repr(exc)
    assert exc.request.url.path.endswith("/admin/version"), repr(exc)


def _bad_credentials(token: str | None, *, version_check: bool):
    from prefect.settings import temporary_settings

    return temporary_settings(
        updates={
            "api.auth_string": token,
            "client.server_version_check_enabled": version_check,
        }
    )
