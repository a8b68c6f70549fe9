from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import FseJson2Mixin
from .test_stock_consumption import FseStockCommon


class FsePartRequestCommon(FseStockCommon):
    """Tech A's van lacks gaskets; the warehouse stock holds 5."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gasket = cls.env["product.product"].create({"name": "Gasket", "is_storable": True, "standard_price": 3})
        cls.env["stock.quant"]._update_available_quantity(cls.gasket, cls.wh_stock, 5)
        cls.tech_b.action_fse_create_van()
        cls.van_b = cls.tech_b.fse_van_location_id

    def _request(self, order, *lines, user=None):
        """Open Request Parts on `order` as `user` (Tech A by default), fill `lines`
        ((product, quantity[, note]) tuples) and return the wizard, not confirmed."""
        Wizard = self.env["fse.work.order.part.request"].with_user(user or self.tech)
        return Wizard.create(
            {
                "order_id": order.id,
                "line_ids": [
                    Command.create({"product_id": line[0].id, "quantity": line[1], "note": (line[2:] or [False])[0]})
                    for line in lines
                ],
            }
        )

    def _stock_counts(self):
        self.env.invalidate_all()
        return {
            model: self.env[model].with_context(active_test=False).search_count([])
            for model in ("stock.move", "stock.move.line", "stock.picking", "stock.reference")
        }


@tagged("post_install", "-at_install")
class TestPartRequests(FsePartRequestCommon):
    def test_request_becomes_a_van_transfer_and_the_order_waits(self):
        order = self._order_with({"product_id": self.filter.id, "quantity": 1})
        self.assertFalse(order.parts_waiting)
        self._request(order, (self.gasket, 3, "Left door seal")).action_confirm()

        move = order.request_move_ids
        self.assertRecordValues(
            move,
            [
                {
                    "product_id": self.gasket.id,
                    "product_uom_qty": 3,
                    "location_id": self.wh_stock.id,
                    "location_dest_id": self.van.id,
                    "origin": order.name,
                    "rule_id": self.warehouse.fse_van_route_id.rule_ids.id,
                    "state": "assigned",
                }
            ],
        )
        picking = move.picking_id
        self.assertRecordValues(
            picking,
            [
                {
                    "picking_type_id": self.warehouse.int_type_id.id,
                    "location_id": self.wh_stock.id,
                    "location_dest_id": self.van.id,
                    "origin": order.name,
                }
            ],
        )
        self.assertEqual(picking.reference_ids, order.stock_reference_id)
        self.assertEqual(move.description_picking, "Left door seal")
        self.assertTrue(order.parts_waiting)
        self.assertEqual(order.request_move_count, 1)
        # The request is not a consumption: the order's parts and their cost do not move.
        self.assertFalse(order.move_ids.filtered(lambda m: m.product_id == self.gasket))
        self.assertIn("Parts requested for the van", order.message_ids[0].body)
        self.assertIn(picking.name, order.message_ids[0].body)
        # The dispatcher's filter finds it.
        Order = self.env["fse.work.order"].with_user(self.dispatcher)
        self.assertEqual(Order.search([("parts_waiting", "=", True), ("id", "=", order.id)]), order)

        # The technician picks the parts up: the transfer is done and the order stops waiting.
        picking.with_user(self.tech).action_fse_validate_van_transfer()
        self.assertEqual(picking.state, "done")
        self.assertFalse(order.parts_waiting)
        self.assertEqual(self._qty(self.gasket, self.van), 3)
        self.assertEqual(self._qty(self.gasket, self.wh_stock), 2)
        self.assertFalse(Order.search([("parts_waiting", "=", True), ("id", "=", order.id)]))

    def test_partial_pickup_keeps_the_order_waiting_for_the_rest(self):
        order = self._order_with()
        self._request(order, (self.gasket, 4)).action_confirm()
        picking = order.request_move_ids.picking_id
        # The back office sends 1 now and the rest later (a backorder).
        picking.move_ids.write({"quantity": 1, "picked": True})
        picking.with_context(cancel_backorder=False).with_user(self.dispatcher)._action_done()
        self.assertEqual(picking.state, "done")
        backorder = order.request_move_ids.filtered(lambda m: m.state != "done")
        self.assertEqual(backorder.product_uom_qty, 3)
        self.assertTrue(backorder.picking_id.backorder_id)
        self.assertTrue(order.parts_waiting)
        backorder.picking_id.with_user(self.dispatcher).button_validate()
        self.assertFalse(order.parts_waiting)

    def test_cancelled_transfer_stops_the_wait(self):
        order = self._order_with()
        self._request(order, (self.gasket, 1)).action_confirm()
        order.request_move_ids.picking_id.with_user(self.dispatcher).action_cancel()
        self.assertFalse(order.parts_waiting)

    def test_double_confirm_and_second_wizard_create_one_transfer(self):
        order = self._order_with()
        wizard = self._request(order, (self.gasket, 2))
        wizard.action_confirm()
        wizard.action_confirm()  # a double tap
        self._request(order, (self.gasket, 2)).action_confirm()  # a retry from a second screen
        self.assertEqual(len(order.request_move_ids.picking_id), 1)
        self.assertEqual(sum(order.request_move_ids.mapped("product_uom_qty")), 2)
        # Needing more later asks for the difference only, in the same transfer.
        wizard = self._request(order, (self.gasket, 3))
        self.assertEqual(wizard.line_ids.qty_requested, 2)
        wizard.action_confirm()
        self.assertEqual(len(order.request_move_ids.picking_id), 1)
        self.assertEqual(sum(order.request_move_ids.mapped("product_uom_qty")), 3)

    def test_each_order_gets_its_own_transfer(self):
        first, second = self._order_with(), self._order_with()
        self._request(first, (self.gasket, 1)).action_confirm()
        self._request(second, (self.gasket, 1)).action_confirm()
        self.assertEqual(len((first | second).request_move_ids.picking_id), 2)
        self.assertNotEqual(first.request_move_ids.picking_id, second.request_move_ids.picking_id)

    def test_shortage_is_procured_where_a_rule_supplies_the_warehouse(self):
        """The warehouse lacks pumps: a rule supplying WH/Stock (here a pull from a central
        store, as purchase_stock's Buy route would create a purchase) is run for the
        shortage, and its move feeds the van's transfer."""
        pump = self.env["product.product"].create({"name": "Pump", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(pump, self.wh_stock, 1)
        central = self.env["stock.location"].create({"name": "Central Store", "usage": "internal"})
        self.env["stock.quant"]._update_available_quantity(pump, central, 10)
        route = self.env["stock.route"].create(
            {
                "name": "Supply from the central store",
                "product_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Central → WH/Stock",
                            "action": "pull",
                            "procure_method": "make_to_stock",
                            "location_src_id": central.id,
                            "location_dest_id": self.wh_stock.id,
                            "picking_type_id": self.warehouse.int_type_id.id,
                        }
                    )
                ],
            }
        )
        pump.route_ids = route
        order = self._order_with()
        self._request(order, (pump, 3)).action_confirm()
        to_van = order.request_move_ids
        self.assertRecordValues(to_van, [{"product_uom_qty": 3, "quantity": 1, "location_dest_id": self.van.id}])
        supply = order.stock_reference_id.move_ids - to_van
        self.assertRecordValues(
            supply,
            [
                {
                    "product_id": pump.id,
                    "product_uom_qty": 2,
                    "location_id": central.id,
                    "location_dest_id": self.wh_stock.id,
                }
            ],
        )
        self.assertEqual(supply.origin, order.name)

    def test_shortage_without_purchase_becomes_an_expected_receipt(self):
        """Without purchase_stock, the warehouse's one-step reception rule (Vendors →
        WH/Stock) supplies the stock: the back office gets a receipt to expect."""
        order = self._order_with()
        self._request(order, (self.gasket, 8)).action_confirm()
        move = order.request_move_ids
        self.assertRecordValues(move, [{"product_uom_qty": 8, "quantity": 5, "state": "partially_available"}])
        receipt = order.stock_reference_id.move_ids - move
        self.assertRecordValues(
            receipt,
            [{"product_uom_qty": 3, "location_dest_id": self.wh_stock.id, "origin": order.name}],
        )
        self.assertEqual(receipt.location_id.usage, "supplier")
        self.assertEqual(receipt.picking_id.picking_type_id, self.warehouse.in_type_id)
        self.assertTrue(order.parts_waiting)
        # Asking again for the same 8 procures nothing more; asking for 9 procures the one more.
        self._request(order, (self.gasket, 8)).action_confirm()
        self.assertEqual(order.stock_reference_id.move_ids, move | receipt)
        self._request(order, (self.gasket, 9)).action_confirm()
        receipts = order.stock_reference_id.move_ids.filtered(lambda m: m.location_id.usage == "supplier")
        self.assertEqual(sum(receipts.mapped("product_uom_qty")), 4)
        self.assertEqual(sum(order.request_move_ids.mapped("product_uom_qty")), 9)
        # Once the receipt is in, stock reserves it for the van's transfer.
        receipts.picking_id.with_user(self.dispatcher).button_validate()
        self.assertEqual(sum(order.request_move_ids.mapped("quantity")), 9)
        self.assertTrue(order.parts_waiting)
        order.request_move_ids.picking_id.with_user(self.tech).action_fse_validate_van_transfer()
        self.assertFalse(order.parts_waiting)
        self.assertEqual(self._qty(self.gasket, self.van), 9)

    def test_refusals_write_nothing(self):
        open_order = self._order_with()
        done_order = self._order_with()
        done_order.action_complete()
        cancelled = self._order_with()
        cancelled.action_cancel()
        unassigned = self._order(technician_id=False)
        no_van_tech = self.env["res.users"].create(
            {
                "name": "Tech Without Van",
                "login": "fse_tech_no_van",
                "group_ids": [Command.link(self.env.ref("field_service_erp.group_fse_technician").id)],
            }
        )
        no_van = self._order(technician_id=no_van_tech.id)
        service = self.env["product.product"].create({"name": "Callout", "type": "service"})
        consumable = self.env["product.product"].create({"name": "Rag", "type": "consu", "is_storable": False})
        other_tech_order = self._order_with(technician_id=self.tech_b.id)
        before = self._stock_counts()
        cases = [
            ("done order", done_order, [(self.gasket, 1)], None, UserError, "can no longer be requested"),
            ("cancelled order", cancelled, [(self.gasket, 1)], None, UserError, "can no longer be requested"),
            ("no technician", unassigned, [(self.gasket, 1)], self.dispatcher, UserError, "Assign a technician"),
            ("no van", no_van, [(self.gasket, 1)], self.dispatcher, UserError, "has no van"),
            ("zero quantity", open_order, [(self.gasket, 0)], None, UserError, "positive quantity"),
            ("negative quantity", open_order, [(self.gasket, -2)], None, UserError, "positive quantity"),
            ("service", open_order, [(service, 1)], None, UserError, "not tracked in stock"),
            ("non-storable", open_order, [(consumable, 1)], None, UserError, "not tracked in stock"),
            ("no line", open_order, [], None, UserError, "Add the parts"),
            ("above the technician's limit", open_order, [(self.gasket, 11)], None, UserError, "at most 10 Units"),
            ("the limit counts in all", open_order, [(self.gasket, 6), (self.gasket, 5)], None, UserError, "at most"),
            ("another technician's order", other_tech_order, [(self.gasket, 1)], None, AccessError, ""),
        ]
        for label, order, lines, user, error, message in cases:
            with self.subTest(label):
                with self.assertRaisesRegex(error, message), self.env.cr.savepoint():
                    self._request(order, *lines, user=user).action_confirm()
                self.assertEqual(self._stock_counts(), before)
                self.assertFalse(order.parts_waiting)
        # The order's own button checks the same.
        with self.assertRaises(AccessError):
            other_tech_order.with_user(self.tech).action_fse_request_parts()
        with self.assertRaisesRegex(UserError, "can no longer be requested"):
            done_order.with_user(self.tech).action_fse_request_parts()
        # A wizard opened on one's own order cannot be pointed at another's.
        wizard = self._request(open_order, (self.gasket, 1))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            wizard.write({"order_id": other_tech_order.id})
        self.assertEqual(self._stock_counts(), before)

    def test_dispatcher_requests_for_a_technician(self):
        order = self._order_with(technician_id=self.tech_b.id)
        self._request(order, (self.gasket, 2), user=self.dispatcher).action_confirm()
        self.assertEqual(order.request_move_ids.location_dest_id, self.van_b)
        self.assertTrue(order.parts_waiting)
        # The technician's limit is not the back office's.
        self._request(order, (self.gasket, 40), user=self.dispatcher).action_confirm()
        self.assertEqual(sum(order.request_move_ids.mapped("product_uom_qty")), 40)

    def test_only_a_request_links_a_move_to_an_order(self):
        """Stock users write moves, but not the work order they are requested for: else a
        delivery could make a job wait, or a technician's real request look on its way."""
        order = self._order_with()
        delivery = self.env["stock.move"].create(
            {
                "product_id": self.gasket.id,
                "product_uom_qty": 1,
                "location_id": self.wh_stock.id,
                "location_dest_id": self.customer.property_stock_customer.id,
            }
        )
        stock_user = self.dispatcher.with_user(self.dispatcher)
        self.assertTrue(stock_user.has_group("stock.group_stock_user"))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            delivery.with_user(self.dispatcher).write({"fse_request_order_id": order.id})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["stock.move"].with_user(self.dispatcher).create(
                {
                    "product_id": self.gasket.id,
                    "product_uom_qty": 1,
                    "location_id": self.wh_stock.id,
                    "location_dest_id": self.van.id,
                    "fse_request_order_id": order.id,
                }
            )
        self.assertFalse(order.parts_waiting)
        self.assertFalse(delivery.fse_request_order_id)
        # The technician's request is then not mistaken for one on its way.
        self._request(order, (self.gasket, 1)).action_confirm()
        self.assertEqual(order.request_move_ids.product_uom_qty, 1)


