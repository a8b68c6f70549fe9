from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fse_labor_product_id = fields.Many2one(
        "product.product",
        string="Field Service Labor Product",
        domain=[("type", "=", "service")],
        help="Service product used on new labor lines (hours worked on a work order).",
    )
