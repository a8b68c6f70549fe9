# shellcheck shell=bash
# Shared set-up for tools/run.sh and tools/test.sh (sourced, not run).
# It finds Odoo 19, prepares a virtual environment with the pinned requirements,
# makes sure PostgreSQL answers and writes the one Odoo config file (ODOO_RC)
# that the demo server, the install step and the tests all share.
set -euo pipefail

FSE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FSE_MODULES="field_service_erp,field_service_erp_billing"

fse_die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }
fse_log() { printf '==> %s\n' "$*" >&2; }

# --- Debian packages (only when we are root on a Debian-like system) --------
fse_apt_install() {
    # $@: packages wanted; installs those missing, quietly.
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        fse_log "Installing Debian packages: ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        fse_log "WARNING: missing system packages ${missing[*]} (install them with your package manager)"
    fi
}

# --- Odoo 19 source ------------------------------------------------------------
fse_python_candidates() {
    # Every python3.10-3.12 on PATH, then pyenv's versions (its standard location).
    local name
    for name in python3.11 python3.12 python3.10 python3; do
        which -a "$name" 2>/dev/null || true
    done
    ls -d "${PYENV_ROOT:-${HOME:-/nonexistent}/.pyenv}"/versions/3.1[012]*/bin/python3 2>/dev/null || true
}

fse_find_odoo() {
    # Order: $ODOO_SRC, an installed 'odoo' package, ../odoo next to this repository,
    # then (opt-in, needs network) a shallow clone of the official 19.0 branch.
    local py="${FSE_PYTHON:-python3}" cand="" interp
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || fse_die "ODOO_SRC=$ODOO_SRC does not hold an Odoo source tree (no odoo/release.py)."
    else
        # An installed 'odoo' package: ask each Python we can find (FSE_PYTHON first).
        for interp in ${FSE_PYTHON:-} $(fse_python_candidates); do
            cand="$("$interp" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(r.__file__)))' 2>/dev/null || true)"
            if [ -n "$cand" ] && [ -f "$cand/odoo/release.py" ]; then
                FSE_PYTHON="${FSE_PYTHON:-$interp}"
                break
            fi
            cand=""
        done
        if [ -n "$cand" ]; then
            ODOO_SRC="$cand"
        elif [ -f "$FSE_ROOT/../odoo/odoo/release.py" ]; then
            ODOO_SRC="$(cd "$FSE_ROOT/../odoo" && pwd)"
        elif [ "${FSE_CLONE_ODOO:-0}" = 1 ]; then
            ODOO_SRC="$FSE_ROOT/.local/odoo"
            [ -d "$ODOO_SRC" ] || git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git "$ODOO_SRC" \
                || fse_die "Could not clone Odoo 19.0 (no network?). Point ODOO_SRC at an Odoo 19 checkout instead."
        else
            fse_die "Odoo 19 was not found.
  Give it in one of these ways, then run the command again:
    * ODOO_SRC=/path/to/odoo-19.0-checkout   (the folder holding odoo-bin and odoo/)
    * pip install --no-deps -e /path/to/odoo-19.0-checkout   (an installed 'odoo' package is found by itself)
    * put the checkout next to this repository as ../odoo
    * FSE_CLONE_ODOO=1 to shallow-clone the official 19.0 branch (needs network access)"
        fi
    fi
    local version
    version="$("$py" -c "import runpy; print(runpy.run_path('$ODOO_SRC/odoo/release.py')['version_info'][0])")"
    [ "$version" = 19 ] || fse_die "Odoo at $ODOO_SRC is version $version; Field Service ERP needs Odoo 19."
    export ODOO_SRC FSE_PYTHON
}

# --- virtual environment -------------------------------------------------------
fse_venv() {
    # $1: requirements file. The venv lives in a cache folder keyed by the requirements,
    # so fresh clones (CI) reuse it; FSE_VENV overrides the location.
    local req="$1" py="${FSE_PYTHON:-python3}" key
    "$py" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
        || fse_die "$py is Python $("$py" -V 2>&1); Odoo 19 needs Python 3.10 to 3.12 (3.11 recommended). Set FSE_PYTHON."
    key="$(cat "$FSE_ROOT/requirements.txt" "$FSE_ROOT/$req" | sha1sum | cut -c1-10)"
    FSE_VENV="${FSE_VENV:-${XDG_CACHE_HOME:-${HOME:-$FSE_ROOT/.local}/.cache}/field_service_erp/venv-$("$py" -c 'import sys; print("py%d%d" % sys.version_info[:2])')-$key}"
    if [ ! -f "$FSE_VENV/.fse-ready" ]; then
        fse_apt_install libpq-dev libldap2-dev libsasl2-dev
        "$py" -c 'import ensurepip' 2>/dev/null || fse_apt_install python3-venv
        fse_log "Creating virtual environment $FSE_VENV"
        "$py" -m venv "$FSE_VENV"
        "$FSE_VENV/bin/pip" install -q --upgrade pip wheel setuptools
        "$FSE_VENV/bin/pip" install -q -r "$FSE_ROOT/$req" || fse_die "pip could not install $req (see above)."
        touch "$FSE_VENV/.fse-ready"
    fi
    # Make the Odoo source importable in the venv without copying or building it.
    local site
    site="$("$FSE_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" > "$site/odoo_src.pth"
    export PATH="$FSE_VENV/bin:$PATH"
    export FSE_VENV
}

# --- PostgreSQL --------------------------------------------------------------------
fse_postgres() {
    if command -v pg_isready >/dev/null && pg_isready -q; then return 0; fi
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        fse_log "Starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
        for _ in $(seq 1 30); do pg_isready -q && return 0; sleep 1; done
    fi
    command -v pg_isready >/dev/null && pg_isready -q && return 0
    fse_die "PostgreSQL does not answer. Start it, or set PGHOST/PGPORT/PGUSER/PGPASSWORD (or db_* in ODOO_RC)."
}

# --- the one Odoo config file ----------------------------------------------------------
fse_config() {
    # ODOO_RC from the environment wins; otherwise a generated one in .local/.
    if [ -z "${ODOO_RC:-}" ]; then
        ODOO_RC="$FSE_ROOT/.local/odoo.conf"
        mkdir -p "$FSE_ROOT/.local/data"
        cat > "$ODOO_RC" <<CONF
[options]
; generated by tools/env.sh; set ODOO_RC to use your own file instead
addons_path = $FSE_ROOT
data_dir = $FSE_ROOT/.local/data
admin_passwd = admin
list_db = True
http_interface = 127.0.0.1
CONF
        # libpq reads the usual PG* variables by itself; Odoo only needs them spelled out
        # when they are set, so that its own defaults do not override them.
        if [ -n "${PGHOST:-}" ]; then echo "db_host = $PGHOST" >> "$ODOO_RC"; fi
        if [ -n "${PGPORT:-}" ]; then echo "db_port = $PGPORT" >> "$ODOO_RC"; fi
        if [ -n "${PGUSER:-}" ]; then echo "db_user = $PGUSER" >> "$ODOO_RC"; fi
        if [ -n "${PGPASSWORD:-}" ]; then echo "db_password = $PGPASSWORD" >> "$ODOO_RC"; fi
    fi
    export ODOO_RC
}

fse_odoo() { python -m odoo "$@"; }

fse_setup() {
    # $1: requirements file for the venv.
    fse_find_odoo
    fse_venv "$1"
    fse_postgres
    fse_config
    fse_log "Odoo 19 from $ODOO_SRC, venv $FSE_VENV, config $ODOO_RC"
}