@tagged("post_install", "-at_install")
class TestPartRequestsApi(FseJson2Mixin, FsePartRequestCommon, HttpCase):
    """Over Odoo 19's JSON-2 API, as Tech A with their own API key."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls._json2_keys(cls.tech)[cls.tech]

    def _json2(self, model, method, **params):
        return self._json2_call(self.key, model, method, **params)

    def test_technician_requests_for_own_order_only(self):
        mine = self._order_with()
        theirs = self._order_with(technician_id=self.tech_b.id)
        line = [Command.create({"product_id": self.gasket.id, "quantity": 2})]
        before = self._stock_counts()
        attacks = [
            (
                "wizard on another technician's order",
                "fse.work.order.part.request",
                "create",
                {"vals_list": [{"order_id": theirs.id, "line_ids": line}]},
            ),
            ("open Request Parts on it", "fse.work.order", "action_fse_request_parts", {"ids": [theirs.id]}),
        ]
        for label, model, method, params in attacks:
            with self.subTest(label):
                status, body = self._json2(model, method, **params)
                self.assertEqual((status, body.get("name")), (403, "odoo.exceptions.AccessError"), body)
                self.assertEqual(self._stock_counts(), before)
                self.assertFalse(theirs.parts_waiting)
        # A wizard of one's own order, then pointed at another's, before confirming.
        status, ids = self._json2(
            "fse.work.order.part.request", "create", vals_list=[{"order_id": mine.id, "line_ids": line}]
        )
        self.assertEqual(status, 200, ids)
        status, body = self._json2("fse.work.order.part.request", "write", ids=ids, vals={"order_id": theirs.id})
        self.assertEqual((status, body.get("name")), (403, "odoo.exceptions.AccessError"), body)
        self.env.invalidate_all()
        self.assertFalse(theirs.request_move_ids)
        self.assertEqual(self.env["stock.picking"].search_count([]), before["stock.picking"])

        # The technician, without any Inventory right, confirms their own request.
        status, body = self._json2("fse.work.order.part.request", "action_confirm", ids=ids)
        self.assertEqual(status, 200, body)
        status, body = self._json2("fse.work.order.part.request", "action_confirm", ids=ids)  # retried
        self.assertEqual(status, 200, body)
        self.env.invalidate_all()
        self.assertRecordValues(
            mine.request_move_ids,
            [{"product_id": self.gasket.id, "product_uom_qty": 2, "location_dest_id": self.van.id}],
        )
        self.assertTrue(mine.parts_waiting)
        self.assertFalse(theirs.request_move_ids)
