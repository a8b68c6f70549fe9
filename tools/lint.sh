#!/usr/bin/env bash
# Lint the add-ons with ruff and pylint-odoo (configured in pyproject.toml / .pylintrc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "==> ruff" >&2
ruff check .
ruff format --check --quiet . || { echo "ruff format would change files: run 'ruff format .'" >&2; exit 1; }
echo "==> pylint-odoo" >&2
mods=$(ls -d */__manifest__.py | xargs -n1 dirname)
# shellcheck disable=SC2086
pylint --rcfile=.pylintrc $mods
