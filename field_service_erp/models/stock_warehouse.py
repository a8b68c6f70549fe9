from odoo import fields, models
from odoo.fields import Command


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    fse_vans_location_id = fields.Many2one(
        "stock.location",
        string="Vans Location",
        readonly=True,
        copy=False,
        help="Parent of the technicians' van locations of this warehouse.",
    )
    fse_van_route_id = fields.Many2one(
        "stock.route",
        string="Van Refill Route",
        readonly=True,
        copy=False,
        help="Pulls parts from the warehouse stock into the vans: reordering rules on a van "
        "location create internal transfers through it.",
    )

    def _fse_vans_location(self):
        """WH/Vans, with the route that refills vans from WH/Stock, created on first use."""
        self.ensure_one()
        if self.fse_vans_location_id:
            return self.fse_vans_location_id
        # Creating locations and routes is an Inventory administrator's right; a dispatcher
        # setting up a technician's van needs it once per warehouse.
        warehouse = self.sudo()
        # Internal (not a view) so that vans read "WH/Vans/<technician>" and count in the
        # warehouse's stock; it holds no stock itself.
        vans = warehouse.env["stock.location"].create(
            {
                "name": self.env._("Vans"),
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "company_id": warehouse.company_id.id,
            }
        )
        refill_rule = {
            "name": self.env._("%s: Stock → Vans", warehouse.code),
            "action": "pull",
            "procure_method": "make_to_stock",
            "location_src_id": warehouse.lot_stock_id.id,
            "location_dest_id": vans.id,
            # The move goes to the van that needs it (a child of Vans), not to Vans.
            "location_dest_from_rule": True,
            "picking_type_id": warehouse.int_type_id.id,
            "warehouse_id": warehouse.id,
            "company_id": warehouse.company_id.id,
        }
        route = warehouse.env["stock.route"].create(
            {
                "name": self.env._("%s: Refill Vans", warehouse.name),
                "company_id": warehouse.company_id.id,
                "product_selectable": False,
                "warehouse_selectable": True,
                "warehouse_ids": [Command.link(warehouse.id)],
                "sequence": 50,
                "rule_ids": [Command.create(refill_rule)],
            }
        )
        warehouse.write({"fse_vans_location_id": vans.id, "fse_van_route_id": route.id})
        return vans
