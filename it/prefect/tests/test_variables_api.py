"""Variables through the Python API: prefect.variables.Variable (sync and async)."""

from __future__ import annotations

import asyncio

import pytest
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectAlreadyExists
from prefect.variables import Variable

MISSING = "<steward-it-missing>"

VALUES = [
    pytest.param("plain text", id="string"),
    pytest.param("", id="empty-string"),
    pytest.param('grüße ✓ 漢字 "quoted" \\ back\nslash', id="unicode-escapes"),
    pytest.param(0, id="zero"),
    pytest.param(-17, id="negative-int"),
    pytest.param(9007199254740993, id="int-beyond-double-precision"),
    pytest.param(3.25, id="float"),
    pytest.param(1.5e300, id="huge-float"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param({}, id="empty-dict"),
    pytest.param({"s": "x", "i": 1, "f": 0.5, "b": False, "n": None,
                  "l": [1, [2.0, {"deep": True}]], "o": {"k": {"k2": "v"}}}, id="nested-dict"),
    pytest.param([], id="empty-list"),
    pytest.param([1, "two", 3.5, None, True, {"x": []}], id="mixed-list"),
    pytest.param(None, id="null"),
]


def assert_same_json(got, expected, path="value"):
    """Equal *and* of the same JSON type all the way down (True != 1, 2.0 != 2)."""
    assert type(got) is type(expected), f"{path}: {got!r} ({type(got).__name__}) != {expected!r} ({type(expected).__name__})"
    if isinstance(expected, dict):
        assert set(got) == set(expected), f"{path}: keys {sorted(got)} != {sorted(expected)}"
        for key in expected:
            assert_same_json(got[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(got) == len(expected), f"{path}: {got!r} != {expected!r}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same_json(g, e, f"{path}[{i}]")
    else:
        assert got == expected, f"{path}: {got!r} != {expected!r}"


@pytest.mark.parametrize("value", VALUES)
def test_value_round_trip(var_name, value):
    name = var_name()
    returned = Variable.set(name, value)
    assert returned.name == name
    assert_same_json(returned.value, value)

    assert_same_json(Variable.get(name, default=MISSING), value)

    # The raw object the server returns, too.
    with get_client(sync_client=True) as client:
        var = client.read_variable_by_name(name)
    assert var is not None
    assert var.name == name
    assert_same_json(var.value, value)


def test_integral_float_value(var_name):
    """A top-level 2.0 comes back as the number 2 from Prefect's own server (SQLite),
    so only the numeric value is checked here; nested 2.0 is checked strictly above."""
    name = var_name()
    Variable.set(name, 2.0)
    got = Variable.get(name, default=MISSING)
    assert type(got) in (int, float), f"{got!r} ({type(got).__name__})"
    assert got == 2.0


def test_set_without_overwrite_fails_and_overwrite_replaces(var_name):
    name = var_name()
    Variable.set(name, "original", tags=["one"])

    with pytest.raises(ValueError) as excinfo:
        Variable.set(name, "changed")
    assert f"Variable '{name}' already exists. Use `overwrite=True` to update it." in str(excinfo.value)
    assert Variable.get(name, default=MISSING) == "original"

    # The server itself answers 409 to a second create with the same name.
    from prefect.client.schemas.actions import VariableCreate

    with get_client(sync_client=True) as client:
        with pytest.raises(ObjectAlreadyExists):
            client.create_variable(VariableCreate(name=name, value="dup"))

    returned = Variable.set(name, {"now": "a dict"}, tags=["two", "three"], overwrite=True)
    # set(overwrite=True) returns what it read back from the server
    assert returned.value == {"now": "a dict"}
    assert returned.tags == ["two", "three"]
    assert Variable.get(name, default=MISSING) == {"now": "a dict"}


def test_tags_round_trip(var_name):
    name = var_name()
    Variable.set(name, 1, tags=["alpha", "beta-2", "with space"])
    with get_client(sync_client=True) as client:
        var = client.read_variable_by_name(name)
    assert var is not None
    assert var.tags == ["alpha", "beta-2", "with space"]

    Variable.set(name, 2, tags=["gamma"], overwrite=True)
    with get_client(sync_client=True) as client:
        var = client.read_variable_by_name(name)
    assert var is not None
    assert var.value == 2
    assert var.tags == ["gamma"]


def test_unset(var_name):
    name = var_name()
    Variable.set(name, "bye")
    assert Variable.get(name, default=MISSING) == "bye"

    assert Variable.unset(name) is True
    assert Variable.get(name) is None
    assert Variable.get(name, default=MISSING) == MISSING
    assert Variable.unset(name) is False  # server answered 404


def test_get_missing_returns_default(var_name):
    name = var_name("never_created")
    assert Variable.get(name) is None
    assert Variable.get(name, default={"fallback": 1}) == {"fallback": 1}


def test_async_api(var_name):
    name = var_name()

    async def scenario():
        created = await Variable.aset(name, [1, {"a": "b"}], tags=["async"])
        got = await Variable.aget(name, default=MISSING)
        with pytest.raises(ValueError):
            await Variable.aset(name, "again")
        updated = await Variable.aset(name, 7.5, overwrite=True)
        got_updated = await Variable.aget(name, default=MISSING)
        removed = await Variable.aunset(name)
        after = await Variable.aget(name, default=MISSING)
        removed_again = await Variable.aunset(name)
        return created, got, updated, got_updated, removed, after, removed_again

    created, got, updated, got_updated, removed, after, removed_again = asyncio.run(scenario())
    assert created.value == [1, {"a": "b"}]
    assert created.tags == ["async"]
    assert got == [1, {"a": "b"}]
    assert updated.value == 7.5
    assert got_updated == 7.5
    assert removed is True
    assert after == MISSING
    assert removed_again is False
