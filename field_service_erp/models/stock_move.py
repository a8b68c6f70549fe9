from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    fse_work_order_id = fields.Many2one(
        "fse.work.order",
        string="Work Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    # The line may be removed after consumption; its moves stay, still linked to the order.
    fse_part_id = fields.Many2one(
        "fse.work.order.part",
        string="Work Order Part",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
    )

    @api.depends("fse_work_order_id.name")
    def _compute_reference(self):
        # Moves without a picking get the work order's reference (as repair does), which
        # valuation entries and the moves analysis show.
        on_orders = self.filtered("fse_work_order_id")
        for move in on_orders:
            move.reference = move.fse_work_order_id.name
        return super(StockMove, self - on_orders)._compute_reference()
