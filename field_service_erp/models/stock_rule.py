from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        # A procurement of Request Parts names its work order: the van's replenishment move
        # keeps it (see fse.work.order._fse_request_parts).
        return [*super()._get_custom_move_fields(), "fse_request_order_id", "description_picking_manual"]

    def _get_stock_move_values(
        self, product_id, product_qty, product_uom, location_dest_id, name, origin, company_id, values
    ):
        move_values = super()._get_stock_move_values(
            product_id, product_qty, product_uom, location_dest_id, name, origin, company_id, values
        )
        if values.get("fse_request_order_id"):
            # A work order's request goes to its van itself, not to the rule's WH/Vans: its
            # transfer then reads "WH/Stock → WH/Vans/<technician>", and the order's next
            # request joins it.
            move_values["location_dest_id"] = location_dest_id.id
        return move_values
