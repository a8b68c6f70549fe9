"""The part and serial pickers of a work order offer what makes sense, and the server holds
the same rules: a technician takes parts from the van or the order's plan (anything else
comes through Request Parts), a serial is taken from where it is."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FseJson2Mixin
from .test_stock_consumption import FseStockCommon

LABEL = {"display_name": {}}


class FsePickerCommon(FseStockCommon):
    """Tech A's van holds 5 filters, a belt, the valve V-001 and sensors; the back office
    planned a gasket (not in the van) on his job; a pump is neither in the van nor planned.
    Serial V-FIT is fitted at another customer, V-WH waits in the warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.gasket = Product.create({"name": "Gasket", "default_code": "GSK", "is_storable": True})
        cls.pump = Product.create({"name": "Pump", "default_code": "PMP", "is_storable": True})
        cls.filter.default_code = "FLT"
        cls.order = cls._order(part_line_ids=[Command.create({"product_id": cls.gasket.id, "quantity": 1})])
        cls.order.action_start()
        Quant = cls.env["stock.quant"]
        other_customer = cls.env["res.partner"].create({"name": "Other Plant", "is_company": True})
        cls.elsewhere = other_customer.property_stock_customer
        cls.fitted_sn = cls.env["stock.lot"].create({"name": "V-FIT", "product_id": cls.valve.id})
        Quant._update_available_quantity(cls.valve, cls.elsewhere, 1, lot_id=cls.fitted_sn)
        cls.warehouse_sn = cls.env["stock.lot"].create({"name": "V-WH", "product_id": cls.valve.id})
        Quant._update_available_quantity(cls.valve, cls.wh_stock, 1, lot_id=cls.warehouse_sn)
        Quant._update_available_quantity(cls.pump, cls.wh_stock, 3)

    def _lines(self):
        self.env.invalidate_all()
        return self.order.part_line_ids.read(["product_id", "lot_id", "quantity"])


