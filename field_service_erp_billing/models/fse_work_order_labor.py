from odoo import api, fields, models


class FseWorkOrderLabor(models.Model):
    _name = "fse.work.order.labor"
    _inherit = ["fse.billable.line.mixin", "fse.work.order.labor"]  # mixin first: its overrides run first
    _fse_cost_type = "labor"

    invoice_line_ids = fields.One2many("account.move.line", "fse_labor_id", string="Invoice Lines", readonly=True)
    analytic_line_ids = fields.Many2many(
        "account.analytic.line", string="Analytic Costs", copy=False, readonly=True, groups="account.group_account_user"
    )

    @api.model
    def _fse_fields_editable_when_locked(self):
        return super()._fse_fields_editable_when_locked() | {"analytic_line_ids"}

    def _prepare_analytic_line_values(self, account_field_values, amount, unit_amount):
        """Values of the analytic cost line of this labor (called by the analytic distribution)."""
        self.ensure_one()
        return {
            "name": f"{self.order_id.name} - {self.technician_id.name}",
            "amount": amount,
            **account_field_values,
            "unit_amount": unit_amount,
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "date": self.date,
            "company_id": self.order_id.company_id.id,
            "ref": self.order_id.name,
            "category": "other",
        }

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
