from odoo import api, fields, models


class FseWorkOrderLabor(models.Model):
    _name = "fse.work.order.labor"
    _inherit = ["fse.billable.line.mixin", "fse.work.order.labor"]  # mixin first: its overrides run first
    _fse_cost_type = "labor"

    invoice_line_ids = fields.One2many("account.move.line", "fse_labor_id", string="Invoice Lines", readonly=True)

    def _fse_line_cost_type(self):
        return "travel" if self.labor_type == "travel" else "labor"

    @api.depends("labor_type")
    def _compute_coverage(self):
        return super()._compute_coverage()

    @api.depends("order_id.billable", "labor_type")
    def _compute_billable(self):
        """Travel is billed only when the order's billing rule says so."""
        rules = self.env["fse.billing.rule"]._fse_rules_for(self.order_id)
        for line in self:
            travel_ok = line.labor_type != "travel" or rules[line.order_id].bill_travel
            line.billable = line.order_id.billable and travel_ok
