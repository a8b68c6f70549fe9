from odoo import api, fields, models


class FseWorkOrderPartRequest(models.TransientModel):
    """Request Parts: parts the technician's van lacks for a job, brought from the warehouse
    through its van refill route. Confirm hands the lines to the work order, which checks the
    user's rights and the order itself (fse.work.order._fse_request_parts)."""

    _name = "fse.work.order.part.request"
    _description = "Request Parts for a Work Order"

    order_id = fields.Many2one("fse.work.order", string="Work Order", required=True, readonly=True, ondelete="cascade")
    van_location_id = fields.Many2one(
        "stock.location", string="To Van", compute="_compute_van_location_id", help="Where the parts are brought."
    )
    # The part picker lists what this stock holds first, with its quantity.
    stock_location_id = fields.Many2one(
        "stock.location", string="From", compute="_compute_van_location_id", help="Where the parts come from."
    )
    line_ids = fields.One2many("fse.work.order.part.request.line", "request_id", string="Parts")
    done = fields.Boolean(readonly=True, help="Confirmed: confirming again changes nothing.")

    @api.depends("order_id")
    def _compute_van_location_id(self):
        for wizard in self:
            wizard.van_location_id = wizard.order_id._fse_request_van() if wizard.order_id else False
            # sudo: the van's warehouse stock, whatever warehouses the technician may read.
            wizard.stock_location_id = wizard.van_location_id.sudo().warehouse_id.lot_stock_id

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # Only orders the user may ask parts for: the wizard is no way around the order's rights.
        wizards.order_id._fse_check_can_request_parts()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if "order_id" in vals:
            self.order_id._fse_check_can_request_parts()
        return res

    def action_confirm(self):
        self.ensure_one()
        if self.done:
            # A second click, or a retried request: the first confirmation did the job.
            return {"type": "ir.actions.act_window_close"}
        self.order_id._fse_request_parts(
            [{"product": line.product_id, "quantity": line.quantity, "note": line.note} for line in self.line_ids]
        )
        self.done = True
        return {"type": "ir.actions.act_window_close"}
