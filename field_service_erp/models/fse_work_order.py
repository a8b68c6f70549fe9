import math
from collections import defaultdict
from datetime import datetime, time, timedelta
from urllib.parse import quote as url_quote

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL, clean_context, format_date, format_duration

from odoo.addons.stock.models.stock_rule import ProcurementException

TECHNICIAN_GROUP = "field_service_erp.group_fse_technician"
DISPATCHER_GROUP = "field_service_erp.group_fse_dispatcher"
# The one transition table of the work order:
#   action -> (states it may start from, target state, group allowed to run it).
# Every action_* goes through _fse_transition(), which reads this table and nothing else.
# Technicians start and complete their own jobs; planning, cancelling and reopening (which
# gives the parts back) are the back office's decisions.
WORK_ORDER_TRANSITIONS = {
    "schedule": (("draft",), "scheduled", DISPATCHER_GROUP),
    "start": (("draft", "scheduled"), "in_progress", TECHNICIAN_GROUP),
    "complete": (("scheduled", "in_progress"), "done", TECHNICIAN_GROUP),
    "cancel": (("draft", "scheduled", "in_progress", "done"), "cancel", DISPATCHER_GROUP),
    "reset_draft": (("scheduled", "in_progress", "done", "cancel"), "draft", DISPATCHER_GROUP),
}
# Orders in these states are closed: their content can no longer change.
LOCKED_STATES = ("done", "cancel")
# Context key of a completion the user has confirmed (the wizard's Confirm, or an API caller
# who knows): action_complete then no longer asks about the order's time.
LABOR_CONFIRMED = "fse_labor_confirmed"


