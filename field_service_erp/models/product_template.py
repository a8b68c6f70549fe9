from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    fse_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Warranty given on this machine from its installation date, used when a delivered "
        "serial number becomes an installation.",
    )
