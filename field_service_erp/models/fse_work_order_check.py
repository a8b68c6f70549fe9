from odoo import api, fields, models


class FseWorkOrderCheck(models.Model):
    """One checklist item on one work order, ticked by the technician."""

    _name = "fse.work.order.check"
    _description = "Work Order Check"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("fse.work.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    required = fields.Boolean(readonly=True)
    done = fields.Boolean()
    done_by_id = fields.Many2one("res.users", string="Ticked By", readonly=True)
    done_on = fields.Datetime(string="Ticked On", readonly=True)

    def write(self, vals):
        self.order_id._fse_check_not_locked()
        if "done" in vals:
            vals.update(done_by_id=vals["done"] and self.env.uid, done_on=vals["done"] and fields.Datetime.now())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_orders(self):
        self.order_id._fse_check_not_locked()
