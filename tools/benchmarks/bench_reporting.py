"""Time each report's default pivot query on the data of gen_reporting_data.py.

For every reporting action, the groupbys (rows then columns, with their date interval) and
measures are read from the action's pivot view, exactly what the web client asks for when the
report opens, and run through formatted_read_group() as the Field Service manager (admin),
so record rules apply. Each query runs 5 times; the table shows the first (cold caches) and
the median of the others. A second line times the list view's first page (80 rows).

Run through tools/bench.sh reporting; inside `odoo shell` the variable `env` is given.
"""

import statistics
import time

from lxml import etree

from odoo.tools.safe_eval import safe_eval

ACTIONS = (
    "field_service_erp.action_fse_report_overview",
    "field_service_erp_billing.action_fse_report_revenue",
    "field_service_erp_billing.action_fse_report_contract",
    "field_service_erp.action_fse_report_consumption",
    "field_service_erp.action_fse_report_utilisation",
    "field_service_erp.action_fse_report_installation",
)
RUNS = 5


def pivot_spec(env, action):
    Model = env[action.res_model]
    view_id = action.view_ids.filtered(lambda v: v.view_mode == "pivot")[:1].view_id.id
    arch = Model.get_views([(view_id, "pivot")])["views"]["pivot"]["arch"]
    root = etree.fromstring(arch)
    rows, cols, measures = [], [], []
    for field in root.iter("field"):
        name = field.get("name")
        if field.get("interval"):
            name = f"{name}:{field.get('interval')}"
        kind = field.get("type")
        if kind == "row":
            rows.append(name)
        elif kind == "col":
            cols.append(name)
        elif kind == "measure":
            aggregator = Model._fields[field.get("name")].aggregator or "sum"
            measures.append(f"{field.get('name')}:{aggregator}")
    domain = safe_eval(action.domain) if action.domain else []
    return Model, domain, rows + cols, measures or ["__count"]


def timed(env, func):
    env.invalidate_all()
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def main(env):
    env = env(user=env.ref("base.user_admin"))
    print()
    print(
        f"work orders: {env['fse.work.order'].search_count([])}, "
        f"labor lines: {env['fse.work.order.labor'].search_count([])}, "
        f"part lines: {env['fse.work.order.part'].search_count([])}"
    )
    print()
    print("| report | rows in view | default pivot (groupbys) | groups | first run: s | median: s | list page: s |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for xmlid in ACTIONS:
        action = env.ref(xmlid).sudo()
        Model, domain, groupby, measures = pivot_spec(env, action)
        times = []
        groups = []
        for __ in range(RUNS):
            seconds, groups = timed(
                env, lambda M=Model, d=domain, g=groupby, m=measures: M.formatted_read_group(d, g, m)
            )
            times.append(seconds)
        list_seconds, __ = timed(env, lambda M=Model, d=domain: M.search_fetch(d, ["id"], limit=80))
        count = Model.search_count(domain)
        print(
            f"| {action.name} | {count} | {', '.join(groupby)} | {len(groups)} | {times[0]:.2f} "
            f"| {statistics.median(times[1:]):.2f} | {list_seconds:.2f} |"
        )
    env.cr.rollback()


main(env)  # noqa: F821 - given by odoo shell
