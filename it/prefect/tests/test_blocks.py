"""Blocks through the unmodified client and CLI: types, schemas, documents, secrets, nesting, result storage.

Prefect 3.9.1's `prefect.blocks.system` holds only Secret (JSON, String and DateTime were removed from Prefect 3);
the notification blocks live in `prefect.blocks.notifications`.
"""

from __future__ import annotations

import os
import time
from typing import Optional

import httpx
import pytest
from pydantic import SecretStr

from _helpers import RUN_ID


def _api(method: str, path: str, body: dict | None = None, params: dict | None = None):
    url = os.environ["PREFECT_API_URL"].rstrip("/") + path
    key = os.environ.get("PREFECT_API_AUTH_STRING", "")
    reply = httpx.request(method, url, json=body, params=params, auth=(key, "") if key else None, timeout=60)
    reply.raise_for_status()
    return reply.json() if reply.content else None


def _name(label: str) -> str:
    return f"it-{RUN_ID}-{label}".lower()


def _events(name: str, resource_id: str, timeout: float = 30) -> list[dict]:
    deadline = time.time() + timeout
    while True:
        page = _api("POST", "/events/filter", {
            "filter": {"event": {"name": [name]}, "resource": {"id": [resource_id]},
                       "occurred": {"since": "2020-01-01T00:00:00Z"}},
            "limit": 50})
        if page["events"] or time.time() > deadline:
            return page["events"]
        time.sleep(0.5)


def test_register_system_blocks_and_list_types(prefect_cli):
    res = prefect_cli("block", "register", "-m", "prefect.blocks.system")
    assert res.returncode == 0, res
    assert "Secret" in res.output, res
    res = prefect_cli("block", "type", "ls")
    assert res.returncode == 0, res
    assert "secret" in res.output, res
    secret_type = _api("GET", "/block_types/slug/secret")
    assert secret_type["is_protected"] is True
    # a protected type cannot be deleted (Prefect answers 403)
    url = os.environ["PREFECT_API_URL"].rstrip("/") + f"/block_types/{secret_type['id']}"
    key = os.environ.get("PREFECT_API_AUTH_STRING", "")
    assert httpx.delete(url, auth=(key, "") if key else None).status_code == 403


def test_secret_save_load_inspect_delete(prefect_cli):
    from prefect.blocks.system import Secret

    name = _name("secret")
    value = f"s3cr3t-{RUN_ID}-value"
    Secret(value=value).save(name)
    assert Secret.load(name).get() == value

    # overwrite keeps working, through Prefect's 409-then-update path
    Secret(value=value + "-2").save(name, overwrite=True)
    assert Secret.load(name).get() == value + "-2"

    res = prefect_cli("block", "ls")
    assert res.returncode == 0, res
    assert f"secret/{name}" in res.output, res

    res = prefect_cli("block", "inspect", f"secret/{name}")
    assert res.returncode == 0, res
    assert name in res.output, res
    assert value not in res.output, "inspect must not show the secret"

    doc = _api("GET", f"/block_types/slug/secret/block_documents/name/{name}")
    assert doc["data"]["value"] == "********"
    revealed = _api("GET", f"/block_types/slug/secret/block_documents/name/{name}",
                    params={"include_secrets": "true"})
    assert revealed["data"]["value"] == value + "-2"

    created = _events("prefect.block-document.created", f"prefect.block-document.{doc['id']}")
    assert created, "no prefect.block-document.created event"
    event = created[0]
    assert value not in str(event), "the event carries the secret"
    roles = {r["prefect.resource.role"] for r in event["related"]}
    assert roles == {"block-type", "block-schema"}, event["related"]
    assert event["payload"]["block_schema"]["block_type"]["name"] == "Secret"

    res = prefect_cli("block", "delete", f"secret/{name}")
    assert res.returncode == 0, res
    with pytest.raises(ValueError):
        Secret.load(name)


def test_a_secret_holding_a_dict_is_sealed_and_masked_whole():
    from prefect.blocks.system import Secret

    name = _name("secret-dict")
    value = {"username": "etl", "password": f"dict-pw-{RUN_ID}"}
    Secret(value=value).save(name, overwrite=True)
    assert Secret.load(name).get() == value
    masked = _api("GET", f"/block_types/slug/secret/block_documents/name/{name}")
    assert f"dict-pw-{RUN_ID}" not in str(masked), masked["data"]
    assert masked["data"]["value"] == {"username": "********", "password": "********"}


