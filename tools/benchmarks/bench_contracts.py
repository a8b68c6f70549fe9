"""Contracts at scale: N covered machines on N/5 contracts, each with a monthly preventive
plan and a per-machine monthly fee, for N = 1,000 and 10,000. Measures, through the
scheduled actions themselves (which commit batch by batch, as in production):
  (a) generating one month of preventive visits (one per machine),
  (b) an immediate re-run, which must create nothing,
  (c) invoicing one month of contract fees (one draft invoice per contract).

Run through tools/bench.sh contracts; inside `odoo shell` the variable `env` is given. The
data is committed in the benchmark database (the re-run cost must not depend on history).
"""

import time
from datetime import date

from odoo.fields import Command

SIZES = (1000, 10000)
MACHINES_PER_CONTRACT = 5


def setup(env, machines, tag):
    today = date.today()
    fee = env["product.product"].search([("name", "=", "Bench maintenance fee")], limit=1) or env[
        "product.product"
    ].create({"name": "Bench maintenance fee", "type": "service", "list_price": 45.0})
    contracts_count = machines // MACHINES_PER_CONTRACT
    customers = env["res.partner"].create(
        [{"name": f"Bench {tag} customer {i}", "is_company": True} for i in range(contracts_count)]
    )
    installations = env["fse.installation"].create(
        [
            {"partner_id": customer.id, "name": f"Bench {tag} unit {i}-{j}"}
            for i, customer in enumerate(customers)
            for j in range(MACHINES_PER_CONTRACT)
        ]
    )
    contracts = env["fse.contract"].create(
        [
            {
                "partner_id": customer.id,
                "date_start": today.replace(day=1),
                "coverage_ids": [
                    Command.create({"installation_id": inst.id})
                    for inst in installations[i * MACHINES_PER_CONTRACT : (i + 1) * MACHINES_PER_CONTRACT]
                ],
                "line_ids": [Command.create({"product_id": fee.id, "per_machine": True, "price_unit": 45.0})],
            }
            for i, customer in enumerate(customers)
        ]
    )
    for start in range(0, len(contracts), 500):
        contracts[start : start + 500].action_confirm()
    env["fse.maintenance.plan"].create(
        [
            {"name": f"Monthly service {c.name}", "contract_id": c.id, "start_date": today, "duration_hours": 1.5}
            for c in contracts
        ]
    )
    env.cr.commit()
    return contracts


class Rollback(Exception):
    pass


def bare_values(invoices, same_context):
    """The values of these invoices for a bare account.move.create (no links, no checks)."""
    return [
        {
            "move_type": invoice.move_type,
            "partner_id": invoice.partner_id.id,
            "company_id": invoice.company_id.id,
            "currency_id": invoice.currency_id.id,
            "invoice_origin": invoice.invoice_origin,
            **({"journal_id": invoice.journal_id.id} if same_context else {}),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                        "analytic_distribution": line.analytic_distribution,
                    }
                )
                for line in invoice.invoice_line_ids
            ],
        }
        for invoice in invoices
    ]


def bare_create(env, invoices, same_context=False):
    """Create the same invoices bare, then roll them back: (seconds, queries)."""
    vals_list = bare_values(invoices, same_context)
    Move = env["account.move"].with_context(mail_create_nolog=same_context)
    try:
        with env.cr.savepoint():
            _moves, seconds, queries = measure(env, lambda: Move.create(vals_list))
            raise Rollback
    except Rollback:
        pass
    return seconds, queries


def measure(env, func):
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start, env.cr.sql_log_count - queries


def main(env):
    # One month of visits: a monthly plan has exactly one occurrence within 27 days.
    env.company.fse_plan_horizon_days = 27
    env.company.fse_invoice_on_completion = False
    env.cr.commit()
    Order = env["fse.work.order"]
    rows = []
    for size in SIZES:
        tag = f"{size}-{int(time.time())}"
        t0 = time.perf_counter()
        contracts = setup(env, size, tag)
        print(f"set-up of {size} machines on {len(contracts)} contracts: {time.perf_counter() - t0:.1f} s", flush=True)
        before = Order.search_count([])
        created, seconds, queries = measure(env, lambda: env["fse.maintenance.plan"]._cron_generate_orders())
        count = Order.search_count([]) - before
        assert count == created == size, (count, created, size)
        rows.append((size, "(a) generate one month of visits", count, seconds, queries))
        created, seconds, queries = measure(env, lambda: env["fse.maintenance.plan"]._cron_generate_orders())
        assert created == 0 and Order.search_count([]) - before == size
        rows.append((size, "(b) immediate re-run", 0, seconds, queries))
        invoices, seconds, queries = measure(env, lambda: env["fse.contract"]._cron_create_invoices())
        ours = invoices.filtered(lambda m, mine=contracts: m.fse_contract_id in mine)
        assert len(ours) == len(contracts), (len(ours), len(contracts))
        rows.append((size, "(c) invoice one month of contracts", len(ours), seconds, queries))
        seconds, queries = bare_create(env, ours)
        rows.append((size, "(c') the same invoices, bare account.move.create", len(ours), seconds, queries))
        seconds, queries = bare_create(env, ours, same_context=True)
        rows.append((size, "(c'') the same, bare, journal given and no creation message", len(ours), seconds, queries))
        env.cr.commit()
    print()
    print("| Machines | Step | Records | Time | Queries | Queries per record | ms per record |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size, step, records, seconds, queries in rows:
        per = f"{queries / records:.2f}" if records else "-"
        ms = f"{1000 * seconds / records:.2f}" if records else "-"
        print(f"| {size:,} | {step} | {records:,} | {seconds:.2f} s | {queries:,} | {per} | {ms} |")


main(env)  # noqa: F821 (given by odoo shell)
