from odoo import api, fields, models
from odoo.exceptions import UserError


class StockLocation(models.Model):
    _inherit = "stock.location"

    fse_technician_id = fields.Many2one(
        "res.users",
        string="Van of Technician",
        index="btree_not_null",
        copy=False,
        help="This internal location is the van stock of this technician: parts they use "
        "on work orders are taken from here by default.",
    )

    _fse_one_van_per_technician = models.UniqueIndex(
        "(fse_technician_id, company_id) WHERE fse_technician_id IS NOT NULL AND active",
        "A technician has one van per company.",
    )

    @api.constrains("fse_technician_id", "usage")
    def _check_van_is_internal(self):
        for location in self:
            if location.fse_technician_id and location.usage != "internal":
                raise UserError(self.env._("A van location must be an internal location (%s).", location.display_name))
