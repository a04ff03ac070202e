"""Opt-in HTTP request log for debugging the server under test.

When STEWARD_IT_HTTP_LOG names a file, every request sent through httpx (which
the prefect client uses) is appended to it as one line:

    <pid> <METHOD> <url> body=<request body> -> <status> <response body>

conftest.py imports this in the pytest process and puts this directory on
PYTHONPATH so that CLI subprocesses load it through sitecustomize.py.
Response bodies are read eagerly, which is harmless for these small payloads.
"""

import os

_PATH = os.environ.get("STEWARD_IT_HTTP_LOG")


def _clip(data: bytes, limit: int = 600) -> str:
    text = data.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + f"…(+{len(text) - limit})"


def _write(request, response) -> None:
    line = (
        f"{os.getpid()} {request.method} {request.url} "
        f"body={_clip(request.content or b'')} -> {response.status_code} "
        f"{_clip(response.content or b'')}\n"
    )
    with open(_PATH, "a", encoding="utf-8") as fh:
        fh.write(line)


def _install() -> None:
    import httpx

    if getattr(httpx, "_steward_httplog", False):
        return
    httpx._steward_httplog = True

    async_send = httpx.AsyncClient.send
    sync_send = httpx.Client.send

    async def send_async(self, request, *args, **kwargs):
        response = await async_send(self, request, *args, **kwargs)
        await response.aread()
        _write(request, response)
        return response

    def send_sync(self, request, *args, **kwargs):
        response = sync_send(self, request, *args, **kwargs)
        response.read()
        _write(request, response)
        return response

    httpx.AsyncClient.send = send_async
    httpx.Client.send = send_sync


if _PATH:
    _install()
