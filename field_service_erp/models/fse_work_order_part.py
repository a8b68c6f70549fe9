from odoo import api, fields, models


class FseWorkOrderPart(models.Model):
    """A spare part planned or used on a work order."""

    _name = "fse.work.order.part"
    _description = "Work Order Part"
    _order = "order_id, sequence, id"
    _check_company_auto = True

    order_id = fields.Many2one("fse.work.order", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        index=True,
        check_company=True,
        domain=[("type", "=", "consu")],
    )
    tracking = fields.Selection(related="product_id.tracking")
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit")
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        required=True,
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial",
        index=True,
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Source Location",
        check_company=True,
        domain="[('usage', '=', 'internal')]",
    )
    note = fields.Char()

    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "A part quantity must be positive.")

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if line.product_id and (not line.product_uom_id or line.product_uom_id != line.product_id.uom_id):
                line.product_uom_id = line.product_id.uom_id

    @api.onchange("product_id")
    def _onchange_product_id_clear_lot(self):
        if self.lot_id and self.lot_id.product_id != self.product_id:
            self.lot_id = False

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._fse_check_not_locked()
        return lines

    def write(self, vals):
        self.order_id._fse_check_not_locked()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_orders(self):
        self.order_id._fse_check_not_locked()
