from odoo import api, fields, models
from odoo.exceptions import UserError

from .fse_billing_engine import COVERAGE_KINDS

BILLING_FIELDS = {"billable", "coverage_percent", "coverage_reason", "coverage_kind"}


class FseBillableLineMixin(models.AbstractModel):
    """What billing adds to a work order line (labor or part): whether it is billed, and
    how much of it the customer's coverage pays, with the reason."""

    _name = "fse.billable.line.mixin"
    _description = "Billable Work Order Line"
    _fse_cost_type = None  # "labor" or "parts": the coverage rule that applies

    billable = fields.Boolean(
        compute="_compute_billable",
        store=True,
        readonly=False,
        precompute=True,
        help="Billed to the customer. Defaults from the order (and its billing rule for travel); "
        "a dispatcher can change it until the line is invoiced.",
    )
    coverage_percent = fields.Float(
        string="Covered %",
        compute="_compute_coverage",
        store=True,
        readonly=False,
        help="Share of the price the customer does not pay (warranty, contract).",
    )
    coverage_reason = fields.Char(string="Covered By", compute="_compute_coverage", store=True, readonly=False)
    coverage_kind = fields.Selection(
        COVERAGE_KINDS,
        string="Coverage",
        compute="_compute_coverage",
        store=True,
        readonly=False,
        help="Where the coverage comes from. A percentage or reason changed by hand makes it 'Set by Hand': "
        "the contract's included hours and yearly cap then leave the line alone.",
    )

    @api.depends("order_id.billable")
    def _compute_billable(self):
        for line in self:
            line.billable = line.order_id.billable

    def _fse_line_cost_type(self):
        """The coverage rule of this line: "labor" or "parts" (labor lines: "travel" for travel)."""
        return self._fse_cost_type

    @api.depends(
        "order_id.installation_id.warranty_end_date",
        "order_id.order_type",
        "order_id.service_date",
        "order_id.contract_id",
        "order_id.plan_id",
        "product_id",
    )
    def _compute_coverage(self):
        engine = self.env["fse.billing.engine"]
        for line in self:
            if line.coverage_kind == "manual":
                continue  # set by hand by the back office: kept whatever changes on the order
            line.coverage_kind, line.coverage_percent, line.coverage_reason = engine._fse_coverage(
                line.order_id, line._fse_line_cost_type(), line.product_id
            )

    def write(self, vals):
        # What a line bills is settled once it is on an invoice (credit the invoice to change it).
        if not self.env.su and set(vals) & BILLING_FIELDS:
            # Whether the line is billed is read as superuser: invoice lines are accounting data.
            invoiced = self.filtered(lambda line: line.sudo().invoice_line_ids.filtered("fse_billing_active"))
            if invoiced:
                raise UserError(
                    self.env._(
                        "%(line)s of %(order)s is already invoiced: its billing can no longer change.",
                        line=invoiced[0].display_name,
                        order=invoiced[0].order_id.name,
                    )
                )
        if {"coverage_percent", "coverage_reason"} & set(vals) and "coverage_kind" not in vals:
            vals = {**vals, "coverage_kind": "manual"}
        return super().write(vals)

    @api.model
    def _fse_fields_editable_when_locked(self):
        return super()._fse_fields_editable_when_locked() | BILLING_FIELDS
