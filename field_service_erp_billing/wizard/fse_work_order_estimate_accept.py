from odoo import fields, models


class FseWorkOrderEstimateAccept(models.TransientModel):
    """The customer accepts an estimate on the technician's phone: their name and signature,
    passed to the estimate's `action_accept_on_site`, which checks everything."""

    _name = "fse.work.order.estimate.accept"
    _description = "Customer Accepts an Estimate"

    estimate_id = fields.Many2one("fse.work.order.estimate", required=True, readonly=True, ondelete="cascade")
    currency_id = fields.Many2one(related="estimate_id.currency_id")
    amount_total = fields.Monetary(related="estimate_id.amount_total", string="To Pay")
    mode = fields.Selection(related="estimate_id.mode")
    signed_by = fields.Char(string="Name")
    signature = fields.Image(max_width=1024, max_height=1024)

    def action_confirm(self):
        self.ensure_one()
        self.estimate_id.action_accept_on_site(self.signed_by, self.signature)
        return {"type": "ir.actions.act_window_close"}
