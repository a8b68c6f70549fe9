from odoo import api, fields, models


class FseWorkOrderPart(models.Model):
    _inherit = "fse.work.order.part"

    billable = fields.Boolean(
        compute="_compute_billable",
        store=True,
        readonly=False,
        precompute=True,
        help="Billed to the customer; a dispatcher can change it until the line is invoiced.",
    )
    coverage_percent = fields.Float(
        string="Covered %",
        compute="_compute_coverage",
        store=True,
        readonly=False,
        help="Share of the price the customer does not pay (warranty, contract).",
    )
    coverage_reason = fields.Char(string="Covered By", compute="_compute_coverage", store=True, readonly=False)
    invoice_line_ids = fields.One2many("account.move.line", "fse_part_id", string="Invoice Lines", readonly=True)

    @api.depends("order_id.billable")
    def _compute_billable(self):
        for line in self:
            line.billable = line.order_id.billable

    @api.depends("order_id.installation_id.warranty_end_date", "order_id.order_type", "order_id.scheduled_start")
    def _compute_coverage(self):
        for line in self:
            line.coverage_percent, line.coverage_reason = line.order_id._fse_coverage("parts")

    @api.model
    def _fse_fields_editable_when_locked(self):
        return super()._fse_fields_editable_when_locked() | {"billable", "coverage_percent", "coverage_reason"}