@tagged("post_install", "-at_install")
class TestPartPickers(FsePickerCommon):
    def test_part_picker_lists_van_parts_first_with_quantity_then_planned_parts(self):
        Product = self.env["product.product"].with_user(self.tech)
        line = self.order.with_user(self.tech).part_line_ids
        van_parts = self.filter | self.belt | self.valve | self.sensor
        self.assertEqual(line.pick_product_ids, van_parts | self.gasket)
        self.assertEqual(self.order.with_user(self.tech).pick_product_ids, van_parts | self.gasket)
        self.assertEqual(self.order.with_user(self.tech).pick_location_id, self.van)

        picker = Product.with_context(fse_pick_location_id=self.van.id)
        found = picker.web_name_search("", LABEL, domain=[("id", "in", line.pick_product_ids.ids)], limit=10)
        ids = [row["id"] for row in found]
        self.assertCountEqual(ids[:4], van_parts.ids)
        self.assertEqual(ids[4:], self.gasket.ids)
        labels = {row["id"]: row["__formatted_display_name"] for row in found}
        self.assertIn("--5 Units in van--", labels[self.filter.id])
        self.assertIn("--FLT--", labels[self.filter.id])
        self.assertIn("--none in van--", labels[self.gasket.id])
        # The name the chosen part keeps in the field is Odoo's own.
        names = {row["id"]: row["display_name"] for row in found}
        self.assertEqual(names[self.filter.id], "[FLT] Filter")
        # Typing still searches: by name and by code.
        found = picker.web_name_search("GSK", LABEL, domain=[("id", "in", line.pick_product_ids.ids)])
        self.assertEqual([row["id"] for row in found], self.gasket.ids)
        # The back office's picker (no domain of the van) still lists van parts first.
        found = picker.with_user(self.dispatcher).name_search("", [("id", "in", (van_parts | self.pump).ids)])
        self.assertEqual({pair[0] for pair in found[:4]}, set(van_parts.ids))
        self.assertEqual(found[4][0], self.pump.id)

    def test_phone_card_picker_lists_van_parts_first_page_by_page(self):
        """The phone's full-screen picker (web_search_read): what the van holds first, with
        its quantity, then the rest; pages of 2 cut across the two parts without losing or
        repeating a product, and the count is the domain's."""
        picker = self.env["product.product"].with_user(self.dispatcher).with_context(fse_pick_location_id=self.van.id)
        van_parts = self.filter | self.belt | self.valve | self.sensor
        domain = [("id", "in", (van_parts | self.gasket | self.pump).ids)]
        spec = {"display_name": {}, "fse_pick_qty": {}}
        pages = [picker.web_search_read(domain, spec, offset=offset, limit=2) for offset in (0, 2, 4)]
        ids = [row["id"] for page in pages for row in page["records"]]
        self.assertEqual(len(ids), 6)
        self.assertCountEqual(ids[:4], van_parts.ids)
        self.assertCountEqual(ids[4:], (self.gasket | self.pump).ids)
        self.assertEqual({page["length"] for page in pages}, {6})
        qty = {row["id"]: row["fse_pick_qty"] for page in pages for row in page["records"]}
        self.assertEqual((qty[self.filter.id], qty[self.pump.id]), (5, 0))
        # Without the picker's context, Odoo's order and count.
        plain = self.env["product.product"].with_user(self.dispatcher).web_search_read(domain, spec, limit=6)
        self.assertEqual([row["id"] for row in plain["records"]], self.env["product.product"].search(domain).ids)

    def test_without_the_picker_context_products_are_odoo_s(self):
        Product = self.env["product.product"].with_user(self.tech)
        domain = [("id", "in", (self.filter | self.gasket | self.pump).ids)]
        expected = [(product.id, product.display_name) for product in Product.search(domain)]
        self.assertEqual(Product.name_search("", domain), expected)
        plain = Product.web_name_search("", LABEL, domain=domain)
        self.assertEqual(
            [(row["id"], row["__formatted_display_name"]) for row in plain],
            [(p.id, p.with_context(formatted_display_name=True).display_name) for p in Product.search(domain)],
        )
        self.assertNotIn("van", " ".join(row["__formatted_display_name"] for row in plain))
        # The picker's context changes no name outside its dropdown label.
        self.assertEqual(
            self.filter.with_context(fse_pick_location_id=self.van.id).display_name, self.filter.display_name
        )

    def test_serial_picker_lists_serials_at_the_source_only(self):
        order = self.order.with_user(self.tech)
        order.part_line_ids = [Command.create({"product_id": self.valve.id})]
        line = order.part_line_ids.filtered(lambda ln: ln.product_id == self.valve)
        self.assertEqual(line.pick_lot_ids, self.valve_sn)
        self.assertEqual(order.pick_lot_ids, self.valve_sn | self.sensor_lot)

    def test_serial_fitted_elsewhere_is_refused_one_in_the_van_accepted(self):
        """The reported bug: a serial fitted at another customer was accepted, and completing
        then failed with "Not enough ... 0.0 available"."""
        order = self.order.with_user(self.tech)
        for serial, where in ((self.fitted_sn, "(it is in Customers)"), (self.warehouse_sn, "(it is in WH/Stock)")):
            with self.subTest(serial=serial.name):
                with self.assertRaises(ValidationError) as caught:
                    order.write({"part_line_ids": [Command.create({"product_id": self.valve.id, "lot_id": serial.id})]})
                self.assertIn(f"{serial.name} (Valve) is not on hand in WH/Vans/Tech A", str(caught.exception))
                self.assertIn(where, str(caught.exception))
                self.assertEqual(self._lines(), [{"id": self.order.part_line_ids.id, **self._gasket_row()}])
        # The same rule for the back office, and when a lot is changed on a line.
        valve_line = self.env["fse.work.order.part"].create(
            {"order_id": self.order.id, "product_id": self.valve.id, "lot_id": self.valve_sn.id}
        )
        with self.assertRaises(ValidationError):
            valve_line.with_user(self.dispatcher).lot_id = self.fitted_sn
        self.assertEqual(valve_line.lot_id, self.valve_sn)
        # The dispatcher may take the warehouse's serial from the warehouse.
        valve_line.with_user(self.dispatcher).write({"location_id": self.wh_stock.id, "lot_id": self.warehouse_sn.id})
        valve_line.with_user(self.dispatcher).write({"location_id": self.van.id, "lot_id": self.valve_sn.id})
        # The serial in the van is taken out of stock, and a consumed line keeps its serial
        # (now at the customer): removing the line brings it back.
        self.order.part_line_ids.filtered(lambda ln: ln.product_id == self.gasket).unlink()
        order.action_consume_parts()
        self.assertEqual(self.valve_sn.location_id, self.customers)
        valve_line.with_user(self.tech).note = "fitted"
        valve_line.with_user(self.tech).unlink()
        self.assertEqual(self.valve_sn.location_id, self.van)

    def _gasket_row(self):
        return {"product_id": (self.gasket.id, self.gasket.display_name), "lot_id": False, "quantity": 1.0}

    def test_technician_takes_van_or_planned_parts_only(self):
        order = self.order.with_user(self.tech)
        order.write(
            {
                "part_line_ids": [
                    Command.create({"product_id": self.filter.id, "quantity": 2}),  # in the van
                    Command.create({"product_id": self.gasket.id, "quantity": 1}),  # planned
                ]
            }
        )
        self.assertEqual(len(self.order.part_line_ids), 3)
        before = self._lines()
        with self.assertRaises(UserError) as caught:
            order.write({"part_line_ids": [Command.create({"product_id": self.pump.id})]})
        self.assertEqual(
            str(caught.exception),
            f"[PMP] Pump is not on hand in WH/Vans/Tech A and not planned on {self.order.name}: "
            "ask for it with Request Parts.",
        )
        # Two lines of it at once plan nothing for each other.
        with self.assertRaises(UserError):
            order.write({"part_line_ids": [Command.create({"product_id": self.pump.id}) for _i in range(2)]})
        # Nor does turning a line into it.
        with self.assertRaises(UserError):
            order.part_line_ids.filtered(lambda ln: ln.product_id == self.filter).product_id = self.pump
        self.assertEqual(self._lines(), before)
        # The back office plans it; then the technician may add more of it.
        self.order.with_user(self.dispatcher).part_line_ids = [Command.create({"product_id": self.pump.id})]
        order.write({"part_line_ids": [Command.create({"product_id": self.pump.id})]})
        self.assertEqual(len(self.order.part_line_ids.filtered(lambda ln: ln.product_id == self.pump)), 2)

    def test_technician_with_a_van_does_not_take_from_the_warehouse(self):
        """Pointing a line at the warehouse stock would make all of it pickable: with a van,
        what the van lacks comes through Request Parts."""
        order = self.order.with_user(self.tech)
        before = self._lines()
        with self.assertRaisesRegex(UserError, "use your van, and ask the warehouse"), self.env.cr.savepoint():
            order.write(
                {"part_line_ids": [Command.create({"product_id": self.pump.id, "location_id": self.wh_stock.id})]}
            )
        with self.assertRaisesRegex(UserError, "use your van"), self.env.cr.savepoint():
            order.write(
                {
                    "part_line_ids": [
                        Command.create(
                            {
                                "product_id": self.valve.id,
                                "lot_id": self.warehouse_sn.id,
                                "location_id": self.wh_stock.id,
                            }
                        )
                    ]
                }
            )
        gasket_line = order.part_line_ids
        with self.assertRaisesRegex(UserError, "use your van"), self.env.cr.savepoint():
            gasket_line.location_id = self.wh_stock
        self.assertEqual(self._lines(), before)
        self.assertEqual(self.order.part_line_ids.location_id, self.van)

    def test_technicians_read_no_price_or_cost_over_the_api(self):
        """The price rule holds on the server: a technician reads no product price or cost and
        no stock value of a move; dispatchers, stock users and users without field service
        keep Odoo's rights; a technician who is also an Inventory user reads them as such."""
        job = self._order_with({"product_id": self.filter.id, "quantity": 1})
        job.action_complete()
        move = job.move_ids
        self.assertEqual(len(move), 1)
        product_fields = ["list_price", "lst_price", "standard_price", "avg_cost", "total_value"]
        move_fields = ["value", "price_unit", "standard_price"]
        for model, record, names in (
            ("product.product", self.filter, product_fields),
            ("product.template", self.filter.product_tmpl_id, ["list_price", "standard_price"]),
            ("stock.move", move, move_fields),
        ):
            for name in names:
                with self.subTest(model=model, field=name):
                    with self.assertRaises(AccessError):
                        record.with_user(self.tech).read([name])
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(self.tech).search_read([("id", "=", record.id)], [name])
                    self.assertNotIn(name, self.env[model].with_user(self.tech).fields_get())
                    self.assertIn(name, self.env[model].with_user(self.dispatcher).fields_get())
        # Names and quantities stay readable: the technician's screens need them.
        self.assertEqual(self.filter.with_user(self.tech).read(["display_name"])[0]["display_name"], "[FLT] Filter")
        self.assertEqual(move.with_user(self.tech).read(["quantity"])[0]["quantity"], move.quantity)
        # Others keep Odoo's rights.
        clerk = new_test_user(self.env, login="fse_price_clerk", groups="base.group_user")
        storeman = new_test_user(
            self.env, login="fse_price_storeman", groups="field_service_erp.group_fse_technician,stock.group_stock_user"
        )
        for user in (self.dispatcher, clerk, storeman):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self.filter.with_user(user).read(["standard_price"])[0]["standard_price"],
                    self.filter.standard_price,
                )
        # The answer is cached per user, and follows a change of the user's groups.
        promoted = new_test_user(self.env, login="fse_price_promoted", groups="field_service_erp.group_fse_technician")
        with self.assertRaises(AccessError):
            self.filter.with_user(promoted).read(["standard_price"])
        promoted.group_ids = [Command.link(self.env.ref("stock.group_stock_user").id)]
        self.assertEqual(
            self.filter.with_user(promoted).read(["standard_price"])[0]["standard_price"],
            0.0 + self.filter.standard_price,
        )

    def test_a_plan_s_kit_counts_as_planned(self):
        plan = self.env["fse.maintenance.plan"].create(
            {
                "name": "Pump service",
                "installation_id": self.installation.id,
                "start_date": "2026-03-01",
                "part_ids": [Command.create({"product_id": self.pump.id, "quantity": 1})],
            }
        )
        self.order.plan_id = plan
        self.order.with_user(self.tech).write({"part_line_ids": [Command.create({"product_id": self.pump.id})]})
        self.assertIn(self.pump, self.order.part_line_ids.product_id)

    def test_technician_views_show_no_price_or_cost(self):
        """Every view a technician reaches from a job: the order form with its part lines,
        the part picker's list and phone cards, the van, the order's moves, the machine."""
        prices = {"list_price", "lst_price", "standard_price", "value", "fse_signed_value", "parts_cost"}
        prices |= {"avg_cost", "total_value", "amount_to_invoice", "price_unit"}
        ref = self.env.ref
        views = [
            ("fse.work.order", [(False, "form"), (False, "list"), (False, "kanban")]),
            (
                "product.product",
                [
                    (ref("field_service_erp.view_product_product_list_fse_pick").id, "list"),
                    (ref("field_service_erp.view_product_product_kanban_fse_pick").id, "kanban"),
                ],
            ),
            (
                "stock.quant",
                [
                    (ref("field_service_erp.view_stock_quant_list_fse_van").id, "list"),
                    (ref("field_service_erp.view_stock_quant_kanban_fse_van").id, "kanban"),
                ],
            ),
            ("fse.work.order.part.request", [(False, "form")]),
            ("stock.picking", [(False, "kanban"), (False, "form")]),
            ("stock.move", [(ref("field_service_erp.view_stock_move_list_fse_order").id, "list"), (False, "form")]),
            ("fse.installation", [(False, "form")]),
            ("stock.lot", [(False, "list"), (False, "kanban")]),
        ]
        for model, view_list in views:
            with self.subTest(model=model):
                result = self.env[model].with_user(self.tech).get_views(view_list)
                shown = {(name, field) for name, desc in result["models"].items() for field in desc["fields"]}
                costs = {
                    (name, field)
                    for name, field in shown
                    if field in prices and (field != "value" or name.startswith("stock."))  # not a meter's value
                }
                self.assertFalse(costs, model)
        # The part pickers of the job and of Request Parts open the picker's own views.
        for model in ("fse.work.order", "fse.work.order.part.request"):
            arch = self.env[model].with_user(self.tech).get_views([(False, "form")])["views"]["form"]["arch"]
            for picker in ("view_product_product_list_fse_pick", "view_product_product_kanban_fse_pick"):
                self.assertIn(f"field_service_erp.{picker}", arch, model)
        # The back office still sees the parts' value; a technician cannot even read it.
        result = (
            self.env["stock.move"]
            .with_user(self.dispatcher)
            .get_views([(ref("field_service_erp.view_stock_move_list_fse_order").id, "list")])
        )
        self.assertIn("fse_signed_value", result["models"]["stock.move"]["fields"])
        with self.assertRaises(AccessError):
            self.env["stock.move"].with_user(self.tech).search_read([], ["fse_signed_value"], limit=1)


