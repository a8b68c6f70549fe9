from odoo import fields, models


class FseWorkOrderPart(models.Model):
    _name = "fse.work.order.part"
    _inherit = ["fse.billable.line.mixin", "fse.work.order.part"]  # mixin first: its overrides run first
    _fse_cost_type = "parts"

    invoice_line_ids = fields.One2many("account.move.line", "fse_part_id", string="Invoice Lines", readonly=True)
