import logging
from collections import defaultdict
from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

# Contract states a person may move a contract to, from where (one table, like the work order's).
CONTRACT_TRANSITIONS = {
    "confirm": (("draft",), "running"),
    "cancel": (("draft", "running"), "cancelled"),
    "expire": (("running",), "expired"),
    "renew": (("running", "expired"), "running"),
    "reset_draft": (("cancelled",), "draft"),
}


class FseContract(models.Model):
    """A service contract: which machines of a customer are covered, how (coverage rules,
    SLA), which preventive visits are promised, for how long, and how it renews."""

    _name = "fse.contract"
    _description = "Service Contract"
    _inherit = ["mail.thread", "mail.activity.mixin", "fse.write.policy", "fse.row.lock"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, index="trigram", default=lambda s: s.env._("New")
    )
    title = fields.Char(string="Description", tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    user_id = fields.Many2one("res.users", string="Account Manager", default=lambda s: s.env.user, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda s: s.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("expired", "Expired"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_start = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(
        compute="_compute_date_end",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="Last day of the current term. Empty for an open-ended contract.",
    )
    term_months = fields.Integer(
        string="Term (months)", default=12, help="Length of the first term and of each renewal."
    )
    auto_renew = fields.Boolean(
        default=True, tracking=True, help="Renew by one term on the end date unless notice was given before."
    )
    notice_days = fields.Integer(string="Notice Period (days)", default=30)
    notice_date = fields.Date(
        compute="_compute_notice_date", help="Last day the customer or we can give notice to stop the renewal."
    )
    renewal_count = fields.Integer(readonly=True, copy=False)
    date_cancelled = fields.Date(readonly=True, copy=False, tracking=True)

    # Covered machines, dated: adding or removing one mid-term is a fact billing prorates.
    coverage_ids = fields.One2many("fse.contract.installation", "contract_id", string="Covered Machines", copy=True)
    installation_ids = fields.Many2many(
        "fse.installation",
        compute="_compute_installation_ids",
        search="_search_installation_ids",
        string="Machines Covered Today",
    )
    installation_count = fields.Integer(compute="_compute_installation_ids")

    # Coverage rules: what the customer does not pay on orders for covered machines.
    labor_coverage_percent = fields.Float(
        string="Labor Covered %", tracking=True, groups="field_service_erp.group_fse_dispatcher"
    )
    parts_coverage_percent = fields.Float(
        string="Parts Covered %", tracking=True, groups="field_service_erp.group_fse_dispatcher"
    )
    callout_covered = fields.Boolean(
        string="Travel and Call-out Covered",
        tracking=True,
        help="The call-out fee and travel time are covered; otherwise travel is covered like labor.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    preventive_included = fields.Boolean(
        string="Preventive Visits Included",
        default=True,
        help="Labor of the preventive visits planned by this contract is fully covered.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    excluded_categ_ids = fields.Many2many(
        "product.category",
        string="Excluded Categories",
        help="Parts and services of these categories are never covered (consumables, accessories...).",
        groups="field_service_erp.group_fse_dispatcher",
    )
    included_quantity = fields.Float(
        string="Included",
        help="Hours or visits included per period; beyond, the coverage percentages apply.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    included_unit = fields.Selection(
        [("hours", "Hours"), ("visits", "Visits")],
        default="hours",
        required=True,
        groups="field_service_erp.group_fse_dispatcher",
    )
    included_period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Contract Year")],
        default="year",
        required=True,
        string="Per",
        groups="field_service_erp.group_fse_dispatcher",
    )
    yearly_cap = fields.Monetary(
        help="Most the contract covers per contract year; beyond, the customer pays. 0 means no cap.",
        groups="field_service_erp.group_fse_dispatcher",
    )

    # Service level: how fast a corrective call gets a technician, in working hours.
    sla_response_hours = fields.Float(string="Response Time (h)", tracking=True)
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        default=lambda s: s.env.company.resource_calendar_id,
        check_company=True,
        help="The response time counts only these hours (public holidays excluded).",
    )

    plan_ids = fields.One2many("fse.maintenance.plan", "contract_id", string="Maintenance Plans", copy=True)
    work_order_ids = fields.One2many("fse.work.order", "contract_id", string="Work Orders")
    open_order_count = fields.Integer(compute="_compute_order_stats")
    planned_visit_count = fields.Integer(compute="_compute_order_stats", string="Planned Visits")
    done_visit_count = fields.Integer(compute="_compute_order_stats", string="Done Visits")
    sla_on_time_count = fields.Integer(compute="_compute_order_stats", string="On Time")
    sla_late_count = fields.Integer(compute="_compute_order_stats", string="Late")
    sla_on_time_rate = fields.Float(compute="_compute_order_stats", string="SLA Met %")
    note = fields.Html(string="Terms", groups="field_service_erp.group_fse_dispatcher")

    _name_company_unique = models.UniqueIndex("(name, company_id)", "Contract references must be unique.")
    _dates_ordered = models.Constraint(
        "CHECK(date_end IS NULL OR date_end >= date_start)", "A contract cannot end before it starts."
    )
    _percents_valid = models.Constraint(
        "CHECK(labor_coverage_percent BETWEEN 0 AND 100 AND parts_coverage_percent BETWEEN 0 AND 100)",
        "Coverage percentages are between 0 and 100.",
    )
    _term_positive = models.Constraint("CHECK(term_months >= 0 AND notice_days >= 0)", "Terms cannot be negative.")

    # ------------------------------------------------------------------ computes
    @api.depends("date_start", "term_months")
    def _compute_date_end(self):
        for contract in self:
            if contract.date_start and contract.term_months and not contract.renewal_count:
                contract.date_end = contract.date_start + relativedelta(months=contract.term_months, days=-1)

    @api.depends("date_end", "notice_days")
    def _compute_notice_date(self):
        for contract in self:
            contract.notice_date = contract.date_end and contract.date_end - timedelta(days=contract.notice_days)

    @api.depends("coverage_ids.date_from", "coverage_ids.date_to")
    def _compute_installation_ids(self):
        today = fields.Date.context_today(self)
        for contract in self:
            contract.installation_ids = contract.coverage_ids.filtered(lambda c: c._covers(today)).installation_id
            contract.installation_count = len(contract.installation_ids)

    def _search_installation_ids(self, operator, value):
        if operator not in ("in", "any"):
            return NotImplemented
        return [("coverage_ids", "any", [("installation_id", operator, value)])]

    def _compute_order_stats(self):
        Order = self.env["fse.work.order"]
        domain = [("contract_id", "in", self.ids)]
        by_contract = defaultdict(list)
        for contract, state, sla, count in Order._read_group(
            domain, ["contract_id", "state", "sla_status"], ["__count"]
        ):
            by_contract[contract].append((state, sla, count))
        visits = defaultdict(list)
        for contract, state, count in Order._read_group(
            domain + [("plan_id", "!=", False)], ["contract_id", "state"], ["__count"]
        ):
            visits[contract].append((state, count))
        for contract in self:
            rows = by_contract[contract]
            on_time = sum(n for _state, sla, n in rows if sla == "on_time")
            late = sum(n for _state, sla, n in rows if sla == "late")
            contract.open_order_count = sum(n for state, _sla, n in rows if state not in ("done", "cancel"))
            contract.planned_visit_count = sum(n for state, n in visits[contract] if state not in ("done", "cancel"))
            contract.done_visit_count = sum(n for state, n in visits[contract] if state == "done")
            contract.sla_on_time_count = on_time
            contract.sla_late_count = late
            contract.sla_on_time_rate = 100.0 * on_time / (on_time + late) if on_time + late else 0.0

    # ------------------------------------------------------------------ constraints
    @api.constrains("partner_id", "coverage_ids")
    def _check_machines_belong_to_customer(self):
        for contract in self:
            foreign = contract.coverage_ids.installation_id.filtered(
                lambda i, c=contract: i.partner_id.commercial_partner_id != c.partner_id.commercial_partner_id
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Machine %(machine)s does not belong to %(customer)s.",
                        machine=foreign[0].display_name,
                        customer=contract.partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("fse.contract") or "/"
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_write_policy([vals])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(c.state not in ("draft", "cancelled") for c in self):
            raise UserError(self.env._("Only draft or cancelled contracts can be deleted."))

    # ------------------------------------------------------------------ transitions
    def _fse_transition(self, action):
        self.check_access("write")
        sources, target = CONTRACT_TRANSITIONS[action]
        refused = self.filtered(lambda c: c.state not in sources and not (c.state == target and action != "renew"))
        if refused:
            raise UserError(
                self.env._(
                    "Contract %(name)s is %(state)s: this is not possible.",
                    name=refused[0].name,
                    state=dict(self._fields["state"]._description_selection(self.env))[refused[0].state],
                )
            )
        self._fse_lock()
        return self.filtered(lambda c: c.state != target or action == "renew")

    def action_confirm(self):
        todo = self._fse_transition("confirm")
        for contract in todo:
            if not contract.coverage_ids:
                raise UserError(self.env._("Add the machines contract %s covers before confirming it.", contract.name))
        todo._fse_write_system({"state": "running"})
        todo._fse_after_confirm()
        return True

    def _fse_after_confirm(self):
        """Hook: what confirming a contract sets up elsewhere (billing: the analytic account)."""

    def action_cancel(self):
        """Stop the contract today: no more visits are planned, billing stops at this date."""
        todo = self._fse_transition("cancel")
        today = fields.Date.context_today(self)
        for contract in todo:
            end = max(today, contract.date_start)  # terminated before it starts: its first day at most
            if contract.state == "draft":
                contract._fse_write_system({"state": "cancelled"})
                continue
            contract._fse_write_system({"state": "cancelled", "date_cancelled": today, "date_end": end})
        todo._fse_cancel_future_visits()
        return True

    def action_reset_draft(self):
        self._fse_transition("reset_draft")._fse_write_system({"state": "draft", "date_cancelled": False})
        return True

    def _fse_cancel_future_visits(self):
        visits = self.env["fse.work.order"].search(
            [
                ("contract_id", "in", self.ids),
                ("plan_id", "!=", False),
                ("state", "in", ("draft", "scheduled")),
            ]
        )
        visits = visits.filtered(lambda o: o.plan_due_date and o.plan_due_date > o.contract_id.date_end)
        visits.action_cancel()

    def action_renew(self):
        """Extend the contract by one term. Its machines, plans and billing lines stay as they
        are (billing applies the price indexation through _fse_after_renew)."""
        todo = self._fse_transition("renew")
        for contract in todo:
            if not contract.date_end or not contract.term_months:
                raise UserError(self.env._("Contract %s has no end date or term to renew.", contract.name))
            old_end = contract.date_end
            # From the day after the end, so a term ending on Feb 28 renews to the next Feb 28/29.
            new_end = old_end + timedelta(days=1) + relativedelta(months=contract.term_months, days=-1)
            contract._fse_write_system(
                {"state": "running", "date_end": new_end, "renewal_count": contract.renewal_count + 1}
            )
            contract.message_post(
                body=self.env._(
                    "Renewed until %(end)s (was %(old)s).",
                    end=fields.Date.to_string(new_end),
                    old=fields.Date.to_string(old_end),
                )
            )
            contract._fse_after_renew(old_end)
        return True

    def _fse_after_renew(self, old_end):
        """Hook called once per renewal of each contract in self."""

    def action_stop_renewal(self):
        """Notice given: the contract will expire at its end date instead of renewing."""
        today = fields.Date.context_today(self)
        late = self.filtered(lambda c: c.notice_date and today > c.notice_date and c.auto_renew)
        if late and not self.env.user.has_group("field_service_erp.group_fse_manager"):
            raise UserError(
                self.env._(
                    "The notice period of contract %(name)s ended on %(date)s; "
                    "only a manager can stop its renewal now.",
                    name=late[0].name,
                    date=fields.Date.to_string(late[0].notice_date),
                )
            )
        self.write({"auto_renew": False})
        return True

    @api.model
    def _cron_contract_lifecycle(self, batch_size=200, domain=None):
        """Renew (auto-renew) or expire running contracts whose term is over (all of them, or
        those in `domain`), in batches, with the batch runner (`_fse_run_batches`) as the
        invoicing runs: beside other runs and people's clicks, contracts held elsewhere are
        skipped and the run goes on, a batch changed under it is read again, and the run
        schedules itself again for what it skipped. A contract that cannot be renewed (a
        UserError) is logged and left out; the others are renewed or expired."""
        today = fields.Date.context_today(self)
        ended = Domain("state", "=", "running") & Domain("date_end", "<", today)
        if domain:
            ended &= Domain(domain)
        self._fse_run_batches(
            ended,
            lambda contracts: contracts._fse_renew_or_expire(today),
            batch_size=batch_size,
            cron_xmlid="field_service_erp.ir_cron_fse_contract_lifecycle",
            order="company_id, date_end, id",
        )
        return True

    def _fse_renew_or_expire(self, today):
        """Contracts whose term ended before `today`: renew them (as many terms as needed)
        when they auto-renew, otherwise expire them."""
        for contract in self.filtered(lambda c: c.state == "running" and c.date_end and c.date_end < today):
            if contract.auto_renew and contract.term_months:
                while contract.date_end < today:
                    contract.action_renew()
            else:
                contract._fse_transition("expire")._fse_write_system({"state": "expired"})

    # ------------------------------------------------------------------ rules used by orders
    def _fse_coverage_reason(self):
        self.ensure_one()
        return self.env._("Contract %s", self.name)

    def _fse_sla_deadline(self, reported_on):
        """The response deadline (UTC, naive) of a call reported at `reported_on` (UTC, naive):
        `sla_response_hours` working hours later on the contract's calendar, public holidays
        excluded. False without an SLA."""
        self.ensure_one()
        if not self.sla_response_hours or not reported_on:
            return False
        calendar = self.resource_calendar_id or self.company_id.resource_calendar_id
        if not calendar:
            return reported_on + timedelta(hours=self.sla_response_hours)
        start = pytz.utc.localize(reported_on)
        deadline = calendar.plan_hours(self.sla_response_hours, start, compute_leaves=True)
        if not deadline:
            raise UserError(self.env._("The working hours of contract %s leave no time to respond.", self.name))
        return deadline.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _fse_contracts_covering(self, installations, day):
        """{installation: running contract covering it on `day`} in one query."""
        coverages = (
            self.env["fse.contract.installation"]
            # sudo: coverage rows find an order's contract, whoever creates the order.
            .sudo()
            .search(
                [
                    ("installation_id", "in", installations.ids),
                    ("contract_id.state", "=", "running"),
                    ("date_from", "<=", day),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", day),
                ]
            )
        )
        result = {}
        for coverage in coverages:
            contract = coverage.contract_id
            if contract.date_start <= day and (not contract.date_end or contract.date_end >= day):
                result[coverage.installation_id] = contract.sudo(False)
        return result

    # ------------------------------------------------------------------ buttons
    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_erp.action_fse_work_order")
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id, "search_default_filter_open": 1}
        return action

    def action_view_installations(self):
        self.ensure_one()
        return self.coverage_ids.installation_id._get_records_action(name=self.env._("Covered Machines"))
