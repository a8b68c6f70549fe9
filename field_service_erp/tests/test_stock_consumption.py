from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import FseCommon


class FseStockCommon(FseCommon):
    """Tech A has a van with filters, a belt, a serial-numbered valve and a lot of sensors;
    the warehouse has more filters. These jobs are about parts: they record no time, which
    their technicians have confirmed (the confirmation key in the environment's context)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, fse_labor_confirmed=True))
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.wh_stock = cls.warehouse.lot_stock_id
        cls.tech.action_fse_create_van()
        cls.van = cls.tech.fse_van_location_id
        cls.customers = cls.site.property_stock_customer
        Product = cls.env["product.product"]
        cls.filter = Product.create({"name": "Filter", "is_storable": True, "standard_price": 10.0})
        cls.belt = Product.create({"name": "Belt", "is_storable": True, "standard_price": 4.0})
        cls.valve = Product.create({"name": "Valve", "is_storable": True, "tracking": "serial", "standard_price": 90})
        cls.sensor = Product.create({"name": "Sensor", "is_storable": True, "tracking": "lot", "standard_price": 30})
        cls.valve_sn = cls.env["stock.lot"].create({"name": "V-001", "product_id": cls.valve.id})
        cls.sensor_lot = cls.env["stock.lot"].create({"name": "S-LOT-1", "product_id": cls.sensor.id})
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.filter, cls.van, 5)
        Quant._update_available_quantity(cls.filter, cls.wh_stock, 10)
        Quant._update_available_quantity(cls.belt, cls.van, 1)
        Quant._update_available_quantity(cls.valve, cls.van, 1, lot_id=cls.valve_sn)
        Quant._update_available_quantity(cls.sensor, cls.van, 4, lot_id=cls.sensor_lot)

    def _qty(self, product, location, lot=None):
        return self.env["stock.quant"]._get_available_quantity(product, location, lot_id=lot, strict=bool(lot))

    def _order_with(self, *lines, **vals):
        order = self._order(part_line_ids=[Command.create(line) for line in lines], **vals)
        order.action_start()
        return order


@tagged("post_install", "-at_install")
class TestStockConsumption(FseStockCommon):
    def test_van_location_of_technician(self):
        self.assertEqual(self.van.fse_technician_id, self.tech)
        self.assertEqual(self.van.usage, "internal")
        self.assertEqual(self.van.location_id.name, "Vans")
        self.assertEqual(self.van.warehouse_id, self.warehouse)
        # Creating it again does not create a second van.
        self.tech.action_fse_create_van()
        self.assertEqual(self.env["stock.location"].search_count([("fse_technician_id", "=", self.tech.id)]), 1)

    def test_source_location_defaults(self):
        on_van = self._order(part_line_ids=[Command.create({"product_id": self.filter.id})])
        self.assertEqual(on_van.part_line_ids.location_id, self.van)
        # Technician without a van: the warehouse stock.
        no_van = self._order(
            technician_id=self.tech_b.id, part_line_ids=[Command.create({"product_id": self.filter.id})]
        )
        self.assertEqual(no_van.part_line_ids.location_id, self.wh_stock)

    def test_only_dispatcher_changes_source_location(self):
        order = self._order(part_line_ids=[Command.create({"product_id": self.filter.id})])
        other = self.env["stock.location"].create(
            {"name": "Shelf 9", "usage": "internal", "location_id": self.wh_stock.id}
        )
        with self.assertRaisesRegex(UserError, "Only a dispatcher can take Filter from"):
            order.part_line_ids.with_user(self.tech).location_id = other
        order.part_line_ids.with_user(self.dispatcher).location_id = other
        self.assertEqual(order.part_line_ids.location_id, other)

    def test_complete_consumes_parts_into_customer_location(self):
        order = self._order_with({"product_id": self.filter.id, "quantity": 3})
        order.action_complete()
        line = order.part_line_ids
        move = line.move_id
        self.assertEqual(move.state, "done")
        self.assertEqual(move.location_id, self.van)
        self.assertEqual(move.location_dest_id, self.customers)
        self.assertEqual(move.location_dest_id.usage, "customer")
        self.assertEqual(move.origin, order.name)
        self.assertEqual(move.partner_id, self.site)
        self.assertEqual(move.fse_work_order_id, order)
        self.assertEqual(order.move_ids, move)
        self.assertEqual(order.move_count, 1)
        self.assertEqual(line.qty_consumed, 3)
        self.assertEqual(self._qty(self.filter, self.van), 2)
        self.assertEqual(self._qty(self.filter, self.wh_stock), 10)
        self.assertEqual(order.parts_cost, 30.0)
        action = order.action_view_moves()
        self.assertEqual(self.env["stock.move"].search(action["domain"]), move)

    def test_double_completion_creates_one_move(self):
        order = self._order_with({"product_id": self.filter.id, "quantity": 2})
        order.action_complete()
        order.action_complete()
        (order | order).action_complete()
        self.assertEqual(len(order.move_ids), 1)
        self.assertEqual(self._qty(self.filter, self.van), 3)

    def test_consume_during_job_is_idempotent(self):
        order = self._order_with({"product_id": self.filter.id, "quantity": 1})
        order.action_consume_parts()
        order.action_consume_parts()
        self.assertEqual(len(order.move_ids), 1)
        order.write({"part_line_ids": [Command.create({"product_id": self.belt.id, "quantity": 1})]})
        order.action_consume_parts()
        self.assertEqual(len(order.move_ids), 2)
        order.action_complete()
        self.assertEqual(len(order.move_ids), 2)
        self.assertEqual(self._qty(self.filter, self.van), 4)
        self.assertEqual(self._qty(self.belt, self.van), 0)

    def test_consume_refused_on_draft_or_done_order(self):
        order = self._order(part_line_ids=[Command.create({"product_id": self.filter.id})])
        with self.assertRaisesRegex(UserError, "scheduled or started"):
            order.action_consume_parts()
        self.assertFalse(order.move_ids)

    def test_lower_quantity_returns_the_difference(self):
        order = self._order_with({"product_id": self.filter.id, "quantity": 3})
        order.action_consume_parts()
        line = order.part_line_ids
        line.quantity = 1
        returns = order.move_ids - line.move_id
        self.assertEqual(len(returns), 1)
        self.assertEqual(returns.origin_returned_move_id, line.move_id)
        self.assertEqual(returns.location_id, self.customers)
        self.assertEqual(returns.location_dest_id, self.van)
        self.assertEqual(returns.quantity, 2)
        self.assertEqual(returns.state, "done")
        self.assertEqual(line.move_id.state, "done")  # the original move is untouched
        self.assertEqual(line.qty_consumed, 1)
        self.assertEqual(self._qty(self.filter, self.van), 4)
        self.assertEqual(order.parts_cost, 10.0)
        # Raising it again takes more.
        line.quantity = 2
        self.assertEqual(line.qty_consumed, 2)
        self.assertEqual(self._qty(self.filter, self.van), 3)
        self.assertEqual(len(order.move_ids), 3)

    def test_removing_consumed_line_returns_parts_and_keeps_moves(self):
        order = self._order_with({"product_id": self.filter.id, "quantity": 2})
        order.action_consume_parts()
        consumed = order.move_ids
        order.part_line_ids.unlink()
        self.assertEqual(self._qty(self.filter, self.van), 5)
        self.assertEqual(len(order.move_ids), 2)
        self.assertTrue(consumed.exists())
        self.assertEqual(set(order.move_ids.mapped("state")), {"done"})
        self.assertFalse(order.move_ids.fse_part_id)

    def test_cancel_and_reset_done_order_return_parts(self):
        order = self._order_with({"product_id": self.filter.id, "quantity": 2})
        order.action_complete()
        self.assertEqual(self._qty(self.filter, self.van), 3)
        order.action_reset_draft()
        self.assertEqual(self._qty(self.filter, self.van), 5)
        self.assertEqual(order.part_line_ids.qty_consumed, 0)
        # Completed again: consumed again, nothing deleted on the way.
        order.action_start()
        order.action_complete()
        self.assertEqual(self._qty(self.filter, self.van), 3)
        order.action_cancel()
        self.assertEqual(self._qty(self.filter, self.van), 5)
        self.assertEqual(len(order.move_ids), 4)
        self.assertEqual(len(order.move_ids.filtered("origin_returned_move_id")), 2)
        self.assertEqual(order.parts_cost, 0.0)

    def test_shortage_names_product_location_and_quantity_and_writes_nothing(self):
        order = self._order_with(
            {"product_id": self.filter.id, "quantity": 2},
            {"product_id": self.belt.id, "quantity": 3},
        )
        with self.assertRaisesRegex(
            UserError, r"Not enough Belt in .*Vans/Tech A: 3.0 Units needed, 1.0 Units available"
        ):
            order.action_complete()
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(self.env["stock.move"].search([("fse_work_order_id", "=", order.id)]))
        self.assertEqual(self._qty(self.filter, self.van), 5)
        self.assertEqual(self._qty(self.belt, self.van), 1)

    def test_reserved_stock_is_not_available(self):
        picking_type = self.warehouse.int_type_id
        transfer = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": self.van.id,
                "location_dest_id": self.wh_stock.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.filter.id,
                            "product_uom_qty": 4,
                            "location_id": self.van.id,
                            "location_dest_id": self.wh_stock.id,
                        }
                    )
                ],
            }
        )
        transfer.action_confirm()
        transfer.action_assign()
        order = self._order_with({"product_id": self.filter.id, "quantity": 2})
        with self.assertRaisesRegex(UserError, "2.0 Units needed, 1.0 Units available"):
            order.action_complete()

    def test_negative_van_stock_when_allowed(self):
        self.company.fse_allow_negative_van_stock = True
        order = self._order_with({"product_id": self.belt.id, "quantity": 3})
        order.action_complete()
        van_quants = self.env["stock.quant"].search(
            [("product_id", "=", self.belt.id), ("location_id", "=", self.van.id)]
        )
        self.assertEqual(sum(van_quants.mapped("quantity")), -2)
        # Warehouse stock stays checked.
        from_wh = self._order_with(
            {"product_id": self.belt.id, "quantity": 1, "location_id": self.wh_stock.id},
            technician_id=self.tech_b.id,
        )
        with self.assertRaisesRegex(UserError, "Not enough Belt in WH/Stock"):
            from_wh.action_complete()

    def test_tracked_parts_need_lot_and_one_serial_per_line(self):
        order = self._order_with({"product_id": self.sensor.id, "quantity": 1})
        with self.assertRaisesRegex(UserError, "Sensor is tracked by lot or serial number"):
            order.action_complete()
        order.part_line_ids.lot_id = self.sensor_lot
        order.write(
            {
                "part_line_ids": [
                    Command.create({"product_id": self.valve.id, "quantity": 2, "lot_id": self.valve_sn.id})
                ]
            }
        )
        with self.assertRaisesRegex(UserError, "use one line per serial"):
            order.action_complete()
        order.part_line_ids.filtered(lambda line: line.product_id == self.valve).quantity = 1
        order.action_complete()
        self.assertEqual(self._qty(self.sensor, self.van, self.sensor_lot), 3)
        self.assertEqual(self.valve_sn.location_id, self.customers)
        moves = order.move_ids
        self.assertEqual(moves.move_line_ids.lot_id, self.sensor_lot | self.valve_sn)

    def test_serial_part_replaces_machine_component(self):
        old_sn = self.env["stock.lot"].create({"name": "V-OLD", "product_id": self.valve.id})
        old = self.env["fse.installation"].create(
            {
                "name": "Valve",
                "partner_id": self.customer.id,
                "parent_id": self.installation.id,
                "product_id": self.valve.id,
                "lot_id": old_sn.id,
            }
        )
        order = self._order_with(
            {"product_id": self.valve.id, "lot_id": self.valve_sn.id, "replaced_component_id": old.id}
        )
        order.action_complete()
        self.assertEqual(old.state, "decommissioned")
        new = self.installation.child_ids.filtered(lambda c: c.state == "active")
        self.assertEqual(new.lot_id, self.valve_sn)
        self.assertEqual(new.name, "Valve")
        self.assertEqual(new.site_partner_id, self.site)
        # Taking the part back restores the machine as it was.
        order.action_reset_draft()
        self.assertEqual(new.state, "decommissioned")
        self.assertEqual(old.state, "active")
        self.assertEqual(self._qty(self.valve, self.van, self.valve_sn), 1)

    def test_delivered_serial_becomes_installation(self):
        self.machine_product.fse_warranty_months = 24
        serial = self.env["stock.lot"].create({"name": "SN-NEW", "product_id": self.machine_product.id})
        self.env["stock.quant"]._update_available_quantity(self.machine_product, self.wh_stock, 1, lot_id=serial)
        delivery = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.site.id,
                "location_id": self.wh_stock.id,
                "location_dest_id": self.customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.machine_product.id,
                            "product_uom_qty": 1,
                            "location_id": self.wh_stock.id,
                            "location_dest_id": self.customers.id,
                        }
                    )
                ],
            }
        )
        delivery.action_confirm()
        delivery.action_assign()
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.fse_installable_count, 1)
        action = delivery.action_fse_create_installations()
        inst = self.env["fse.installation"].search(action["domain"])
        self.assertEqual(inst.lot_id, serial)
        self.assertEqual(inst.partner_id, self.customer)
        self.assertEqual(inst.site_partner_id, self.site)
        self.assertEqual(inst.installation_date, delivery.date_done.date())
        self.assertEqual((inst.warranty_end_date - inst.installation_date).days // 30, 24)
        delivery.invalidate_recordset(["fse_installable_count"])
        self.assertEqual(delivery.fse_installable_count, 0)
        with self.assertRaisesRegex(UserError, "no serial number that is not installed"):
            delivery.action_fse_create_installations()

    def test_technician_consumes_on_own_order_only(self):
        mine = self._order_with({"product_id": self.filter.id, "quantity": 1})
        mine.with_user(self.tech).action_complete()
        self.assertEqual(self._qty(self.filter, self.van), 4)
        theirs = self._order_with({"product_id": self.filter.id, "quantity": 1}, technician_id=self.tech_b.id)
        with self.assertRaises(AccessError):
            theirs.with_user(self.tech).action_consume_parts()
        self.assertFalse(theirs.move_ids)


@tagged("post_install", "-at_install")
class TestStockValuation(FseStockCommon):
    """Consumption is valued by Odoo's own mechanism, periodic or real time."""

    def test_periodic_valuation_values_moves_without_entries(self):
        self.company.inventory_valuation = "periodic"
        order = self._order_with({"product_id": self.filter.id, "quantity": 2})
        order.action_complete()
        self.assertEqual(order.move_ids.value, 20.0)
        self.assertFalse(order.move_ids.account_move_id)
        self.assertEqual(order.parts_cost, 20.0)

    def test_real_time_valuation_posts_cost_of_goods_sold(self):
        self.company.inventory_valuation = "real_time"
        self.filter.categ_id.property_valuation = "real_time"
        cogs = self.env["account.account"].search(
            [("account_type", "=", "expense_direct_cost"), ("company_ids", "in", self.company.id)], limit=1
        ) or self.env["account.account"].create(
            {"name": "COGS", "code": "500099", "account_type": "expense_direct_cost"}
        )
        # The documented set-up: the customers location carries the cost-of-goods-sold account.
        self.customers.valuation_account_id = cogs
        stock_account = self.filter._get_product_accounts()["stock_valuation"]
        order = self._order_with({"product_id": self.filter.id, "quantity": 2})
        order.action_complete()
        entry = order.move_ids.account_move_id
        self.assertEqual(entry.state, "posted")
        self.assertRecordValues(
            entry.line_ids.sorted("debit"),
            [
                {"account_id": stock_account.id, "debit": 0.0, "credit": 20.0},
                {"account_id": cogs.id, "debit": 20.0, "credit": 0.0},
            ],
        )
        # Returning one unit reverses its share.
        order.action_reset_draft()
        back = order.move_ids.filtered("origin_returned_move_id")
        self.assertRecordValues(
            back.account_move_id.line_ids.sorted("debit"),
            [
                {"account_id": cogs.id, "debit": 0.0, "credit": 20.0},
                {"account_id": stock_account.id, "debit": 20.0, "credit": 0.0},
            ],
        )


