"""Shared fixtures for the Prefect-client integration tests.

The suite talks to whatever server the environment points at:

  PREFECT_API_URL          required, e.g. http://127.0.0.1:PORT/api/workspaces/<ws>
  PREFECT_API_AUTH_STRING  optional; the client sends "Authorization: Basic base64(value)"
  PREFECT_HOME             optional; a temporary directory is used when unset
  STEWARD_IT_HTTP_LOG      optional; path of a file that receives one line per HTTP
                           request the prefect client makes (in-process and CLI)

Nothing here imports prefect at module level: PREFECT_HOME has to be in the
environment before prefect reads its settings, which pytest_configure ensures.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from _helpers import RUN_ID, delete_variable_if_exists

HERE = Path(__file__).resolve().parent
HTTPLOG_DIR = HERE / "_support" / "httplog"

_temp_home: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _temp_home
    if not os.environ.get("PREFECT_API_URL"):
        raise pytest.UsageError(
            "PREFECT_API_URL is not set: point it at the server under test, "
            "e.g. http://127.0.0.1:8080/api/workspaces/<workspace>"
        )
    if not os.environ.get("PREFECT_HOME"):
        _temp_home = tempfile.mkdtemp(prefix="steward-prefect-home-")
        os.environ["PREFECT_HOME"] = _temp_home
    # Never let the client fall back to a local ephemeral server.
    os.environ.setdefault("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")

    log_path = os.environ.get("STEWARD_IT_HTTP_LOG")
    if log_path:
        # Subprocesses (the CLI) pick the hook up through sitecustomize.
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(HTTPLOG_DIR), os.environ.get("PYTHONPATH")) if p
        )
        sys.path.insert(0, str(HTTPLOG_DIR))
        import _steward_httplog  # noqa: F401  (installs the hook in-process)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _temp_home:
        shutil.rmtree(_temp_home, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> list[str]:
    auth = "set" if os.environ.get("PREFECT_API_AUTH_STRING") else "not set"
    return [
        f"PREFECT_API_URL={os.environ.get('PREFECT_API_URL')}",
        f"PREFECT_API_AUTH_STRING {auth}; PREFECT_HOME={os.environ.get('PREFECT_HOME')}",
        f"run id {RUN_ID}",
    ]


@pytest.fixture(scope="session", autouse=True)
def _server_reachable() -> None:
    """Fail fast, with a clear message, when nothing listens at PREFECT_API_URL."""
    url = urlsplit(os.environ["PREFECT_API_URL"])
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=5).close()
    except OSError as exc:
        pytest.exit(
            f"cannot connect to {url.hostname}:{port} (PREFECT_API_URL): {exc}",
            returncode=3,
        )


# --------------------------------------------------------------------- CLI


@dataclass
class CliResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """stdout and stderr together, whitespace collapsed (Rich may wrap)."""
        return " ".join((self.stdout + "\n" + self.stderr).split())

    def json(self):
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return (
            f"prefect {' '.join(self.args)} -> exit {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def _prefect_executable() -> str:
    exe = Path(sys.executable).parent / "prefect"
    if not exe.exists():
        raise RuntimeError(f"no prefect executable next to {sys.executable}")
    return str(exe)


class PrefectCli:
    """Runs the real `prefect` CLI of this virtualenv in subprocesses."""

    def __init__(self, exe: str, timeout: float = 120) -> None:
        self.exe = exe
        self.timeout = timeout

    def _popen(self, args: tuple[str, ...], cwd: str | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            [self.exe, *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,  # non-interactive: `unset` does not prompt
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Wide, plain console output: the CLI must not wrap or colour what we parse.
            env=dict(os.environ, COLUMNS="500", NO_COLOR="1", PREFECT_CLI_COLORS="false"),
        )

    def _finish(self, args: tuple[str, ...], proc: subprocess.Popen) -> CliResult:
        try:
            stdout, stderr = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            stderr += f"\n[killed after {self.timeout}s]"
        return CliResult(list(args), proc.returncode, stdout, stderr)

    def __call__(self, *args: str, cwd: str | None = None) -> CliResult:
        return self._finish(args, self._popen(args, cwd))

    def many(self, *commands: tuple[str, ...]) -> list[CliResult]:
        """Run independent commands concurrently (CLI start-up dominates their time)."""
        width = max(2, os.cpu_count() or 2)
        results: list[CliResult] = []
        for start in range(0, len(commands), width):
            batch = [(args, self._popen(args)) for args in commands[start:start + width]]
            results += [self._finish(args, proc) for args, proc in batch]
        return results


@pytest.fixture(scope="session")
def prefect_cli() -> PrefectCli:
    return PrefectCli(_prefect_executable())


# ------------------------------------------------------- names and cleanup


@pytest.fixture
def var_name(request: pytest.FixtureRequest) -> Iterator[Callable[[str], str]]:
    """Factory for unique, valid variable names; deletes them after the test."""
    created: list[str] = []
    test = request.node.originalname.removeprefix("test_")[:40]

    def make(label: str = "v") -> str:
        name = f"steward_it_{RUN_ID}_{test}_{label}_{len(created)}".lower()
        created.append(name)
        return name

    yield make

    errors = []
    for name in created:
        try:
            delete_variable_if_exists(name)
        except Exception as exc:  # keep cleaning the others
            errors.append(f"{name}: {exc!r}")
    if errors:
        pytest.fail("cleanup failed: " + "; ".join(errors))
