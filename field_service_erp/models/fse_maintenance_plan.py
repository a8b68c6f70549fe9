import logging
import math
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# How far a calendar occurrence is from the plan's start: occurrence n is due on
# start_date + n * INTERVAL_STEP[interval_type] * interval_number (always from the start
# date, so a plan starting on Jan 31 is due on Feb 28/29 then on Mar 31, never drifting).
INTERVAL_STEP = {
    "day": lambda n: relativedelta(days=n),
    "week": lambda n: relativedelta(weeks=n),
    "month": lambda n: relativedelta(months=n),
}


class FseMaintenancePlan(models.Model):
    """A preventive maintenance promise: a visit every N days, weeks or months, or every N
    units of a machine's meter, for every machine of a contract or for one machine."""

    _name = "fse.maintenance.plan"
    _description = "Preventive Maintenance Plan"
    _inherit = ["fse.write.policy", "fse.row.lock"]
    # Creating a visit of a plan (its foreign key) need not wait for a run generating the plan.
    _fse_lock_no_key = True
    _order = "next_date, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    contract_id = fields.Many2one("fse.contract", index=True, ondelete="cascade", check_company=True)
    installation_id = fields.Many2one(
        "fse.installation",
        string="Machine",
        index=True,
        ondelete="cascade",
        check_company=True,
        help="Plan for one machine only. Empty: every machine the contract covers.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    interval_type = fields.Selection(
        [("day", "Days"), ("week", "Weeks"), ("month", "Months"), ("counter", "Meter")],
        string="Every",
        required=True,
        default="month",
    )
    interval_number = fields.Integer(string="Interval", default=1)
    counter_interval = fields.Float(
        string="Meter Interval", help="A visit each time the machine's meter passes a multiple of this value."
    )
    start_date = fields.Date(
        string="First Visit",
        required=True,
        compute="_compute_start_date",
        store=True,
        readonly=False,
        precompute=True,
    )
    order_type = fields.Selection(
        selection=lambda self: self.env["fse.work.order"]._fields["order_type"].selection,
        required=True,
        default="preventive",
    )
    duration_hours = fields.Float(string="Estimated Duration (h)", default=1.0)
    technician_id = fields.Many2one(
        "res.users",
        string="Default Technician",
        check_company=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref("field_service_erp.group_fse_technician").id)],
    )
    team_id = fields.Many2one(
        "fse.team", string="Default Team", check_company=True, help="Empty: the default technician's team."
    )
    part_ids = fields.One2many("fse.maintenance.plan.part", "plan_id", string="Parts Kit", copy=True)
    description = fields.Html(string="Instructions")
    # Calendar plans: the next occurrence to create and its date (what the scheduled action
    # filters on, so a re-run that has nothing to do reads nothing else).
    next_occurrence = fields.Integer(readonly=True, copy=False)
    next_date = fields.Date(
        readonly=True, copy=False, index=True, help="Next visit not created yet (for meter plans: the forecast)."
    )
    work_order_ids = fields.One2many("fse.work.order", "plan_id", string="Visits")

    _interval_positive = models.Constraint(
        "CHECK(interval_number > 0 AND counter_interval >= 0)", "The plan's interval must be positive."
    )

    @api.depends("contract_id.company_id", "installation_id.company_id")
    def _compute_company_id(self):
        for plan in self:
            plan.company_id = plan.contract_id.company_id or plan.installation_id.company_id or self.env.company

    @api.depends("contract_id.date_start")
    def _compute_start_date(self):
        for plan in self:
            if not plan.start_date:
                plan.start_date = max(plan.contract_id.date_start or fields.Date.today(), fields.Date.today())

    @api.constrains("contract_id", "installation_id", "interval_type", "counter_interval")
    def _check_target(self):
        for plan in self:
            if not plan.contract_id and not plan.installation_id:
                raise ValidationError(self.env._("Plan %s needs a contract or a machine.", plan.name))
            if plan.interval_type == "counter" and plan.counter_interval <= 0:
                raise ValidationError(self.env._("Plan %s needs a meter interval.", plan.name))

    # ------------------------------------------------------------------ schedule
    def _due_date(self, occurrence):
        """Due date of calendar occurrence n (0 is the first visit)."""
        self.ensure_one()
        return self.start_date + INTERVAL_STEP[self.interval_type](occurrence * self.interval_number)

    def _fse_reset_schedule(self):
        """Point calendar plans at their first occurrence due today or later (a plan starting
        in the past does not flood the planning with missed visits)."""
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.interval_type == "counter":
                plan._fse_write_system({"next_occurrence": 0, "next_date": plan._counter_forecast_date()})
                continue
            occurrence = 0
            if plan.start_date < today:
                # Jump close to today arithmetically, then step: a plan started years ago costs no loop.
                days = (today - plan.start_date).days
                approx = {"day": days, "week": days / 7, "month": days / 31}[plan.interval_type]
                occurrence = max(0, math.floor(approx / plan.interval_number) - 1)
                while plan._due_date(occurrence) < today:
                    occurrence += 1
            plan._fse_write_system({"next_occurrence": occurrence, "next_date": plan._due_date(occurrence)})

    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        plans = super().create(vals_list)
        plans._fse_reset_schedule()
        return plans

    def write(self, vals):
        self._fse_check_write_policy([vals])
        res = super().write(vals)
        if {"start_date", "interval_type", "interval_number", "counter_interval", "active"} & set(vals):
            self._fse_reset_schedule()
        return res

    def _counter_forecast_date(self, existing=None):
        """Meter plans: the earliest date one of the plan's machines reaches its next
        threshold not visited yet, from the meter's average use."""
        self.ensure_one()
        if existing is None:
            existing = self._fse_existing_occurrences({self: 0})
        machines = self._machines_on(fields.Date.context_today(self))
        dates = [due for _inst, _occ, due in self._counter_due_visits(machines, existing=existing)]
        return min(dates) if dates else False

    def _machines_on(self, day):
        self.ensure_one()
        if self.installation_id:
            return self.installation_id
        return self.contract_id.coverage_ids.filtered(lambda c: c._covers(day)).installation_id

    def _counter_due_visits(self, installations, horizon=None, existing=None):
        """Meter plans: [(machine, occurrence, due date)] of the next threshold of each machine,
        where occurrence k is the k-th multiple of the meter interval. A machine that jumped
        several thresholds since its last visit gets one visit (for the highest)."""
        self.ensure_one()
        result = []
        readings = self.env["fse.meter.reading"]._fse_last_readings(installations)
        for inst in installations:
            first, last = readings.get(inst, (None, None))
            if not last:
                continue
            done = (existing or {}).get((self.id, inst.id), 0)
            reached = math.floor(last.value / self.counter_interval)
            if reached > done:
                result.append((inst, reached, last.date))
                continue
            start_k = max(done, math.floor(first.value / self.counter_interval))
            days = (last.date - first.date).days
            rate = (last.value - first.value) / days if days else 0.0
            if rate <= 0:
                continue
            threshold = (start_k + 1) * self.counter_interval
            due = last.date + timedelta(days=math.ceil((threshold - last.value) / rate))
            if horizon is None or due <= horizon:
                result.append((inst, start_k + 1, due))
        return result

    # ------------------------------------------------------------------ generation
    @api.model
    def _fse_horizon_domain(self, today):
        """Plans with a visit to create within their company's horizon."""
        # Horizons are company settings, read whatever the user's allowed companies.
        companies = self.env["res.company"].sudo().search([], limit=None)
        return Domain.OR(
            [
                Domain("company_id", "=", company.id)
                & Domain("next_date", "<=", today + timedelta(days=company.fse_plan_horizon_days))
                for company in companies
            ]
        ) & Domain.OR([Domain("contract_id", "=", False), Domain("contract_id.state", "=", "running")])

    @api.model
    def _cron_generate_orders(self, batch_size=500, domain=None):
        """Create the preventive visits due within the horizon (of all plans, or of those in
        `domain`), plan batch by plan batch, committing each: a crash loses nothing done, and
        a re-run never creates a visit twice. Returns the number of visits created.

        Safe beside other runs and people's clicks (the batch runner, `_fse_run_batches`):
        plans another transaction holds are skipped, not waited for, and the run goes on with
        the next plans; a batch whose plans changed since it was read is undone and read
        again (a few times, then its plans are skipped). The run schedules itself again
        shortly for the plans it skipped. A plan whose visits cannot be created (a
        UserError) is logged and left out; the other plans' visits are created."""
        today = fields.Date.context_today(self)
        due = self._fse_horizon_domain(today)
        if domain:
            due &= Domain(domain)
        orders = self._fse_run_batches(
            due,
            lambda plans: plans._fse_generate_orders(today),
            batch_size=batch_size,
            cron_xmlid="field_service_erp.ir_cron_fse_generate_preventive_orders",
            # Per company, the most urgent plans first.
            order="company_id, next_date, id",
        )
        return len(orders) if orders else 0

    def _fse_existing_occurrences(self, from_occurrence):
        """{(plan id, machine id): highest occurrence} of the visits already created from
        `from_occurrence[plan]` on: one query whatever the history."""
        if not self:
            return {}
        self.env["fse.work.order"].flush_model(["plan_id", "installation_id", "plan_occurrence"])
        self.env.cr.execute(
            SQL(
                """SELECT o.plan_id, o.installation_id, MAX(o.plan_occurrence)
                     FROM fse_work_order o
                     JOIN unnest(%s::int[], %s::int[]) AS p(id, occurrence)
                       ON o.plan_id = p.id AND o.plan_occurrence >= p.occurrence
                 GROUP BY o.plan_id, o.installation_id""",
                self.ids,
                [from_occurrence[plan] for plan in self],
            )
        )
        return {(plan_id, inst_id): occurrence for plan_id, inst_id, occurrence in self.env.cr.fetchall()}

    def _fse_generate_orders(self, today):
        """Create, in one batch, the visits of these plans due up to their company's horizon,
        and move each plan to its next occurrence beyond it."""
        horizon = {}
        for company in self.company_id:
            horizon[company] = today + timedelta(days=company.fse_plan_horizon_days)
        calendar_plans = self.filtered(lambda p: p.interval_type != "counter")
        counter_plans = self - calendar_plans
        self.fetch(["contract_id", "installation_id", "start_date", "interval_number", "next_occurrence"])
        self.contract_id.coverage_ids.fetch(["installation_id", "date_from", "date_to"])
        existing = self._fse_existing_occurrences(
            {plan: (plan.next_occurrence if plan in calendar_plans else 0) for plan in self}
        )
        todo = []  # (plan, machine, occurrence, due date)
        next_by_plan = {}
        for plan in calendar_plans:
            limit = horizon[plan.company_id]
            if plan.contract_id.date_end:
                limit = min(limit, plan.contract_id.date_end)
            occurrence = plan.next_occurrence
            due = plan._due_date(occurrence)
            while due <= limit:
                for inst in plan._machines_on(due):
                    if existing.get((plan.id, inst.id), -1) < occurrence:
                        todo.append((plan, inst, occurrence, due))
                occurrence += 1
                due = plan._due_date(occurrence)
            ended = plan.contract_id.date_end and due > plan.contract_id.date_end
            next_by_plan[plan] = (occurrence, False if ended else due)
        for plan in counter_plans:
            machines = plan._machines_on(today)
            for inst, occurrence, due in plan._counter_due_visits(machines, horizon[plan.company_id], existing):
                if existing.get((plan.id, inst.id), 0) < occurrence:
                    todo.append((plan, inst, occurrence, due))
        machines = self.env["fse.installation"].union(*(inst for _p, inst, _o, _d in todo))
        machines.fetch(["partner_id", "site_partner_id", "company_id", "state"])
        vals_list = [
            plan._fse_prepare_order_vals(inst, occurrence, due)
            for plan, inst, occurrence, due in todo
            if inst.state == "active"
        ]
        orders = self.env["fse.work.order"]._fse_create_planned(vals_list)
        # Calendar plans move on; meter plans get a fresh forecast (their readings moved on).
        for (occurrence, due), plans in _group_by_value(next_by_plan).items():
            plans._fse_write_system({"next_occurrence": occurrence, "next_date": due})
        for _plan, inst, occurrence, _due in todo:
            existing[(_plan.id, inst.id)] = max(existing.get((_plan.id, inst.id), 0), occurrence)
        for plan in counter_plans:
            plan.next_date = plan._counter_forecast_date(existing)
        return orders

    def _fse_prepare_order_vals(self, installation, occurrence, due):
        """Values of the visit `occurrence` of this plan on `installation` (hook)."""
        self.ensure_one()
        vals = {
            "name": False,
            "plan_id": self.id,
            "plan_occurrence": occurrence,
            "plan_due_date": due,
            "installation_id": installation.id,
            "partner_id": installation.partner_id.id,
            "site_partner_id": installation.site_partner_id.id or installation.partner_id.id,
            "company_id": installation.company_id.id,
            "contract_id": self.contract_id.id,
            "order_type": self.order_type,
            "technician_id": self.technician_id.id,
            "duration_estimate": self.duration_hours,
            "description": self.description or False,
            "part_line_ids": [
                Command.create({"product_id": part.product_id.id, "quantity": part.quantity}) for part in self.part_ids
            ],
        }
        if self.team_id:  # otherwise the order takes its technician's team
            vals["team_id"] = self.team_id.id
        return vals

    def action_generate_now(self):
        """Button: create this plan's visits due within the horizon now."""
        self.check_access("write")  # the back office's: technicians only read plans
        self._fse_lock(skip_locked=True)._fse_generate_orders(fields.Date.context_today(self))
        return True


def _group_by_value(mapping):
    """{value: recordset of keys} for a {record: value} dict (to write equal values at once)."""
    grouped = {}
    for record, value in mapping.items():
        grouped[value] = grouped.get(value, record.browse()) | record
    return grouped
