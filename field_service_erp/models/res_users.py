from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    fse_work_order_ids = fields.One2many("fse.work.order", "technician_id", string="Assigned Work Orders")
