from odoo import api, fields, models


class FseMaintenancePlanPart(models.Model):
    """A part of a plan's default kit: copied as a planned part line on each visit."""

    _name = "fse.maintenance.plan.part"
    _description = "Preventive Maintenance Kit Part"
    _inherit = ["fse.write.policy"]

    plan_id = fields.Many2one("fse.maintenance.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, domain="[('type', '=', 'consu')]"
    )
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)

    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "Kit quantities must be positive.")

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_write_policy([vals])
        return super().write(vals)
