"""The flow the artifacts browser test (ArtifactsBrowserIT, artifacts.test.mjs) looks at, run by the real prefect client.

    python artifact_flows.py IMAGE_URL WATCH_FILE RELEASE_FILE

Makes every Prefect artifact type, in the flow and in a task: markdown (one with script, an onerror image, a
javascript: link and an iframe in it), a table (list of dicts and dict of lists), a link, an image (IMAGE_URL), a
result, two versions of one key, and a progress artifact. Once WATCH_FILE exists (the browser looks at the run page) it
moves the progress from 0 to 100 in steps, then waits until RELEASE_FILE exists and ends.

Prints "FLOW_RUN_ID <id>" as soon as it is known, and writes the id to the file STEWARD_RUN_ID_FILE names, when set.
"""

import os
import sys
import time

from prefect import flow, task
from prefect.artifacts import (
    Artifact,
    create_image_artifact,
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.runtime import flow_run

XSS = """# Sanitized report

<script>window.__xss=1</script>

<img src=x onerror="window.__xss=2">

[click](javascript:window.__xss=3)

<iframe src="https://example.com"></iframe>

Text after the attempts, and a [safe link](https://example.com/docs).
"""

REPORT = """# Task report

Rows checked by the task:

| region | rows | ok |
|:-------|-----:|----|
| north  | 120  | yes |
| south  | 98   | no  |
"""


def wait_for(path: str) -> None:
    while not os.path.exists(path):
        time.sleep(0.2)


def announce() -> None:
    print(f"FLOW_RUN_ID {flow_run.id}", flush=True)
    if os.environ.get("STEWARD_RUN_ID_FILE"):
        with open(os.environ["STEWARD_RUN_ID_FILE"], "w") as f:
            f.write(str(flow_run.id))


@task
def task_report() -> None:
    create_markdown_artifact(REPORT, key="task-report", description="What the **task** checked")
    create_table_artifact([{"region": "north", "rows": 120}, {"region": "south", "rows": 98}], key="task-table")


@flow(name="artifact-page")
def artifacts(image_url: str, watch: str, release: str) -> None:
    create_markdown_artifact(XSS, key="xss-report", description="Markdown with <script>window.__xss=4</script> attempts")
    create_table_artifact({"metric": ["latency", "errors"], "value": [12.5, None]}, key="flow-table",
                          description="A dict of lists")
    create_link_artifact("https://docs.prefect.io/", link_text="Prefect docs", key="docs-link")
    create_link_artifact("javascript:window.__xss=5", link_text="bad link", key="bad-link")
    create_image_artifact(image_url, key="chart-image", description="A chart")
    Artifact(type="result", key="result-summary", data={"count": 2, "sum": 218}).create()
    create_markdown_artifact("Version **one** of the history", key="history-demo")
    create_markdown_artifact("Version **two** of the history", key="history-demo")
    task_report()
    progress = create_progress_artifact(0.0, key="progress-demo", description="Moves while the browser watches")
    announce()
    wait_for(watch)
    for step in range(1, 11):
        time.sleep(0.7)
        update_progress_artifact(progress, step * 10.0)
    wait_for(release)


if __name__ == "__main__":
    artifacts(sys.argv[1], sys.argv[2], sys.argv[3])
