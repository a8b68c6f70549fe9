from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import float_compare, float_is_zero

DISPATCHER_GROUP = "field_service_erp.group_fse_dispatcher"


class FseWorkOrderPart(models.Model):
    """A spare part planned or used on a work order.

    The line is the plan until it is consumed; consuming turns it into validated stock
    moves from the source location to the site's customer location. Later corrections
    (a lower quantity, a removed line, a cancelled order) add return moves linked to the
    original one: done moves are never edited or deleted."""

    _name = "fse.work.order.part"
    _inherit = ["fse.write.policy"]
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
        required=True,
        compute="_compute_location_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('usage', '=', 'internal')]",
        help="Where the part is taken from: the technician's van, else the warehouse stock.",
    )
    replaced_component_id = fields.Many2one(
        "fse.installation",
        string="Replaces Component",
        check_company=True,
        domain="[('parent_id', '=', parent.installation_id), ('state', '=', 'active')]",
        help="For a serialized part: the component of the machine this part replaces. "
        "Consuming the part decommissions that component and installs the new serial in its place.",
    )
    move_ids = fields.One2many("stock.move", "fse_part_id", string="Stock Moves", readonly=True)
    move_id = fields.Many2one(
        "stock.move",
        string="Consumption Move",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The first move that consumed this part; returns are linked to it.",
    )
    qty_consumed = fields.Float(
        compute="_compute_qty_consumed",
        store=True,
        digits="Product Unit",
        help="Quantity taken out of stock for this line, net of returns, in the line's unit.",
    )
    note = fields.Char()
    qty_at_source = fields.Float(
        string="On Hand",
        compute="_compute_qty_at_source",
        digits="Product Unit",
        help="Free quantity of this part (and lot) at the source location, e.g. in the van.",
    )

    # What the pickers offer (see _fse_pickable_products and _fse_lots_on_hand).
    pick_product_ids = fields.Many2many(
        "product.product",
        compute="_compute_pick_ids",
        string="Pickable Parts",
        help="What is on hand at the source location, plus the parts the order plans.",
    )
    pick_lot_ids = fields.Many2many(
        "stock.lot",
        compute="_compute_pick_ids",
        string="Pickable Lots",
        help="The part's lots and serials on hand at the source location.",
    )

    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "A part quantity must be positive.")

    # ------------------------------------------------------------------ computes
    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if line.product_id and (not line.product_uom_id or line.product_uom_id != line.product_id.uom_id):
                line.product_uom_id = line.product_id.uom_id

    @api.depends("order_id.technician_id", "order_id.company_id")
    def _compute_location_id(self):
        """Line's location, else the technician's van, else the warehouse stock."""
        lines = self.filtered(lambda line: not line.move_id and line.order_id)
        if not lines:
            return
        sources = lines.order_id._fse_default_part_locations()
        for line in lines:
            line.location_id = sources.get(line.order_id) or line.location_id

    @api.depends("product_id", "location_id", "lot_id", "order_id.plan_id", "order_id.part_line_ids.product_id")
    def _compute_pick_ids(self):
        on_hand = {}
        lots = self._fse_lots_on_hand()
        for line in self:
            # The line's own part stays in its picker, whatever the van holds now.
            line.pick_product_ids = line._fse_pickable_products(on_hand)[line] | line.product_id
            line.pick_lot_ids = lots.get(line, self.env["stock.lot"]) | line.lot_id

    @api.depends("product_id", "location_id", "lot_id")
    def _compute_qty_at_source(self):
        lines = self.filtered(lambda ln: ln.product_id.is_storable and ln.location_id)
        groups = (
            self.env["stock.quant"]
            # sudo: on-hand quantities shown on the line only; nothing is written.
            .sudo()
            ._read_group(
                [("product_id", "in", lines.product_id.ids), ("location_id", "in", lines.location_id.ids)],
                ["product_id", "location_id", "lot_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
        )
        free = {}
        for product, location, lot, quantity, reserved in groups:
            for key in ((product, location, lot), (product, location, None)):
                free[key] = free.get(key, 0.0) + quantity - reserved
        for line in self:
            line.qty_at_source = free.get((line.product_id, line.location_id, line.lot_id or None), 0.0)

    @api.depends("move_ids.fse_signed_qty", "product_uom_id")
    def _compute_qty_consumed(self):
        for line in self:
            line.qty_consumed = sum(
                move.product_id.uom_id._compute_quantity(move.fse_signed_qty, line.product_uom_id or move.product_uom)
                for move in line.move_ids
            )

    @api.onchange("product_id")
    def _onchange_product_id_clear_lot(self):
        if self.lot_id and self.lot_id.product_id != self.product_id:
            self.lot_id = False

    # ------------------------------------------------------------------ constraints
    @api.constrains("lot_id", "product_id")
    def _check_lot_product(self):
        for line in self.filtered("lot_id"):
            if line.lot_id.product_id != line.product_id:
                raise ValidationError(
                    self.env._(
                        "Lot/serial %(lot)s is a lot of %(lot_product)s, not of %(product)s.",
                        lot=line.lot_id.name,
                        lot_product=line.lot_id.product_id.display_name,
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("lot_id", "location_id", "product_id")
    def _check_lot_at_source(self):
        """A lot or serial is taken from where it is: one fitted at a customer or kept
        elsewhere cannot be picked (consuming it would fail later anyway). Consumed lines
        keep their lot: it has left the source with the part."""
        lines = self.filtered(lambda ln: ln.lot_id and ln.location_id and not ln.move_id)
        on_hand = lines._fse_lots_on_hand()
        for line in lines:
            if line.lot_id not in on_hand.get(line, ()):
                # sudo: where the lot is now, for the message only (technicians cannot read quants).
                now_at = line.lot_id.sudo().location_id
                raise ValidationError(
                    self.env._(
                        "%(lot)s (%(product)s) is not on hand in %(location)s%(now_at)s: pick a serial or lot "
                        "that is there, or ask for this one with Request Parts.",
                        lot=line.lot_id.name,
                        product=line.product_id.display_name,
                        location=line.location_id.display_name,
                        now_at=self.env._(" (it is in %s)", now_at.display_name) if now_at else "",
                    )
                )

    @api.constrains("product_uom_id", "product_id")
    def _check_uom_compatible(self):
        for line in self.filtered("product_uom_id"):
            if not line.product_uom_id._has_common_reference(line.product_id.uom_id):
                raise ValidationError(
                    self.env._(
                        "%(product)s is counted in %(uom)s: %(line_uom)s cannot be converted to it.",
                        product=line.product_id.display_name,
                        uom=line.product_id.uom_id.name,
                        line_uom=line.product_uom_id.name,
                    )
                )

    @api.constrains("replaced_component_id", "order_id")
    def _check_replaced_component(self):
        for line in self.filtered("replaced_component_id"):
            machine = line.order_id.installation_id
            if not machine or line.replaced_component_id.parent_id != machine:
                raise ValidationError(
                    self.env._(
                        "%(component)s is not a component of the machine of %(order)s.",
                        component=line.replaced_component_id.display_name,
                        order=line.order_id.name,
                    )
                )

    # ------------------------------------------------------------------ CRUD
    @api.model
    def _fse_technician_fields(self):
        """What a technician records on the parts of their own open orders."""
        return super()._fse_technician_fields() | {
            "sequence",
            "product_id",
            "quantity",
            "product_uom_id",
            "lot_id",
            "location_id",  # their van (the default stock without one): _fse_check_source_location_rights
            "replaced_component_id",
            "note",
        }

    @api.model
    def _fse_technician_create_fields(self):
        return super()._fse_technician_create_fields() | {"order_id"}

    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        lines = super().create(vals_list)
        lines.order_id._fse_check_not_locked()
        lines._fse_check_source_location_rights()
        lines._fse_check_pickable_products()
        return lines

    @api.model
    def _fse_fields_editable_when_locked(self):
        """Fields that may still change on a done order's lines (hook for billing)."""
        return set()

    def write(self, vals):
        self._fse_check_write_policy([vals])
        if set(vals) - self._fse_fields_editable_when_locked():
            self.order_id._fse_check_not_locked()
        if "order_id" in vals:
            self.order_id.browse(vals["order_id"])._fse_check_lines_target()
            if self.filtered("move_id"):
                raise UserError(
                    self.env._("A part taken out of stock stays on its work order; add a new line instead.")
                )
        if "product_id" in vals or "lot_id" in vals or "product_uom_id" in vals:
            consumed = self.filtered("move_id")
            if consumed:
                raise UserError(
                    self.env._(
                        "%(product)s is already taken out of stock on %(order)s: set its quantity to what "
                        "was really used, or add a new line, instead of changing the product, lot or unit.",
                        product=consumed[0].product_id.display_name,
                        order=consumed[0].order_id.name,
                    )
                )
        repicked = self.filtered(
            lambda line: line.product_id.id != vals.get("product_id", line.product_id.id)
            or line.location_id.id != vals.get("location_id", line.location_id.id)
        )
        res = super().write(vals)
        if "location_id" in vals:
            self._fse_check_source_location_rights()
        repicked._fse_check_pickable_products()
        if "quantity" in vals:
            # A consumed line follows its quantity: more is taken, less is returned.
            self.filtered("move_id")._fse_sync_stock()
        return res

    def unlink(self):
        self.order_id._fse_check_not_locked()
        # Removing a consumed line gives its parts back; the moves stay on the order.
        self.filtered(lambda line: line.qty_consumed)._fse_return_all()
        return super().unlink()

    def _fse_check_source_location_rights(self):
        """Technicians take parts from their own van, or from the company's default stock
        when they have no van; a dispatcher decides anything else. (With a van, a part from
        the warehouse comes through Request Parts, so the back office sees it leave.)"""
        if self.env.su or self.env.user.has_group("field_service_erp.group_fse_dispatcher"):
            return
        default_stock = self.order_id.company_id._fse_default_stock_locations()  # one query for all lines
        for line in self:
            company = line.order_id.company_id
            allowed = line.order_id.technician_id.with_company(company).fse_van_location_id or (
                default_stock.get(company) or self.env["stock.location"]
            )
            if line.location_id and line.location_id not in allowed:
                raise UserError(
                    self.env._(
                        "Only a dispatcher can take %(product)s from %(location)s; use your van, and ask "
                        "the warehouse for what it lacks with Request Parts.",
                        product=line.product_id.display_name,
                        location=line.location_id.display_name,
                    )
                )

    def _fse_pickable_products(self, on_hand=None):
        """{line: the parts it may take without a Request Parts}: what is on hand at the
        line's source (the van), plus what its order plans (the plan's kit and the order's
        other lines). The picker offers these; _fse_check_pickable_products enforces them.

        :param on_hand: optional {location: products on hand} cache shared between calls.
        """
        Product = self.env["product.product"]
        on_hand = {} if on_hand is None else on_hand
        result = {}
        for line in self:
            location = line.location_id
            if location not in on_hand:
                on_hand[location] = Product.union(*Product._fse_free_qty_at(location))
            result[line] = on_hand[location] | line.order_id._fse_planned_products(exclude_lines=self)
        return result

    def _fse_check_pickable_products(self):
        """Technicians use what they carry or what the order plans; anything else is asked
        for with Request Parts, so the back office knows it leaves the warehouse."""
        if self.env.su or self.env.user.has_group(DISPATCHER_GROUP) or not self:
            return
        pickable = self._fse_pickable_products()
        for line in self:
            if line.product_id not in pickable[line]:
                raise UserError(
                    self.env._(
                        "%(product)s is not on hand in %(location)s and not planned on %(order)s: "
                        "ask for it with Request Parts.",
                        product=line.product_id.display_name,
                        location=line.location_id.display_name,
                        order=line.order_id.name,
                    )
                )

    def _fse_lots_on_hand(self):
        """{line: lots of its part with a positive quantity at its source location or below}."""
        result = {}
        lines = self.filtered(lambda ln: ln.product_id.tracking not in (False, "none") and ln.location_id)
        for location in lines.location_id:
            at_location = lines.filtered(lambda ln, loc=location: ln.location_id == loc)
            groups = (
                self.env["stock.quant"]
                # sudo: technicians have no Inventory rights; quantities are only compared.
                .sudo()
                ._read_group(
                    [
                        ("product_id", "in", at_location.product_id.ids),
                        ("location_id", "child_of", location.id),
                        ("lot_id", "!=", False),
                    ],
                    ["lot_id"],
                    ["quantity:sum"],
                )
            )
            lots = self.env["stock.lot"].union(
                *(
                    lot
                    for lot, quantity in groups
                    if float_compare(quantity, 0.0, precision_rounding=lot.product_id.uom_id.rounding) > 0
                )
            )
            for line in at_location:
                result[line] = lots.filtered(lambda lot, product=line.product_id: lot.product_id == product).with_env(
                    self.env
                )
        return result

    # ------------------------------------------------------------------ stock
    def _fse_return_all(self):
        """Bring every consumed unit of these lines back to where it came from."""
        self._fse_sync_stock(target_qty={line.id: 0.0 for line in self})

    def _fse_sync_stock(self, target_qty=None):
        """Make stock match the lines: consume what is planned and not yet consumed,
        return what was consumed beyond the plan. One batch for all lines and orders:
        availability is checked for all of them first (with the quants locked), then all
        moves are created, confirmed and validated together. Running it twice changes
        nothing the second time.

        :param target_qty: optional {line id: quantity} overriding the lines' quantity.
        """
        target_qty = target_qty or {}
        consume, give_back = [], []
        for line in self.filtered(lambda ln: ln.product_id.type == "consu"):
            target = target_qty.get(line.id, line.quantity)
            delta = target - line.qty_consumed
            rounding = line.product_uom_id.rounding
            if float_compare(delta, 0.0, precision_rounding=rounding) > 0:
                consume.append((line, delta))
            elif float_compare(delta, 0.0, precision_rounding=rounding) < 0:
                give_back.append((line, -delta))
        if not consume and not give_back:
            return self.env["stock.move"]
        self._fse_check_lots(consume)
        self._fse_check_availability(consume)

        move_vals = [line._fse_prepare_move_vals(qty) for line, qty in consume]
        move_vals += [line._fse_prepare_return_move_vals(qty) for line, qty in give_back]
        # Technicians are Inventory users, but the moves must be written whatever the
        # reader's stock rights; the order's own access was checked by the caller's write.
        Move = self.env["stock.move"].sudo()
        moves = Move.create(move_vals)
        moves._action_confirm(merge=False)
        moves.picked = True
        moves._action_done()
        not_done = moves.filtered(lambda m: m.state != "done")
        if not_done:
            raise UserError(
                self.env._(
                    "Stock could not validate the move of %(product)s for %(order)s.",
                    product=not_done[0].product_id.display_name,
                    order=not_done[0].fse_work_order_id.name,
                )
            )
        for line, move in zip([c[0] for c in consume], moves[: len(consume)], strict=False):
            if not line.move_id:
                # sudo: move_id is a system field, set by the stock sync itself.
                line.sudo().move_id = move
        self._fse_update_components(consume, give_back)
        return moves

    def _fse_check_lots(self, consume):
        for line, _qty in consume:
            if line.product_id.tracking == "none":
                continue
            if not line.lot_id:
                raise UserError(
                    self.env._(
                        "%(product)s is tracked by lot or serial number: set it on the line of %(order)s.",
                        product=line.product_id.display_name,
                        order=line.order_id.name,
                    )
                )
            if line.product_id.tracking == "serial":
                qty_product = line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id)
                if float_compare(qty_product, 1.0, precision_rounding=line.product_id.uom_id.rounding) != 0:
                    raise UserError(
                        self.env._(
                            "%(product)s has serial numbers: use one line per serial, with quantity 1 (%(order)s).",
                            product=line.product_id.display_name,
                            order=line.order_id.name,
                        )
                    )

    def _fse_check_availability(self, consume):
        """Refuse to take more than is on hand (net of reservations). The quants involved
        are locked first, so two technicians taking the last unit at the same time
        serialize: the second one is retried and then sees the shortage."""
        needs = defaultdict(float)
        for line, qty in consume:
            if not line.product_id.is_storable:
                continue
            if line.location_id.fse_technician_id and line.company_id.fse_allow_negative_van_stock:
                continue
            qty_product = line.product_uom_id._compute_quantity(qty, line.product_id.uom_id)
            needs[line.product_id, line.location_id, line.lot_id] += qty_product
        if not needs:
            return
        products = self.env["product.product"].union(*(key[0] for key in needs))
        locations = self.env["stock.location"].union(*(key[1] for key in needs))
        # sudo: technicians have no Inventory rights; the quants are only read and locked here.
        Quant = self.env["stock.quant"].sudo()
        quant_domain = [("product_id", "in", products.ids), ("location_id", "child_of", locations.ids)]
        quants = Quant.search(quant_domain)
        if quants:
            self.env.cr.execute(  # expected to fail under concurrency, then retried: not logged
                "SELECT id FROM stock_quant WHERE id = ANY(%s) FOR UPDATE", [quants.ids], log_exceptions=False
            )
            quants.invalidate_recordset(["quantity", "reserved_quantity"])
        on_hand = defaultdict(float)
        for quant in quants:
            for location in locations:
                if quant.location_id.parent_path.startswith(location.parent_path):
                    free = quant.quantity - quant.reserved_quantity
                    on_hand[quant.product_id, location, quant.lot_id] += free
                    on_hand[quant.product_id, location, None] += free
        for (product, location, lot), needed in needs.items():
            available = on_hand[product, location, lot if lot else None]
            if float_compare(needed, available, precision_rounding=product.uom_id.rounding) > 0:
                raise UserError(
                    self.env._(
                        "Not enough %(product)s%(lot)s in %(location)s: %(needed)s %(uom)s needed, "
                        "%(available)s %(uom)s available.",
                        product=product.display_name,
                        lot=f" ({lot.name})" if lot else "",
                        location=location.display_name,
                        needed=needed,
                        available=0.0
                        if float_is_zero(available, precision_rounding=product.uom_id.rounding)
                        else available,
                        uom=product.uom_id.name,
                    )
                )

    def _fse_destination(self):
        self.ensure_one()
        order = self.order_id
        partner = order.site_partner_id or order.partner_id
        return partner.with_company(order.company_id).property_stock_customer

    def _fse_prepare_move_vals(self, qty):
        """Values of the move that takes `qty` (line unit) from the source to the site."""
        self.ensure_one()
        order = self.order_id
        destination = self._fse_destination()
        return {
            "product_id": self.product_id.id,
            "product_uom_qty": qty,
            "product_uom": self.product_uom_id.id,
            "location_id": self.location_id.id,
            "location_dest_id": destination.id,
            "partner_id": (order.site_partner_id or order.partner_id).id,
            "origin": order.name,
            "company_id": order.company_id.id,
            "fse_work_order_id": order.id,
            "fse_part_id": self.id,
            "move_line_ids": [Command.create(self._fse_prepare_move_line_vals(qty, self.location_id, destination))],
        }

    def _fse_prepare_return_move_vals(self, qty):
        """Values of the move that brings `qty` back from the site to where it came from."""
        self.ensure_one()
        origin = self.move_id
        source = origin.location_dest_id
        destination = origin.location_id
        vals = self._fse_prepare_move_vals(qty)
        vals.update(
            {
                "location_id": source.id,
                "location_dest_id": destination.id,
                "origin_returned_move_id": origin.id,
                "move_line_ids": [Command.create(self._fse_prepare_move_line_vals(qty, source, destination))],
            }
        )
        return vals

    def _fse_prepare_move_line_vals(self, qty, source, destination):
        return {
            "product_id": self.product_id.id,
            "product_uom_id": self.product_uom_id.id,
            "quantity": qty,
            "lot_id": self.lot_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.order_id.company_id.id,
            "picked": True,
        }

    def _fse_update_components(self, consume, give_back):
        """A serialized part fitted into a machine becomes one of its components (replacing
        the component the line names); taking it back undoes that."""
        # sudo: the components fitted by the job are the model's bookkeeping; technicians cannot edit machines.
        Installation = self.env["fse.installation"].sudo()
        new_components = []
        for line, _qty in consume:
            machine = line.order_id.installation_id
            if line.product_id.tracking != "serial" or not machine:
                continue
            # sudo: the replaced component is decommissioned by the job, not by the technician's rights.
            line.replaced_component_id.sudo().action_decommission()
            new_components.append(
                {
                    "name": line.replaced_component_id.name or line.product_id.display_name,
                    "partner_id": machine.partner_id.id,
                    "site_partner_id": machine.site_partner_id.id,
                    "parent_id": machine.id,
                    "product_id": line.product_id.id,
                    "lot_id": line.lot_id.id,
                    "installation_date": fields.Date.context_today(self),
                    "company_id": machine.company_id.id,
                }
            )
        if new_components:
            Installation.create(new_components)
        for line, _qty in give_back:
            if line.product_id.tracking != "serial" or not line.order_id.installation_id:
                continue
            Installation.search(
                [
                    ("lot_id", "=", line.lot_id.id),
                    ("parent_id", "=", line.order_id.installation_id.id),
                    ("state", "=", "active"),
                ]
            ).action_decommission()
            if line.replaced_component_id:
                # sudo: the return puts the replaced component back, as the job's own bookkeeping.
                line.replaced_component_id.sudo().action_reactivate()
