#!/usr/bin/env bash
# Runs the Prefect-client integration tests (it/prefect/tests) against the server
# the environment points at, using the unmodified prefect client from PyPI.
#
#   PREFECT_API_URL          required, e.g. http://127.0.0.1:8080/api/workspaces/<ws>
#   PREFECT_API_AUTH_STRING  tenant API key; the client sends "Authorization: Basic base64(key)"
#   PREFECT_HOME             optional; the tests use a temporary directory when unset
#   STEWARD_PREFECT_VENV     virtualenv location (default ~/.cache/steward/prefect-venv)
#   STEWARD_PREFECT_PYTHON   interpreter that creates the venv (default python3; needs >= 3.11)
#   STEWARD_IT_HTTP_LOG      optional file: one line per HTTP request the client makes
#
# Extra arguments go to pytest (e.g. -k unset, -x, -v). Exits with pytest's exit code
# (2 when the virtualenv cannot be set up).
#
#   run.sh --venv-only   only creates/updates the virtualenv and prints its path (used by bench/)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${STEWARD_PREFECT_VENV:-$HOME/.cache/steward/prefect-venv}"
BASE_PY="${STEWARD_PREFECT_PYTHON:-python3}"
MARKER="$VENV/.steward-requirements.sha256"
UV_VERSION="0.13.8"   # installer used for --override; part of the hash below

log() { echo "[it/prefect] $*" >&2; }
die() { log "error: $*"; exit 2; }

# The install options are part of the hash too: a virtualenv made with other options is made again.
INSTALL_OPTIONS="--compile-bytecode"
want_hash="$(cat "$HERE/requirements.txt" "$HERE/overrides.txt" <(echo "uv==$UV_VERSION $INSTALL_OPTIONS") | sha256sum | cut -d' ' -f1)"
have_hash=""
if [[ -f "$MARKER" && -x "$VENV/bin/python" ]]; then
  have_hash="$(cat "$MARKER")"
fi

if [[ "$want_hash" != "$have_hash" ]]; then
  start=$SECONDS
  "$BASE_PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null \
    || die "$BASE_PY is missing or older than Python 3.11 (prefect 3.9.1 needs >= 3.11); set STEWARD_PREFECT_PYTHON"
  if [[ -e "$VENV" ]]; then
    # Only ever delete something that is a virtualenv.
    [[ -f "$VENV/pyvenv.cfg" ]] || die "$VENV exists but is not a virtualenv; remove it or set STEWARD_PREFECT_VENV"
    log "requirements changed or virtualenv incomplete: recreating $VENV"
    rm -rf "$VENV"
  fi
  log "creating virtualenv at $VENV ($("$BASE_PY" --version 2>&1))…"
  mkdir -p "$(dirname "$VENV")"
  "$BASE_PY" -m venv "$VENV" || die "could not create the virtualenv"
  log "installing uv $UV_VERSION…"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" \
    || die "could not install uv"
  log "installing $(grep -iE '^prefect==' "$HERE/requirements.txt" | sed 's/==/ /') and pytest…"
  # uv honours SSL_CERT_FILE; reuse pip's CA bundle when only that is configured.
  if [[ -z "${SSL_CERT_FILE:-}" && -n "${PIP_CERT:-}" ]]; then export SSL_CERT_FILE="$PIP_CERT"; fi
  # Byte-compiled at install: the tests run with PYTHONDONTWRITEBYTECODE (below), so without the .pyc files every
  # Python process (each CLI call, each flow run a worker starts) would compile prefect from source, ~4 s of CPU.
  "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" $INSTALL_OPTIONS \
      -r "$HERE/requirements.txt" --override "$HERE/overrides.txt" \
    || die "could not install the requirements"
  echo "$want_hash" > "$MARKER"
  log "virtualenv ready in $((SECONDS - start))s"
else
  log "using virtualenv $VENV (requirements unchanged)"
fi

if [[ "${1:-}" == "--venv-only" ]]; then
  echo "$VENV"
  exit 0
fi

[[ -n "${PREFECT_API_URL:-}" ]] || log "warning: PREFECT_API_URL is not set; pytest will stop with a usage error"

export PYTHONDONTWRITEBYTECODE=1
set +e
"$VENV/bin/python" -m pytest "$@" "$HERE/tests"
rc=$?
set -e
exit "$rc"
