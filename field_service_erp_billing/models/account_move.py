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

    @api.ondelete(at_uninstall=False)
    def _fse_free_contract_periods(self):
        """A deleted draft contract invoice frees its period (the period row goes with it,
        by cascade): the contract's next period moves back so that it is invoiced again."""
        periods = self.env["fse.contract.period"].sudo().search([("invoice_id", "in", self.ids)])
        for period in periods:
            contract = period.contract_id.sudo()
            if contract.next_period_start and contract.next_period_start > period.date_start:
                contract.next_period_start = period.date_start

    def action_view_fse_work_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Work Orders"),
            "res_model": "fse.work.order",
            "view_mode": "list,form",
            "domain": [("id", "in", self.fse_work_order_ids.ids)],
        }
