# Loaded automatically by Python in CLI subprocesses when this directory is on
# PYTHONPATH (only when STEWARD_IT_HTTP_LOG is set; see conftest.py).
import _steward_httplog  # noqa: F401
