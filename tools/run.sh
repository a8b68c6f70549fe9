#!/usr/bin/env bash
# Run Field Service ERP with its demo data on http://localhost:8069
#   tools/run.sh            # creates the database on first run, then reuses it
#   FSE_RESET=1 tools/run.sh  # drop and rebuild the demo database
# Logins: admin/admin (manager), dispatcher/dispatcher, tech/tech and tech2/tech2 (technicians).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# One venv for running and testing, so the two commands never disagree on versions.
fse_setup requirements-test.txt
# PDF reports (the service report) need wkhtmltopdf; without it Odoo shows their HTML version.
# With Debian's build, Carlito keeps our reports' text searchable (docs/admin-guide.md, PDF reports).
fse_apt_install wkhtmltopdf fonts-crosextra-carlito
DB="${FSE_DB:-field_service_demo}"
PORT="${FSE_PORT:-8069}"
MODULES="field_service_erp,field_service_erp_billing"
[ -f "$FSE_ROOT/field_service_erp_billing/__manifest__.py" ] || MODULES="field_service_erp"

if [ "${FSE_RESET:-0}" = 1 ]; then
    dropdb --if-exists "$DB"
    rm -rf "$FSE_ROOT/.local/data/filestore/$DB"
fi
installed="$(psql -d "$DB" -tAc "SELECT count(*) FROM ir_module_module WHERE name IN ('${MODULES//,/\',\'}') AND state = 'installed'" 2>/dev/null || echo 0)"
if [ "$installed" != "$(echo "$MODULES" | tr ',' '\n' | wc -l)" ]; then
    fse_log "Installing $MODULES with demo data in database '$DB' (a minute or two)"
    python -m odoo -c "$ODOO_RC" -d "$DB" -i "$MODULES" --with-demo --stop-after-init \
        --http-interface=127.0.0.1 --log-level=warn \
        || fse_die "Installing the add-ons failed (see the log above)."
    # The demo admin gets the documented password.
    echo "env.ref('base.user_admin').password = 'admin'; env.cr.commit()" \
        | python -m odoo shell -c "$ODOO_RC" -d "$DB" --log-level=error >/dev/null
fi
fse_log "Serving Field Service ERP on http://localhost:$PORT (database '$DB'); log in as admin/admin"
exec python -m odoo -c "$ODOO_RC" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" "$@"
