"""Completing work orders with 1, 5 and 20 part lines: SQL queries and time per
completion, beside Odoo's own repair module doing the same (a repair order with the same
parts, confirmed, started and ended).

Run through tools/bench.sh parts (it creates the database); inside `odoo shell` the
variable `env` is given, and everything is rolled back at the end.
"""

import time

from odoo.fields import Command

RUNS = 5  # measured completions per size, after one warm-up
SIZES = (1, 5, 20)


QUANT_QUERIES = [0]  # queries spent inside Odoo's per-line quant bookkeeping


def count_quant_queries(env):
    """Wrap stock.quant's two bookkeeping methods (reserve, and update on hand) to see
    what they cost by themselves: Odoo calls them once or twice per move line, at the
    source and at the destination, whatever flow creates the moves."""
    Quant = type(env["stock.quant"])
    depth = [0]

    def wrap(method_name):
        original = getattr(Quant, method_name)

        def counted(self, *args, **kwargs):
            depth[0] += 1
            start = self.env.cr.sql_log_count
            try:
                return original(self, *args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    QUANT_QUERIES[0] += self.env.cr.sql_log_count - start

        setattr(Quant, method_name, counted)

    wrap("_update_available_quantity")
    wrap("_update_reserved_quantity")


def measure(env, func):
    env.flush_all()
    env.invalidate_all()
    queries, quant_queries = env.cr.sql_log_count, QUANT_QUERIES[0]
    start = time.perf_counter()
    func()
    env.flush_all()
    return env.cr.sql_log_count - queries, time.perf_counter() - start, QUANT_QUERIES[0] - quant_queries


def setup(env, size):
    stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
    parts = env["product.product"].create(
        [{"name": f"Bench part {size}-{i}", "is_storable": True, "standard_price": 5.0} for i in range(size)]
    )
    for part in parts:
        env["stock.quant"]._update_available_quantity(part, stock, 1000)
    customer = env["res.partner"].create({"name": f"Bench customer {size}"})
    technician = env.ref("base.user_admin")
    return stock, parts, customer, technician


def bench_fse(env, size):
    stock, parts, customer, technician = setup(env, size)
    orders = env["fse.work.order"].create(
        [
            {
                "partner_id": customer.id,
                "technician_id": technician.id,
                "part_line_ids": [
                    Command.create({"product_id": p.id, "quantity": 1, "location_id": stock.id}) for p in parts
                ],
            }
            for _run in range(RUNS + 1)
        ]
    )
    orders.action_start()
    # Parts only, no time: completing without labor is confirmed (the wizard is not measured).
    orders = orders.with_context(fse_labor_confirmed=True)
    results = [measure(env, order.action_complete) for order in orders]
    assert all(order.state == "done" and len(order.move_ids) == size for order in orders)
    return results[1:]


def bench_fse_on_the_phone(env, size, as_technician):
    """What the technician does: record the parts used from the van, then Complete. Run as
    the technician (write policy, access rights and record rules all checked) and, as the
    reference of the same run, as superuser (none of them checked)."""
    _stock, parts, customer, _admin = setup(env, size)
    technician = env["res.users"].create(
        {
            "name": f"Bench technician {size} {as_technician}",
            "login": f"bench_tech_{size}_{as_technician}",
            "group_ids": [Command.link(env.ref("field_service_erp.group_fse_technician").id)],
        }
    )
    technician.action_fse_create_van()
    van = technician.fse_van_location_id
    for part in parts:
        env["stock.quant"]._update_available_quantity(part, van, 1000)
    orders = env["fse.work.order"].create(
        [{"partner_id": customer.id, "technician_id": technician.id} for _run in range(RUNS + 1)]
    )
    orders.check_ids.unlink()  # no checklist to tick in this flow
    orders.with_user(technician).action_start()

    def run(order):
        caller = order.with_user(technician) if as_technician else order
        caller = caller.with_context(fse_labor_confirmed=True)  # parts only, no time: confirmed

        def flow():
            lines = [Command.create({"product_id": p.id, "quantity": 1, "location_id": van.id}) for p in parts]
            caller.write({"part_line_ids": lines})
            caller.action_complete()

        return flow

    results = [measure(env, run(order)) for order in orders]
    assert all(order.state == "done" and len(order.move_ids) == size for order in orders)
    return results[1:]


def bench_repair(env, size):
    stock, parts, customer, _technician = setup(env, size)
    repairs = env["repair.order"].create(
        [
            {
                "partner_id": customer.id,
                "move_ids": [
                    Command.create({"repair_line_type": "add", "product_id": p.id, "product_uom_qty": 1}) for p in parts
                ],
            }
            for _run in range(RUNS + 1)
        ]
    )

    def run(repair):
        def flow():
            repair.action_validate()
            repair.action_repair_start()
            repair.action_repair_end()

        return flow

    results = [measure(env, run(repair)) for repair in repairs]
    assert all(r.state == "done" and set(r.move_ids.mapped("state")) == {"done"} for r in repairs)
    return results[1:]


def bench_fse_batch(env, size, orders_count=10):
    """Ten orders completed in one call (the back-office closing a day's paper reports)."""
    stock, parts, customer, technician = setup(env, size)
    orders = env["fse.work.order"].create(
        [
            {
                "partner_id": customer.id,
                "technician_id": technician.id,
                "part_line_ids": [
                    Command.create({"product_id": p.id, "quantity": 1, "location_id": stock.id}) for p in parts
                ],
            }
            for _run in range(orders_count)
        ]
    )
    orders.action_start()
    orders = orders.with_context(fse_labor_confirmed=True)  # parts only, no time: confirmed
    queries, seconds, quant_queries = measure(env, orders.action_complete)
    return [(queries / orders_count, seconds / orders_count, quant_queries / orders_count)]


def main(env):
    count_quant_queries(env)
    has_repair = "repair.order" in env
    flows = [
        ("field_service_erp, one order", bench_fse),
        ("field_service_erp, 10 orders in one call", bench_fse_batch),
        ("field_service_erp, record parts + complete, as superuser", lambda e, n: bench_fse_on_the_phone(e, n, False)),
        (
            "field_service_erp, record parts + complete, as the technician",
            lambda e, n: bench_fse_on_the_phone(e, n, True),
        ),
    ]
    if has_repair:
        flows.append(("repair (Odoo): confirm, start, end", bench_repair))
    rows = []
    for size in SIZES:
        for label, bench in flows:
            results = bench(env, size)
            queries = sum(r[0] for r in results) / len(results)
            ms = 1000 * sum(r[1] for r in results) / len(results)
            quant = sum(r[2] for r in results) / len(results)
            rows.append((size, label, queries, quant, ms))
    print()
    print("| part lines | flow | SQL queries per order | of which Odoo's quant bookkeeping | ms per order |")
    print("|---:|---|---:|---:|---:|")
    for size, label, queries, quant, ms in rows:
        print(f"| {size} | {label} | {queries:.0f} | {quant:.0f} | {ms:.0f} |")
    env.cr.rollback()


main(env)  # noqa: F821 - given by odoo shell