@tagged("post_install", "-at_install")
class TestPartPickersJson2(FseJson2Mixin, FsePickerCommon, HttpCase):
    """The same rules over Odoo 19's JSON-2 API, as a phone app or script would call it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys = cls._json2_keys(cls.tech, cls.dispatcher)

    def _json2(self, user, model, method, **params):
        return self._json2_call(self.keys[user], model, method, **params)

    def _state(self):
        self.env.invalidate_all()
        Part = self.env["fse.work.order.part"]
        return {
            "lines": Part.search_read([], ["order_id", "product_id", "lot_id", "quantity", "location_id"]),
            "moves": self.env["stock.move"].search_count([]),
        }

    def test_technician_unplanned_part_refused_dispatcher_allowed(self):
        attacks = [
            (
                "fse.work.order",
                "write",
                {"ids": self.order.ids, "vals": {"part_line_ids": [Command.create({"product_id": self.pump.id})]}},
                "odoo.exceptions.UserError",
                "ask for it with Request Parts",
            ),
            (
                "fse.work.order.part",
                "create",
                {"vals_list": [{"order_id": self.order.id, "product_id": self.pump.id}]},
                "odoo.exceptions.UserError",
                "ask for it with Request Parts",
            ),
            (
                "fse.work.order.part",
                "write",
                {"ids": self.order.part_line_ids.ids, "vals": {"product_id": self.pump.id}},
                "odoo.exceptions.UserError",
                "ask for it with Request Parts",
            ),
            (
                "fse.work.order.part",
                "create",
                {"vals_list": [{"order_id": self.order.id, "product_id": self.valve.id, "lot_id": self.fitted_sn.id}]},
                "odoo.exceptions.ValidationError",
                "V-FIT (Valve) is not on hand in WH/Vans/Tech A",
            ),
        ]
        for model, method, params, error, fragment in attacks:
            with self.subTest(model=model, method=method, params=params):
                before = self._state()
                status, body = self._json2(self.tech, model, method, **params)
                self.assertEqual((status, body.get("name")), (422, error), body)
                self.assertIn(fragment, body["message"])
                self.assertEqual(self._state(), before)
        # The van's parts go through for the technician, anything for the dispatcher.
        status, body = self._json2(
            self.tech,
            "fse.work.order.part",
            "create",
            vals_list=[{"order_id": self.order.id, "product_id": self.filter.id}],
        )
        self.assertEqual(status, 200, body)
        status, body = self._json2(
            self.dispatcher,
            "fse.work.order",
            "write",
            ids=self.order.ids,
            vals={"part_line_ids": [Command.create({"product_id": self.pump.id})]},
        )
        self.assertEqual((status, body), (200, True))
        self.env.invalidate_all()
        self.assertEqual(self.order.part_line_ids.product_id, self.gasket | self.filter | self.pump)

    def test_technician_reads_no_price_or_cost_over_json2(self):
        """The price rule over HTTP: refused to the technician (403, nothing read), the
        dispatcher's same calls answer; writing a price is refused too, and changes nothing."""
        job = self._order_with({"product_id": self.filter.id, "quantity": 1})
        job.action_complete()
        self.filter.standard_price = 12.5
        calls = [
            ("product.product", "read", {"ids": self.filter.ids, "fields": ["standard_price"]}),
            ("product.product", "search_read", {"domain": [("id", "=", self.filter.id)], "fields": ["lst_price"]}),
            ("product.template", "read", {"ids": self.filter.product_tmpl_id.ids, "fields": ["list_price"]}),
            ("stock.move", "search_read", {"domain": [("id", "in", job.move_ids.ids)], "fields": ["value"]}),
        ]
        for model, method, params in calls:
            with self.subTest(model=model, method=method):
                status, body = self._json2(self.tech, model, method, **params)
                self.assertEqual(status, 403, body)
                self.assertEqual(body["name"], "odoo.exceptions.AccessError")
                status, body = self._json2(self.dispatcher, model, method, **params)
                self.assertEqual(status, 200, body)
        status, _body = self._json2(
            self.tech, "product.product", "write", ids=self.filter.ids, vals={"standard_price": 0.01}
        )
        self.assertEqual(status, 403)
        self.env.invalidate_all()
        self.assertEqual(self.filter.standard_price, 12.5)
