"""Volume data for the customer portal benchmark (tools/bench.sh portal).

Customers (each a company with a contact; the first two contacts are portal users, their
login is their password):

* Portal Bench Main (login portal_bench_main): 1,000 machines with serial numbers, 5,000 work
  orders, one machine carrying 200 of them; a running contract covering every machine in
  service (980), an expired and a draft one.
* Portal Bench Small (login portal_bench_small): 100 machines, 500 orders, one machine
  carrying 20; the same contracts on a tenth of the scale. Measured beside Main to show that
  a page's query count does not grow with the customer's volume.
* Portal Bench Other 1-3: 1,000 machines and 5,000 orders each, no portal user: the counters
  and the record rules work against a table four times the customer's own.

Orders by their number g (1..n), per hundred: 2 requested on the portal (draft, shown), 1
back-office draft (not shown), 1 cancelled, 1 internal-only done (not shown), 6 planned in the
coming weeks, 89 done over the last three years, one part line each. Shown to the customer:
98 %. Machines: 2 % decommissioned.

Master data (technicians, products, serial numbers, machines, contracts, users) goes through
the ORM; the work orders and their part lines are inserted with INSERT ... SELECT over
generate_series, their stored computed fields (customer, site, contract, SLA deadline and
status, service day, shown to the customer) filled by the same rules in SQL (the SLA deadline
as eight calendar hours, not working hours). Every value is a query parameter.
Use a throwaway database.
"""

import time

from odoo.fields import Command

PREFIX = "PORTAL/"
# (name, portal login or None, machines, orders, orders on the first machine)
CUSTOMERS = [
    ("Portal Bench Main", "portal_bench_main", 1000, 5000, 200),
    ("Portal Bench Small", "portal_bench_small", 100, 500, 20),
    ("Portal Bench Other 1", None, 1000, 5000, 200),
    ("Portal Bench Other 2", None, 1000, 5000, 200),
    ("Portal Bench Other 3", None, 1000, 5000, 200),
]
TECHNICIANS = 10
SLA_HOURS = 8


def log(message, started):
    print(f"  {message} ({time.perf_counter() - started:.1f} s)", flush=True)


def create_customer(env, index, name, login, machine_count, product):
    """The company, its contact (a portal user when login), its machines and contracts."""
    company = env["res.partner"].create({"name": name, "is_company": True, "city": "Bench City"})
    contact = env["res.partner"].create(
        {"name": f"{name} Contact", "parent_id": company.id, "email": f"c{index}@bench.example"}
    )
    if login:
        env["res.users"].with_context(no_reset_password=True).create(
            {
                "name": contact.name,
                "login": login,
                "password": login,
                "partner_id": contact.id,
                "group_ids": [Command.set([env.ref("base.group_portal").id])],
            }
        )
    lots = env["stock.lot"].create(
        [{"name": f"PB{index}-{i:05d}", "product_id": product.id} for i in range(machine_count)]
    )
    machines = (
        env["fse.installation"]
        .with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
        .create(
            [
                {
                    "partner_id": company.id,
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "installation_date": "2022-01-01",
                    "warranty_end_date": "2027-12-31",
                }
                for lot in lots
            ]
        )
    )
    # 2 % decommissioned (not listed on the portal, not counted).
    env.cr.execute(
        "UPDATE fse_installation SET state = 'decommissioned', decommission_date = '2025-01-01' WHERE id = ANY(%s)",
        [machines.ids[1::50]],
    )
    if login:
        Contract = env["fse.contract"].with_context(tracking_disable=True, mail_create_nolog=True)
        covered = machines - machines[1::50]  # every machine in service
        running = Contract.create(
            {
                "partner_id": company.id,
                "title": "Full service",
                "date_start": "2023-01-01",
                "term_months": 60,
                "sla_response_hours": SLA_HOURS,
                "labor_coverage_percent": 100,
                "parts_coverage_percent": 50,
                "coverage_ids": [Command.create({"installation_id": m.id, "date_from": "2023-01-01"}) for m in covered],
            }
        )
        expired = Contract.create({"partner_id": company.id, "title": "First year", "date_start": "2021-01-01"})
        Contract.create({"partner_id": company.id, "title": "Offer for next year", "date_start": "2028-01-01"})
        env.cr.execute("UPDATE fse_contract SET state = 'running' WHERE id = %s", [running.id])
        env.cr.execute("UPDATE fse_contract SET state = 'expired' WHERE id = %s", [expired.id])
    return company, machines


