"""The dispatch board's data method at the volume the issue names: 50 technicians (on two
working calendars, with time off), one week with 1,000 planned orders and 200 orders waiting
in the queue, 5 % of them overlapping a colleague's job of the same technician.

Prints the query count and the time of fse_board_data() as a dispatcher (first run with cold
caches, then the median of 5), beside a reference measured in the same run: the read the
previous board (Odoo's calendar view) made for the same week, web_search_read() of the
calendar's fields. The data is created once per database (it commits) and reused.

Run through `tools/bench.sh board`; inside `odoo shell` the variable `env` is given.
"""

import random
import statistics
import time
from datetime import datetime, timedelta

from odoo import fields
from odoo.fields import Command

TECHNICIANS = 50
ORDERS = 1000
QUEUE = 200
WEEK = datetime(2027, 3, 1)  # a Monday
RUNS = 5
PREFIX = "BOARD/"


def generate(env):
    if env["fse.work.order"].search_count([("name", "=like", PREFIX + "%")]):
        return
    started = time.perf_counter()
    rng = random.Random(42)
    group = env.ref("field_service_erp.group_fse_technician")
    Users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True, tracking_disable=True)
    technicians = Users.create(
        [
            {"name": f"Board Technician {i:02d}", "login": f"board_tech_{i:02d}", "group_ids": [Command.link(group.id)]}
            for i in range(TECHNICIANS)
        ]
    )
    env["res.users"].create(
        {
            "name": "Board Dispatcher",
            "login": "board_dispatcher",
            "password": "board_dispatcher",
            "group_ids": [Command.link(env.ref("field_service_erp.group_fse_dispatcher").id)],
        }
    )
    teams = env["fse.team"].create([{"name": f"Board Region {i}"} for i in range(5)])
    for i, technician in enumerate(technicians):
        teams[i % 5].member_ids = [Command.link(technician.id)]
    technicians.action_fse_create_resource()
    early = env["resource.calendar"].create({"name": "Board early shift", "tz": "Europe/Brussels"})
    resources = env["resource.resource"].search([("user_id", "in", technicians.ids)])
    resources[: TECHNICIANS // 2].calendar_id = early
    off_days = [rng.randrange(5) for _resource in resources[::5]]
    env["resource.calendar.leaves"].create(
        [
            {
                "name": "Time off",
                "resource_id": resource.id,
                "date_from": WEEK + timedelta(days=day),
                "date_to": WEEK + timedelta(days=day, hours=23),
            }
            for resource, day in zip(resources[::5], off_days, strict=True)
        ]
    )
    skills = env["fse.skill"].create([{"name": f"Board skill {i}"} for i in range(4)])
    for i, technician in enumerate(technicians):
        skills[i % 4].technician_ids = [Command.link(technician.id)]
    cities = [f"City {i}" for i in range(30)]
    customers = env["res.partner"].create(
        [{"name": f"Board Customer {i:03d}", "city": cities[i % 30], "is_company": True} for i in range(100)]
    )
    product = env["product.product"].create({"name": "Board Machine", "is_storable": True, "tracking": "serial"})
    lots = env["stock.lot"].create([{"name": f"BRD-{i:04d}", "product_id": product.id} for i in range(300)])
    machines = env["fse.installation"].create(
        [{"partner_id": customers[i % 100].id, "product_id": product.id, "lot_id": lots[i].id} for i in range(300)]
    )
    types = ["corrective", "preventive", "inspection", "installation"]
    vals = []
    for i in range(ORDERS):
        technician = technicians[i % TECHNICIANS]
        day, slot = divmod(i // TECHNICIANS, 4)
        start = WEEK + timedelta(days=day % 5, hours=8 + 2 * slot)
        if rng.random() < 0.05:
            start += timedelta(minutes=30)  # runs into the next job: an overlap
        machine = machines[i % 300]
        vals.append(
            {
                "name": f"{PREFIX}{i:05d}",
                "installation_id": machine.id,
                "partner_id": machine.partner_id.id,
                "order_type": types[i % 4],
                "technician_id": technician.id,
                "scheduled_start": start,
                "scheduled_end": start + timedelta(hours=2),
                "skill_ids": [Command.link(skills[rng.randrange(4)].id)] if rng.random() < 0.3 else [],
            }
        )
    for i in range(QUEUE):
        machine = machines[rng.randrange(300)]
        vals.append(
            {
                "name": f"{PREFIX}Q{i:04d}",
                "installation_id": machine.id,
                "partner_id": machine.partner_id.id,
                "order_type": "corrective",
                "duration_estimate": 1 + i % 3,
                "priority": str(i % 3),
            }
        )
    orders = env["fse.work.order"].with_context(mail_create_nolog=True, tracking_disable=True).create(vals)
    orders.filtered("technician_id").write({"state": "scheduled"})
    env.cr.commit()
    print(f"  generated {len(orders)} orders for {TECHNICIANS} technicians ({time.perf_counter() - started:.1f} s)")


def measure(env, func):
    """(queries, seconds) of func() on cold ORM caches."""
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    return env.cr.sql_log_count - queries, time.perf_counter() - start


def main(env):
    generate(env)
    dispatcher = env["res.users"].search([("login", "=", "board_dispatcher")])
    Order = env["fse.work.order"].with_user(dispatcher)
    start, end = fields.Datetime.to_string(WEEK), fields.Datetime.to_string(WEEK + timedelta(days=7))

    def board():
        return Order.fse_board_data(start, end, {})

    def calendar():
        # What Odoo's calendar view (the previous board) asks for one week.
        return Order.web_search_read(
            [("scheduled_start", "<", end), ("scheduled_end", ">", start)],
            {"name": {}, "scheduled_start": {}, "scheduled_end": {}, "technician_id": {"fields": {"display_name": {}}}},
        )

    data = board()
    print()
    print(
        f"lanes: {len(data['lanes'])}, cards: {len(data['orders'])}, queue: {len(data['queue'])}, "
        f"cards with a conflict: {sum(1 for card in data['orders'] if card['conflicts'])}"
    )
    print()
    print("| call | queries | first run: ms | median: ms |")
    print("|---|---:|---:|---:|")
    for label, func in (("fse_board_data (board)", board), ("web_search_read (calendar, reference)", calendar)):
        env.registry.clear_cache()
        queries, first = measure(env, func)
        runs = [measure(env, func)[1] for _run in range(RUNS)]
        print(f"| {label} | {queries} | {first * 1000:.0f} | {statistics.median(runs) * 1000:.0f} |")


main(env)  # noqa: F821 (given by odoo shell)
