#!/usr/bin/env bash
# Benchmarks (query counts and timings), each on its own database that this script
# creates once and reuses:  tools/bench.sh parts|invoicing|contracts|reporting|board|portal
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
fse_setup requirements-test.txt

case "${1:-}" in
    parts)
        DB="${FSE_BENCH_DB:-fse_bench_parts}"
        MODULES="field_service_erp,repair"
        SCRIPT="$FSE_ROOT/tools/benchmarks/bench_parts_completion.py"
        ;;
    invoicing)
        DB="${FSE_BENCH_DB:-fse_bench_invoicing}"
        MODULES="field_service_erp_billing"
        SCRIPT="$FSE_ROOT/tools/benchmarks/bench_invoicing.py"
        ;;
    job)
        DB="${FSE_BENCH_DB:-fse_bench_job}"
        MODULES="field_service_erp_billing"
        SCRIPT="$FSE_ROOT/tools/benchmarks/bench_whole_job.py"
        ;;
    contracts)
        DB="${FSE_BENCH_DB:-fse_bench_contracts}"
        MODULES="field_service_erp_billing"
        SCRIPT="$FSE_ROOT/tools/benchmarks/bench_contracts.py"
        ;;
    reporting)
        DB="${FSE_BENCH_DB:-fse_bench_reporting}"
        MODULES="field_service_erp_billing"
        SCRIPT="$FSE_ROOT/tools/benchmarks/bench_reporting.py"
        # Volume data first (once per database; it commits): 100,000 work orders by default.
        PRE_SCRIPT="$FSE_ROOT/tools/benchmarks/gen_reporting_data.py"
        ;;
    board)
        DB="${FSE_BENCH_DB:-fse_bench_board}"
        MODULES="field_service_erp"
        SCRIPT="$FSE_ROOT/tools/benchmarks/bench_board.py"
        # Then the board's drawing in headless Chromium, against a server on this port.
        RENDER_PORT="${FSE_BENCH_PORT:-8479}"
        ;;
    portal)
        DB="${FSE_BENCH_DB:-fse_bench_portal}"
        MODULES="field_service_erp_billing"
        # Volume data (once per database; it commits), then the pages through HTTP against a
        # server that the script starts on this port.
        PRE_SCRIPT="$FSE_ROOT/tools/benchmarks/gen_portal_data.py"
        HTTP_SCRIPT="$FSE_ROOT/tools/benchmarks/bench_portal.py"
        HTTP_PORT="${FSE_BENCH_PORT:-8489}"
        ;;
    *)
        fse_die "usage: tools/bench.sh parts|invoicing|job|contracts|reporting|board|portal"
        ;;
esac
if ! psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = '${MODULES%%,*}' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    fse_log "Creating benchmark database $DB with $MODULES (no demo data)"
    dropdb --if-exists "$DB"
    python -m odoo -c "$ODOO_RC" -d "$DB" -i "$MODULES" --stop-after-init --log-level=warn
else
    # A reused database gets the current code's schema first (-u also updates the modules that depend on it).
    python -m odoo -c "$ODOO_RC" -d "$DB" -u field_service_erp --stop-after-init --log-level=warn
fi
if [ -n "${PRE_SCRIPT:-}" ]; then
    python -m odoo shell -c "$ODOO_RC" -d "$DB" --log-level=warn < "$PRE_SCRIPT"
fi
if [ -n "${SCRIPT:-}" ]; then
    python -m odoo shell -c "$ODOO_RC" -d "$DB" --log-level=warn < "$SCRIPT"
fi
if [ -n "${HTTP_SCRIPT:-}" ]; then
    python "$HTTP_SCRIPT" --config "$ODOO_RC" --db "$DB" --port "$HTTP_PORT"
fi
if [ -n "${RENDER_PORT:-}" ]; then
    python -m odoo -c "$ODOO_RC" -d "$DB" --http-port="$RENDER_PORT" --log-level=warn &
    server=$!
    trap 'kill $server 2>/dev/null' EXIT
    for _ in $(seq 60); do curl -sf "http://localhost:$RENDER_PORT/web/health" >/dev/null && break; sleep 1; done
    python "$FSE_ROOT/tools/benchmarks/bench_board_render.py" --url "http://localhost:$RENDER_PORT" --db "$DB"
fi