def create_orders(env, index, company, machines, order_count, heavy, technicians, part, location):
    params = {
        "n": order_count,
        "heavy_every": order_count // heavy,
        "machines": machines.ids,
        "partner": company.id,
        "company": env.company.id,
        "techs": technicians.ids,
        "prefix": f"{PREFIX}{index}/",
        "like": f"{PREFIX}{index}/%",
        "uid": env.uid,
        "sla": f"{SLA_HOURS} hours",
        "part": part.id,
        "uom": part.uom_id.id,
        "location": location.id,
    }
    cr = env.cr
    cr.execute(
        """
        WITH src AS (
            SELECT g, g %% 100 AS b,
                   -- every heavy_every-th order is on the first machine, the others spread
                   CASE WHEN g %% %(heavy_every)s = 0 THEN 1
                        ELSE 2 + g %% (array_length(%(machines)s::int[], 1) - 1) END AS mi
              FROM generate_series(1, %(n)s) AS g
        ), dated AS (
            SELECT src.*,
                   CASE WHEN b < 3 THEN now()::timestamp(0) - (g %% 20) * interval '1 day'
                        WHEN b BETWEEN 5 AND 10 THEN now()::timestamp(0) - (g %% 10) * interval '1 day'
                        ELSE TIMESTAMP '2023-01-02 07:00' + (g * 1000.0 / %(n)s) * interval '1 day' END AS reported,
                   (%(techs)s::int[])[1 + g %% array_length(%(techs)s::int[], 1)] AS tech
              FROM src
        )
        INSERT INTO fse_work_order (name, partner_id, site_partner_id, installation_id, company_id, order_type,
                                    priority, state, technician_id, date_reported, scheduled_start, scheduled_end,
                                    date_started, date_done, service_date, portal_requested, internal_only,
                                    portal_visible, description, resolution, sla_status,
                                    create_uid, create_date, write_uid, write_date)
        SELECT %(prefix)s || lpad(g::text, 5, '0'), %(partner)s, i.site_partner_id, i.id, %(company)s,
               CASE WHEN b %% 4 = 0 THEN 'preventive' WHEN b %% 4 = 1 THEN 'inspection' ELSE 'corrective' END,
               '0',
               CASE WHEN b < 3 THEN 'draft' WHEN b = 3 THEN 'cancel' WHEN b BETWEEN 5 AND 10 THEN 'scheduled'
                    ELSE 'done' END,
               CASE WHEN b >= 4 THEN tech END,
               reported,
               CASE WHEN b BETWEEN 5 AND 10 THEN date_trunc('day', now()) + (1 + g %% 30) * interval '1 day'
                                                 + interval '8 hours'
                    WHEN b >= 4 THEN reported + interval '1 day' END,
               CASE WHEN b BETWEEN 5 AND 10 THEN date_trunc('day', now()) + (1 + g %% 30) * interval '1 day'
                                                 + interval '10 hours'
                    WHEN b >= 4 THEN reported + interval '1 day 2 hours' END,
               CASE WHEN b = 4 OR b > 10 THEN reported + interval '1 day' END,
               CASE WHEN b = 4 OR b > 10 THEN reported + interval '1 day 2 hours' END,
               (CASE WHEN b = 4 OR b > 10 THEN reported + interval '1 day 2 hours'
                     WHEN b BETWEEN 5 AND 10 THEN date_trunc('day', now()) + (1 + g %% 30) * interval '1 day'
                     ELSE reported END)::date,
               b < 2, b = 4, NOT (b = 2 OR b = 4),
               '<p>The machine stops with error E' || (g %% 40) || '.</p>',
               CASE WHEN b = 4 OR b > 10 THEN '<p>Replaced the filter, tested for one hour.</p>' END,
               'none',
               %(uid)s, reported, %(uid)s, reported
          FROM dated
          JOIN fse_installation i ON i.id = (%(machines)s::int[])[mi]
        """,
        params,
    )
    count = cr.rowcount
    # Under the running contract: orders on its covered machines since it started; the SLA
    # clock of corrective ones (eight calendar hours here).
    cr.execute(
        """
        UPDATE fse_work_order wo
           SET contract_id = ci.contract_id,
               sla_deadline = CASE WHEN wo.order_type = 'corrective' THEN wo.date_reported + %(sla)s::interval END
          FROM fse_contract_installation ci
          JOIN fse_contract c ON c.id = ci.contract_id AND c.state = 'running'
         WHERE ci.installation_id = wo.installation_id AND wo.date_reported::date >= ci.date_from
           AND wo.name LIKE %(like)s
        """,
        params,
    )
    cr.execute(
        """
        UPDATE fse_work_order
           SET sla_status = CASE WHEN state = 'cancel' AND date_started IS NULL THEN 'none'
                                 WHEN date_started IS NULL THEN 'pending'
                                 WHEN date_started <= sla_deadline THEN 'on_time' ELSE 'late' END
         WHERE sla_deadline IS NOT NULL AND name LIKE %(like)s
        """,
        params,
    )
    # One part line on each done order.
    cr.execute(
        """
        INSERT INTO fse_work_order_part (order_id, company_id, sequence, product_id, product_uom_id, location_id,
                                         quantity, qty_consumed, create_uid, create_date, write_uid, write_date)
        SELECT id, company_id, 10, %(part)s, %(uom)s, %(location)s, 1, 1, %(uid)s, date_done, %(uid)s, date_done
          FROM fse_work_order WHERE name LIKE %(like)s AND state = 'done'
        """,
        params,
    )
    return count


def generate(env):
    started = time.perf_counter()
    group = env.ref("field_service_erp.group_fse_technician")
    technicians = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nolog=True, tracking_disable=True)
        .create(
            [
                {
                    "name": f"Bench{i} Technician",
                    "login": f"portal_bench_tech_{i}",
                    "group_ids": [Command.link(group.id)],
                }
                for i in range(TECHNICIANS)
            ]
        )
    )
    product = env["product.product"].create({"name": "Portal Bench Press", "is_storable": True, "tracking": "serial"})
    part = env["product.product"].create({"name": "Portal Bench Filter", "is_storable": True})
    location = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
    log(f"{TECHNICIANS} technicians, products", started)
    for index, (name, login, machine_count, order_count, heavy) in enumerate(CUSTOMERS):
        company, machines = create_customer(env, index, name, login, machine_count, product)
        count = create_orders(env, index, company, machines, order_count, heavy, technicians, part, location)
        log(f"{name}: {len(machines)} machines, {count} orders", started)
    env.cr.execute("ANALYZE")
    env.invalidate_all()


def main(env):
    if env["fse.work.order"].search_count([("name", "=like", PREFIX + "%")], limit=1):
        print("Portal benchmark data is already there.")
        return
    print("Generating portal benchmark data...")
    generate(env)
    env.cr.commit()


main(env)  # noqa: F821 - given by odoo shell
