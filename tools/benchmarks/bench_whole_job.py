"""The whole job, N = 200 and 1,000 work orders of two shapes (1 labor + 1 part line, and
2 labor + 2 part lines): create the orders -> start and complete them (parts consumed as
stock moves) -> draft invoices with the batch action. Beside it, in the same run, the
reference: a bare account.move.create(...) of the same invoice values (no links, no
checks), which is what any invoicing of these jobs costs at the least.

Run through tools/bench.sh job; inside `odoo shell` the variable `env` is given, and
everything is rolled back at the end.
"""

import time

from odoo.fields import Command

SIZES = (200, 1000)
SHAPES = ((1, 1), (2, 2))  # (labor lines, part lines) per order
BATCH = 100  # orders completed per call, as a dispatcher's list selection or a sync batch


class Rollback(Exception):
    pass


def measure(env, func):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    return result, env.cr.sql_log_count - queries, time.perf_counter() - start


def order_values(env, count, labor_lines, part_lines):
    stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
    labor = env.company.fse_labor_product_id
    parts = env["product.product"].create(
        [{"name": f"Job bench part {i}", "is_storable": True, "list_price": 20 + i} for i in range(part_lines)]
    )
    for part in parts:
        env["stock.quant"]._update_available_quantity(part, stock, count * 10)
    customers = env["res.partner"].create([{"name": f"Job bench customer {i}"} for i in range(count)])
    technician = env.ref("base.user_admin")
    return [
        {
            "partner_id": customer.id,
            "technician_id": technician.id,
            "labor_line_ids": [
                Command.create({"technician_id": technician.id, "hours": 1.25 + i / 4, "product_id": labor.id})
                for i in range(labor_lines)
            ],
            "part_line_ids": [
                Command.create({"product_id": part.id, "quantity": 2, "location_id": stock.id}) for part in parts
            ],
        }
        for customer in customers
    ]


def whole_job(env, vals_list, phases=None):
    """Create, start and complete, invoice; `phases` collects the queries of each step."""
    phases = {} if phases is None else phases
    count = env.cr.sql_log_count
    orders = env["fse.work.order"].create(vals_list)
    env.flush_all()
    phases["create"], count = env.cr.sql_log_count - count, env.cr.sql_log_count
    for start in range(0, len(orders), BATCH):
        batch = orders[start : start + BATCH]
        batch.action_start()
        batch.action_complete()
    env.flush_all()
    phases["start + complete"], count = env.cr.sql_log_count - count, env.cr.sql_log_count
    invoices = orders.action_create_invoices()
    env.flush_all()
    phases["invoice"] = env.cr.sql_log_count - count
    return invoices


def bare_invoice_values(env, orders):
    """The invoices our engine makes for these done orders, stripped of our links."""
    engine = env["fse.billing.engine"]
    vals_list = []
    for group_orders, items in engine._fse_group(engine._fse_price(orders)):
        vals = engine._fse_prepare_invoice_vals(group_orders, items)
        for command in vals["invoice_line_ids"]:
            for key in [key for key in command[2] if key.startswith("fse_")]:
                del command[2][key]
        vals_list.append(vals)
    return vals_list


def bare_create(env, vals_list, **context):
    """Create these invoice values bare, then roll them back: (seconds, queries)."""
    try:
        with env.cr.savepoint():
            moves, queries, seconds = measure(
                env, lambda: env["account.move"].with_context(**context).create(vals_list)
            )
            assert len(moves) == len(vals_list)
            raise Rollback
    except Rollback:
        pass
    return seconds, queries


def main(env):
    env.company.fse_invoice_grouping = "order"
    # Warm-up (registry caches, first-use reads), not measured.
    whole_job(env, order_values(env, 20, 1, 1))
    rows = []
    for count in SIZES:
        for labor_lines, part_lines in SHAPES:
            vals_list = order_values(env, count, labor_lines, part_lines)
            phases = {}
            invoices, queries, seconds = measure(env, lambda v=vals_list, p=phases: whole_job(env, v, p))
            orders = invoices.invoice_line_ids.fse_work_order_id
            assert len(invoices) == count and set(orders.mapped("invoice_status")) == {"invoiced"}
            lines = invoices.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            assert len(lines) == (labor_lines + part_lines) * count
            bare_vals = bare_invoice_values(env, orders)
            bare_seconds, bare_queries = bare_create(env, bare_vals)
            for vals in bare_vals:
                vals["journal_id"] = invoices[0].journal_id.id
            same_seconds, same_queries = bare_create(env, bare_vals, mail_create_nolog=True)
            per_phase = ", ".join(f"{name} {n / count:.1f}" for name, n in phases.items())
            rows.append(
                (
                    count,
                    f"{labor_lines} + {part_lines}",
                    seconds,
                    queries,
                    per_phase,
                    (bare_seconds, bare_queries),
                    (same_seconds, same_queries),
                )
            )
            env.invalidate_all()
    print()
    print(
        "| jobs | labor + parts lines | whole job: s | queries per job | of which per step "
        "| bare create: s | queries per invoice | ratio | bare, journal given, no creation message: s "
        "| queries per invoice | ratio |"
    )
    print("|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for count, shape, seconds, queries, per_phase, bare, same in rows:
        print(
            f"| {count} | {shape} | {seconds:.1f} | {queries / count:.1f} | {per_phase} "
            f"| {bare[0]:.1f} | {bare[1] / count:.1f} | {seconds / bare[0]:.2f} "
            f"| {same[0]:.1f} | {same[1] / count:.1f} | {seconds / same[0]:.2f} |"
        )
    env.cr.rollback()


main(env)  # noqa: F821 - given by odoo shell
