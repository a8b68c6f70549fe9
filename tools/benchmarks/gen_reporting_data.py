"""Volume data for the reporting benchmark: 100,000 work orders over 34 months with about
200,000 labor lines, 130,000 part lines and their done stock moves (5 % returned), and
customer invoices (posted and draft) for 60 % of the done orders, and 300 running contracts (the
machines of 300 customers) with monthly fee invoices, in one company. Technicians are
resources of the company's working calendar with about 20 days off a year each, plus
about 10 company closing days a year.

Master data (technicians, teams, vans, customers, parts) is created through the ORM; the
volume rows are inserted in bulk with INSERT ... SELECT over generate_series, with every
value passed as a query parameter (no SQL built from strings). random() is seeded, so two
runs give the same data. The rows are consistent enough for the reports (links, states,
dates, quantities, values, balances) but are not full accounting or stock documents:
no journal items besides the product lines, no quants. Use a throwaway database.

Run through `tools/bench.sh reporting` (which commits it once per database), or
`python -m odoo shell -d <db> < tools/benchmarks/gen_reporting_data.py` and commit.
Size: FSE_BENCH_ORDERS (default 100000).
"""

import os
import time

from odoo.fields import Command

ORDERS = int(os.environ.get("FSE_BENCH_ORDERS", "100000"))
TECHNICIANS = 40
TEAMS = 4
CUSTOMERS = 1000
MACHINES = 3000
PARTS = 20
CONTRACTS = 300
MODELS = 6
PREFIX = "BENCH/"


def log(message, started):
    print(f"  {message} ({time.perf_counter() - started:.1f} s)", flush=True)


