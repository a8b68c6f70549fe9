from odoo import api, fields, models


class FseWorkOrderPartRequestLine(models.TransientModel):
    _name = "fse.work.order.part.request.line"
    _description = "Requested Part"

    request_id = fields.Many2one("fse.work.order.part.request", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", string="Part", required=True, domain=[("is_storable", "=", True)])
    quantity = fields.Float(
        string="Needed",
        default=1.0,
        required=True,
        digits="Product Unit",
        help="How many the job needs in the van, in the part's unit. Parts already requested for this "
        "order and still on their way count towards it: asking again requests nothing twice.",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    qty_requested = fields.Float(
        string="On the Way",
        compute="_compute_qty_requested",
        digits="Product Unit",
        help="Already requested for this order and not in the van yet.",
    )
    note = fields.Char(help="For the warehouse: shown on the transfer's line.")

    @api.depends("product_id", "request_id.order_id")
    def _compute_qty_requested(self):
        # sudo: the order's own requests, whatever moves the reader may see.
        moves = self.request_id.order_id.sudo().request_move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        for line in self:
            line.qty_requested = sum(
                move.product_qty
                for move in moves
                if move.product_id == line.product_id and move.fse_request_order_id == line.request_id.order_id
            )
