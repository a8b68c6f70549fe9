from odoo import fields, models


class FseChecklistItem(models.Model):
    """A check technicians tick on every work order of a type (e.g. "Safety lock-out done")."""

    _name = "fse.checklist.item"
    _description = "Checklist Item"
    _order = "order_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    order_type = fields.Selection(
        selection=lambda self: self.env["fse.work.order"]._fields["order_type"].selection,
        string="Work Order Type",
        required=True,
        index=True,
    )
    required = fields.Boolean(help="The order cannot be completed until this check is ticked.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
