#!/usr/bin/env bash
# Run the whole Field Service ERP test suite on a fresh database:
#   tools/test.sh [extra pytest arguments, e.g. -k lifecycle]
# Sets up everything it needs (venv, PostgreSQL, Chromium for browser tours, wkhtmltopdf and
# pdftotext for the PDF report tests), installs the add-ons in a new database, runs the suite
# through pytest-odoo with an HTTP server (so browser tours and PDF reports work), and prints
# one closing line "summary: N passed, N failed, N skipped".
# It fails on any failed test, any skipped test, zero tests, an install error, or an
# ERROR/CRITICAL line logged by Odoo.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

fse_setup requirements-test.txt
# Browser tours need Chromium; without it Odoo would silently skip them.
fse_apt_install chromium
command -v chromium >/dev/null || command -v google-chrome >/dev/null \
    || fse_die "Chromium is needed for the browser tours: install it (Debian: apt-get install chromium)."
python -c "import websocket" 2>/dev/null \
    || fse_die "The Python package websocket-client is needed for the browser tours (it is in requirements-test.txt)."
# PDF tests print real PDFs and read their text back: wkhtmltopdf (Debian's, unless one is
# already installed, e.g. Odoo's patched build), pdftotext, and the Carlito font that keeps
# the text of our reports text with Debian's wkhtmltopdf (docs/admin-guide.md, PDF reports).
command -v wkhtmltopdf >/dev/null || fse_apt_install wkhtmltopdf
fse_apt_install poppler-utils fonts-crosextra-carlito
command -v wkhtmltopdf >/dev/null \
    || fse_die "wkhtmltopdf is needed for the PDF report tests: install it (Debian: apt-get install wkhtmltopdf)."
command -v pdftotext >/dev/null \
    || fse_die "pdftotext is needed for the PDF report tests: install it (Debian: apt-get install poppler-utils)."

if [ "${FSE_SKIP_LINT:-0}" != 1 ]; then
    "$FSE_ROOT/tools/lint.sh"
fi

DB="${FSE_TEST_DB:-fse_test}"
LOG_DIR="$FSE_ROOT/.local/logs"
mkdir -p "$LOG_DIR"
MODULES="$(cd "$FSE_ROOT" && python - <<'PY'
import ast, pathlib
mods = sorted(p.parent.name for p in pathlib.Path('.').glob('*/__manifest__.py')
              if ast.literal_eval(p.read_text()).get('installable', True))
print(','.join(mods))
PY
)"
# Odoo's own log line format: "<date> <time> <pid> ERROR <db> <logger>: ..."
ODOO_ERROR_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+ (ERROR|CRITICAL) '

fse_log "Installing $MODULES with demo data in a fresh database '$DB'"
dropdb --if-exists "$DB" 2>/dev/null || python -m odoo db -c "$ODOO_RC" drop "$DB" >/dev/null 2>&1 || true
rm -rf "$FSE_ROOT/.local/data/filestore/$DB"
install_rc=0
python -m odoo -c "$ODOO_RC" -d "$DB" -i "$MODULES" --with-demo --stop-after-init \
    --http-interface=127.0.0.1 --log-level=warn > "$LOG_DIR/install.log" 2>&1 || install_rc=$?
# Odoo only WARNs when demo data fails to load; that is an install failure here too.
INSTALL_FAILURE_RE="$ODOO_ERROR_RE|demo data failed to install|^Traceback "
if [ "$install_rc" != 0 ] || grep -Eq "$INSTALL_FAILURE_RE" "$LOG_DIR/install.log"; then
    grep -E -A30 "$INSTALL_FAILURE_RE" "$LOG_DIR/install.log" | head -80 >&2 || tail -40 "$LOG_DIR/install.log" >&2
    echo "summary: 0 passed, 1 failed, 0 skipped (the add-ons did not install; log: .local/logs/install.log)"
    exit 1
fi

fse_log "Running the test suite (pytest-odoo, with HTTP server for tours)"
test_dirs=()
for mod in ${MODULES//,/ }; do
    [ -d "$FSE_ROOT/$mod/tests" ] && test_dirs+=("$mod/tests")
done
cd "$FSE_ROOT"
# (set +e around the pipe: PIPESTATUS must be pytest's, not that of a "|| true")
set +e
python -m pytest -p no:cacheprovider --odoo-config="$ODOO_RC" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn -rfEs -q "${test_dirs[@]}" "$@" 2>&1 | tee "$LOG_DIR/tests.log"
pytest_rc=${PIPESTATUS[0]}
set -e

# The verdict: read pytest's own closing line, then apply the stricter rules.
verdict_rc=0
verdict="$(python - "$LOG_DIR/tests.log" "$pytest_rc" "$ODOO_ERROR_RE" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
rc, error_re = int(sys.argv[2]), re.compile(sys.argv[3], re.M)
last = [l for l in text.splitlines() if re.search(r"\d+ (passed|failed|error|skipped)|no tests ran", l)]
counts = {k: 0 for k in ("passed", "failed", "skipped", "error", "errors", "subtests passed")}
for n, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", last[-1] if last else ""):
    counts[word] += int(n)
failed = counts["failed"] + counts["error"] + counts["errors"]
problems = []
if rc not in (0, 1, 5):
    problems.append(f"pytest exited with {rc}")
if counts["passed"] == 0:
    problems.append("no test ran")
if counts["skipped"]:
    problems.append(f"{counts['skipped']} test(s) skipped (a skipped test counts as a failure here)")
errors = error_re.findall(text)
if errors:
    problems.append(f"Odoo logged {len(errors)} ERROR/CRITICAL line(s)")
    failed = failed or 1
if problems and not failed:
    failed = 1
for p in problems:
    print("FAILED: " + p)
print(f"summary: {counts['passed']} passed, {failed} failed, {counts['skipped']} skipped")
sys.exit(1 if (failed or problems or rc not in (0,)) else 0)
PY
)" || verdict_rc=$?

# Odoo's own suites with and without our add-ons (tools/odoo_suites.sh); CI runs them,
# FSE_SKIP_ODOO_SUITES=1 skips them for a quick local run.
suites_rc=0
if [ "${FSE_SKIP_ODOO_SUITES:-0}" = 1 ]; then
    suites_line="odoo suites: skipped (FSE_SKIP_ODOO_SUITES=1)"
else
    fse_log "Running Odoo's own test suites with and without the add-ons (tools/odoo_suites.sh)"
    set +e
    "$FSE_ROOT/tools/odoo_suites.sh" 2>&1 | tee "$LOG_DIR/odoo_suites.log"
    suites_rc=${PIPESTATUS[0]}
    set -e
    suites_line="$(grep '^odoo suites: ' "$LOG_DIR/odoo_suites.log" | tail -1 || true)"
    [ -n "$suites_line" ] || suites_line="odoo suites: FAILED, tools/odoo_suites.sh stopped (exit $suites_rc; log: .local/logs/odoo_suites.log)"
    [ "$suites_rc" = 0 ] || [[ "$suites_line" == *FAILED* ]] || suites_line="odoo suites: FAILED (exit $suites_rc), $suites_line"
fi

# Closing lines: our verdict's details, the Odoo suites line, then the one summary line.
printf '%s\n' "$verdict" | sed '$d'
echo "$suites_line"
printf '%s\n' "$verdict" | tail -1
[ "$verdict_rc" = 0 ] && [ "$suites_rc" = 0 ]
