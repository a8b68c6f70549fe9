from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from .fse_work_order_estimate import CUSTOMER_STATES

TECHNICIAN_GROUP = "field_service_erp.group_fse_technician"

# The order's billing decisions, which the back office may review on a done order until it is invoiced.
ORDER_BILLING_FIELDS = {"billable", "billing_approved", "customer_ref", "invoice_partner_id", "analytic_distribution"}


class FseWorkOrder(models.Model):
    """What billing adds to the work order: its billing decisions and status. What an order
    bills, at which price and coverage, is the billing engine's (fse_billing_engine.py)."""

    _name = "fse.work.order"
    _inherit = ["fse.work.order", "analytic.mixin"]

    billable = fields.Boolean(
        default=True,
        tracking=True,
        help="Bill this order's labor and parts. Lines can still be switched off one by one.",
    )
    invoice_partner_id = fields.Many2one(
        "res.partner",
        string="Invoice Address",
        compute="_compute_invoice_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    customer_ref = fields.Char(
        string="Customer PO", index="btree_not_null", help="The customer's purchase order reference."
    )
    billing_approved = fields.Boolean(
        string="Approved for Invoicing",
        copy=False,
        tracking=True,
        help="Set by the back office when the company requires approval before invoicing.",
    )
    invoice_line_ids = fields.One2many("account.move.line", "fse_work_order_id", string="Invoice Lines", readonly=True)
    invoice_ids = fields.Many2many("account.move", string="Invoices", compute="_compute_invoice_ids")
    invoice_count = fields.Integer(compute="_compute_invoice_ids")
    invoice_status = fields.Selection(
        [("no", "Nothing to Invoice"), ("to_invoice", "To Invoice"), ("invoiced", "Invoiced")],
        compute="_compute_invoice_status",
        store=True,
        index=True,
        copy=False,
    )
    fse_invoice_queued = fields.Boolean(
        string="Invoicing Queued",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Completed with Invoice on Completion: the scheduled job creates the draft invoice shortly.",
    )
    estimate_ids = fields.One2many("fse.work.order.estimate", "order_id", string="Estimates", readonly=True)
    fse_estimate_id = fields.Many2one(
        "fse.work.order.estimate",
        string="Estimate",
        compute="_compute_fse_estimate_id",
        store=True,
        index="btree_not_null",
        help="The order's latest estimate that is not cancelled.",
    )
    fse_estimate_state = fields.Selection(related="fse_estimate_id.state", string="Estimate Status")
    fse_estimate_mode = fields.Selection(related="fse_estimate_id.mode", readonly=False, string="Estimate Invoicing")
    fse_estimate_line_ids = fields.One2many(related="fse_estimate_id.line_ids", string="Estimate Lines")
    fse_estimate_currency_id = fields.Many2one(related="fse_estimate_id.currency_id", string="Estimate Currency")
    fse_estimate_untaxed = fields.Monetary(
        related="fse_estimate_id.amount_untaxed", currency_field="fse_estimate_currency_id", string="Estimated Work"
    )
    fse_estimate_covered = fields.Monetary(
        related="fse_estimate_id.amount_covered", currency_field="fse_estimate_currency_id", string="Covered"
    )
    fse_estimate_total = fields.Monetary(
        related="fse_estimate_id.amount_total", currency_field="fse_estimate_currency_id", string="To Pay"
    )
    amount_to_invoice = fields.Monetary(
        compute="_compute_amount_to_invoice",
        currency_field="currency_id",
        help="Untaxed amount the next invoice will bill for this order (before it is created).",
        groups="field_service_erp.group_fse_dispatcher",
    )

    # ------------------------------------------------------------------ computes
    @api.depends("contract_id.analytic_account_id")
    def _compute_analytic_distribution(self):
        """Orders under a contract post to its analytic account (revenue, parts, labor)."""
        for order in self:
            account = order.contract_id.analytic_account_id
            if account:
                order.analytic_distribution = {str(account.id): 100}

    @api.depends("partner_id")
    def _compute_invoice_partner_id(self):
        for order in self:
            order.invoice_partner_id = (
                order.partner_id.address_get(["invoice"])["invoice"] if order.partner_id else False
            )

    @api.depends("invoice_line_ids.move_id")
    def _compute_invoice_ids(self):
        for order in self:
            order.invoice_ids = order.invoice_line_ids.move_id
            order.invoice_count = len(order.invoice_ids)

    @api.depends(
        "state",
        "billable",
        "billing_approved",
        "company_id.fse_invoice_requires_approval",
        "labor_line_ids.billable",
        "part_line_ids.billable",
        "invoice_line_ids.fse_billing_active",
    )
    def _compute_invoice_status(self):
        engine = self.env["fse.billing.engine"]
        rules = self.env["fse.billing.rule"]._fse_rules_for(self)  # one search for the batch
        for order in self:
            expected = engine._fse_billable_keys(order, rules[order])
            if order.state != "done" or not expected:
                order.invoice_status = "no"
            elif expected <= order.invoice_line_ids._fse_billed_keys():
                order.invoice_status = "invoiced"
            elif order.company_id.fse_invoice_requires_approval and not order.billing_approved:
                order.invoice_status = "no"
            else:
                order.invoice_status = "to_invoice"

    def _compute_amount_to_invoice(self):
        items = self.env["fse.billing.engine"]._fse_price(self.filtered(lambda o: o.state == "done"))
        amounts = defaultdict(float)
        for item in items:
            amounts[item.order] += item.quantity * item.price_unit * (1 - item.discount / 100)
        for order in self:
            order.amount_to_invoice = amounts[order]

    @api.model
    def _fse_fields_editable_when_locked(self):
        """The back office reviews a done order's billing until it is invoiced."""
        return super()._fse_fields_editable_when_locked() | ORDER_BILLING_FIELDS | {"fse_invoice_queued"}

    def write(self, vals):
        if not self.env.su and set(vals) & ORDER_BILLING_FIELDS:
            # Whether the order is billed is read as superuser: invoice lines are accounting data.
            invoiced = self.filtered(lambda o: o.sudo().invoice_line_ids.filtered("fse_billing_active"))
            if invoiced:
                raise UserError(
                    self.env._("Work order %s is already invoiced: its billing can no longer change.", invoiced[0].name)
                )
        return super().write(vals)

    # ------------------------------------------------------------------ pricing context
    def _fse_pricelist(self):
        self.ensure_one()
        partner = self.invoice_partner_id or self.partner_id
        return (
            partner.with_company(self.company_id).property_product_pricelist
            if ("property_product_pricelist" in partner._fields)
            else self.env["product.pricelist"]
        )

    def _fse_invoice_currency(self):
        self.ensure_one()
        return self._fse_pricelist().currency_id or self.company_id.currency_id

    # ------------------------------------------------------------------ invoicing
    def action_create_invoices(self):
        """Draft customer invoices for these done orders, for what they have not billed yet
        (the billing engine). Safe to repeat: billed sources are skipped, and the database
        refuses a second active invoice line for the same source (concurrent runs)."""
        self._fse_check_action_rights("field_service_erp.group_fse_dispatcher")
        not_done = self.filtered(lambda o: o.state != "done")
        if not_done:
            raise UserError(self.env._("Work order %s is not done and cannot be invoiced yet.", not_done[0].name))
        companies = self.company_id
        if len(companies) > 1:
            raise UserError(
                self.env._(
                    "Work orders of several companies (%s) cannot be invoiced together; invoice them per company.",
                    ", ".join(companies.mapped("name")),
                )
            )
        return self.env["fse.billing.engine"]._fse_invoice_orders(self)

    def action_create_invoices_open(self):
        """Button: create the invoices and show them."""
        invoices = self.action_create_invoices()
        if not invoices:
            raise UserError(self.env._("There is nothing left to invoice on these work orders."))
        return invoices._get_records_action(name=self.env._("Invoices"))

    def action_approve_billing(self):
        self._fse_check_action_rights("field_service_erp.group_fse_dispatcher")
        self.filtered(lambda o: o.state == "done").write({"billing_approved": True})
        return True

    def action_view_invoices(self):
        self.ensure_one()
        return self.invoice_ids._get_records_action(name=self.env._("Invoices"))

    # ------------------------------------------------------------------ completion hooks
    def _fse_after_complete(self):
        """Billing's part of completing orders: their labor cost, and Invoice on Completion
        queued, never run inside the technician's request (a back-office configuration
        error must not undo the job on site)."""
        res = super()._fse_after_complete()
        self._fse_post_labor_costs()
        self._fse_queue_invoicing()
        return res

    def _fse_post_labor_costs(self):
        """Post the labor of these done orders as analytic costs on their distribution (the
        contract's account): the labor line's stored cost, one set of analytic lines per
        labor line, replaced if the order is completed again."""
        Account = self.env["account.analytic.account"]
        vals_list, links = [], []
        for order in self.filtered("analytic_distribution"):
            for line in order.labor_line_ids:
                # The cost is a manager's figure; completing the order is the technician's
                # own act, so it is read as superuser.
                cost = line.sudo().cost_amount
                if not cost:
                    continue
                new = Account._perform_analytic_distribution(
                    order.analytic_distribution,
                    -cost,
                    line.hours,
                    # sudo: the labor's analytic lines are accounting records technicians cannot read.
                    line.analytic_line_ids.sudo(),
                    line,
                )
                vals_list.extend(new)
                links.extend([line] * len(new))
        # Analytic lines are accounting records technicians cannot write themselves.
        created = self.env["account.analytic.line"].sudo().create(vals_list)
        for line, analytic in zip(links, created, strict=True):
            # sudo: analytic_line_ids is a system field, linked by the labor cost posting.
            line.sudo().analytic_line_ids |= analytic

    def _fse_queue_invoicing(self):
        """Invoice on Completion: mark the orders and wake the invoicing job, which runs once
        this transaction has committed (a cron trigger is a row of this transaction)."""
        queued = self.filtered(lambda o: o.company_id.fse_invoice_on_completion and o.invoice_status == "to_invoice")
        if not queued:
            return
        queued._fse_write_system({"fse_invoice_queued": True})
        cron = self.env.ref("field_service_erp_billing.ir_cron_fse_invoice_queued", raise_if_not_found=False)
        if cron:
            # sudo: waking the company's own job is no right of the technician completing the job.
            cron.sudo()._trigger()

    def _fse_before_reopen_or_cancel(self):
        res = super()._fse_before_reopen_or_cancel()
        # Analytic cost lines are bookkeeping derived from the labor lines; they go with them.
        self.labor_line_ids.analytic_line_ids.sudo().unlink()
        self.filtered("fse_invoice_queued")._fse_write_system({"fse_invoice_queued": False})
        return res

    # ------------------------------------------------------------------ scheduled invoicing
    @api.model
    def _cron_invoice_queued(self, batch_size=100):
        """Invoice the orders completed with Invoice on Completion, whatever their day. An
        order that cannot be invoiced gets an activity for the billing team with the reason."""
        self._cron_create_invoices(
            batch_size=batch_size,
            done_before=fields.Date.add(fields.Date.today(), days=1),
            domain=[("fse_invoice_queued", "=", True)],
            on_failure=lambda order, error: order._fse_invoicing_failed(error),
            cron_xmlid="field_service_erp_billing.ir_cron_fse_invoice_queued",
        )
        # Invoiced here or meanwhile by hand, or with nothing left to bill: out of the queue (the
        # failed ones left it in _fse_invoicing_failed; the busy ones stay for the next run).
        self.search([("fse_invoice_queued", "=", True), ("invoice_status", "!=", "to_invoice")])._fse_write_system(
            {"fse_invoice_queued": False}
        )
        return True

    def _fse_invoicing_failed(self, error):
        """An order the invoicing job could not invoice: out of the queue, and an activity for
        the billing team on the order with the reason (one open activity per order)."""
        self.ensure_one()
        self._fse_write_system({"fse_invoice_queued": False})
        activity_type = self.env.ref("field_service_erp_billing.mail_activity_type_fse_invoicing_failed")
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        self.activity_schedule(
            activity_type_id=activity_type.id,
            note=str(error),
            # The activity type's default user is the billing team's contact (Settings > Activity Types).
            user_id=activity_type.default_user_id.id or self.env.uid,
        )

    @api.model
    def _cron_create_invoices(self, batch_size=100, done_before=None, domain=None, on_failure=None, cron_xmlid=None):
        """Invoice done orders (done before `done_before`, default today; of those in `domain`
        if given) in batches, committing after each one: a crash loses at most a batch, and a
        re-run finishes the job. An order that cannot be invoiced (missing account, ...) is
        logged, given to `on_failure(order, error)` if given, and left for a person.

        Safe beside other runs and people's clicks (the batch runner, `_fse_run_batches`): an
        order, or the contract whose allowances it uses, that another transaction holds is
        skipped, not waited for; a batch whose rows changed since it was read is undone and
        read again (a few times, then its orders are skipped). The run goes on with the other
        orders and schedules itself again shortly for the skipped ones."""
        from odoo.fields import Domain

        to_invoice = Domain("invoice_status", "=", "to_invoice") & Domain(
            "date_done", "<", done_before or fields.Date.today()
        )
        if domain:
            to_invoice &= Domain(domain)

        def lock_contracts(orders):
            """The run's own lock on the orders' contracts (their allowances), whoever runs it:
            the orders whose contract another transaction holds are left out."""
            # sudo: locking the contracts' rows is the run's own bookkeeping, whoever runs it
            # (a dispatcher invoicing may not write contracts).
            contracts = orders.contract_id.sudo()._fse_lock(skip_locked=True)
            return orders.filtered(lambda o: not o.contract_id or o.contract_id in contracts)

        self._fse_run_batches(
            to_invoice,
            lambda orders: orders.action_create_invoices(),
            batch_size=batch_size,
            cron_xmlid=cron_xmlid or "field_service_erp_billing.ir_cron_fse_create_invoices",
            lock=lock_contracts,
            on_failure=on_failure,
        )
        return True

    # ------------------------------------------------------------------ labor expected
    # Completing an order without labor asks for confirmation and flags it (no_labor) only
    # when its time would be billed.
    def _fse_expects_labor(self):
        self.ensure_one()
        return self.billable

    @api.depends("billable")
    def _compute_no_labor(self):
        return super()._compute_no_labor()

    # ------------------------------------------------------------------ estimates
    # (the estimate itself, its answers and what it does to the invoice: fse_work_order_estimate.py)
    @api.depends("estimate_ids.state")
    def _compute_fse_estimate_id(self):
        for order in self:
            estimates = order.estimate_ids.filtered(lambda e: e.state != "cancelled").sorted("id", reverse=True)
            order.fse_estimate_id = estimates[:1]

    @api.depends("estimate_ids.state")
    def _compute_portal_visible(self):
        return super()._compute_portal_visible()

    def _fse_portal_visible(self):
        """An order whose estimate was sent to the customer is theirs to see, even a draft."""
        return super()._fse_portal_visible() or (
            not self.internal_only and any(e.state in CUSTOMER_STATES for e in self.estimate_ids)
        )

    def action_fse_prepare_estimate(self):
        """Button: price the planned parts and hours as a new estimate (the engine's prices and
        coverage); one waiting for the customer's answer is superseded. The back office, or the
        technician on their own open order."""
        self._fse_check_action_rights(TECHNICIAN_GROUP)
        closed = self.filtered(lambda o: o.state in ("done", "cancel"))
        if closed:
            raise UserError(self.env._("Work order %s is closed: estimate the work before it is done.", closed[0].name))
        self._fse_lock()
        self.env["fse.work.order.estimate"]._fse_prepare(self)
        return True

    def action_fse_send_estimate(self):
        self.ensure_one()
        if not self.fse_estimate_id:
            raise UserError(self.env._("Prepare an estimate of work order %s first.", self.name))
        return self.fse_estimate_id.action_send()

    def action_fse_customer_accepts(self):
        self.ensure_one()
        if not self.fse_estimate_id:
            raise UserError(self.env._("Prepare an estimate of work order %s first.", self.name))
        return self.fse_estimate_id.action_fse_customer_accepts()
