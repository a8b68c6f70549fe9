"""Invoicing N done work orders (N = 100, 1000; 2 labor and 2 part lines each) with the batch
action, beside the time to create the same invoices with one bare account.move.create(...)
call. One invoice per order (company setting), as in the reference figures.

Run through tools/bench.sh invoicing; inside `odoo shell` the variable `env` is given, and
everything is rolled back at the end.
"""

import time

from odoo.fields import Command

SIZES = (100, 1000)


class Rollback(Exception):
    pass


def make_orders(env, count):
    stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
    labor = env.company.fse_labor_product_id
    parts = env["product.product"].create(
        [{"name": f"Invoice bench part {i}", "is_storable": True, "list_price": 20 + i} for i in range(2)]
    )
    for part in parts:
        env["stock.quant"]._update_available_quantity(part, stock, count * 10)
    customers = env["res.partner"].create([{"name": f"Invoice bench customer {i}"} for i in range(count)])
    technician = env.ref("base.user_admin")
    orders = env["fse.work.order"].create(
        [
            {
                "partner_id": customer.id,
                "technician_id": technician.id,
                "labor_line_ids": [
                    Command.create({"technician_id": technician.id, "hours": 1.25, "product_id": labor.id}),
                    Command.create({"technician_id": technician.id, "hours": 0.5, "product_id": labor.id}),
                ],
                "part_line_ids": [
                    Command.create({"product_id": part.id, "quantity": 2, "location_id": stock.id}) for part in parts
                ],
            }
            for customer in customers
        ]
    )
    for start in range(0, count, 100):
        batch = orders[start : start + 100]
        batch.action_start()
        batch.action_complete()
    env.flush_all()
    return orders


def timed(env, func):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    return result, env.cr.sql_log_count - queries, time.perf_counter() - start


def make_dispatcher(env):
    groups = ("field_service_erp.group_fse_dispatcher", "account.group_account_invoice")
    return env["res.users"].create(
        {
            "name": "Bench dispatcher",
            "login": "bench_dispatcher",
            "group_ids": [Command.link(env.ref(xmlid).id) for xmlid in groups],
        }
    )


def main(env):
    env.company.fse_invoice_grouping = "order"
    rows = []
    dispatcher = None
    for count in SIZES:
        orders = make_orders(env, count)
        # The same invoices, prepared by our engine but created bare (no links, no checks).
        bare_vals = []
        engine = env["fse.billing.engine"]
        for group_orders, items in engine._fse_group(engine._fse_price(orders)):
            vals = engine._fse_prepare_invoice_vals(group_orders, items)
            for command in vals["invoice_line_ids"]:
                for key in [key for key in command[2] if key.startswith("fse_")]:
                    del command[2][key]
            bare_vals.append(vals)
        try:
            with env.cr.savepoint():
                moves, bare_queries, bare_seconds = timed(env, lambda vals=bare_vals: env["account.move"].create(vals))
                assert len(moves) == count
                raise Rollback
        except Rollback:
            pass
        env.invalidate_all()
        invoices, queries, seconds = timed(env, orders.action_create_invoices)
        assert len(invoices) == count and set(orders.mapped("invoice_status")) == {"invoiced"}
        assert len(invoices.invoice_line_ids.filtered(lambda line: line.display_type == "product")) == 4 * count
        rows.append((count, "superuser", seconds, queries, bare_seconds, bare_queries))
        # The same as the back office does it: a dispatcher with Invoicing rights (access
        # rights, record rules and the billing write policy all checked).
        orders = make_orders(env, count)
        dispatcher = dispatcher or make_dispatcher(env)
        invoices, queries, seconds = timed(env, orders.with_user(dispatcher).action_create_invoices)
        assert len(invoices) == count and set(orders.mapped("invoice_status")) == {"invoiced"}
        rows.append((count, "dispatcher", seconds, queries, bare_seconds, bare_queries))
    print()
    print(
        "| orders | run as | our batch action: s | queries per order | invoices/s | bare account.move.create: s "
        "| queries per invoice | ratio |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for count, caller, seconds, queries, bare_seconds, bare_queries in rows:
        print(
            f"| {count} | {caller} | {seconds:.1f} | {queries / count:.1f} | {count / seconds:.0f} "
            f"| {bare_seconds:.1f} | {bare_queries / count:.1f} | {seconds / bare_seconds:.2f} |"
        )
    env.cr.rollback()


main(env)  # noqa: F821 - given by odoo shell
