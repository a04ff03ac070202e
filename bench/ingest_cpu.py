#!/usr/bin/env python3
"""Where ingest's CPU goes: rounds of task-run events through the orchestration benchmark's ingest phase against a
running `bin/steward dev`, printing per round the events recorded per second and the CPU seconds per 1,000 events
of the JVM, Redis, PostgreSQL's backends, its other processes (autovacuum, checkpointer, ... including those that
exited during the round) and this driver, read from /proc.

    . .steward/dev.env && ~/.cache/steward/prefect-venv/bin/python bench/ingest_cpu.py [EVENTS [ROUNDS]]

EVENTS per round (default 30000), ROUNDS (default 10). The JIT and the database's caches settle over the first few
hundred thousand events: read the last rounds.
"""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import orchestration as o  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")


def processes():
    """(pid, command line, parent pid, own CPU s, CPU s of its exited children) of every process."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out.append((pid, cmd, int(f[1]), (int(f[11]) + int(f[12])) / HZ, (int(f[13]) + int(f[14])) / HZ))
    return out


def cpu_snapshot():
    ps = processes()
    postmaster = next(p for p in ps if "postgres" in p[1] and " -D " in p[1])
    s = {"jvm": 0.0, "redis": 0.0, "pg-backends": 0.0, "pg-other": postmaster[3] + postmaster[4], "driver": 0.0}
    for pid, cmd, ppid, cpu, _ in ps:
        if "payara-micro" in cmd:
            s["jvm"] += cpu
        elif "redis-server" in cmd:
            s["redis"] += cpu
        elif ppid == int(postmaster[0]):
            s["pg-backends" if "127.0.0.1" in cmd else "pg-other"] += cpu
        elif pid == str(os.getpid()):
            s["driver"] += cpu
    return s


async def main(events: int, rounds: int) -> None:
    port = os.environ["STEWARD_DB_URL"].rsplit(":", 1)[1].split("/")[0]
    t = o.Target(name="steward", label="steward", api=os.environ["PREFECT_API_URL"],
                 dsn=f"postgresql://{os.environ['STEWARD_DB_USER']}:{os.environ['STEWARD_DB_PASSWORD']}@127.0.0.1:{port}/steward",
                 auth=os.environ["PREFECT_API_AUTH_STRING"], events_table="event")
    await o.setup(t, 4)
    try:
        for r in range(rounds):
            before = cpu_snapshot()
            res = await o.run_ingest(t, events, 4, 700, 600, 0.02, f"cpu{int(time.time())}-{r}")
            await asyncio.sleep(1.0)  # what the round leaves behind (commits, autovacuum) counts too
            after = cpu_snapshot()
            per = {k: (after[k] - before[k]) * 1000 / res["events"] for k in after}
            server = sum(v for k, v in per.items() if k != "driver")
            print(f"round {r + 1}: {res['events_per_s']:,.0f} events/s; CPU s per 1,000 events: "
                  + ", ".join(f"{k} {v:.3f}" for k, v in per.items()) + f"; server total {server:.3f}", flush=True)
    finally:
        await t.http.aclose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30000, int(sys.argv[2]) if len(sys.argv) > 2 else 10))
