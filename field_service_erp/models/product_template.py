from odoo import fields, models

from .fse_price_policy import fse_price_hidden


class ProductTemplate(models.Model):
    _inherit = "product.template"

    fse_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Warranty given on this machine from its installation date, used when a delivered "
        "serial number becomes an installation.",
    )

    def _has_field_access(self, field, operation):
        return super()._has_field_access(field, operation) and not fse_price_hidden(self, field)