@pytest.mark.parametrize("kind", ["webhook", "slack", "teams", "custom"])
def test_webhook_and_notification_blocks(kind):
    from prefect.blocks.notifications import (
        CustomWebhookNotificationBlock,
        MicrosoftTeamsWebhook,
        SlackWebhook,
    )
    from prefect.blocks.webhook import Webhook

    secret_url = f"https://hooks.example.invalid/{RUN_ID}/t0ken"
    # Teams takes only a Power Automate workflow URL
    teams_url = (f"https://prod-01.westus.logic.azure.com:443/workflows/{RUN_ID}/triggers/manual/paths/invoke"
                 f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=t0ken{RUN_ID}")
    blocks = {
        "webhook": (Webhook, lambda: Webhook(url=secret_url, headers={"Authorization": f"Bearer {RUN_ID}"})),
        "slack": (SlackWebhook, lambda: SlackWebhook(url=secret_url)),
        "teams": (MicrosoftTeamsWebhook, lambda: MicrosoftTeamsWebhook(url=teams_url)),
        "custom": (CustomWebhookNotificationBlock, lambda: CustomWebhookNotificationBlock(
            name="hook", url="https://example.invalid/{{token}}", secrets={"token": f"t0ken-{RUN_ID}"})),
    }
    cls, make = blocks[kind]
    name = _name(kind)
    make().save(name, overwrite=True)
    loaded = cls.load(name)
    if kind == "webhook":
        assert loaded.url.get_secret_value() == secret_url
        assert loaded.headers.get_secret_value() == {"Authorization": f"Bearer {RUN_ID}"}
    elif kind == "custom":
        assert loaded.secrets.get_secret_value() == {"token": f"t0ken-{RUN_ID}"}
    elif kind == "teams":
        assert loaded.url.get_secret_value() == teams_url
    else:
        assert loaded.url.get_secret_value() == secret_url
    masked = _api("GET", f"/block_types/slug/{cls.get_block_type_slug()}/block_documents/name/{name}")
    # every secret value above holds "t0ken"; the answer without secrets shows none of them
    assert "t0ken" not in str(masked["data"]), masked["data"]


def test_a_block_nesting_another_by_reference():
    from prefect.blocks.core import Block

    class DbCredentials(Block):
        username: str
        password: SecretStr

    class Warehouse(Block):
        host: str
        port: int = 5432
        credentials: DbCredentials

    creds_name, warehouse_name = _name("creds"), _name("warehouse")
    creds = DbCredentials(username="etl", password=SecretStr(f"pw-{RUN_ID}"))
    creds.save(creds_name, overwrite=True)
    Warehouse(host="db.internal", credentials=DbCredentials.load(creds_name)).save(warehouse_name, overwrite=True)

    loaded = Warehouse.load(warehouse_name)
    assert loaded.host == "db.internal"
    assert loaded.credentials.username == "etl"
    assert loaded.credentials.password.get_secret_value() == f"pw-{RUN_ID}"

    raw = _api("GET", f"/block_types/slug/warehouse/block_documents/name/{warehouse_name}")
    reference = raw["block_document_references"]["credentials"]["block_document"]
    assert reference["name"] == creds_name
    assert raw["data"]["credentials"]["password"] == "********"


def test_a_flow_whose_result_storage_is_a_saved_local_file_system(tmp_path):
    from prefect import flow, task
    from prefect.filesystems import LocalFileSystem

    name = _name("results")
    LocalFileSystem(basepath=str(tmp_path)).save(name, overwrite=True)
    storage = LocalFileSystem.load(name)

    @task(persist_result=True, result_storage=storage)
    def double(x: int) -> int:
        return 2 * x

    @flow(persist_result=True, result_storage=storage)
    def stored_results() -> int:
        return double(21)

    assert stored_results() == 42
    assert any(tmp_path.iterdir()), "no result file was written to the block's base path"
    assert _api("GET", "/block_types/slug/local-file-system")["is_protected"] is True


def test_filter_count_and_capabilities(tmp_path):
    from prefect.blocks.system import Secret
    from prefect.filesystems import LocalFileSystem

    LocalFileSystem(basepath=str(tmp_path)).save(_name("capable"), overwrite=True)

    names = [_name(f"filtered-{i}") for i in range(3)]
    for n in names:
        Secret(value="x").save(n, overwrite=True)
    found = _api("POST", "/block_documents/filter", {
        "block_documents": {"name": {"like_": f"it-{RUN_ID}-filtered"}},
        "block_types": {"slug": {"any_": ["secret"]}}, "sort": "NAME_DESC"})
    assert [d["name"] for d in found] == sorted(names, reverse=True)
    assert all(d["data"]["value"] == "********" for d in found)
    count = _api("POST", "/block_documents/count", {"block_documents": {"name": {"like_": f"it-{RUN_ID}-filtered"}}})
    assert count == 3
    assert {"read-path", "write-path"} <= set(_api("GET", "/block_capabilities/"))
