from odoo import api, fields, models
from odoo.exceptions import AccessError

from .fse_price_policy import PRICE_FIELDS, fse_price_hidden
from .fse_write_policy import field_labels

# Set by the work order's stock sync only (as superuser): they decide the consumed quantity
# of a part line and the cost of an order's parts.
FSE_LINK_FIELDS = ("fse_work_order_id", "fse_part_id")


class StockMove(models.Model):
    _inherit = "stock.move"

    def _has_field_access(self, field, operation):
        # Technicians read no price or cost (fse_price_policy); the name test first, as
        # this runs on every field read.
        if field.name in PRICE_FIELDS["stock.move"] and fse_price_hidden(self):
            return False
        return super()._has_field_access(field, operation)

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

    # The replenishment of a van asked from a work order (Request Parts): the order waits for
    # parts while such a move is open. Set by the request's procurement (as superuser) and
    # carried by the splits of such a move (backorders, which Inventory users make); see
    # _fse_check_request_link.
    fse_request_order_id = fields.Many2one(
        "fse.work.order",
        string="Requested for Work Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The work order whose technician asked for this part to be brought to their van.",
    )

    # A work order's move, signed once: parts taken to the site count positive, parts given
    # back (a return of such a move) negative. Reports and the order's figures sum these.
    fse_signed_qty = fields.Float(
        string="Net Quantity",
        compute="_compute_fse_signed",
        store=True,
        digits="Product Unit",
        help="Done quantity in the product's unit; returns from the site are negative.",
    )
    fse_signed_value = fields.Monetary(
        string="Net Value",
        compute="_compute_fse_signed",
        store=True,
        currency_field="company_currency_id",
        help="Stock valuation of the done move; returns from the site are negative.",
        groups="stock.group_stock_user",  # a cost: not for technicians
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._fse_check_links(vals_list)
        self._fse_check_request_link(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_links([vals])
        if "fse_request_order_id" in vals and not self.env.su:
            self._fse_refuse_request_link()
        return super().write(vals)

    @api.model
    def _fse_check_request_link(self, vals_list):
        """A new move may name the work order it is requested for only as the split of an
        open request move of that order and part (a backorder); else a stock user could make
        an order wait, or make a technician's real request look already on its way."""
        if self.env.su:
            return
        for vals in vals_list:
            if not vals.get("fse_request_order_id"):
                continue
            # sudo: whether the order has such a request, whatever moves the user may read.
            open_request = self.sudo().search_count(
                [
                    ("fse_request_order_id", "=", vals["fse_request_order_id"]),
                    ("product_id", "=", vals.get("product_id")),
                    ("state", "not in", ("done", "cancel")),
                ],
                limit=1,
            )
            if not open_request:
                self._fse_refuse_request_link()

    def _fse_refuse_request_link(self):
        raise AccessError(
            self.env._(
                "%(fields)s of %(model)s cannot be written directly; use Request Parts on the work order.",
                fields=field_labels(self, ["fse_request_order_id"]),
                model=self._description,
            )
        )

    @api.model
    def _fse_check_links(self, vals_list):
        """Inventory users (dispatchers) write moves, but never their work order links."""
        if self.env.su:
            return
        names = [name for name in FSE_LINK_FIELDS if any(name in vals for vals in vals_list)]
        if names:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s cannot be written directly; use the record's actions.",
                    fields=field_labels(self, names),
                    model=self._description,
                )
            )

    def _prepare_move_split_vals(self, qty):
        # The rest of a partly validated request (its backorder) is still awaited by the order.
        vals = super()._prepare_move_split_vals(qty)
        if self.fse_request_order_id:
            vals["fse_request_order_id"] = self.fse_request_order_id.id
        return vals

    @api.depends("fse_work_order_id", "origin_returned_move_id", "state", "quantity", "product_uom", "value")
    def _compute_fse_signed(self):
        for move in self:
            if not move.fse_work_order_id or move.state != "done":
                move.fse_signed_qty = move.fse_signed_value = 0.0
                continue
            sign = -1 if move.origin_returned_move_id else 1
            move.fse_signed_qty = sign * move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
            move.fse_signed_value = sign * move.value

    @api.depends("fse_work_order_id.name")
    def _compute_reference(self):
        # Moves without a picking get the work order's reference (as repair does), which
        # valuation entries and the moves analysis show.
        on_orders = self.filtered("fse_work_order_id")
        for move in on_orders:
            move.reference = move.fse_work_order_id.name
        return super(StockMove, self - on_orders)._compute_reference()