class FseWorkOrder(models.Model):
    _name = "fse.work.order"
    _description = "Field Service Work Order"
    # rating.mixin: the customer rates a done visit (see fse_work_order_customer.py).
    _inherit = [
        "portal.mixin",
        "rating.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "fse.write.policy",
        "fse.row.lock",
    ]
    _order = "priority desc, scheduled_start, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    site_partner_id = fields.Many2one(
        "res.partner",
        string="Site",
        index=True,
        compute="_compute_site_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Address where the work is done.",
    )
    installation_id = fields.Many2one(
        "fse.installation",
        string="Machine",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('partner_id', '=?', partner_id), ('state', '=', 'active')]",
    )
    lot_id = fields.Many2one(related="installation_id.lot_id", string="Serial Number")
    order_type = fields.Selection(
        [
            ("installation", "Installation"),
            ("preventive", "Preventive Maintenance"),
            ("corrective", "Corrective Repair"),
            ("inspection", "Inspection"),
        ],
        string="Type",
        required=True,
        default="corrective",
        index=True,
        tracking=True,
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")],
        default="0",
        index=True,
    )
    technician_id = fields.Many2one(
        "res.users",
        index=True,
        tracking=True,
        check_company=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref("field_service_erp.group_fse_technician").id)],
    )
    scheduled_start = fields.Datetime(index=True, tracking=True)
    # Follows the start and the estimate (see _compute_scheduled_end); an end written with
    # them in the same call wins.
    scheduled_end = fields.Datetime(
        compute="_compute_scheduled_end",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    scheduled_hours = fields.Float(compute="_compute_scheduled_hours", string="Planned Hours")
    date_started = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_done = fields.Datetime(string="Completed On", readonly=True, copy=False, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        group_expand=True,
    )
    part_line_ids = fields.One2many("fse.work.order.part", "order_id", string="Parts", copy=True)
    labor_line_ids = fields.One2many("fse.work.order.labor", "order_id", string="Labor")
    check_ids = fields.One2many("fse.work.order.check", "order_id", string="Checklist")
    photo_ids = fields.One2many("fse.work.order.photo", "order_id", string="Photos")
    photo_count = fields.Integer(compute="_compute_photo_count")
    labor_hours = fields.Float(compute="_compute_labor_hours", string="Hours Worked")
    move_ids = fields.One2many("stock.move", "fse_work_order_id", string="Stock Moves", readonly=True)
    move_count = fields.Integer(compute="_compute_move_count")
    # Request Parts: the van's replenishments asked from this order (see _fse_request_parts).
    request_move_ids = fields.One2many("stock.move", "fse_request_order_id", string="Requested Parts", readonly=True)
    request_move_count = fields.Integer(compute="_compute_request_move_count", string="Part Requests")
    parts_waiting = fields.Boolean(
        string="Waiting for Parts",
        compute="_compute_parts_waiting",
        store=True,
        index=True,
        help="Parts requested from the warehouse for this job are not in the technician's van yet.",
    )
    stock_reference_id = fields.Many2one(
        "stock.reference",
        readonly=True,
        copy=False,
        help="Groups the transfers that bring this order's requested parts to the van.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    parts_cost = fields.Monetary(
        compute="_compute_parts_cost",
        string="Cost of Parts",
        help="Stock value of the parts consumed, net of returns (from inventory valuation).",
        groups="field_service_erp.group_fse_dispatcher",
    )
    description = fields.Html(string="Problem Description")
    resolution = fields.Html()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    is_today = fields.Boolean(
        compute="_compute_is_today",
        search="_search_is_today",
        string="Today",
        help="Scheduled on the user's today (his time zone): starting today, or started before and still running.",
    )
    # My Day's sections: late jobs first, then today's, then the next ones.
    day_bucket = fields.Selection(
        [("overdue", "Overdue"), ("today", "Today"), ("next", "Next")],
        compute="_compute_day_bucket",
        string="When",
    )
    # Scanning on the phone (camera, through the many2one_barcode widget): a serial or lot
    # scanned adds that part; a product barcode adds one more of the product.
    scan_lot_id = fields.Many2one("stock.lot", string="Scan Serial/Lot", store=False)
    scan_product_id = fields.Many2one("product.product", string="Scan Part", store=False)
    # What the scan fields offer: parts and serials on hand where new lines take parts from.
    pick_location_id = fields.Many2one(
        "stock.location", compute="_compute_pick", string="Parts From", help="The technician's van, else the stock."
    )
    pick_product_ids = fields.Many2many("product.product", compute="_compute_pick", string="Pickable Parts")
    pick_lot_ids = fields.Many2many("stock.lot", compute="_compute_pick", string="Pickable Lots")
    site_map_url = fields.Char(compute="_compute_site_map_url", string="Map")
    signature = fields.Image(copy=False, max_width=1024, max_height=1024, help="The customer's signature on site.")
    signed_by = fields.Char(copy=False, help="Name of the person who signed.")
    signed_on = fields.Datetime(copy=False, readonly=True)
    # The work timer: the running segment's start, and the seconds of the segments before.
    timer_start = fields.Datetime(readonly=True, copy=False)
    timer_seconds = fields.Float(readonly=True, copy=False)
    timer_running = fields.Boolean(compute="_compute_timer_running")
    timer_hours = fields.Float(compute="_compute_timer_hours", string="Timer", help="Time on the timer so far.")
    timer_hours_to_add = fields.Float(
        compute="_compute_timer_hours_to_add",
        string="Timer Adds",
        help="What the timer will add to the labor when the order is completed: its time rounded up, "
        "less the technician's hand-entered work of the same day (labor is counted once).",
    )
    no_labor = fields.Boolean(
        string="Completed without Labor",
        compute="_compute_no_labor",
        store=True,
        index=True,
        help="Completed with no labor at all although the order was expected to record some.",
    )
    fse_back_office = fields.Boolean(
        compute="_compute_fse_back_office", help="The current user plans and bills orders (a dispatcher)."
    )
    color = fields.Integer()
    team_id = fields.Many2one(
        "fse.team",
        index="btree_not_null",
        check_company=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Defaults to the technician's team in the order's company.",
    )
    skill_ids = fields.Many2many(
        "fse.skill",
        string="Required Skills",
        compute="_compute_skill_ids",
        store=True,
        readonly=False,
        precompute=True,
        help="Skills the technician needs: those required for the order type (Configuration ‣ Skills), "
        "plus any the dispatcher adds. The dispatch board warns when the technician lacks one.",
    )
    date_reported = fields.Datetime(
        string="Reported On",
        default=fields.Datetime.now,
        required=True,
        copy=False,
        help="When the customer called: the SLA response time counts from here.",
    )
    duration_estimate = fields.Float(string="Estimated Hours")
    service_date = fields.Date(
        compute="_compute_service_date",
        store=True,
        index=True,
        help="The day the work counts for: the day it was completed, else the day it is scheduled, else the day "
        "it was reported (the technician's time zone). Coverage, contract allowances, prices and reports read it.",
    )
    # Contract and preventive plan.
    contract_id = fields.Many2one(
        "fse.contract",
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('partner_id', '=', partner_id), ('state', '=', 'running')]",
        help="The running contract covering the machine on the order's date.",
    )
    plan_id = fields.Many2one(
        "fse.maintenance.plan", string="Maintenance Plan", readonly=True, copy=False, ondelete="set null"
    )
    plan_occurrence = fields.Integer(readonly=True, copy=False, help="Which visit of its plan this order is.")
    plan_due_date = fields.Date(string="Due Date", readonly=True, copy=False, index="btree_not_null")
    sla_deadline = fields.Datetime(
        string="Respond By",
        compute="_compute_sla_deadline",
        store=True,
        index="btree_not_null",
        help="Corrective orders under a contract with an SLA: the technician must start before this.",
    )
    sla_status = fields.Selection(
        [("none", "No SLA"), ("pending", "Waiting"), ("on_time", "On Time"), ("late", "Late")],
        string="SLA",
        compute="_compute_sla_status",
        store=True,
        index=True,
    )
    sla_late = fields.Boolean(
        string="SLA Late",
        compute="_compute_sla_late",
        search="_search_sla_late",
        help="Started late, or not yet started and late.",
    )

    _scheduled_dates_ordered = models.Constraint(
        "CHECK(scheduled_end IS NULL OR scheduled_start IS NULL OR scheduled_end >= scheduled_start)",
        "The scheduled end must come after the scheduled start.",
    )
    _name_company_unique = models.UniqueIndex("(name, company_id)", "Work order references must be unique.")
    # A preventive visit exists once per plan, machine and occurrence (its due date), whoever creates it.
    _plan_visit_unique = models.UniqueIndex(
        "(plan_id, installation_id, plan_occurrence) WHERE plan_id IS NOT NULL",
        "This preventive visit already exists.",
    )
    # Technicians' "my day" and the dispatch board filter on these columns together.
    _technician_schedule_idx = models.Index("(technician_id, state, scheduled_start)")

    # ------------------------------------------------------------------ computes
    @api.depends("installation_id")
    def _compute_partner_id(self):
        for order in self:
            if order.installation_id:
                order.partner_id = order.installation_id.partner_id

    @api.depends("installation_id", "partner_id")
    def _compute_site_partner_id(self):
        for order in self:
            if order.installation_id.site_partner_id:
                order.site_partner_id = order.installation_id.site_partner_id
            elif order.partner_id and (
                order.site_partner_id.commercial_partner_id != order.partner_id.commercial_partner_id
            ):
                order.site_partner_id = order.partner_id.address_get(["delivery"])["delivery"]

    @api.depends("technician_id", "company_id")
    def _compute_team_id(self):
        orders = self.filtered("technician_id")
        teams = (
            self.env["fse.team"]
            # sudo: teams are configuration; the default team is found whatever the user may read.
            .sudo()
            .search(
                [("member_ids", "in", orders.technician_id.ids), ("company_id", "in", orders.company_id.ids)],
                order="sequence, id",
            )
        )
        for order in self:
            if not order.technician_id or order.technician_id in order.team_id.member_ids:
                order.team_id = order.team_id
                continue
            order.team_id = next(
                (t for t in teams if t.company_id == order.company_id and order.technician_id in t.member_ids),
                False,
            )

    @api.depends("order_type")
    def _compute_skill_ids(self):
        by_type = self.env["fse.skill"]._fse_skills_by_type()
        for order in self:
            order.skill_ids = by_type.get(order.order_type, self.env["fse.skill"])

    @api.depends("installation_id", "plan_due_date")
    def _compute_contract_id(self):
        by_day = {}
        for order in self:
            if not order.installation_id:
                order.contract_id = False
                continue
            day = order.plan_due_date or fields.Date.context_today(order, order.date_reported)
            by_day.setdefault(day, self.browse())
            by_day[day] |= order
        for day, orders in by_day.items():
            covering = self.env["fse.contract"]._fse_contracts_covering(orders.installation_id, day)
            for order in orders:
                order.contract_id = covering.get(order.installation_id, False)

    @api.depends("contract_id.sla_response_hours", "contract_id.resource_calendar_id", "order_type", "date_reported")
    def _compute_sla_deadline(self):
        for order in self:
            if order.order_type == "corrective" and order.contract_id:
                order.sla_deadline = order.contract_id._fse_sla_deadline(order.date_reported)
            else:
                order.sla_deadline = False

    @api.depends("sla_deadline", "date_started", "state")
    def _compute_sla_status(self):
        for order in self:
            if not order.sla_deadline or (order.state == "cancel" and not order.date_started):
                order.sla_status = "none"
            elif not order.date_started:
                order.sla_status = "pending"
            else:
                order.sla_status = "on_time" if order.date_started <= order.sla_deadline else "late"

    @api.depends("sla_status", "sla_deadline")
    def _compute_sla_late(self):
        now = fields.Datetime.now()
        for order in self:
            order.sla_late = order.sla_status == "late" or (order.sla_status == "pending" and order.sla_deadline < now)

    def _search_sla_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain("sla_status", "=", "late") | (
            Domain("sla_status", "=", "pending") & Domain("sla_deadline", "<", fields.Datetime.now())
        )
        return domain if (operator == "=") == value else ~domain

    @api.depends("date_done", "scheduled_start", "date_reported", "technician_id.tz")
    def _compute_service_date(self):
        for order in self:
            order.service_date = order._fse_service_date()

    def _fse_service_date(self):
        """The one rule for the day an order's work counts for (see service_date)."""
        self.ensure_one()
        moment = self.date_done or self.scheduled_start or self.date_reported or fields.Datetime.now()
        tz = self.technician_id.tz or self.company_id.partner_id.tz or "UTC"
        return pytz.utc.localize(moment).astimezone(pytz.timezone(tz)).date()

    @api.depends("scheduled_start", "duration_estimate")
    def _compute_scheduled_end(self):
        """The end is the start plus the estimate; without an estimate, the start plus the
        order's previous planned duration (write() gives it, the form reads it on the record
        before the change), else one hour. Without a start the end stays as it is."""
        for order in self:
            start = order.scheduled_start
            if not start:
                continue
            hours = max(order.duration_estimate, 0.0)
            origin = order._origin
            if not hours and origin.id != order.id and origin.scheduled_start and origin.scheduled_end:
                hours = (origin.scheduled_end - origin.scheduled_start).total_seconds() / 3600
            order.scheduled_end = start + timedelta(hours=hours or 1)

    @api.depends("scheduled_start", "scheduled_end")
    def _compute_scheduled_hours(self):
        for order in self:
            if order.scheduled_start and order.scheduled_end:
                order.scheduled_hours = (order.scheduled_end - order.scheduled_start).total_seconds() / 3600
            else:
                order.scheduled_hours = 0.0

    @api.depends("labor_line_ids.hours")
    def _compute_labor_hours(self):
        for order in self:
            order.labor_hours = sum(order.labor_line_ids.mapped("hours"))

    @api.depends("photo_ids")
    def _compute_photo_count(self):
        for order in self:
            order.photo_count = len(order.photo_ids)

    @api.depends("move_ids")
    def _compute_move_count(self):
        for order in self:
            order.move_count = len(order.move_ids)

    @api.depends("request_move_ids")
    def _compute_request_move_count(self):
        for order in self:
            order.request_move_count = len(order.request_move_ids)

    @api.depends("request_move_ids.state")
    def _compute_parts_waiting(self):
        for order in self:
            order.parts_waiting = any(move.state not in ("done", "cancel") for move in order.request_move_ids)

    @api.depends("move_ids.fse_signed_value")
    def _compute_parts_cost(self):
        for order in self:
            # sudo: valuation of the order's own moves; the field itself is for dispatchers only.
            order.parts_cost = sum(order.sudo().move_ids.mapped("fse_signed_value"))

    def _compute_access_url(self):
        for order in self:
            order.access_url = f"/my/work_orders/{order.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Service Report %s", self.name).replace("/", "-")

    @api.depends("site_partner_id", "partner_id")
    def _compute_site_map_url(self):
        for order in self:
            site = order.site_partner_id or order.partner_id
            address = ", ".join(filter(None, [site.street, site.zip, site.city, site.country_id.name]))
            order.site_map_url = (
                f"https://www.openstreetmap.org/search?query={url_quote(address)}" if address else False
            )

    @api.onchange("scan_lot_id")
    def _onchange_scan_lot_id(self):
        lot = self.scan_lot_id
        if not lot:
            return None
        self.scan_lot_id = False
        same = self.part_line_ids.filtered(lambda line: line.lot_id == lot)
        if same and lot.product_id.tracking == "serial":
            return {
                "warning": {
                    "title": self.env._("Already recorded"),
                    "message": self.env._("Serial %s is already on this order.", lot.name),
                }
            }
        if same:
            same[:1].quantity += 1
        else:
            self.part_line_ids = [Command.create({"product_id": lot.product_id.id, "lot_id": lot.id, "quantity": 1})]
        return None

    @api.onchange("scan_product_id")
    def _onchange_scan_product_id(self):
        product = self.scan_product_id
        if not product:
            return
        self.scan_product_id = False
        same = self.part_line_ids.filtered(lambda line: line.product_id == product and not line.lot_id)
        if same:
            same[:1].quantity += 1
        else:
            self.part_line_ids = [Command.create({"product_id": product.id, "quantity": 1})]

    @api.depends("technician_id", "company_id", "plan_id", "part_line_ids.product_id")
    def _compute_pick(self):
        sources = self._fse_default_part_locations()
        Product = self.env["product.product"]
        Lot = self.env["stock.lot"]
        products_at, lots_at = {}, {}
        for order in self:
            location = sources.get(order) or self.env["stock.location"]
            if location not in products_at:
                products_at[location] = Product.union(*Product._fse_free_qty_at(location))
                quants = (
                    self.env["stock.quant"]
                    # sudo: the lots on hand there, only offered to the scan field.
                    .sudo()
                    ._read_group(
                        [("location_id", "child_of", location.ids), ("lot_id", "!=", False), ("quantity", ">", 0)],
                        ["lot_id"],
                    )
                )
                lots_at[location] = Lot.union(*(lot for (lot,) in quants)).with_env(self.env)
            order.pick_location_id = location
            order.pick_product_ids = products_at[location] | order._fse_planned_products()
            order.pick_lot_ids = lots_at[location]

    def _fse_default_part_locations(self):
        """{order: where its part lines take parts from by default}: the technician's van
        in the order's company, else that company's stock."""
        vans = (
            self.env["stock.location"]
            # sudo: vans of the orders' technicians, whatever locations the user may read.
            .sudo()
            .search_fetch(
                [("fse_technician_id", "in", self.technician_id.ids), ("company_id", "in", self.company_id.ids)],
                ["fse_technician_id", "company_id"],
            )
        )
        van_by_key = {(van.fse_technician_id.id, van.company_id.id): van for van in vans}
        stock_by_company = self.company_id._fse_default_stock_locations()
        return {
            order: van_by_key.get((order.technician_id.id, order.company_id.id))
            or stock_by_company.get(order.company_id)
            for order in self
        }

    def _fse_planned_products(self, exclude_lines=None):
        """The parts this order plans: its lines' (other than `exclude_lines`) and its plan's kit."""
        self.ensure_one()
        lines = self.part_line_ids - exclude_lines if exclude_lines else self.part_line_ids
        return lines.product_id | self.plan_id.part_ids.product_id

    @api.depends_context("uid")
    def _compute_fse_back_office(self):
        # Only for the form: which fields to show read-only. The server's rule is the write policy.
        self.fse_back_office = self.env.user.has_group(DISPATCHER_GROUP)

    @api.depends("timer_start")
    def _compute_timer_running(self):
        for order in self:
            order.timer_running = bool(order.timer_start)

    @api.depends("timer_start", "timer_seconds")
    def _compute_timer_hours(self):
        now = fields.Datetime.now()
        for order in self:
            order.timer_hours = order._fse_timer_seconds(now) / 3600

    @api.depends(
        "timer_start",
        "timer_seconds",
        "technician_id",
        "date_started",
        "company_id.fse_timer_rounding_minutes",
        "labor_line_ids.hours",
        "labor_line_ids.date",
        "labor_line_ids.labor_type",
        "labor_line_ids.technician_id",
        "labor_line_ids.from_timer",
    )
    def _compute_timer_hours_to_add(self):
        for order in self:
            order.timer_hours_to_add = order._fse_timer_hours_to_add()

    @api.depends("state", "labor_line_ids")
    def _compute_no_labor(self):
        for order in self:
            order.no_labor = order.state == "done" and not order.labor_line_ids and order._fse_expects_labor()

    @api.depends("scheduled_end", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for order in self:
            order.is_overdue = bool(
                order.scheduled_end and order.scheduled_end < now and order.state not in LOCKED_STATES
            )

    @api.depends("scheduled_start", "scheduled_end", "state")
    @api.depends_context("tz")
    def _compute_day_bucket(self):
        today = fields.Date.context_today(self)
        for order in self:
            if order.is_overdue:
                order.day_bucket = "overdue"
            elif order.state == "in_progress" or (
                order.scheduled_start and fields.Datetime.context_timestamp(self, order.scheduled_start).date() <= today
            ):
                order.day_bucket = "today"
            else:
                order.day_bucket = "next"

    @api.model
    def _fse_today_bounds(self):
        """The user's today (context time zone, else his own) as UTC datetimes [start, end)."""
        tz = self.env.tz  # the context's, else the user's; UTC for a name that is no time zone
        today = fields.Date.context_today(self)
        return tuple(
            tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            for day in (today, today + timedelta(days=1))
        )

    @api.depends("scheduled_start", "scheduled_end")
    @api.depends_context("tz")
    def _compute_is_today(self):
        day_start, day_end = self._fse_today_bounds()
        for order in self:
            start, end = order.scheduled_start, order.scheduled_end
            order.is_today = bool(start and start < day_end and (start >= day_start or (end and end > day_start)))

    def _search_is_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        day_start, day_end = self._fse_today_bounds()
        domain = Domain("scheduled_start", "<", day_end) & (
            Domain("scheduled_start", ">=", day_start) | Domain("scheduled_end", ">", day_start)
        )
        return domain if (operator == "=") == value else ~domain

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [("scheduled_end", "<", fields.Datetime.now()), ("state", "not in", LOCKED_STATES)]
        if (operator == "=") != value:
            return ["!", "&", *domain]
        return domain

    # ------------------------------------------------------------------ constraints
    @api.constrains("installation_id", "partner_id")
    def _check_installation_customer(self):
        for order in self:
            inst = order.installation_id
            if inst and inst.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Machine %(machine)s belongs to %(owner)s, not to %(customer)s.",
                        machine=inst.name,
                        owner=inst.partner_id.display_name,
                        customer=order.partner_id.display_name,
                    )
                )

    @api.constrains("technician_id")
    def _check_technician(self):
        """The field's domain offers technicians only; this holds for every caller (API,
        import, the board): an active internal user of the Technician group."""
        group = self.env.ref(TECHNICIAN_GROUP)
        # sudo: the technician's groups and state, whatever the writer may read of users.
        technicians = self.technician_id.sudo()
        valid = technicians.filtered_domain(
            [("active", "=", True), ("share", "=", False), ("all_group_ids", "in", group.id)]
        )
        wrong = technicians - valid
        if wrong:
            raise ValidationError(self.env._("%(user)s is not an active field-service technician.", user=wrong[0].name))

    @api.constrains("signed_by", "signature")
    def _check_signer_name(self):
        """A signature names its signer: a blank name is refused, and so is a signature
        without a name (the report says who signed)."""
        for order in self:
            if (order.signed_by and not order.signed_by.strip()) or (order.signature and not order.signed_by):
                raise ValidationError(
                    self.env._("Work order %(name)s: write the name of the person who signs.", name=order.name)
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        unnamed = defaultdict(list)
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                unnamed[vals.get("company_id") or self.env.company.id].append(vals)
        for company_id, company_vals in unnamed.items():
            names = self._fse_next_names(self.env["res.company"].browse(company_id), len(company_vals))
            for vals, name in zip(company_vals, names, strict=True):
                vals["name"] = name
        orders = super().create(vals_list)
        orders._fse_apply_checklist()
        return orders

    @api.model
    def _fse_next_names(self, company, count):
        """`count` references from the company's work order sequence, drawn at once when the
        sequence allows it (a plain PostgreSQL sequence), one by one otherwise."""
        Sequence = self.env["ir.sequence"].with_company(company)
        # sudo: sequences are configuration users cannot read; only the order's own reference is drawn.
        sequence = Sequence.sudo().search(
            [("code", "=", "fse.work.order"), ("company_id", "in", [company.id, False])], order="company_id", limit=1
        )
        if not sequence:
            return ["/"] * count
        if count == 1 or sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        self.env.cr.execute(
            SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", count)
        )
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    @api.model
    def _fse_create_planned(self, vals_list):
        """Create planned visits in one batch, without a creation message or follower each
        (the plan is their trace)."""
        self.check_access("create")
        # The plan fields (plan, occurrence, due date) are the generator's own bookkeeping,
        # which no user writes: the visits are created as superuser once the right is checked.
        Order = self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        return Order.create(vals_list).with_env(self.env)

    @api.model
    def _fse_technician_fields(self):
        """What a technician records on their own open order; the rest is the back office's."""
        return super()._fse_technician_fields() | {
            "resolution",
            "signature",
            "signed_by",
            "part_line_ids",
            "labor_line_ids",
            "check_ids",
            "photo_ids",
            # the phone's scan inputs (not stored: their onchange adds part lines)
            "scan_lot_id",
            "scan_product_id",
        }

    def write(self, vals):
        self._fse_check_write_policy([vals])
        # Only a transition (the model's own, as superuser) writes 'state' and may touch a
        # closed order; anything else on a closed order is refused.
        if not (self.env.su and "state" in vals) and set(vals) - self._fse_fields_editable_when_locked():
            self._fse_check_not_locked()
        if vals.get("signature"):
            vals["signed_on"] = fields.Datetime.now()
        res = True
        for orders, orders_vals in self._fse_split_schedule_write(vals):
            res = super(FseWorkOrder, orders).write(orders_vals) and res
        if "order_type" in vals:
            self._fse_apply_checklist(reset=True)
        return res

    def _fse_split_schedule_write(self, vals):
        """[(orders, vals)] to write: an order left without estimate keeps its planned duration
        when its start or estimate changes, so its end is written along (grouped by that end).
        The compute of scheduled_end does the rest: it cannot see the values before the write."""
        if "scheduled_end" in vals or not {"scheduled_start", "duration_estimate"} & vals.keys():
            return [(self, vals)]
        if "scheduled_start" in vals and not vals["scheduled_start"]:
            return [(self, vals)]  # no start: the end stays
        new_start = fields.Datetime.to_datetime(vals.get("scheduled_start"))
        by_end = defaultdict(lambda: self.browse())
        for order in self:
            hours = vals["duration_estimate"] if "duration_estimate" in vals else order.duration_estimate
            if (hours or 0) <= 0 and order.scheduled_start and order.scheduled_end:
                start = new_start or order.scheduled_start
                by_end[start + (order.scheduled_end - order.scheduled_start)] |= order
        moved = self.browse().union(*by_end.values())
        split = [(orders, dict(vals, scheduled_end=end)) for end, orders in by_end.items()]
        if self - moved:
            split.append((self - moved, vals))
        return split

    def _fse_apply_checklist(self, reset=False):
        """Give orders the checklist of their type (untouched lists only, when resetting)."""
        orders = self.filtered(lambda o: o.state in ("draft", "scheduled"))
        if reset:
            untouched = orders.filtered(lambda o: not any(o.check_ids.mapped("done")))
            # sudo: untouched checklist rows are the model's own; technicians may not delete checks.
            untouched.check_ids.sudo().unlink()
            orders = untouched
        orders = orders.filtered(lambda o: not o.check_ids)
        if not orders:
            return
        # Checklist templates are configuration that technicians may not read themselves.
        items = (
            self.env["fse.checklist.item"]
            # sudo: checklist templates are configuration technicians may not read.
            .sudo()
            .search(
                [
                    ("order_type", "in", orders.mapped("order_type")),
                    ("company_id", "in", [False, *orders.company_id.ids]),
                ]
            )
        )
        # sudo: the order's checklist is copied from the templates by the model, not by the user.
        self.env["fse.work.order.check"].sudo().create(
            [
                {"order_id": order.id, "name": item.name, "sequence": item.sequence, "required": item.required}
                for order in orders
                for item in items
                if item.order_type == order.order_type
                and item.company_id in (order.company_id, self.env["res.company"])
            ]
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        for order in self:
            if order.state not in ("draft", "cancel"):
                raise UserError(
                    self.env._(
                        "Work order %(name)s is %(state)s; cancel it before deleting it.",
                        name=order.name,
                        state=order._fse_state_label(),
                    )
                )

    @api.model
    def _fse_fields_editable_when_locked(self):
        """Fields that may still change on a done or cancelled order (hook for other modules)."""
        # access_token: the customer's portal link may be created long after the job is done.
        return {"color", "message_main_attachment_id", "activity_ids", "message_follower_ids", "access_token"}

    def _fse_check_not_locked(self):
        locked = self.filtered(lambda o: o.state in LOCKED_STATES)
        if locked:
            raise UserError(
                self.env._(
                    "Work order %(name)s is %(state)s and can no longer be changed. " "Reset it to draft first.",
                    name=locked[0].name,
                    state=locked[0]._fse_state_label(),
                )
            )

    def _fse_check_lines_target(self):
        """A line moved to this order: the caller must be allowed to write the order, and
        the order must be open."""
        self.check_access("write")
        self._fse_check_not_locked()

    def _fse_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------ transitions
    def _fse_transition(self, action):
        """Check `action` is allowed on every order of self, and return the orders it must
        change: orders already in the target state are skipped, so a double click or a retried
        request is a no-op rather than a second execution."""
        sources, target, group = WORK_ORDER_TRANSITIONS[action]
        self._fse_check_action_rights(group)
        todo = self.filtered(lambda o: o.state != target)
        refused = todo.filtered(lambda o: o.state not in sources)
        if refused:
            action_label = {
                "schedule": self.env._("scheduled"),
                "start": self.env._("started"),
                "complete": self.env._("completed"),
                "cancel": self.env._("cancelled"),
                "reset_draft": self.env._("reset to draft"),
            }[action]
            raise UserError(
                self.env._(
                    "Work order %(name)s is %(state)s and cannot be %(action)s.",
                    name=refused[0].name,
                    state=refused[0]._fse_state_label(),
                    action=action_label,
                )
            )
        todo._fse_lock()
        # The transition's own fields (state, dates, timer) are system fields: written as
        # superuser from here on, the caller's rights on these very orders being checked.
        return todo.filtered(lambda o: o.state != target).sudo()

    def _fse_check_action_rights(self, group):
        """The caller may run an action of `group` on these orders: the group, and write
        access to each order (a technician's own orders, through the record rules)."""
        if self.env.su:
            return
        if not self.env.user.has_group(group):
            raise AccessError(self.env._("Only a dispatcher can do this on work orders."))
        self.check_access("write")

    def _fse_require(self, field_name, message):
        missing = self.filtered(lambda o: not o[field_name])
        if missing:
            raise UserError(message % {"name": missing[0].name})

    def action_schedule(self):
        todo = self._fse_transition("schedule")
        todo._fse_require(
            "scheduled_start", self.env._("Set the scheduled start of work order %(name)s before scheduling it.")
        )
        todo._fse_require(
            "scheduled_end", self.env._("Set the scheduled end of work order %(name)s before scheduling it.")
        )
        todo.write({"state": "scheduled"})
        return True

    def action_start(self):
        todo = self._fse_transition("start")
        todo._fse_require("technician_id", self.env._("Assign a technician to work order %(name)s before starting it."))
        now = fields.Datetime.now()
        todo.write({"state": "in_progress", "date_started": now, "timer_start": now})
        return True

    def action_timer_pause(self):
        """Stop the clock; a second tap (or a re-sent request) changes nothing."""
        self._fse_check_action_rights(TECHNICIAN_GROUP)
        self._fse_lock()
        now = fields.Datetime.now()
        # The timer fields are system fields, written as superuser once the rights are checked.
        for order in self.sudo().filtered(lambda o: o.state == "in_progress" and o.timer_start):
            order.write(
                {
                    "timer_seconds": order.timer_seconds + (now - order.timer_start).total_seconds(),
                    "timer_start": False,
                }
            )
        return True

    def action_timer_resume(self):
        self._fse_check_action_rights(TECHNICIAN_GROUP)
        self._fse_lock()
        # The timer fields are system fields, written as superuser once the rights are checked.
        self.sudo().filtered(lambda o: o.state == "in_progress" and not o.timer_start).write(
            {"timer_start": fields.Datetime.now()}
        )
        return True

    def action_consume_parts(self):
        """Take the parts recorded so far out of stock now, during the job (the technician
        can do it as often as needed: only what is not consumed yet moves)."""
        self._fse_check_action_rights(TECHNICIAN_GROUP)
        self._fse_lock()
        wrong = self.filtered(lambda o: o.state not in ("scheduled", "in_progress"))
        if wrong:
            raise UserError(
                self.env._(
                    "Parts can be consumed only on a scheduled or started order; %(name)s is %(state)s.",
                    name=wrong[0].name,
                    state=wrong[0]._fse_state_label(),
                )
            )
        self.part_line_ids._fse_sync_stock()
        return True

    def action_cancel(self):
        todo = self._fse_transition("cancel")
        todo.part_line_ids._fse_return_all()
        todo._fse_before_reopen_or_cancel()
        todo.write({"state": "cancel"})
        return True

    def action_reset_draft(self):
        todo = self._fse_transition("reset_draft")
        todo.part_line_ids._fse_return_all()
        todo._fse_before_reopen_or_cancel()
        todo.write({"state": "draft", "date_done": False})
        return True

    def _fse_before_reopen_or_cancel(self):
        """Hook: called for orders about to be cancelled or reset to draft."""

    # ------------------------------------------------------------------ completion
    # action_complete reads top to bottom; its phases follow it here in the order it calls them.
    def action_complete(self):
        todo = self._fse_transition("complete")
        todo._fse_complete_check()
        confirmation = todo._fse_complete_confirmation()
        if confirmation:
            return confirmation  # nothing is written until the user confirms
        # Time and parts are recorded before the order is closed (a done order is locked).
        todo._fse_complete_record_time()
        todo._fse_complete_consume_parts()
        todo._fse_complete_close()
        todo._fse_after_complete()
        return True

    def _fse_complete_check(self):
        """Phase 1: raise if an order cannot be completed."""
        self._fse_require(
            "technician_id", self.env._("Assign a technician to work order %(name)s before completing it.")
        )
        self._fse_check_before_complete()

    def _fse_check_before_complete(self):
        """Hook of the check phase: raise if the orders cannot be completed (other features
        extend it: checklist, photos, signature)."""
        # sudo: which order types need a signature or photos is configuration, not the user's
        # data; technicians cannot read ir.model.fields.selection, so the lookup runs as superuser.
        settings = self.company_id.sudo()
        signed_types = {company: set(company.fse_signature_type_ids.mapped("value")) for company in settings}
        photo_types = {company: set(company.fse_photo_type_ids.mapped("value")) for company in settings}
        for order in self:
            missing = order.check_ids.filtered(lambda c: c.required and not c.done)
            if missing:
                raise UserError(
                    self.env._(
                        "Work order %(name)s: tick the required check '%(check)s' before completing it.",
                        name=order.name,
                        check=missing[0].name,
                    )
                )
            if order.order_type in photo_types[order.company_id] and not {"before", "after"} <= set(
                order.photo_ids.mapped("kind")
            ):
                raise UserError(
                    self.env._(
                        "Add a before and an after photo to work order %(name)s before completing it "
                        "(its type, %(type)s, requires them).",
                        name=order.name,
                        type=dict(order._fields["order_type"]._description_selection(self.env))[order.order_type],
                    )
                )
            needs_signature = order.order_type in signed_types[order.company_id]
            if needs_signature and not (order.signature and order.signed_by):
                raise UserError(
                    self.env._(
                        "Work order %(name)s needs the customer's signature and name before it is completed.",
                        name=order.name,
                    )
                )

    def _fse_complete_confirmation(self):
        """Check phase, continued: the action of the wizard that asks the user to confirm the
        time these orders record (see _fse_labor_notes), or None when nothing needs a second
        look or the caller has confirmed (LABOR_CONFIRMED in the context). Writes nothing: over
        the API, an unconfirmed call leaves the orders as they were."""
        if self.env.context.get(LABOR_CONFIRMED) or not any(order._fse_labor_notes() for order in self):
            return None
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complete Work Order"),
            "res_model": "fse.work.order.complete",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            # Confirming completes every order of the call, not only those asked about.
            "context": {"default_order_ids": [Command.set(self.ids)]},
        }

    def _fse_labor_notes(self):
        """What the user must confirm before this order is completed, one sentence each: it
        would be completed without any labor although it expects some, or hand-entered work
        and the timer both count time on the same day (and which one counts)."""
        self.ensure_one()
        to_add = self._fse_timer_hours_to_add()
        if not to_add and not (self.labor_line_ids - self._fse_timer_line()):
            if not self._fse_expects_labor():
                return []
            return [
                self.env._(
                    "%(name)s: no time is recorded (no labor line, and the timer adds nothing). "
                    "It will be completed without labor.",
                    name=self.name,
                )
            ]
        timer, hand = self._fse_timer_rounded_hours(), self._fse_hand_work_hours()
        if not (timer and hand):
            return []
        values = {
            "name": self.name,
            "day": format_date(self.env, self._fse_timer_day()),  # in the user's language
            "timer": format_duration(timer),
            "hand": format_duration(hand),
            "add": format_duration(to_add),
            "total": format_duration(hand + to_add),
        }
        if not to_add:
            return [
                self.env._(
                    "%(name)s: the hand-entered work of %(day)s (%(hand)s) covers the timer (%(timer)s). "
                    "The hand-entered time counts and the timer adds nothing: %(total)s in all.",
                    **values,
                )
            ]
        return [
            self.env._(
                "%(name)s: the timer (%(timer)s) is longer than the hand-entered work of %(day)s (%(hand)s). "
                "The timer counts: it adds %(add)s, %(total)s in all.",
                **values,
            )
        ]

    def _fse_expects_labor(self):
        """Hook: whether this order is expected to record labor, so that completing it without
        any asks for confirmation and flags it (no_labor). Every order does here; billing
        expects it of billable orders only."""
        self.ensure_one()
        return True

    # The labor rule and its parts, used by the confirmation above and the time recorded below.
    def _fse_timer_hours_to_add(self):
        """The labor rule: what the timer adds to this order's labor on completion, so that
        time is counted once.

        The timer's time (pauses left out) is rounded up to the company's step; under a
        minute it is no time. The order's technician's hand-entered *work* lines (not the
        timer's own line, not travel, not other technicians' time) dated on the timer's day
        count against it: the timer adds only what exceeds them, and nothing when that is
        under a minute. The day's total is the longer of the two, never their sum: a hand
        entry covering the timer's span replaces it rather than adding to it."""
        self.ensure_one()
        timer = self._fse_timer_rounded_hours()
        if not timer:
            return 0.0
        extra = round(timer - self._fse_hand_work_hours(), 2)  # labor hours have 2 digits
        return extra if extra * 60 >= 1 else 0.0

    def _fse_timer_seconds(self, now=None):
        """The timer's seconds so far, the running segment included."""
        self.ensure_one()
        seconds = self.timer_seconds
        if self.timer_start:
            seconds += ((now or fields.Datetime.now()) - self.timer_start).total_seconds()
        return seconds

    def _fse_timer_rounded_hours(self):
        """The timer's time rounded up to the company's step; 0 under a minute (an order
        started and completed at once from a paper report)."""
        seconds = self._fse_timer_seconds()
        if seconds < 60:
            return 0.0
        step = self.company_id.fse_timer_rounding_minutes or 1
        return math.ceil(round(seconds / 60, 6) / step) * step / 60

    def _fse_timer_line(self):
        """The labor line the timer writes: the order's technician's, marked from_timer."""
        self.ensure_one()
        return self.labor_line_ids.filtered(lambda ln: ln.from_timer and ln.technician_id == self.technician_id)

    def _fse_timer_day(self):
        """The day the timer's time is booked on: its line's, once it has one, else the day
        the work started."""
        self.ensure_one()
        line = self._fse_timer_line()[:1]
        if line:
            return line.date
        return fields.Date.context_today(self, self.date_started or fields.Datetime.now())

    def _fse_hand_work_hours(self):
        """The hours the order's technician entered by hand as work on the timer's day."""
        self.ensure_one()
        day = self._fse_timer_day()
        return sum(
            line.hours
            for line in self.labor_line_ids
            if not line.from_timer
            and line.labor_type == "work"
            and line.technician_id == self.technician_id
            and line.date == day
        )

    def _fse_complete_record_time(self):
        """Phase 2: stop the timers and book what each adds (the labor rule,
        _fse_timer_hours_to_add) on the technician's timer line: created when the timer adds
        time, updated on a later completion (resuming after a reset adds to the same line),
        removed when it adds nothing any more."""
        self.action_timer_pause()
        # The timer's labor line (from_timer, the order's technician) is the model's own record.
        Labor = self.env["fse.work.order.labor"].sudo()
        new_lines, obsolete = [], Labor
        for order in self.filtered("technician_id"):
            hours = order._fse_timer_hours_to_add()
            line = order._fse_timer_line().sudo()  # the timer's own line, see above
            if not hours:
                obsolete |= line
                continue
            obsolete |= line[1:]
            if line:
                line[:1].hours = hours
            else:
                new_lines.append(
                    {
                        "order_id": order.id,
                        "technician_id": order.technician_id.id,
                        "hours": hours,
                        "date_start": order.date_started,
                        "from_timer": True,
                        "date": order._fse_timer_day(),
                    }
                )
        obsolete.unlink()
        Labor.create(new_lines)

    def _fse_complete_consume_parts(self):
        """Phase 3: take the parts not consumed yet out of stock."""
        self.part_line_ids._fse_sync_stock()

    def _fse_complete_close(self):
        """Phase 4: the order is done (and locked from here on)."""
        now = fields.Datetime.now()
        self.filtered(lambda o: not o.date_started).write({"date_started": now})
        self.write({"state": "done", "date_done": now})

    def _fse_after_complete(self):
        """Phase 5, a hook: called once for all the orders just completed (billing extends it)."""

    # ------------------------------------------------------------------ parts requests
    def action_fse_request_parts(self):
        """Open Request Parts: parts the van lacks, brought from the warehouse."""
        self.ensure_one()
        self._fse_check_can_request_parts()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Parts"),
            "res_model": "fse.work.order.part.request",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _fse_check_can_request_parts(self):
        """The caller may ask parts for these orders: a technician their own open orders (the
        record rules), a dispatcher any open order; the order's technician has a van."""
        self._fse_check_action_rights(TECHNICIAN_GROUP)
        for order in self:
            if order.state in LOCKED_STATES:
                raise UserError(
                    self.env._(
                        "Work order %(name)s is %(state)s: parts can no longer be requested for it.",
                        name=order.name,
                        state=order._fse_state_label(),
                    )
                )
            if not order.technician_id:
                raise UserError(
                    self.env._("Assign a technician to work order %(name)s before requesting parts.", name=order.name)
                )
            if not order._fse_request_van():
                raise UserError(
                    self.env._(
                        "%(technician)s has no van in %(company)s to bring parts to: a Field Service manager "
                        "creates it (Configuration ‣ Technicians ‣ Create Van Location).",
                        technician=order.technician_id.name,
                        company=order.company_id.name,
                    )
                )

    def _fse_request_van(self):
        """The van the order's parts come from: its technician's, in the order's company."""
        self.ensure_one()
        return self.technician_id.with_company(self.company_id).fse_van_location_id

    def _fse_request_parts(self, lines):
        """Bring parts to the order technician's van through the warehouse's routes: one
        procurement per product at the van, which the van refill route (WH/Stock → Vans, see
        stock.warehouse._fse_vans_location) turns into an internal transfer. What the
        warehouse stock lacks is procured there in turn when a rule supplies it (the buy
        route of purchase_stock: a request for quotation).

        `lines`: [{"product": product.product, "quantity": in the product's unit, "note": str}].
        Each quantity is what the job needs in all: what this order already asked for and is
        still on its way counts, so a retried or doubled request asks nothing twice.
        Returns the moves created."""
        self.ensure_one()
        self._fse_check_can_request_parts()
        # Two requests for one order (a double tap, two phones) serialize here; the second
        # one sees the first one's moves and asks for nothing more.
        self._fse_lock()
        self._fse_check_can_request_parts()
        needed, notes = self._fse_request_quantities(lines)
        if not needed:
            return self.env["stock.move"]
        van = self._fse_request_van()
        warehouse = van.warehouse_id
        # sudo: technicians are no Inventory users; the checks above limit the request to an
        # open order they may write and to their own van. The transfer is the back office's
        # document, created as Odoo's sales create theirs (stock creates the moves as
        # superuser too, _run_pull).
        order = self.sudo().with_company(self.company_id).with_context(clean_context(self.env.context))
        reference = order.stock_reference_id
        if not reference:
            reference = order.env["stock.reference"].create({"name": self.name})
            order._fse_write_system({"stock_reference_id": reference.id})
        before = order.request_move_ids
        products = self.env["product.product"].union(*needed)
        Rule = order.env["stock.rule"]
        now = fields.Datetime.now()
        Rule.run(
            [
                Rule.Procurement(
                    product,
                    qty,
                    product.uom_id,
                    van,
                    product.display_name,
                    self.name,
                    self.company_id,
                    {
                        "warehouse_id": warehouse,
                        "reference_ids": reference,
                        "date_planned": now,
                        "fse_request_order_id": self.id,
                        "description_picking_manual": notes.get(product) or False,
                    },
                )
                for product, qty in needed.items()
            ]
        )
        order.invalidate_recordset(["request_move_ids"])
        # Stock may merge a request into the same part's open move of the order's transfer.
        moves = order.request_move_ids.filtered(
            lambda m: m.product_id in products and m.state not in ("done", "cancel")
        )
        order._fse_procure_warehouse_shortage(moves, needed)
        uom_names = {product: product.uom_id.name for product in products}
        self.message_post(
            body=self.env._(
                "Parts requested for the van %(van)s: %(parts)s (%(transfers)s).",
                van=van.display_name,
                parts=", ".join(f"{qty:g} {uom_names[p]} {p.display_name}" for p, qty in needed.items()),
                transfers=", ".join(moves.picking_id.mapped("name")) or "-",
            )
        )
        return (moves - before).with_env(self.env)

    def _fse_request_quantities(self, lines):
        """({product: quantity still to procure}, {product: note}) after checking the lines."""
        if not lines:
            raise UserError(self.env._("Add the parts to request for %(name)s.", name=self.name))
        asked, notes = defaultdict(float), {}
        for line in lines:
            product, quantity = line["product"], line["quantity"]
            if not product.is_storable:
                raise UserError(
                    self.env._(
                        "%(product)s is not tracked in stock: only stored parts can be brought to a van.",
                        product=product.display_name,
                    )
                )
            if product.company_id and product.company_id != self.company_id:
                raise UserError(
                    self.env._(
                        "%(product)s belongs to %(company)s, not to the company of %(name)s.",
                        product=product.display_name,
                        company=product.company_id.name,
                        name=self.name,
                    )
                )
            if product.uom_id.compare(quantity, 0.0) <= 0:
                raise UserError(self.env._("Request a positive quantity of %(product)s.", product=product.display_name))
            asked[product] += quantity
            if line.get("note"):
                notes[product] = "\n".join(filter(None, [notes.get(product), line["note"].strip()]))
        # A technician's request is for a job, not a stock order: above the company's limit
        # the back office requests (what is asked counts in all, what is on the way included).
        limit = self.company_id.fse_request_max_qty
        if not (self.env.su or self.env.user.has_group(DISPATCHER_GROUP)):
            for product, quantity in asked.items():
                if product.uom_id.compare(quantity, limit) > 0:
                    raise UserError(
                        self.env._(
                            "A technician may ask for at most %(limit)s %(uom)s of %(product)s for a job: "
                            "ask the back office for more.",
                            limit=f"{limit:g}",
                            uom=product.uom_id.name,
                            product=product.display_name,
                        )
                    )
        # sudo: the order's requests, all of them, whatever moves the reader may see.
        on_the_way = defaultdict(float)
        for move in self.sudo().request_move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            on_the_way[move.product_id] += move.product_qty
        needed = {}
        for product, quantity in asked.items():
            rest = quantity - on_the_way[product]
            if product.uom_id.compare(rest, 0.0) > 0:
                needed[product] = product.uom_id.round(rest)
        return needed, notes

    def _fse_procure_warehouse_shortage(self, moves, needed):
        """What the warehouse stock cannot give the request now is procured at the stock
        location through the warehouse's own rules, as a reordering rule there would:
        purchase_stock's Buy route on the part makes a request for quotation; without it,
        Odoo's one-step reception rule makes an expected receipt (Vendors → WH/Stock) for the
        back office. When the goods come in, stock reserves them for the waiting transfer.
        Where no rule supplies the stock, the transfer just waits for stock. A rule that fails
        (no vendor price, ...) leaves the request as it is and says so on the order.

        `needed`: {product: quantity just requested}; no more than that is procured, so a
        later request does not procure again what an earlier one is waiting for."""
        Rule = self.env["stock.rule"]
        procurements = []
        for product, quantity in needed.items():
            product_moves = moves.filtered(lambda m, p=product: m.product_id == p)
            if not product_moves:
                continue
            reserved = sum(m.product_uom._compute_quantity(m.quantity, product.uom_id) for m in product_moves)
            missing = product.uom_id.round(min(quantity, sum(product_moves.mapped("product_qty")) - reserved))
            if product.uom_id.compare(missing, 0.0) <= 0:
                continue
            source = product_moves[0].location_id
            values = {"warehouse_id": source.warehouse_id}
            if not Rule._get_rule(product, source, values):
                continue
            values.update({"reference_ids": self.stock_reference_id, "date_planned": fields.Datetime.now()})
            procurements.append(
                Rule.Procurement(
                    product, missing, product.uom_id, source, product.display_name, self.name, self.company_id, values
                )
            )
        if not procurements:
            return
        try:
            with self.env.cr.savepoint():
                Rule.run(procurements, raise_user_error=False)
        except ProcurementException as error:
            self.message_post(
                body=self.env._(
                    "The warehouse stock could not be replenished for this request: %s",
                    "; ".join(message for _procurement, message in error.procurement_exceptions),
                )
            )

    # ------------------------------------------------------------------ dispatch board
    # The board's three calls (static/src/dispatch_board): what it shows, a drop, an undo.
    # Dispatchers only; the rules of the board live in fse.dispatch.board.
    @api.model
    @api.readonly  # writes nothing: served from a read replica where one is set
    def fse_board_data(self, start, end, filters=None):
        self._fse_check_board_rights()
        return self.env["fse.dispatch.board"]._get_data(start, end, filters)

    def fse_board_plan(self, technician_id, start, end=False, confirm=False, seen=None):
        self.ensure_one()
        self._fse_check_board_rights()
        return self.env["fse.dispatch.board"]._plan(self, technician_id, start, end, confirm, seen)

    @api.model
    def fse_board_undo(self, undo):
        self._fse_check_board_rights()
        return self.env["fse.dispatch.board"]._undo(undo or {})

    @api.model
    def _fse_check_board_rights(self):
        if not self.env.su and not self.env.user.has_group(DISPATCHER_GROUP):
            raise AccessError(self.env._("Only a dispatcher plans work orders on the dispatch board."))

    # ------------------------------------------------------------------ documents
    def action_send_report(self):
        """Open the e-mail to the customer with the service report attached."""
        self.ensure_one()
        template = self.env.ref("field_service_erp.mail_template_fse_service_report")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    # ------------------------------------------------------------------ navigation
    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Moves of %s", self.name),
            "res_model": "stock.move",
            "view_mode": "list,form",
            # Odoo's move list offers a Value column; this one shows it to Inventory users only.
            "views": [(self.env.ref("field_service_erp.view_stock_move_list_fse_order").id, "list"), (False, "form")],
            "domain": [("fse_work_order_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_part_requests(self):
        """The parts requested for the van and where each stands (waiting, ready, done)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Parts Requested for %s", self.name),
            "res_model": "stock.move",
            "view_mode": "list,form",
            "views": [(self.env.ref("field_service_erp.view_stock_move_list_fse_request").id, "list"), (False, "form")],
            "domain": [("fse_request_order_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    def action_view_installation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fse.installation",
            "res_id": self.installation_id.id,
            "view_mode": "form",
        }
