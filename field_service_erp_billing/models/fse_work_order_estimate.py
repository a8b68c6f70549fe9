"""Estimates the customer approves: the work an order plans (its part lines and estimated
hours) priced by the billing engine with its coverage, sent to the customer, and accepted
with a name and a signature (on the portal, or on the technician's phone at the site) or
declined with a reason. An accepted estimate fixes or caps what the order's invoice bills
(the engine's stage 6b, `_fse_apply_estimates`).

One public button per step (`action_fse_prepare_estimate` on the order, `action_send`,
`action_accept_on_site`, the portal's `_fse_portal_accept` and `_fse_portal_decline` called
by the controller), each a thin caller of the named phases below. Every rule is checked here:
the portal controller and the phone's dialog only pass along what the customer typed."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .fse_billing_engine import COVERAGE_KINDS

TECHNICIAN_GROUP = "field_service_erp.group_fse_technician"
DISPATCHER_GROUP = "field_service_erp.group_fse_dispatcher"
ESTIMATE_STATES = [
    ("draft", "Draft"),
    ("sent", "Waiting for the Customer"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("cancelled", "Cancelled"),
]
# The estimates the customer has seen: they show on the portal, and keep the order there.
CUSTOMER_STATES = ("sent", "accepted", "declined")
# What the back office still writes on an estimate by hand (a draft's invoicing mode).
DRAFT_EDITABLE_FIELDS = {"mode"}


class FseWorkOrderEstimate(models.Model):
    _name = "fse.work.order.estimate"
    _description = "Work Order Estimate"
    _inherit = ["fse.row.lock"]
    _order = "order_id, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    order_id = fields.Many2one(
        "fse.work.order", string="Work Order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    state = fields.Selection(ESTIMATE_STATES, default="draft", required=True, readonly=True, copy=False, index=True)
    mode = fields.Selection(
        [("cap", "Time and Materials up to the Estimate"), ("fixed", "Fixed Price")],
        string="Invoicing",
        default="cap",
        required=True,
        help="Fixed price: once accepted, the order's invoice bills exactly the estimate's amount to pay. "
        "Time and materials: the invoice bills the work done, at most the estimate's amount to pay.",
    )
    line_ids = fields.One2many("fse.work.order.estimate.line", "estimate_id", string="Lines", readonly=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True, help="The work at its full price.")
    amount_covered = fields.Monetary(string="Covered", readonly=True, help="What warranty or contract pays.")
    amount_total = fields.Monetary(string="To Pay", readonly=True, help="What the customer pays, before taxes.")
    sent_on = fields.Datetime(readonly=True, copy=False)
    signed_by = fields.Char(readonly=True, copy=False, help="Name of the person who accepted the estimate.")
    signature = fields.Image(readonly=True, copy=False, max_width=1024, max_height=1024, attachment=True)
    signed_on = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    accepted_channel = fields.Selection(
        [("portal", "Customer Portal"), ("site", "On Site")], string="Accepted Through", readonly=True, copy=False
    )
    answered_uid = fields.Many2one("res.users", string="Answered By (User)", readonly=True, copy=False)
    decline_reason = fields.Text(readonly=True, copy=False)
    declined_on = fields.Datetime(readonly=True, copy=False)

    # At most one estimate waits (draft or sent) and one is accepted per order, whatever the
    # double clicks or concurrent requests: database facts, besides the row locks.
    _one_open_per_order = models.UniqueIndex(
        "(order_id) WHERE state IN ('draft', 'sent')", "This work order already has an estimate under way."
    )
    _one_accepted_per_order = models.UniqueIndex(
        "(order_id) WHERE state = 'accepted'", "This work order already has an accepted estimate."
    )

    # ------------------------------------------------------------------ CRUD
    def write(self, vals):
        """Estimates change through their actions only; by hand, the back office sets the
        invoicing mode of a draft."""
        if not self.env.su:
            if set(vals) - DRAFT_EDITABLE_FIELDS:
                raise AccessError(self.env._("An estimate changes through its buttons only."))
            if self.filtered(lambda e: e.state != "draft"):
                raise UserError(self.env._("Only a draft estimate can change; prepare a new one instead."))
        return super().write(vals)

    # ------------------------------------------------------------------ read by the engine
    @api.model
    def _fse_accepted_for(self, orders):
        """The accepted estimates of `orders` (at most one each), in one query."""
        # sudo: whoever invoices (a dispatcher, the scheduled job) applies the customer's
        # acceptance, whatever their own rights on estimates.
        return self.sudo().search([("order_id", "in", orders.ids), ("state", "=", "accepted")]).with_env(self.env)

    def _fse_invoice_adjustment(self, billed, net, currency):
        """What the order's next invoice adds (or takes off) so that it bills what this
        accepted estimate says: `billed` earlier invoices of the order already billed, `net`
        the items of this invoice. Never more off than this invoice's own items."""
        self.ensure_one()
        target = self.amount_total - billed
        if self.mode == "cap":
            adjustment = min(0.0, target - net)
        else:
            adjustment = target - net
        return currency.round(max(adjustment, -net))

    def _fse_invoice_label(self):
        self.ensure_one()
        amount = f"{self.amount_total:.2f} {self.currency_id.name}"
        if self.mode == "fixed":
            return self.env._("Fixed price of estimate %(name)s: %(amount)s", name=self.name, amount=amount)
        return self.env._(
            "Capped at estimate %(name)s: time and materials up to %(amount)s", name=self.name, amount=amount
        )

    # ------------------------------------------------------------------ prepare
    @api.model
    def _fse_prepare(self, orders):
        """Phase of the order's Prepare Estimate: a new draft estimate per order, priced by
        the billing engine; the estimates still waiting for an answer are cancelled
        (superseded). The caller has checked the user's rights and locked the orders."""
        # sudo: prices and costs are hidden from technicians (fse_price_policy); the one
        # preparing the estimate on site has had their rights on the orders checked.
        engine = self.env["fse.billing.engine"].sudo()
        vals_list = []
        # sudo: the orders' prices and costs, the caller's rights on them being checked
        for order in orders.sudo():
            items = engine._fse_price_estimate(order)
            if not items:
                raise UserError(
                    self.env._(
                        "Work order %s plans nothing to bill: add the parts and estimated hours first.", order.name
                    )
                )
            vals_list.append(self._fse_prepare_estimate_vals(order, items))
        # sudo: estimates are written by their actions only, once the caller's rights are checked.
        Estimate = self.sudo()
        superseded = Estimate.search([("order_id", "in", orders.ids), ("state", "in", ("draft", "sent"))])
        superseded.write({"state": "cancelled"})
        superseded.flush_recordset(["state"])  # before the new ones (one waiting estimate per order)
        estimates = Estimate.create(vals_list)
        for estimate in estimates:
            # sudo (the estimate's): a technician preparing it on site may not post on the order.
            estimate.order_id.message_post(
                body=self.env._(
                    "Estimate %(name)s prepared: %(amount)s to pay.",
                    name=estimate.name,
                    amount=f"{estimate.amount_total:.2f} {estimate.currency_id.name}",
                ),
            )
        return estimates.with_env(self.env)

    @api.model
    def _fse_prepare_estimate_vals(self, order, items):
        currency = order._fse_invoice_currency()
        lines = [self._fse_prepare_line_vals(item, currency) for item in items]
        return {
            "name": self._fse_next_name(order.company_id),
            "order_id": order.id,
            "currency_id": currency.id,
            "line_ids": [fields.Command.create(vals) for vals in lines],
            "amount_untaxed": sum(vals["amount_untaxed"] for vals in lines),
            "amount_covered": sum(vals["amount_covered"] for vals in lines),
            "amount_total": sum(vals["amount_total"] for vals in lines),
        }

    @api.model
    def _fse_prepare_line_vals(self, item, currency):
        """One estimate line: what the invoice line of the same work would say."""
        kind, _percent, reason = item.coverage
        gross = currency.round(item.quantity * item.price_unit)
        to_pay = currency.round(gross * (1 - item.discount / 100))
        label = item.product.display_name + (f" - {item.label}" if item.label else "")
        return {
            "kind": item.kind,
            "product_id": item.product.id,
            "name": label,
            "notes": ", ".join(item.notes) or False,
            "part_line_id": item.source.id if item.kind == "part" else False,
            "quantity": item.quantity,
            "uom_id": item.uom.id,
            "price_unit": item.price_unit,
            "coverage_percent": item.discount,
            "coverage_kind": kind,
            "coverage_reason": "\n".join(filter(None, [reason, *item.allowance_notes])) or False,
            "amount_untaxed": gross,
            "amount_covered": gross - to_pay,
            "amount_total": to_pay,
        }

    @api.model
    def _fse_next_name(self, company):
        # sudo: sequences are configuration; only the estimate's own reference is drawn.
        return self.env["ir.sequence"].sudo().with_company(company).next_by_code("fse.work.order.estimate") or "/"

    # ------------------------------------------------------------------ send
    def action_send(self):
        """Button: send the estimate to the customer (the company's "estimate to approve"
        e-mail, with the order's portal link): it then waits for their answer. Sending again
        sends the e-mail again."""
        self._fse_check_back_office()
        self._fse_lock()
        wrong = self.filtered(lambda e: e.state not in ("draft", "sent"))
        if wrong:
            raise UserError(
                self.env._(
                    "Estimate %(name)s is %(state)s and can no longer be sent.",
                    name=wrong[0].name,
                    state=wrong[0]._fse_state_label(),
                )
            )
        # sudo: the state and date are written by this action only, rights checked above.
        self.sudo().filtered(lambda e: e.state == "draft").write({"state": "sent", "sent_on": fields.Datetime.now()})
        for order in self.order_id:
            # The e-mail's link carries the order's access token: make sure it has one.
            order._portal_ensure_token()
        self.order_id._fse_notify_customer("fse_notify_estimate_template_id")
        return True

    # ------------------------------------------------------------------ answers
    def action_accept_on_site(self, signed_by, signature):
        """The customer accepts on the technician's phone (the dialog's Confirm): the order's
        technician on their own open order, or the back office. The customer sees the estimate
        there, so a draft can be accepted too."""
        self.ensure_one()
        order = self.order_id
        if order.state in ("done", "cancel"):
            raise UserError(
                self.env._("Work order %(name)s is closed: its estimate can no longer be accepted.", name=order.name)
            )
        # The technician's group and write access to the order (their own orders only).
        order._fse_check_action_rights(TECHNICIAN_GROUP)
        return self._fse_accept(signed_by, signature, "site", states=("draft", "sent"))

    def _fse_portal_accept(self, order, signed_by, signature):
        """The customer accepts on the portal. `order` is the order the portal checked the
        customer's access to (their company's, or its access token): the estimate must be
        that order's, and waiting for their answer."""
        self.ensure_one()
        self._fse_check_portal_order(order)
        return self._fse_accept(signed_by, signature, "portal", states=("sent",))

    def _fse_portal_decline(self, order, reason):
        """The customer declines on the portal, saying why."""
        self.ensure_one()
        self._fse_check_portal_order(order)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Tell us why you decline the estimate."))
        # sudo: the portal customer answers through this method only (no write right of theirs).
        estimate = self.sudo()._fse_lock()
        if estimate.state == "declined":
            return False  # declined already (a second click): nothing more to do
        estimate._fse_check_waiting(("sent",))
        estimate.write(
            {
                "state": "declined",
                "decline_reason": reason,
                "declined_on": fields.Datetime.now(),
                "answered_uid": self.env.uid,
            }
        )
        # As superuser (the estimate's sudo): the customer's answer goes in the order's chatter.
        estimate.order_id.message_post(
            body=self.env._("Estimate %(name)s declined: %(reason)s", name=estimate.name, reason=reason),
            author_id=estimate._fse_answer_author().id,
        )
        return True

    def _fse_accept(self, signed_by, signature, channel, states):
        """Phase of every acceptance: name and signature required, the estimate locked, then
        accepted (once: a second acceptance, a double click or a retried request, changes
        nothing). The order's earlier accepted estimate is superseded."""
        signed_by = (signed_by or "").strip()
        if not signed_by:
            raise UserError(self.env._("Write the name of the person who accepts the estimate."))
        if not signature:
            raise UserError(self.env._("The estimate is accepted with a signature: sign first."))
        # sudo: the answer is written by this method only, once the caller's access is checked.
        estimate = self.sudo()._fse_lock()
        if estimate.state == "accepted":
            return False  # accepted already: the first acceptance stands
        estimate._fse_check_waiting(states)
        # sudo: superseding the order's earlier agreement is part of this acceptance.
        self.sudo().search(
            [("order_id", "=", estimate.order_id.id), ("state", "=", "accepted"), ("id", "!=", estimate.id)]
        ).write({"state": "cancelled"})
        self.env.flush_all()  # the earlier one is cancelled first (one accepted estimate per order)
        estimate.write(
            {
                "state": "accepted",
                "signed_by": signed_by,
                "signature": signature,
                "signed_on": fields.Datetime.now(),
                "accepted_channel": channel,
                "answered_uid": self.env.uid,
            }
        )
        # As superuser (the estimate's sudo): the customer's answer goes in the order's chatter.
        estimate.order_id.message_post(
            body=self.env._(
                "Estimate %(name)s accepted by %(signer)s (%(channel)s).",
                name=estimate.name,
                signer=signed_by,
                channel=dict(self._fields["accepted_channel"]._description_selection(self.env))[channel],
            ),
            author_id=estimate._fse_answer_author().id,
        )
        return True

    def _fse_answer_author(self):
        """Who answered, for the chatter: the user, or the customer when they came with the
        order's access token (the public user)."""
        user = self.env.user
        return self.order_id.partner_id if user._is_public() else user.partner_id

    def _fse_check_waiting(self, states):
        for estimate in self:
            if estimate.state not in states:
                raise UserError(
                    self.env._(
                        "Estimate %(name)s is %(state)s: it no longer waits for an answer.",
                        name=estimate.name,
                        state=estimate._fse_state_label(),
                    )
                )

    def _fse_check_portal_order(self, order):
        if not order or self.order_id != order:
            raise AccessError(self.env._("This estimate is not one of yours."))

    def _fse_check_back_office(self):
        if self.env.su:
            return
        if not self.env.user.has_group(DISPATCHER_GROUP):
            raise AccessError(self.env._("Only a dispatcher can send an estimate."))
        self.order_id.check_access("write")

    def _fse_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------ buttons
    def action_fse_customer_accepts(self):
        """Button on the phone: the dialog where the customer signs."""
        self.ensure_one()
        self.order_id._fse_check_action_rights(TECHNICIAN_GROUP)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Accepts %s", self.name),
            "res_model": "fse.work.order.estimate.accept",
            "view_mode": "form",
            "target": "new",
            "context": {"default_estimate_id": self.id},
        }


