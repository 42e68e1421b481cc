#!/usr/bin/env bash
# Installs moto into a project-local virtualenv (<repo>/.venv) for the
# integration tests. Idempotent: when .venv/bin/moto_server exists and the
# stamp holds the hash of requirements-moto.txt, it only checks that the venv's
# interpreter still runs and exits. Otherwise it (re)creates the venv as needed
# and installs the pinned requirements.
#
# Env: PYTHON (default python3) picks the interpreter used to create the venv.
set -euo pipefail

HARNESS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HARNESS_DIR/../.." && pwd)"
VENV="$REPO_ROOT/.venv"
REQS="$HARNESS_DIR/requirements-moto.txt"
STAMP="$VENV/.moto-requirements.sha256"
PYTHON="${PYTHON:-python3}"

want="$(sha256sum "$REQS" | cut -d' ' -f1)"

is_current() {
  [[ -x "$VENV/bin/moto_server" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] &&
    # The venv symlinks to its base interpreter; if that moved, the venv is dead.
    "$VENV/bin/python" -c '' >/dev/null 2>&1
}

# Fast path without taking the lock: this is what every warm test run hits.
if is_current; then
  exit 0
fi

# Two jest runs started together must not pip-install into one venv at once.
# Lock the (tracked, always present) requirements file: no stray lock file, and
# `venv --clear` below cannot delete the lock out from under a waiter.
exec 9<"$REQS"
flock 9
if is_current; then # another process finished the job while we waited
  exit 0
fi

echo "[setup-moto] installing moto into $VENV (one-time, ~1 min)" >&2
start=$SECONDS

if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
  command -v "$PYTHON" >/dev/null || {
    echo "[setup-moto] $PYTHON not found; install Python >= 3.9 or set PYTHON" >&2
    exit 1
  }
  # --clear: a half-made or broken venv (e.g. base interpreter gone) is rebuilt.
  "$PYTHON" -m venv --clear "$VENV"
fi

rm -f "$STAMP"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
  --progress-bar off -r "$REQS"

[[ -x "$VENV/bin/moto_server" ]] || {
  echo "[setup-moto] pip finished but $VENV/bin/moto_server is missing" >&2
  exit 1
}
echo "$want" >"$STAMP"
echo "[setup-moto] done in $((SECONDS - start))s" >&2
