from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    fse_work_order_ids = fields.Many2many(
        "fse.work.order",
        string="Work Orders",
        compute="_compute_fse_work_order_ids",
    )
    fse_work_order_count = fields.Integer(compute="_compute_fse_work_order_ids")
    fse_contract_id = fields.Many2one(
        "fse.contract", string="Service Contract", index="btree_not_null", copy=False, readonly=True
    )

    @api.depends("invoice_line_ids.fse_work_order_id")
    def _compute_fse_work_order_ids(self):
        for move in self:
            move.fse_work_order_ids = move.invoice_line_ids.fse_work_order_id
            move.fse_work_order_count = len(move.fse_work_order_ids)

    def action_view_fse_work_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Work Orders"),
            "res_model": "fse.work.order",
            "view_mode": "list,form",
            "domain": [("id", "in", self.fse_work_order_ids.ids)],
        }