class FseWorkOrderEstimateLine(models.Model):
    _name = "fse.work.order.estimate.line"
    _description = "Work Order Estimate Line"
    _order = "estimate_id, id"

    estimate_id = fields.Many2one("fse.work.order.estimate", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="estimate_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="estimate_id.currency_id")
    kind = fields.Selection([("labor", "Labor"), ("part", "Part"), ("callout", "Call-out")], required=True)
    product_id = fields.Many2one("product.product", required=True)
    name = fields.Char(string="Description", required=True)
    notes = fields.Char(help="How the quantity and rate were arrived at (billing rule).")
    part_line_id = fields.Many2one("fse.work.order.part", string="Planned Part", ondelete="set null")
    quantity = fields.Float(digits="Product Unit")
    uom_id = fields.Many2one("uom.uom", string="Unit")
    # Technicians read no price (fse_price_policy); the amounts the customer pays they do.
    price_unit = fields.Monetary(string="Unit Price", groups="field_service_erp.group_fse_dispatcher")
    coverage_percent = fields.Float(string="Covered %")
    coverage_kind = fields.Selection(COVERAGE_KINDS, string="Coverage")
    coverage_reason = fields.Char(string="Covered By")
    amount_untaxed = fields.Monetary(string="Amount")
    amount_covered = fields.Monetary(string="Covered")
    amount_total = fields.Monetary(string="To Pay")