@tagged("post_install", "-at_install")
class TestVanReplenishment(FseStockCommon):
    def test_reordering_rule_on_van_creates_refill_transfer(self):
        self.assertEqual(self.warehouse.fse_vans_location_id, self.van.location_id)
        self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.filter.id,
                "location_id": self.van.id,
                "warehouse_id": self.warehouse.id,
                "product_min_qty": 3,
                "product_max_qty": 6,
            }
        )
        order = self._order_with({"product_id": self.filter.id, "quantity": 4})
        order.action_complete()
        self.assertEqual(self._qty(self.filter, self.van), 1)
        # The scheduler (the nightly "Replenishment" job) turns the shortfall into a refill.
        self.env["stock.rule"].run_scheduler(company_id=self.company.id)
        refill = self.env["stock.move"].search(
            [
                ("product_id", "=", self.filter.id),
                ("location_dest_id", "=", self.van.id),
                ("state", "!=", "done"),
            ]
        )
        self.assertEqual(refill.product_uom_qty, 5)
        self.assertEqual(refill.location_id, self.wh_stock)
        self.assertEqual(refill.picking_id.picking_type_id, self.warehouse.int_type_id)
        # The technician is no Inventory user: Odoo's own validation is refused to them...
        with self.assertRaises(AccessError):
            refill.picking_id.with_user(self.tech).button_validate()
        self.assertEqual(self._qty(self.filter, self.van), 1)
        # ...they confirm the prepared pick-up to their own van with the project's button.
        refill.picking_id.action_assign()
        refill.picking_id.with_user(self.tech).action_fse_validate_van_transfer()
        self.assertEqual(refill.picking_id.state, "done")
        self.assertEqual(self._qty(self.filter, self.van), 6)
        self.assertEqual(self._qty(self.filter, self.wh_stock), 5)

    def test_user_without_van_gets_an_empty_van_list_not_an_error(self):
        # Dispatchers and managers see the My Van menu too, and usually drive no van.
        self.assertFalse(self.dispatcher.fse_van_location_id)
        action = self.dispatcher.with_user(self.dispatcher).action_fse_my_van()
        self.assertEqual(action["res_model"], "stock.quant")
        self.assertFalse(self.env["stock.quant"].with_user(self.dispatcher).search(action["domain"]))
        self.assertIn("has no van location yet", action["help"])

    def test_van_transfers_explain_themselves_when_empty(self):
        action = self.env.ref("field_service_erp.action_fse_van_transfer")
        Picking = self.env["stock.picking"].with_user(self.tech).with_context(**safe_eval(action.context))
        help_html = Picking.get_empty_list_help(action.help)
        self.assertIn("No transfer to or from your van", help_html)
        self.assertNotIn("create one", help_html)
        # Elsewhere, Inventory keeps its own help.
        self.assertNotIn("your van", self.env["stock.picking"].get_empty_list_help(action.help))

    def test_technician_sees_the_van_but_does_not_adjust_it(self):
        action = self.tech.with_user(self.tech).action_fse_my_van()
        self.assertEqual(action["res_model"], "stock.quant")
        quants = self.env["stock.quant"].with_user(self.tech).with_context(**action["context"]).search(action["domain"])
        self.assertEqual(set(quants.product_id.ids), {self.filter.id, self.belt.id, self.valve.id, self.sensor.id})
        filters = quants.filtered(lambda q: q.product_id == self.filter)
        with self.assertRaises(AccessError):
            filters.with_context(inventory_mode=True).inventory_quantity = 4
            filters.with_context(inventory_mode=True).action_apply_inventory()
        self.assertEqual(self._qty(self.filter, self.van), 5)
        # A colleague's van neither.
        self.tech_b.action_fse_create_van()
        with self.assertRaises(AccessError):
            self.env["stock.quant"].with_user(self.tech).with_context(inventory_mode=True).create(
                {
                    "product_id": self.filter.id,
                    "location_id": self.tech_b.fse_van_location_id.id,
                    "inventory_quantity": 100,
                }
            ).action_apply_inventory()
        self.assertEqual(self._qty(self.filter, self.tech_b.fse_van_location_id), 0)
