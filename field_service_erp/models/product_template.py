from odoo import fields, models

from .fse_price_policy import PRICE_FIELDS, fse_price_hidden


class ProductTemplate(models.Model):
    _inherit = "product.template"

    fse_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Warranty given on this machine from its installation date, used when a delivered "
        "serial number becomes an installation.",
    )

    def _has_field_access(self, field, operation):
        # Technicians read no price or cost (fse_price_policy); the name test first, as
        # this runs on every field read.
        if field.name in PRICE_FIELDS["product.template"] and fse_price_hidden(self):
            return False
        return super()._has_field_access(field, operation)
