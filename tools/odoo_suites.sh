#!/usr/bin/env bash
# Odoo's own test suites, with and without Field Service ERP:
#   tools/odoo_suites.sh [suite ...]      suites as <module>/tests[/<file>.py], relative to Odoo's addons/
# Builds two fresh databases, one with only the Odoo modules the suites need and one with the
# same modules plus our add-ons (both without demo data), runs the same suites on each through
# pytest-odoo (with an HTTP server, so tours run), and compares every test's outcome.
# It fails when a test's outcome differs between the two databases, when a test fails on both
# but is not listed in tools/odoo_suites_known_failures.txt, or when a side ran no test.
# Its last line is "odoo suites: ..."; details and logs are in .local/odoo_suites/.
#
# Settings (environment):
#   FSE_SUITES_DB_PREFIX  database name prefix (default fse_suites_; DBs <prefix>without, <prefix>with)
#   FSE_SUITES_MODULES    Odoo modules installed on both (default account,stock_account,repair,portal)
#   FSE_SUITES_JOBS       1 runs the two databases one after the other; default 2, side by side
#   FSE_SUITES_KEEP_DB=1  keep the two databases afterwards (default: dropped)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# The suites (see docs/coexistence.md for why these and why this part of stock).
DEFAULT_SUITES=(
    account/tests/test_account_move_out_invoice.py
    account/tests/test_account_move_in_invoice.py
    stock_account/tests
    stock/tests
    repair/tests
    product/tests
    portal/tests
)
if [ $# -gt 0 ]; then SUITES=("$@"); else SUITES=("${DEFAULT_SUITES[@]}"); fi

fse_setup requirements-test.txt
# portal's suite has browser tours; without Chromium Odoo would skip them on both sides.
fse_apt_install chromium

PREFIX="${FSE_SUITES_DB_PREFIX:-fse_suites_}"
BASE_MODULES="${FSE_SUITES_MODULES:-account,stock_account,repair,portal}"
JOBS="${FSE_SUITES_JOBS:-2}"
OUT="$FSE_ROOT/.local/odoo_suites"
KNOWN="$FSE_ROOT/tools/odoo_suites_known_failures.txt"
ODOO_ERROR_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+ (ERROR|CRITICAL) '
rm -rf "$OUT"
mkdir -p "$OUT"

# Odoo's addons folder: addons/ in a source checkout, odoo/addons/ in an installed package
# (the odoo:19 Docker image).
ODOO_ADDONS="$ODOO_SRC/addons"
[ -d "$ODOO_ADDONS/account" ] || ODOO_ADDONS="$ODOO_SRC/odoo/addons"
paths=()
for suite in "${SUITES[@]}"; do
    [ -e "$ODOO_ADDONS/$suite" ] || fse_die "No Odoo test suite $suite in Odoo's addons folder ($ODOO_ADDONS)."
    paths+=("$ODOO_ADDONS/$suite")
done

side() {
    # $1: side name (without|with), $2: modules to install. Builds the DB, runs the suites.
    local name="$1" modules="$2" db="$PREFIX$1" start rc=0
    start=$(date +%s)
    dropdb --if-exists "$db" 2>/dev/null || python -m odoo db -c "$ODOO_RC" drop "$db" >/dev/null 2>&1 || true
    rm -rf "$FSE_ROOT/.local/data/filestore/$db"
    python -m odoo -c "$ODOO_RC" -d "$db" -i "$modules" --stop-after-init \
        --http-interface=127.0.0.1 --log-level=warn > "$OUT/$name-install.log" 2>&1 || rc=$?
    if [ "$rc" != 0 ] || grep -Eq "$ODOO_ERROR_RE|^Traceback " "$OUT/$name-install.log"; then
        echo "install failed (rc $rc)" > "$OUT/$name.failed"
        return 0
    fi
    echo $(( $(date +%s) - start )) > "$OUT/$name-install.seconds"
    start=$(date +%s)
    rc=0
    (cd "$FSE_ROOT" && python -m pytest -p no:cacheprovider \
        --odoo-config="$ODOO_RC" --odoo-database="$db" --odoo-http --odoo-log-level=warn \
        -q -rfE --junitxml="$OUT/$name.xml" "${paths[@]}") > "$OUT/$name-tests.log" 2>&1 || rc=$?
    echo $(( $(date +%s) - start )) > "$OUT/$name-tests.seconds"
    # 0: all passed, 1: some failed (compared below); anything else is a broken run.
    if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
        echo "pytest exited with $rc" > "$OUT/$name.failed"
    fi
    if [ "${FSE_SUITES_KEEP_DB:-0}" != 1 ]; then
        dropdb --if-exists "$db" 2>/dev/null || true
        rm -rf "$FSE_ROOT/.local/data/filestore/$db"
    fi
}

fse_log "Odoo suites: ${SUITES[*]}"
fse_log "Databases ${PREFIX}without ($BASE_MODULES) and ${PREFIX}with (+ $FSE_MODULES), no demo data"
if [ "$JOBS" -ge 2 ]; then
    side without "$BASE_MODULES" &
    pid_without=$!
    side with "$BASE_MODULES,$FSE_MODULES" &
    pid_with=$!
    wait "$pid_without" "$pid_with"
else
    side without "$BASE_MODULES"
    side with "$BASE_MODULES,$FSE_MODULES"
fi

python - "$OUT" "$KNOWN" "${SUITES[@]}" <<'PY'
import os, re, sys
import xml.etree.ElementTree as ET

out, known_file, suites = sys.argv[1], sys.argv[2], sys.argv[3:]
problems = []


def read_side(name):
    failed = os.path.join(out, f"{name}.failed")
    if os.path.exists(failed):
        problems.append(f"database '{name}': {open(failed).read().strip()} (see .local/odoo_suites/{name}-*.log)")
    xml = os.path.join(out, f"{name}.xml")
    results = {}
    if not os.path.exists(xml):
        return results
    for case in ET.parse(xml).iter("testcase"):
        # pytest's classname "...addons.<module>.tests.<file>.<Class>" gives the id
        # "<module>/tests/<file>.py::<Class>::<test>" (paths relative to Odoo's addons folder).
        parts = case.get("classname", "").split(".")
        if "addons" in parts:
            parts = parts[len(parts) - parts[::-1].index("addons"):]
        test_id = "/".join(parts[:-1]) + ".py::" + parts[-1] + "::" + case.get("name", "")
        tags = {child.tag for child in case}
        outcome = "failed" if tags & {"failure", "error"} else "skipped" if "skipped" in tags else "passed"
        # A test reported twice (a failing teardown after a pass) keeps its worst outcome.
        if results.get(test_id, ("passed",))[0] != "failed":
            results[test_id] = (outcome, float(case.get("time") or 0))
    return results


def seconds(name, what):
    path = os.path.join(out, f"{name}-{what}.seconds")
    return int(open(path).read()) if os.path.exists(path) else 0


without, with_ = read_side("without"), read_side("with")
known = {}
for line in open(known_file, encoding="utf-8") if os.path.exists(known_file) else ():
    line = line.strip()
    if line and not line.startswith("#"):
        test_id, _, reason = line.partition(" | ")
        known[test_id.strip()] = reason.strip()


def suite_of(test_id):
    path = test_id.split("::")[0]
    for suite in suites:
        if path == suite or path.startswith(suite.rstrip("/") + "/"):
            return suite
    return path


print(f"\n{'suite':52} {'without: tests pass fail skip   sec':>36}   {'with: tests pass fail skip   sec':>33}")
for suite in suites:
    row = []
    for results in (without, with_):
        mine = [r for t, r in results.items() if suite_of(t) == suite]
        count = {o: sum(1 for r in mine if r[0] == o) for o in ("passed", "failed", "skipped")}
        row.append(f"{len(mine):5} {count['passed']:5} {count['failed']:4} {count['skipped']:4} {sum(r[1] for r in mine):6.0f}")
    print(f"{suite:52} {row[0]:>36}   {row[1]:>33}")
print(f"install + run, seconds: without {seconds('without', 'install')} + {seconds('without', 'tests')}, "
      f"with {seconds('with', 'install')} + {seconds('with', 'tests')}")

for name, results in (("without", without), ("with", with_)):
    if not results:
        problems.append(f"no test ran on the database '{name}'")

differ = []
for test_id in sorted(set(without) | set(with_)):
    a = without.get(test_id, ("not run",))[0]
    b = with_.get(test_id, ("not run",))[0]
    if a != b:
        differ.append(f"  {test_id}: {a} without our add-ons, {b} with them")
both_failed = sorted(t for t in set(without) & set(with_) if without[t][0] == with_[t][0] == "failed")
unlisted = [t for t in both_failed if t not in known]
stale = sorted(t for t in known if suite_of(t) in suites and t in without and t in with_ and t not in both_failed)

if both_failed:
    print(f"\nFailing on both databases ({len(both_failed)}, allowed when listed in tools/odoo_suites_known_failures.txt):")
    for t in both_failed:
        print(f"  {t}" + (f"  [{known[t]}]" if t in known else "  [NOT LISTED]"))
if stale:
    print("\nNote: listed as known failures but not failing on both now (update the list):")
    for t in stale:
        print(f"  {t}")
if differ:
    problems.append(f"{len(differ)} test(s) have a different outcome with our add-ons:\n" + "\n".join(differ))
if unlisted:
    problems.append(f"{len(unlisted)} test(s) fail on both databases but are not in "
                    "tools/odoo_suites_known_failures.txt:\n" + "\n".join("  " + t for t in unlisted))
for p in problems:
    print("\nFAILED: " + p)

compared = len(set(without) & set(with_))
passed = sum(1 for t in set(without) & set(with_) if with_[t][0] == without[t][0] == "passed")
skipped = sum(1 for t in set(without) & set(with_) if with_[t][0] == without[t][0] == "skipped")
print()
if problems:
    print(f"odoo suites: FAILED, {len(differ)} test(s) differ with our add-ons, {len(unlisted)} unlisted "
          f"failure(s) on both ({compared} tests compared in {len(suites)} suites)")
    sys.exit(1)
print(f"odoo suites: {compared} tests in {len(suites)} suites, same outcome with and without our add-ons "
      f"({passed} passed, {len(both_failed)} known failures on both, {skipped} skipped on both)")
PY
