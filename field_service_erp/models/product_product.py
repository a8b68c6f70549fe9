from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import float_compare

from .fse_price_policy import PRICE_FIELDS, fse_price_hidden

# Context key of a part picker: the id of the stock location the part is taken from (a
# technician's van). With it, product searches list what is on hand there first and the
# picker's labels say how many; without it, products behave exactly as in Odoo.
PICK_LOCATION = "fse_pick_location_id"


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _has_field_access(self, field, operation):
        # Technicians read no price or cost (fse_price_policy); the name test first, as
        # this runs on every field read.
        if field.name in PRICE_FIELDS["product.product"] and fse_price_hidden(self):
            return False
        return super()._has_field_access(field, operation)

    fse_pick_qty = fields.Float(
        string="On Hand Here",
        compute="_compute_fse_pick_qty",
        digits="Product Unit",
        help="Free quantity at the location parts are picked from (the technician's van).",
    )

    @api.depends_context(PICK_LOCATION)
    def _compute_fse_pick_qty(self):
        free = self._fse_free_qty_at(self._fse_pick_location(), self)
        for product in self:
            product.fse_pick_qty = free.get(product, 0.0)

    @api.model
    def _fse_pick_location(self):
        location_id = self.env.context.get(PICK_LOCATION)
        if not isinstance(location_id, int) or isinstance(location_id, bool):
            return self.env["stock.location"]
        # sudo: the van's name and parent path only; the picker never writes to it.
        return self.env["stock.location"].sudo().browse(location_id).exists()

    @api.model
    def _fse_free_qty_at(self, location, products=None):
        """{product: free quantity} of the products with some free quantity (on hand less
        reserved) at `location` or below it; `products` narrows the search."""
        if not location:
            return {}
        domain = Domain("location_id", "child_of", location.ids)
        if products is not None:
            domain &= Domain("product_id", "in", products.ids)
        groups = (
            self.env["stock.quant"]
            # sudo: technicians have no Inventory rights; quantities are only shown and compared.
            .sudo()
            ._read_group(domain, ["product_id"], ["quantity:sum", "reserved_quantity:sum"])
        )
        free = {}
        for product, quantity, reserved in groups:
            if float_compare(quantity - reserved, 0.0, precision_rounding=product.uom_id.rounding) > 0:
                free[product.with_env(self.env)] = quantity - reserved
        return free

    @api.depends_context(PICK_LOCATION)
    def _compute_display_name(self):
        super()._compute_display_name()
        location = self._fse_pick_location()
        # Only the picker's dropdown label (the formatted name) shows the quantity; the
        # name a chosen part keeps in the field stays Odoo's.
        if not location or not self.env.context.get("formatted_display_name"):
            return
        free = self._fse_free_qty_at(location, self)
        in_van = bool(location.fse_technician_id)
        for product in self:
            qty = free.get(product)
            if qty:
                label = (
                    self.env._("%(qty)s %(uom)s in van", qty=f"{qty:g}", uom=product.uom_id.name)
                    if in_van
                    else self.env._("%(qty)s %(uom)s on hand", qty=f"{qty:g}", uom=product.uom_id.name)
                )
            else:
                label = self.env._("none in van") if in_van else self.env._("none on hand")
            product.display_name = f"{product.display_name}\t--{label}--"

    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100):
        location = self._fse_pick_location()
        if not location:
            return super().name_search(name, domain, operator, limit)
        # What is on hand at the pick location comes first, then the rest of the domain
        # (the order's planned parts, for a technician).
        domain = Domain(domain or Domain.TRUE)
        on_hand_ids = [product.id for product in self._fse_free_qty_at(location)]
        first = super().name_search(name, domain & Domain("id", "in", on_hand_ids), operator, limit)
        rest_limit = limit - len(first) if limit else limit
        if limit and rest_limit <= 0:
            return first
        rest = super().name_search(
            name, domain & Domain("id", "not in", [pair[0] for pair in first]), operator, rest_limit
        )
        return first + rest

    @api.model
    @api.readonly
    def web_name_search(self, name, specification, domain=None, operator="ilike", limit=100):
        if not self._fse_pick_location() or list(specification) != ["display_name"]:
            return super().web_name_search(name, specification, domain, operator, limit)
        # Same answer as Odoo's, with the picker labels computed in one batch.
        pairs = self.name_search(name, domain, operator, limit)
        products = self.browse([product_id for product_id, _name in pairs]).with_context(formatted_display_name=True)
        labels = dict(zip(products.ids, products.mapped("display_name"), strict=True))
        return [
            {"id": product_id, "display_name": label, "__formatted_display_name": labels[product_id]}
            for product_id, label in pairs
        ]

    @api.model
    @api.readonly
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        location = self._fse_pick_location()
        if not location:
            return super().web_search_read(domain, specification, offset, limit, order, count_limit)
        # The full-screen picker of a phone (cards) and "Search More" list what is on hand
        # at the pick location first, like the dropdown; each part keeps the order asked for.
        domain = Domain(domain)
        on_hand_ids = [product.id for product in self._fse_free_qty_at(location)]
        on_hand, rest = domain & Domain("id", "in", on_hand_ids), domain & Domain("id", "not in", on_hand_ids)
        # Page by page, in the database: the on-hand part first, then the rest.
        page = self.search(on_hand, offset=offset, limit=limit, order=order)
        if not limit or len(page) < limit:
            skipped = self.search_count(on_hand) if offset else len(page)
            page += self.search(rest, offset=max(0, offset - skipped), limit=limit and limit - len(page), order=order)
        return self._format_web_search_read_results(domain, page.web_read(specification), offset, limit, count_limit)
