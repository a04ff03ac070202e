"""Server-side validation and error statuses, seen through the raw prefect client.

The high-level API and the CLI validate names and values in the client before
sending anything, so these tests send raw JSON with the client's own HTTP layer
(`get_client().request(...)`), which carries the same base URL and auth header.
Expected statuses and bodies are those of Prefect's own server (3.9.1):

  422 {"exception_message": "Invalid request received.",
       "exception_detail": [{"loc": ["body", "<field>"], "msg": "...", "type": "..."}, ...],
       "request_body": <the request body>}
  409 {"detail": "A variable with the name '<name>' already exists."}
  404 {"detail": "Variable not found."}
"""

from __future__ import annotations

import httpx
import pytest
from prefect.client.orchestration import get_client

from _helpers import RUN_ID, delete_variable_if_exists

MAX_VALUE_JSON_BYTES = 5000  # prefect.types.MAX_VARIABLE_VALUE_LENGTH
MAX_NAME_LENGTH = 255  # prefect.types.MAX_VARIABLE_NAME_LENGTH


def send(method: str, path: str, **kwargs) -> httpx.Response:
    """Send a request through the prefect client; return the response, errors included."""
    with get_client(sync_client=True) as client:
        try:
            return client.request(method, path, **kwargs)
        except httpx.HTTPStatusError as exc:
            return exc.response


def expect_error(method: str, path: str, status: int, **kwargs) -> dict:
    """The client raises httpx.HTTPStatusError for error statuses; return the JSON body."""
    with get_client(sync_client=True) as client:
        with pytest.raises(httpx.HTTPStatusError) as excinfo:
            client.request(method, path, **kwargs)
    response = excinfo.value.response
    assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
    body = response.json()
    assert isinstance(body, dict), response.text
    return body


def validation_errors(body: dict) -> list[dict]:
    assert body.get("exception_message") == "Invalid request received.", body
    errors = body.get("exception_detail")
    assert isinstance(errors, list) and errors, body
    return errors


def error_for(body: dict, field: str) -> dict:
    """The validation error entry whose location is ["body", field]."""
    errors = validation_errors(body)
    matching = [e for e in errors if list(e.get("loc", [])) == ["body", field]]
    assert matching, f"no validation error located at body.{field}: {errors}"
    return matching[0]


def assert_not_stored(name: str) -> None:
    response = send("GET", f"/variables/name/{name}")
    if response.status_code != 404:
        delete_variable_if_exists(name)  # the server wrongly stored it: clean up
    assert response.status_code == 404, f"{name!r} was stored: {response.status_code} {response.text}"


@pytest.mark.parametrize(
    "label",
    ["Upper_Case", "has space", "dot.name", "bang!", "umlaut_ü", "colon:name"],
)
def test_create_with_invalid_name_is_422(label):
    name = f"steward_it_{RUN_ID}_{label}"
    body = expect_error("POST", "/variables/", 422, json={"name": name, "value": 1})
    error = error_for(body, "name")
    assert "Variable name must only contain lowercase letters, numbers, and dashes or underscores" in error["msg"], error
    assert_not_stored(name)


def test_name_length_limit():
    prefix = f"steward_it_{RUN_ID}_long_"
    too_long = prefix + "x" * (MAX_NAME_LENGTH + 1 - len(prefix))
    body = expect_error("POST", "/variables/", 422, json={"name": too_long, "value": 1})
    error = error_for(body, "name")
    assert str(MAX_NAME_LENGTH) in error["msg"], error
    assert_not_stored(too_long)

    longest = too_long[:MAX_NAME_LENGTH]
    try:
        response = send("POST", "/variables/", json={"name": longest, "value": 1})
        assert response.status_code == 201, response.text
        assert response.json()["name"] == longest
    finally:
        delete_variable_if_exists(longest)


# Prefect measures the value as compact JSON (orjson: no spaces) in UTF-8 bytes;
# more than 5000 bytes is rejected.
OVERSIZED_VALUES = [
    pytest.param("x" * (MAX_VALUE_JSON_BYTES - 1), id="string-5001-bytes"),
    pytest.param({"k": "x" * (MAX_VALUE_JSON_BYTES - 7)}, id="dict-5001-bytes"),
    pytest.param(["x" * 100] * 60, id="list-6000-bytes"),
    pytest.param("é" * (MAX_VALUE_JSON_BYTES // 2), id="non-ascii-2502-chars-5002-bytes"),
]


@pytest.mark.parametrize("value", OVERSIZED_VALUES)
def test_create_with_oversized_value_is_422(var_name, value):
    name = var_name()
    body = expect_error("POST", "/variables/", 422, json={"name": name, "value": value})
    error = error_for(body, "value")
    assert f"Variable value must be less than {MAX_VALUE_JSON_BYTES} characters" in error["msg"], error
    assert_not_stored(name)


BOUNDARY_VALUES = [
    pytest.param("x" * (MAX_VALUE_JSON_BYTES - 2), id="string-5000-bytes"),
    pytest.param({"k": "x" * (MAX_VALUE_JSON_BYTES - 8)}, id="dict-5000-bytes"),
    pytest.param("é" * (MAX_VALUE_JSON_BYTES // 2 - 1), id="non-ascii-5000-bytes"),
]


@pytest.mark.parametrize("value", BOUNDARY_VALUES)
def test_value_at_size_limit_is_accepted(var_name, value):
    name = var_name()
    response = send("POST", "/variables/", json={"name": name, "value": value})
    assert response.status_code == 201, response.text
    assert response.json()["value"] == value
    response = send("GET", f"/variables/name/{name}")
    assert response.status_code == 200, response.text
    assert response.json()["value"] == value


def test_update_with_oversized_value_is_422_and_keeps_old_value(var_name):
    name = var_name()
    assert send("POST", "/variables/", json={"name": name, "value": "small"}).status_code == 201

    body = expect_error("PATCH", f"/variables/name/{name}", 422,
                        json={"name": name, "value": "y" * MAX_VALUE_JSON_BYTES})
    error = error_for(body, "value")
    assert f"Variable value must be less than {MAX_VALUE_JSON_BYTES} characters" in error["msg"], error

    response = send("GET", f"/variables/name/{name}")
    assert response.status_code == 200, response.text
    assert response.json()["value"] == "small"


def test_update_with_invalid_name_is_422(var_name):
    name = var_name()
    assert send("POST", "/variables/", json={"name": name, "value": 1}).status_code == 201
    body = expect_error("PATCH", f"/variables/name/{name}", 422, json={"name": "Not Valid"})
    error = error_for(body, "name")
    assert "lowercase letters, numbers, and dashes or underscores" in error["msg"], error


def test_create_without_value_is_422(var_name):
    name = var_name()
    body = expect_error("POST", "/variables/", 422, json={"name": name})
    error = error_for(body, "value")
    assert error.get("type") == "missing", error
    assert_not_stored(name)


def test_duplicate_create_is_409(var_name):
    name = var_name()
    assert send("POST", "/variables/", json={"name": name, "value": 1}).status_code == 201
    body = expect_error("POST", "/variables/", 409, json={"name": name, "value": 2})
    assert body == {"detail": f"A variable with the name '{name}' already exists."}, body
    assert send("GET", f"/variables/name/{name}").json()["value"] == 1


def test_missing_variable_is_404(var_name):
    name = var_name("never_created")
    for method, kwargs in (("GET", {}), ("PATCH", {"json": {"value": 1}}), ("DELETE", {})):
        body = expect_error(method, f"/variables/name/{name}", 404, **kwargs)
        assert body == {"detail": "Variable not found."}, (method, body)
