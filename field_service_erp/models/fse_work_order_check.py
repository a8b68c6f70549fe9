from odoo import api, fields, models


class FseWorkOrderCheck(models.Model):
    """One checklist item on one work order, ticked by the technician."""

    _name = "fse.work.order.check"
    _inherit = ["fse.write.policy"]
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

    @api.model
    def _fse_technician_fields(self):
        """A technician ticks the checks of their own open orders; the list is the back office's."""
        return super()._fse_technician_fields() | {"done"}

    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        checks = super().create(vals_list)
        checks.order_id._fse_check_not_locked()
        return checks

    def write(self, vals):
        self._fse_check_write_policy([vals])
        self.order_id._fse_check_not_locked()
        if "order_id" in vals:
            self.order_id.browse(vals["order_id"])._fse_check_lines_target()
        if "done" in vals:
            vals.update(done_by_id=vals["done"] and self.env.uid, done_on=vals["done"] and fields.Datetime.now())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_orders(self):
        self.order_id._fse_check_not_locked()
