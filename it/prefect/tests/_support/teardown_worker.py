"""A process worker that can tear a flow run's process down, started as `python teardown_worker.py POOL NAME`.

Prefect 3.9.1's workers take cleanup messages over the worker channel (they declare `handled_cleanup_kinds` in their
hello) only when their class implements `kill_infrastructure`; its ProcessWorker does not, so the real process worker
never asks for them. This subclass adds that one method, for an infrastructure pid `<hostname>:<pid>` on this host, and
leaves the rest to Prefect: the channel, the cleanup executor, its CancellingTimeoutTeardownHandler, acks and releases.
It kills the process of a pid on this host: SIGTERM, then SIGKILL after the grace period.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time

from prefect.exceptions import InfrastructureNotAvailable, InfrastructureNotFound
from prefect.workers.process import ProcessWorker


class TeardownProcessWorker(ProcessWorker):
    async def kill_infrastructure(self, infrastructure_pid: str, configuration, grace_seconds: int = 30) -> None:
        # 3.9.1's process worker stores the bare pid; older ones "<hostname>:<pid>"
        host, _, pid_text = infrastructure_pid.rpartition(":")
        if host and host != socket.gethostname():
            raise InfrastructureNotAvailable(f"{infrastructure_pid} runs on another host")
        pid = int(pid_text)
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            raise InfrastructureNotFound(f"no process {pid}")
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            await asyncio.sleep(0.1)
        os.kill(pid, signal.SIGKILL)


async def main(pool: str, name: str) -> None:
    worker = TeardownProcessWorker(work_pool_name=pool, name=name, limit=4)
    await worker.start()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