def generate(env):
    started = time.perf_counter()
    cr = env.cr
    cr.execute("SELECT setseed(0.42)")
    company = env.company
    customer_location = env.ref("stock.stock_location_customers")
    labor_product = company.fse_labor_product_id
    fee_product = env["product.product"].create({"name": "Bench Contract Fee", "type": "service"})
    sale_journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    income_account = labor_product.product_tmpl_id._get_product_accounts()["income"]

    group = env.ref("field_service_erp.group_fse_technician")
    technicians = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nolog=True, tracking_disable=True)
        .create(
            [
                {
                    "name": f"Bench Technician {i:02d}",
                    "login": f"bench_tech_{i:02d}",
                    "group_ids": [Command.link(group.id)],
                }
                for i in range(TECHNICIANS)
            ]
        )
    )
    technicians.action_fse_create_van()
    teams = env["fse.team"].create(
        [{"name": f"Bench Team {t}", "member_ids": [Command.set(technicians[t::TEAMS].ids)]} for t in range(TEAMS)]
    )
    team_of = {tech: teams[i % TEAMS] for i, tech in enumerate(technicians)}
    vans = {tech: tech.fse_van_location_id for tech in technicians}
    # Working time: each technician is a resource on the company's calendar, with 20 days
    # off a year; the company closes 10 days a year.
    calendar = company.resource_calendar_id
    resources = env["resource.resource"].create(
        [
            {"name": tech.name, "user_id": tech.id, "calendar_id": calendar.id, "company_id": company.id}
            for tech in technicians
        ]
    )
    cr.execute(
        """
        INSERT INTO resource_calendar_leaves (name, company_id, calendar_id, resource_id, date_from, date_to,
                                              time_type, create_uid, create_date, write_uid, write_date)
        SELECT 'Bench day off', %(company)s, %(calendar)s, r.id, d + interval '6 hours', d + interval '18 hours',
               'leave', %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(resources)s::int[]) AS r(id)
         CROSS JOIN generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2026-11-30', interval '1 day') AS d
         WHERE random() < 20.0 / 365
         UNION ALL
        SELECT 'Bench closing day', %(company)s, %(calendar)s, NULL, d, d + interval '1 day',
               'leave', %(uid)s, now(), %(uid)s, now()
          FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2026-11-30', interval '1 day') AS d
         WHERE random() < 10.0 / 365
        """,
        {"company": company.id, "calendar": calendar.id, "resources": resources.ids, "uid": env.uid},
    )
    log(f"{TECHNICIANS} technicians with vans in {TEAMS} teams, {cr.rowcount} days off", started)

    Product = env["product.product"]
    models_ = Product.create([{"name": f"Bench Machine {i}", "type": "consu"} for i in range(MODELS)])
    categories = env["product.category"].create([{"name": f"Bench Parts {c}"} for c in "ABCD"])
    parts = Product.create(
        [
            {
                "name": f"Bench Part {i:02d}",
                "is_storable": True,
                "standard_price": 5.0 + i,
                "list_price": 12.0 + 2 * i,
                "categ_id": categories[i % len(categories)].id,
            }
            for i in range(PARTS)
        ]
    )
    customers = env["res.partner"].create(
        [{"name": f"Bench Customer {i:04d}", "is_company": True} for i in range(CUSTOMERS)]
    )
    env.flush_all()
    log(f"{CUSTOMERS} customers, {PARTS} parts, {MODELS} machine models", started)

    params = {
        "company": company.id,
        "uid": env.uid,
        "customers": customers.ids,
        "models": models_.ids,
        "techs": technicians.ids,
        "teams": [team_of[t].id for t in technicians],
        "vans": [vans[t].id for t in technicians],
        "parts": parts.ids,
        "part_costs": [p.standard_price for p in parts],
        "part_prices": [p.list_price for p in parts],
        "uom": parts[0].uom_id.id,
        "labor": labor_product.id,
        "customer_location": customer_location.id,
        "machines": MACHINES,
        "contracts": CONTRACTS,
        "fee": fee_product.id,
        "orders": ORDERS,
        "prefix": PREFIX,
        "like": PREFIX + "%",
        "journal": sale_journal.id,
        "currency": company.currency_id.id,
        "account": income_account.id,
    }
    cr.execute("SELECT setseed(0.42)")
    cr.execute(
        """
        INSERT INTO fse_installation (name, partner_id, product_id, company_id, state, active,
                                      installation_date, warranty_end_date, create_uid, create_date,
                                      write_uid, write_date)
        SELECT 'Bench Machine #' || g,
               (%(customers)s::int[])[1 + (g %% array_length(%(customers)s::int[], 1))],
               (%(models)s::int[])[1 + (g %% array_length(%(models)s::int[], 1))],
               %(company)s, 'active', TRUE,
               DATE '2022-01-01' + (random() * 1000)::int,
               DATE '2024-01-01' + (random() * 1400)::int,
               %(uid)s, now(), %(uid)s, now()
          FROM generate_series(1, %(machines)s) AS g
        """,
        params,
    )
    cr.execute(
        "UPDATE fse_installation SET parent_path = id || '/' "
        "WHERE name LIKE 'Bench Machine #%%' AND parent_path IS NULL"
    )
    log(f"{MACHINES} machines", started)

    # Work orders: 34 months of reports, 90 % done.
    cr.execute(
        """
        WITH machines AS (
            SELECT array_agg(id ORDER BY id) AS ids, array_agg(partner_id ORDER BY id) AS partners
              FROM fse_installation WHERE name LIKE 'Bench Machine #%%'
        ), src AS (
            SELECT g, random() AS r_machine, random() AS r_tech, random() AS r_type, random() AS r_state,
                   TIMESTAMP '2024-01-01 06:00' + random() * interval '1030 days' AS reported,
                   random() * interval '48 hours' AS response,
                   interval '30 minutes' + random() * interval '6 hours' AS duration
              FROM generate_series(1, %(orders)s) AS g
        ), picked AS (
            SELECT src.*, 1 + floor(r_machine * array_length(m.ids, 1))::int AS mi,
                   1 + floor(r_tech * array_length(%(techs)s::int[], 1))::int AS ti, m.ids, m.partners
              FROM src, machines m
        )
        INSERT INTO fse_work_order (name, partner_id, installation_id, order_type, priority, technician_id,
                                    team_id, company_id, state, billable, invoice_status, date_reported,
                                    scheduled_start, scheduled_end, date_started, date_done,
                                    create_uid, create_date, write_uid, write_date)
        SELECT %(prefix)s || lpad(g::text, 6, '0'), partners[mi], ids[mi],
               CASE WHEN r_type < 0.45 THEN 'corrective' WHEN r_type < 0.80 THEN 'preventive'
                    WHEN r_type < 0.92 THEN 'inspection' ELSE 'installation' END,
               '0', (%(techs)s::int[])[ti], (%(teams)s::int[])[ti], %(company)s,
               CASE WHEN r_state < 0.90 THEN 'done' WHEN r_state < 0.97 THEN 'scheduled' ELSE 'cancel' END,
               TRUE, CASE WHEN r_state < 0.90 THEN 'invoiced' ELSE 'no' END, reported,
               reported + response, reported + response + duration,
               CASE WHEN r_state < 0.90 THEN reported + response END,
               CASE WHEN r_state < 0.90 THEN reported + response + duration END,
               %(uid)s, reported, %(uid)s, reported
          FROM picked
        """,
        params,
    )
    log(f"{ORDERS} work orders", started)

    # Contracts: the first CONTRACTS customers have a running contract covering all their
    # machines since 2024; their orders are under it.
    cr.execute(
        """
        INSERT INTO fse_contract (name, partner_id, company_id, state, included_unit, included_period,
                                  billing_period, billing_mode, date_start, date_end, term_months,
                                  create_uid, create_date, write_uid, write_date)
        SELECT 'BENCH-C/' || lpad(n::text, 4, '0'), p, %(company)s, 'running', 'hours', 'year',
               'month', 'advance', DATE '2024-01-01', DATE '2026-12-31', 36, %(uid)s, now(), %(uid)s, now()
          FROM unnest((%(customers)s::int[])[1:%(contracts)s]) WITH ORDINALITY AS c(p, n)
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO fse_contract_installation (contract_id, installation_id, company_id, date_from,
                                               create_uid, create_date, write_uid, write_date)
        SELECT c.id, i.id, c.company_id, c.date_start, %(uid)s, now(), %(uid)s, now()
          FROM fse_contract c JOIN fse_installation i ON i.partner_id = c.partner_id
         WHERE c.name LIKE 'BENCH-C/%%'
        """,
        params,
    )
    cr.execute(
        """
        UPDATE fse_work_order wo SET contract_id = ci.contract_id
          FROM fse_contract_installation ci
         WHERE ci.installation_id = wo.installation_id AND wo.name LIKE %(like)s
        """,
        params,
    )
    log(f"{CONTRACTS} contracts covering their customers' machines ({cr.rowcount} orders under contract)", started)

    # Labor: one work line per started order and a travel line on 95 % of them.
    cr.execute(
        """
        INSERT INTO fse_work_order_labor (order_id, company_id, technician_id, date, date_start, labor_type,
                                          hours, product_id, billable, from_timer,
                                          create_uid, create_date, write_uid, write_date)
        SELECT wo.id, wo.company_id, wo.technician_id, wo.date_started::date, wo.date_started, kind.labor_type,
               CASE WHEN kind.labor_type = 'work' THEN round((0.5 + random() * 5.5)::numeric, 2)
                    ELSE round((0.25 + random() * 1.5)::numeric, 2) END,
               %(labor)s, random() < 0.8, FALSE, %(uid)s, now(), %(uid)s, now()
          FROM fse_work_order wo
         CROSS JOIN (VALUES ('work'), ('travel')) AS kind(labor_type)
         WHERE wo.name LIKE %(like)s AND wo.date_started IS NOT NULL
           AND (kind.labor_type = 'work' OR random() < 0.95)
        """,
        params,
    )
    labor_count = cr.rowcount
    # Parts: one line per done order, a second one on 45 % of them; each consumed by a done move.
    cr.execute(
        """
        INSERT INTO fse_work_order_part (order_id, company_id, sequence, product_id, product_uom_id,
                                         location_id, quantity, qty_consumed,
                                         create_uid, create_date, write_uid, write_date)
        SELECT wo.id, wo.company_id, 10 * n, p.product_id, %(uom)s, v.van, p.qty, p.qty,
               %(uid)s, now(), %(uid)s, now()
          FROM fse_work_order wo
          JOIN LATERAL (SELECT (%(vans)s::int[])[array_position(%(techs)s::int[], wo.technician_id)] AS van) v ON TRUE
         CROSS JOIN generate_series(1, 2) AS n
          JOIN LATERAL (SELECT (%(parts)s::int[])[1 + floor(random() * array_length(%(parts)s::int[], 1))::int]
                               AS product_id,
                               (1 + floor(random() * 4))::int AS qty, n AS k) p ON TRUE
         WHERE wo.name LIKE %(like)s AND wo.state = 'done' AND (n = 1 OR random() < 0.45)
        """,
        params,
    )
    part_count = cr.rowcount
    cr.execute(
        """
        INSERT INTO stock_move (company_id, product_id, product_uom, location_id, location_dest_id,
                                procure_method, product_uom_qty, product_qty, quantity, picked, state, date,
                                origin, reference, partner_id, fse_work_order_id, fse_part_id, value,
                                create_uid, create_date, write_uid, write_date)
        SELECT l.company_id, l.product_id, l.product_uom_id, l.location_id, %(customer_location)s,
               'make_to_stock', l.quantity, l.quantity, l.quantity, TRUE, 'done', wo.date_done,
               wo.name, wo.name, wo.partner_id, wo.id, l.id,
               l.quantity * (%(part_costs)s::float[])[array_position(%(parts)s::int[], l.product_id)],
               %(uid)s, wo.date_done, %(uid)s, wo.date_done
          FROM fse_work_order_part l
          JOIN fse_work_order wo ON wo.id = l.order_id
         WHERE wo.name LIKE %(like)s
        """,
        params,
    )
    cr.execute(
        """
        UPDATE fse_work_order_part l SET move_id = m.id
          FROM stock_move m
         WHERE m.fse_part_id = l.id AND l.move_id IS NULL AND m.origin LIKE %(like)s
        """,
        params,
    )
    # 5 % of the moves get one unit back to the van.
    cr.execute(
        """
        INSERT INTO stock_move (company_id, product_id, product_uom, location_id, location_dest_id,
                                procure_method, product_uom_qty, product_qty, quantity, picked, state, date,
                                origin, reference, partner_id, fse_work_order_id, fse_part_id, value,
                                origin_returned_move_id, create_uid, create_date, write_uid, write_date)
        SELECT m.company_id, m.product_id, m.product_uom, m.location_dest_id, m.location_id,
               'make_to_stock', 1, 1, 1, TRUE, 'done', m.date + interval '1 hour',
               m.origin, m.reference, m.partner_id, m.fse_work_order_id, m.fse_part_id, m.value / m.quantity,
               m.id, %(uid)s, m.date, %(uid)s, m.date
          FROM stock_move m
         WHERE m.origin LIKE %(like)s AND m.origin_returned_move_id IS NULL AND random() < 0.05
        """,
        params,
    )
    cr.execute(
        "UPDATE fse_work_order_part l SET qty_consumed = l.quantity - 1 FROM stock_move m "
        "WHERE m.fse_part_id = l.id AND m.origin_returned_move_id IS NOT NULL AND m.origin LIKE %(like)s",
        params,
    )
    log(f"{labor_count} labor lines, {part_count} part lines and their stock moves", started)

    # Invoices: 60 % of the done orders, 85 % of those posted; a labor line and a parts line each.
    cr.execute(
        """
        INSERT INTO account_move (journal_id, company_id, currency_id, move_type, state, auto_post, date,
                                  invoice_date, partner_id, commercial_partner_id, invoice_origin,
                                  create_uid, create_date, write_uid, write_date)
        SELECT %(journal)s, wo.company_id, %(currency)s, 'out_invoice',
               CASE WHEN random() < 0.85 THEN 'posted' ELSE 'draft' END, 'no',
               (wo.date_done + interval '2 days')::date, (wo.date_done + interval '2 days')::date,
               wo.partner_id, wo.partner_id, wo.name, %(uid)s, now(), %(uid)s, now()
          FROM fse_work_order wo
         WHERE wo.name LIKE %(like)s AND wo.state = 'done' AND random() < 0.6
        """,
        params,
    )
    invoice_count = cr.rowcount
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id,
                                       account_id, display_type, date, parent_state, partner_id, product_id,
                                       quantity, price_unit, balance, amount_currency, debit, credit,
                                       fse_work_order_id, fse_installation_id,
                                       fse_source_kind, fse_labor_id, fse_part_id,
                                       fse_billing_active, create_uid, create_date, write_uid, write_date)
        SELECT am.id, am.journal_id, am.company_id, am.currency_id, am.currency_id, %(account)s, 'product',
               am.date, am.state, am.partner_id, src.product_id, src.qty, src.price,
               -src.qty * src.price, -src.qty * src.price, 0, src.qty * src.price,
               wo.id, wo.installation_id, src.kind, src.labor_id, src.part_id, TRUE, %(uid)s, now(), %(uid)s, now()
          FROM account_move am
          JOIN fse_work_order wo ON wo.name = am.invoice_origin AND wo.company_id = am.company_id
          JOIN LATERAL (
              SELECT %(labor)s AS product_id, l.hours AS qty, 85.0 AS price, 'labor' AS kind, l.id AS labor_id,
                     NULL::int AS part_id
                FROM fse_work_order_labor l WHERE l.order_id = wo.id AND l.labor_type = 'work'
              UNION ALL
              SELECT p.product_id, p.quantity,
                     (%(part_prices)s::float[])[array_position(%(parts)s::int[], p.product_id)], 'part', NULL, p.id
                FROM fse_work_order_part p WHERE p.order_id = wo.id
          ) src ON TRUE
         WHERE am.invoice_origin LIKE %(like)s
        """,
        params,
    )
    line_count = cr.rowcount
    cr.execute(
        """
        UPDATE account_move_line aml SET fse_contract_id = wo.contract_id
          FROM fse_work_order wo
         WHERE wo.id = aml.fse_work_order_id AND wo.contract_id IS NOT NULL AND wo.name LIKE %(like)s
        """,
        params,
    )
    # Contract fees: one posted invoice per contract and month, 150.00 per covered machine.
    cr.execute(
        """
        INSERT INTO account_move (journal_id, company_id, currency_id, move_type, state, auto_post, date,
                                  invoice_date, partner_id, commercial_partner_id, invoice_origin,
                                  create_uid, create_date, write_uid, write_date)
        SELECT %(journal)s, c.company_id, %(currency)s, 'out_invoice', 'posted', 'no', m::date, m::date,
               c.partner_id, c.partner_id, c.name || ' ' || to_char(m, 'YYYY-MM'), %(uid)s, now(), %(uid)s, now()
          FROM fse_contract c
         CROSS JOIN generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2026-10-01', interval '1 month') AS m
         WHERE c.name LIKE 'BENCH-C/%%'
        """,
        params,
    )
    invoice_count += cr.rowcount
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id,
                                       account_id, display_type, date, parent_state, partner_id, product_id,
                                       quantity, price_unit, balance, amount_currency, debit, credit,
                                       fse_contract_id, fse_installation_id, fse_billing_active,
                                       create_uid, create_date, write_uid, write_date)
        SELECT am.id, am.journal_id, am.company_id, am.currency_id, am.currency_id, %(account)s, 'product',
               am.date, am.state, am.partner_id, %(fee)s, 1, 150.0, -150.0, -150.0, 0, 150.0,
               c.id, ci.installation_id, TRUE, %(uid)s, now(), %(uid)s, now()
          FROM account_move am
          JOIN fse_contract c ON am.invoice_origin = c.name || ' ' || to_char(am.date, 'YYYY-MM')
          JOIN fse_contract_installation ci ON ci.contract_id = c.id
         WHERE am.invoice_origin LIKE 'BENCH-C/%%'
        """,
        params,
    )
    line_count += cr.rowcount
    cr.execute("UPDATE res_users SET fse_hourly_cost = 35 + id %% 10 WHERE id = ANY(%(techs)s)", params)
    log(f"{invoice_count} invoices with {line_count} product lines", started)
    cr.execute("ANALYZE")
    env.invalidate_all()


def main(env):
    if env["fse.work.order"].search_count([("name", "=like", PREFIX + "%")], limit=1):
        print("Reporting benchmark data is already there.")
        return
    print(f"Generating reporting benchmark data ({ORDERS} work orders)...")
    generate(env)
    env.cr.commit()


main(env)  # noqa: F821 - given by odoo shell
