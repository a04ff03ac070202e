"""Variables through the real `prefect variable ...` CLI (subprocess)."""

from __future__ import annotations

import json

import pytest
from prefect.client.orchestration import get_client
from prefect.variables import Variable

MISSING = "<steward-it-missing>"


def read_variable(name: str):
    """Server-side state of a variable, read with the prefect client (or None)."""
    with get_client(sync_client=True) as client:
        return client.read_variable_by_name(name)


def test_set_get_inspect(prefect_cli, var_name):
    name = var_name()

    res = prefect_cli("variable", "set", name, "hello world")
    assert res.returncode == 0, res
    assert f"Set variable '{name}'." in res.output, res

    res, res_inspect = prefect_cli.many(("variable", "get", name), ("variable", "inspect", name, "-o", "json"))
    assert res.returncode == 0, res
    assert res.json() == "hello world", res

    res = res_inspect
    assert res.returncode == 0, res
    doc = res.json()
    assert doc["name"] == name
    assert doc["value"] == "hello world"
    assert doc["tags"] == []
    for key in ("id", "created", "updated"):
        assert doc.get(key), f"inspect output lacks {key!r}: {doc}"

    # The same variable is visible to the Python API.
    assert Variable.get(name, default=MISSING) == "hello world"


def test_set_existing_without_overwrite_fails_then_overwrite(prefect_cli, var_name):
    name = var_name()
    assert prefect_cli("variable", "set", name, "first").returncode == 0

    res = prefect_cli("variable", "set", name, "second")
    assert res.returncode == 1, res
    assert f"Variable '{name}' already exists. Use `--overwrite` to update it." in res.output, res
    assert Variable.get(name, default=MISSING) == "first"

    res = prefect_cli("variable", "set", name, "second", "--overwrite")
    assert res.returncode == 0, res
    assert f"Set variable '{name}'." in res.output, res

    res = prefect_cli("variable", "get", name)
    assert res.returncode == 0, res
    assert res.json() == "second", res


def test_ls_shows_names(prefect_cli, var_name):
    names = [var_name("a"), var_name("b")]
    for i, name in enumerate(names):
        Variable.set(name, f"value-{i}")
    absent = var_name("never_created")

    res, res_json = prefect_cli.many(("variable", "ls"), ("variable", "ls", "-o", "json"))
    assert res.returncode == 0, res
    for name in names:
        assert name in res.stdout, res
    assert absent not in res.stdout, res

    res = res_json
    assert res.returncode == 0, res
    listed = {v["name"]: v for v in res.json()}
    for i, name in enumerate(names):
        assert name in listed, f"{name} missing from ls -o json: {sorted(listed)}"
        assert listed[name]["value"] == f"value-{i}"
    assert absent not in listed


# value given on the command line -> value the CLI sends (it json-parses the
# argument, falling back to the raw string)
CLI_VALUES = [
    pytest.param("plain text", "plain text", id="string"),
    pytest.param('"42"', "42", id="quoted-number-string"),
    pytest.param("42", 42, id="int"),
    pytest.param("-3.25", -3.25, id="float"),
    pytest.param("true", True, id="bool"),
    pytest.param('{"a": 1, "b": [true, null, "x"], "c": {"d": 2.5}}',
                 {"a": 1, "b": [True, None, "x"], "c": {"d": 2.5}}, id="dict"),
    pytest.param('[1, "two", 3.5, false, null]', [1, "two", 3.5, False, None], id="list"),
    pytest.param("null", None, id="null"),
]


def test_json_types_round_trip(prefect_cli, var_name):
    names = {}
    commands = []
    for param in CLI_VALUES:
        arg, expected = param.values
        name = var_name(param.id.replace("-", "_"))
        names[name] = expected
        commands.append(("variable", "set", name, arg))
    for res in prefect_cli.many(*commands):
        assert res.returncode == 0, res

    for name, expected in names.items():
        got = Variable.get(name, default=MISSING)
        assert got == expected, f"{name}: got {got!r}, expected {expected!r}"
        assert type(got) is type(expected), f"{name}: got {type(got)}, expected {type(expected)}"

    # `get` prints json.dumps(value) of what the server returned.
    dict_name = next(n for n, v in names.items() if isinstance(v, dict))
    null_name = next(n for n, v in names.items() if v is None)
    res, res_null = prefect_cli.many(("variable", "get", dict_name), ("variable", "get", null_name))
    assert res.returncode == 0, res
    assert res.json() == names[dict_name], res
    res = res_null
    assert res.returncode == 0, res  # exists with a null value, not "not found"
    assert res.stdout.strip() == "null", res


def test_tags_round_trip(prefect_cli, var_name):
    name = var_name()
    res = prefect_cli("variable", "set", name, "tagged", "--tag", "team-a", "--tag", "env:prod")
    assert res.returncode == 0, res

    res = prefect_cli("variable", "inspect", name, "-o", "json")
    assert res.returncode == 0, res
    assert res.json()["tags"] == ["team-a", "env:prod"], res

    # Overwriting sends the new tag list (empty here), which replaces the old one.
    res = prefect_cli("variable", "set", name, "retagged", "--overwrite")
    assert res.returncode == 0, res
    var = read_variable(name)
    assert var is not None
    assert var.value == "retagged"
    assert var.tags == []


def test_unset_removes(prefect_cli, var_name):
    name = var_name()
    Variable.set(name, {"k": "v"})
    assert read_variable(name) is not None

    res = prefect_cli("variable", "unset", name)
    assert res.returncode == 0, res
    assert f"Unset variable '{name}'." in res.output, res
    assert read_variable(name) is None
    assert Variable.get(name, default=MISSING) == MISSING

    res, res_unset = prefect_cli.many(("variable", "get", name), ("variable", "unset", name))
    assert res.returncode == 1, res
    assert f"Variable '{name}' not found." in res.output, res

    res = res_unset
    assert res.returncode == 1, res
    assert f"Variable '{name}' not found." in res.output, res


def test_cli_rejects_invalid_name_before_sending(prefect_cli, var_name):
    """The CLI first GETs /variables/name/<NAME> (the server must answer 404, not
    422, for a name it would not accept), then its own validation refuses the name;
    nothing must be created."""
    name = var_name().upper()
    res = prefect_cli("variable", "set", name, "x")
    assert res.returncode != 0, res
    assert "lowercase letters, numbers, and dashes or underscores" in res.output, res
    assert read_variable(name) is None
