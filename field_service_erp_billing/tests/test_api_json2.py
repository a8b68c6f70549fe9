"""The trust boundary over HTTP, as real API clients see it: Odoo 19's JSON-2 API
(``POST /json/2/<model>/<method>`` with an API key) and JSON-RPC (``/web/dataset/call_kw``
with a session), for each role of docs/security.md.

Every attack asserts the HTTP status, the exception class the server names in the response
body and a piece of its message, and then that the database did not move: stock moves and
move lines, quants, pickings, invoices and their lines, the work orders, their lines, the
contracts, their billed periods and the installations, re-read after the request."""

import time
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.field_service_erp.models.fse_work_order import LABOR_CONFIRMED
from odoo.addons.field_service_erp.tests.common import FseJson2Mixin

from .common import FseBillingCommon

ACCESS_ERROR = ("odoo.exceptions.AccessError", 403)
USER_ERROR = ("odoo.exceptions.UserError", 422)
VALIDATION_ERROR = ("odoo.exceptions.ValidationError", 422)

# Records counted before and after each attack (archived ones included).
COUNTED_MODELS = (
    "stock.move",
    "stock.move.line",
    "stock.quant",
    "stock.picking",
    "account.move",
    "account.move.line",
    "fse.work.order",
    "fse.work.order.part",
    "fse.work.order.labor",
    "fse.contract",
    "fse.contract.period",
    "fse.installation",
    "stock.location",
)
ORDER_FIELDS = [
    "state",
    "name",
    "partner_id",
    "technician_id",
    "company_id",
    "contract_id",
    "date_started",
    "date_done",
    "timer_start",
    "timer_seconds",
    "resolution",
    "billable",
    "billing_approved",
    "invoice_partner_id",
    "customer_ref",
    "invoice_status",
    "fse_invoice_queued",
    "no_labor",
    "service_date",
]
PART_FIELDS = [
    "order_id",
    "product_id",
    "quantity",
    "location_id",
    "qty_consumed",
    "move_id",
    "billable",
    "coverage_percent",
    "coverage_reason",
    "coverage_kind",
]
LABOR_FIELDS = ["order_id", "technician_id", "hours", "from_timer", "billable", "coverage_percent"]
CONTRACT_FIELDS = [
    "state",
    "partner_id",
    "company_id",
    "date_end",
    "renewal_count",
    "date_cancelled",
    "labor_coverage_percent",
    "next_period_start",
]


@tagged("post_install", "-at_install")
class TestApiJson2(FseJson2Mixin, FseBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fse_invoice_requires_approval = False
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.wh_stock = cls.warehouse.lot_stock_id
        cls.customers = cls.site.property_stock_customer
        cls.tech.action_fse_create_van()
        cls.van = cls.tech.fse_van_location_id
        cls.env["stock.quant"]._update_available_quantity(cls.filter, cls.van, 5)

        # Tech A's job under way: one filter already taken from the van, one hour booked.
        cls.order = cls._order(
            part_line_ids=[Command.create({"product_id": cls.filter.id, "quantity": 1})],
            labor_line_ids=[cls._labor(1.0, cls.tech)],
        )
        cls.order.action_start()
        cls.order.action_consume_parts()
        cls.part = cls.order.part_line_ids
        cls.labor = cls.order.labor_line_ids
        # Tech B's job, a done job not invoiced yet and a done job on a draft invoice.
        cls.order_b = cls._order(technician_id=cls.tech_b.id, labor_line_ids=[cls._labor(2.0, cls.tech_b)])
        cls.done_order = cls._done_order(hours=1, parts=1)
        cls.invoiced_order = cls._done_order(hours=1, parts=1)
        cls.invoice = cls.invoiced_order.action_create_invoices()
        # Another customer's visit, which a portal user of our customer must not see.
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer SA", "is_company": True})
        cls.other_order = cls._order(partner_id=cls.other_customer.id, installation_id=False)
        cls.orders = cls.order | cls.order_b | cls.done_order | cls.invoiced_order | cls.other_order

        # A running contract on a second machine of the customer.
        cls.machine_2 = cls.env["fse.installation"].create(
            {
                "partner_id": cls.customer.id,
                "product_id": cls.machine_product.id,
                "lot_id": cls.env["stock.lot"].create({"name": "SN-0002", "product_id": cls.machine_product.id}).id,
            }
        )
        cls.contract = cls.env["fse.contract"].create(
            {
                "partner_id": cls.customer.id,
                "date_start": fields.Date.today() - timedelta(days=30),
                "term_months": 12,
                "labor_coverage_percent": 50,
                "coverage_ids": [Command.create({"installation_id": cls.machine_2.id})],
            }
        )
        cls.contract.action_confirm()
        cls.plan = cls.env["fse.maintenance.plan"].create(
            {"name": "Monthly", "contract_id": cls.contract.id, "interval_type": "month", "interval_number": 1}
        )

        # Transfers prepared by the back office: warehouse -> Tech A's van, and a delivery.
        cls.van_transfer = cls._transfer(cls.warehouse.int_type_id, cls.wh_stock, cls.van, 2)
        cls.delivery = cls._transfer(cls.warehouse.out_type_id, cls.wh_stock, cls.customers, 3)
        # One move leaves the van, the other leaves the warehouse for a customer.
        cls.mixed_transfer = cls._transfer(
            cls.warehouse.int_type_id, cls.van, cls.wh_stock, 1, extra=(cls.wh_stock, cls.customers)
        )
        cls.van_quant = cls.env["stock.quant"].search(
            [("product_id", "=", cls.filter.id), ("location_id", "=", cls.van.id)]
        )

        cls.accountant = new_test_user(
            cls.env,
            login="fse_json2_accountant",
            name="Plain Accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.company_2 = cls.env["res.company"].create({"name": "FSE Second Company"})
        cls.other_dispatcher = new_test_user(
            cls.env,
            login="fse_json2_other_dispatcher",
            groups="field_service_erp.group_fse_dispatcher",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.other_tech = new_test_user(
            cls.env,
            login="fse_json2_other_tech",
            groups="field_service_erp.group_fse_technician",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.portal = new_test_user(
            cls.env, login="fse_json2_portal", password="fse_json2_portal_pw", groups="base.group_portal"
        )
        cls.portal.partner_id.parent_id = cls.customer
        # Each user's own API key, as they would create it.
        cls.keys = cls._json2_keys(cls.tech, cls.dispatcher, cls.accountant, cls.other_dispatcher, cls.other_tech)

    @classmethod
    def _transfer(cls, picking_type, source, destination, qty, extra=None):
        """A transfer of `qty` filters, confirmed and reserved; `extra`: (source, destination)
        of a second move of one filter."""
        moves = [(source, destination, qty)] + ([(*extra, 1)] if extra else [])
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": cls.filter.id,
                            "product_uom_qty": move_qty,
                            "location_id": move_source.id,
                            "location_dest_id": move_destination.id,
                        }
                    )
                    for move_source, move_destination, move_qty in moves
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    # ------------------------------------------------------------------ transport

    def _call_kw(self, model, method, args, kwargs=None):
        """call_kw over /web/dataset/call_kw in the session; returns (result, error data)."""
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/dataset/call_kw",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
                },
                timeout=30,
            ).json()
        if "error" in response:
            return None, response["error"]["data"]
        return response["result"], None

    # ------------------------------------------------------------------ database state
    def _rows(self, model, domain, field_names):
        return self.env[model].with_context(active_test=False).search_read(domain, field_names, order="id")

    def _snapshot(self):
        """What an attack must not change, read from the database (the cache is dropped)."""
        self.env.invalidate_all()
        products = (self.filter | self.machine_product).ids
        invoice_types = ("out_invoice", "out_refund")
        return {
            "counts": {
                model: self.env[model].with_context(active_test=False).search_count([]) for model in COUNTED_MODELS
            },
            "quants": self._rows(
                "stock.quant",
                [],
                ["product_id", "location_id", "lot_id", "quantity", "reserved_quantity", "inventory_quantity"],
            ),
            "moves": self._rows(
                "stock.move",
                [("product_id", "in", products)],
                ["state", "product_uom_qty", "quantity", "location_id", "location_dest_id", "fse_part_id"],
            ),
            "move_lines": self._rows(
                "stock.move.line",
                [("product_id", "in", products)],
                ["state", "quantity", "location_id", "location_dest_id", "lot_id", "move_id", "picking_id"],
            ),
            "pickings": self._rows(
                "stock.picking",
                [("id", "in", (self.van_transfer | self.delivery | self.mixed_transfer).ids)],
                ["state"],
            ),
            "orders": self._rows("fse.work.order", [("id", "in", self.orders.ids)], ORDER_FIELDS),
            "parts": self._rows("fse.work.order.part", [("order_id", "in", self.orders.ids)], PART_FIELDS),
            "labor": self._rows("fse.work.order.labor", [("order_id", "in", self.orders.ids)], LABOR_FIELDS),
            "invoices": self._rows(
                "account.move",
                [("move_type", "in", invoice_types)],
                ["state", "partner_id", "amount_total", "fse_contract_id"],
            ),
            "invoice_lines": self._rows(
                "account.move.line",
                [("move_id.move_type", "in", invoice_types), ("display_type", "=", "product")],
                [
                    "price_unit",
                    "quantity",
                    "fse_work_order_id",
                    "fse_source_kind",
                    "fse_labor_id",
                    "fse_part_id",
                    "fse_contract_id",
                    "fse_contract_period_id",
                    "fse_included_qty",
                    "fse_covered_amount",
                ],
            ),
            "contracts": self._rows("fse.contract", [("id", "=", self.contract.id)], CONTRACT_FIELDS),
            "periods": self._rows("fse.contract.period", [], ["contract_id", "date_start", "date_end", "invoice_id"]),
            "installations": self._rows(
                "fse.installation",
                [("id", "in", (self.installation | self.machine_2).ids)],
                ["state", "partner_id", "company_id", "lot_id", "decommission_date"],
            ),
        }

    # ------------------------------------------------------------------ assertions
    def _assert_refused(self, status, body, expected, fragment):
        name, http_status = expected
        self.assertIsInstance(body, dict, f"the attack succeeded (HTTP {status}): {body}")
        self.assertEqual((status, body["name"]), (http_status, name), body)
        self.assertIn(fragment, body["message"])

    def _assert_json2_attacks(self, key, attacks):
        """Each attack (label, model, method, ids or None, params, expected, message fragment)
        is refused over JSON-2 with this API key, and the database is as before."""
        for label, model, method, ids, params, expected, fragment in attacks:
            with self.subTest(label, api="json-2"):
                before = self._snapshot()
                if ids is not None:
                    params = {"ids": ids, **params}
                status, body = self._json2_call(key, model, method, **params)
                self._assert_refused(status, body, expected, fragment)
                self.assertEqual(self._snapshot(), before)

    def _assert_jsonrpc_attacks(self, attacks):
        """The same attacks over JSON-RPC in the session authenticated before."""
        for label, model, method, ids, params, expected, fragment in attacks:
            with self.subTest(label, api="json-rpc"):
                before = self._snapshot()
                args = ([] if ids is None else [ids]) + list(params.values())
                result, error = self._call_kw(model, method, args)
                self.assertIsNone(result)
                self.assertIsNotNone(error)
                self.assertEqual(error["name"], expected[0], error)
                self.assertIn(fragment, error["message"])
                self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------------ technician
    def _technician_attacks(self):
        part, labor, order, order_b = self.part, self.labor, self.order, self.order_b
        system = "cannot be written directly"
        dispatcher_only = "Only a dispatcher can set"
        return [
            ("forged state", "fse.work.order", "write", order.ids, {"vals": {"state": "done"}}, ACCESS_ERROR, system),
            (
                "forged timer",
                "fse.work.order",
                "write",
                order.ids,
                {"vals": {"timer_seconds": 36000}},
                ACCESS_ERROR,
                system,
            ),
            (
                "forged consumed quantity",
                "fse.work.order.part",
                "write",
                part.ids,
                {"vals": {"qty_consumed": 100}},
                ACCESS_ERROR,
                system,
            ),
            (
                "forged coverage",
                "fse.work.order.part",
                "write",
                part.ids,
                {"vals": {"coverage_percent": 100, "coverage_reason": "Warranty"}},
                ACCESS_ERROR,
                dispatcher_only,
            ),
            (
                "forged coverage kind (out of the contract's allowances)",
                "fse.work.order.part",
                "write",
                part.ids,
                {"vals": {"coverage_kind": "manual"}},
                ACCESS_ERROR,
                dispatcher_only,
            ),
            (
                "invoicing queued by hand",
                "fse.work.order",
                "write",
                order.ids,
                {"vals": {"fse_invoice_queued": True}},
                ACCESS_ERROR,
                system,
            ),
            (
                "labor not billed",
                "fse.work.order.labor",
                "write",
                labor.ids,
                {"vals": {"billable": False}},
                ACCESS_ERROR,
                dispatcher_only,
            ),
            (
                "invoice partner",
                "fse.work.order",
                "write",
                order.ids,
                {"vals": {"invoice_partner_id": self.tech.partner_id.id}},
                ACCESS_ERROR,
                dispatcher_only,
            ),
            (
                "technician reassignment",
                "fse.work.order",
                "write",
                order.ids,
                {"vals": {"technician_id": self.tech_b.id}},
                ACCESS_ERROR,
                dispatcher_only,
            ),
            (
                "approve billing",
                "fse.work.order",
                "action_approve_billing",
                self.done_order.ids,
                {},
                ACCESS_ERROR,
                "Only a dispatcher can do this",
            ),
            (
                "cancel own order",
                "fse.work.order",
                "action_cancel",
                order.ids,
                {},
                ACCESS_ERROR,
                "Only a dispatcher can do this",
            ),
            (
                "reopen done order",
                "fse.work.order",
                "action_reset_draft",
                self.done_order.ids,
                {},
                ACCESS_ERROR,
                "Only a dispatcher can do this",
            ),
            (
                "labor in a colleague's name",
                "fse.work.order.labor",
                "create",
                None,
                {"vals_list": [{"order_id": order.id, "technician_id": self.tech_b.id, "hours": 7.5}]},
                ACCESS_ERROR,
                "You can only record your own time",
            ),
            (
                "labor as if from the timer",
                "fse.work.order.labor",
                "create",
                None,
                {"vals_list": [{"order_id": order.id, "hours": 7.5, "from_timer": True}]},
                ACCESS_ERROR,
                system,
            ),
            (
                "labor on a colleague's order",
                "fse.work.order.labor",
                "create",
                None,
                {"vals_list": [{"order_id": order_b.id, "hours": 2}]},
                ACCESS_ERROR,
                "Work Order Labor",
            ),
            (
                "labor moved to a colleague's order",
                "fse.work.order.labor",
                "write",
                labor.ids,
                {"vals": {"order_id": order_b.id}},
                ACCESS_ERROR,
                dispatcher_only,
            ),
            (
                "part moved to a colleague's order",
                "fse.work.order.part",
                "write",
                part.ids,
                {"vals": {"order_id": order_b.id}},
                ACCESS_ERROR,
                dispatcher_only,
            ),
            (
                "colleague's order",
                "fse.work.order",
                "write",
                order_b.ids,
                {"vals": {"resolution": "<p>done</p>"}},
                ACCESS_ERROR,
                "Field Service Work Order",
            ),
            (
                "start colleague's order",
                "fse.work.order",
                "action_start",
                order_b.ids,
                {},
                ACCESS_ERROR,
                "Field Service Work Order",
            ),
            (
                "create a transfer",
                "stock.picking",
                "create",
                None,
                {"vals_list": [{"picking_type_id": self.warehouse.int_type_id.id}]},
                ACCESS_ERROR,
                "stock.picking",
            ),
            (
                "validate the van transfer as an Inventory user",
                "stock.picking",
                "button_validate",
                self.van_transfer.ids,
                {},
                ACCESS_ERROR,
                "You are not allowed to modify 'Stock Move' (stock.move)",
            ),
            (
                "confirm a delivery (hidden to them)",
                "stock.picking",
                "action_fse_validate_van_transfer",
                self.delivery.ids,
                {},
                ACCESS_ERROR,
                "doesn't have 'read' access to:\n- Transfer (stock.picking)",
            ),
            (
                "confirm a transfer that is not all their van's",
                "stock.picking",
                "action_fse_validate_van_transfer",
                self.mixed_transfer.ids,
                {},
                ACCESS_ERROR,
                "is not a transfer to or from your van",
            ),
            (
                "create a stock move",
                "stock.move",
                "create",
                None,
                {
                    "vals_list": [
                        {
                            "product_id": self.filter.id,
                            "product_uom_qty": 5,
                            "location_id": self.van.id,
                            "location_dest_id": self.customers.id,
                        }
                    ]
                },
                ACCESS_ERROR,
                "stock.move",
            ),
            (
                "inventory count in the van",
                "stock.quant",
                "write",
                self.van_quant.ids,
                {"vals": {"inventory_quantity": 50}},
                ACCESS_ERROR,
                "stock.quant",
            ),
            (
                "apply an inventory adjustment in the van",
                "stock.quant",
                "action_apply_inventory",
                self.van_quant.ids,
                {},
                ACCESS_ERROR,
                "stock.quant",
            ),
            (
                "new quant in the van",
                "stock.quant",
                "create",
                None,
                {
                    "vals_list": [{"product_id": self.filter.id, "location_id": self.van.id, "inventory_quantity": 50}],
                    "context": {"inventory_mode": True},
                },
                ACCESS_ERROR,
                "stock.quant",
            ),
            (
                "private stock method",
                "stock.quant",
                "_update_available_quantity",
                None,
                {"product_id": self.filter.id, "location_id": self.van.id, "quantity": 50},
                ACCESS_ERROR,
                "Private methods",
            ),
            (
                "private stock sync",
                "fse.work.order.part",
                "_fse_sync_stock",
                part.ids,
                {},
                ACCESS_ERROR,
                "Private methods",
            ),
            (
                "contract fees",
                "fse.contract.line",
                "search_read",
                None,
                {"domain": [], "fields": ["price_unit"]},
                ACCESS_ERROR,
                "fse.contract.line",
            ),
            # The back office's buttons, checked on the server whoever calls them.
            (
                "generate a plan's visits",
                "fse.maintenance.plan",
                "action_generate_now",
                self.plan.ids,
                {},
                ACCESS_ERROR,
                "fse.maintenance.plan",
            ),
            (
                "set up a van",
                "res.users",
                "action_fse_create_van",
                self.tech_b.ids,
                {},
                ACCESS_ERROR,
                "Only a dispatcher",
            ),
            (
                "invoice a contract",
                "fse.contract",
                "action_create_invoices",
                self.contract.ids,
                {},
                ACCESS_ERROR,
                "fse.contract",
            ),
            # The completion wizard is no way to another technician's order.
            (
                "complete another's order through the wizard",
                "fse.work.order.complete",
                "create",
                None,
                {"vals_list": [{"order_ids": [Command.set(order_b.ids)]}]},
                ACCESS_ERROR,
                "fse.work.order",
            ),
        ]

    def test_technician_attacks_over_json2(self):
        self._assert_json2_attacks(self.keys[self.tech], self._technician_attacks())

    def test_technician_still_works_over_json2(self):
        """The same key does the job: the refusals above are not a broken API."""
        key = self.keys[self.tech]
        status, body = self._json2_call(
            key, "fse.work.order", "write", ids=self.order.ids, vals={"resolution": "<p>Filter replaced</p>"}
        )
        self.assertEqual((status, body), (200, True))
        status, body = self._json2_call(
            key,
            "fse.work.order.labor",
            "create",
            vals_list=[{"order_id": self.order.id, "hours": 0.5, "date": "2026-03-02"}],
        )
        self.assertEqual(status, 200, body)
        status, body = self._json2_call(
            key, "stock.picking", "action_fse_validate_van_transfer", ids=self.van_transfer.ids
        )
        self.assertEqual((status, body), (200, True))
        status, body = self._json2_call(key, "fse.work.order", "action_complete", ids=self.order.ids)
        self.assertEqual((status, body), (200, True))
        self.env.invalidate_all()
        self.assertEqual(self.order.state, "done")
        self.assertEqual(self.order.resolution, "<p>Filter replaced</p>")
        self.assertEqual(self.order.labor_hours, 1.5)
        self.assertEqual(self.van_transfer.state, "done")
        # 5 + 2 received, 3 used by the three orders of the van.
        self.assertEqual(self.van_quant.quantity, 4)

    def test_technician_completing_without_labor_is_asked_first_over_json2(self):
        """Complete on a billable job with no time at all: unconfirmed, the call returns the
        confirmation wizard and the database does not move; confirmed, the job is done."""
        key = self.keys[self.tech]
        order = self._order()
        order.action_start()
        self.orders = self.orders | order
        before = self._snapshot()
        status, body = self._json2_call(key, "fse.work.order", "action_complete", ids=order.ids)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["res_model"], body["target"]), ("fse.work.order.complete", "new"))
        self.assertEqual(self._snapshot(), before)
        self.assertRecordValues(order, [{"state": "in_progress", "timer_running": True, "no_labor": False}])
        status, body = self._json2_call(
            key, "fse.work.order", "action_complete", ids=order.ids, context={LABOR_CONFIRMED: True}
        )
        self.assertEqual((status, body), (200, True))
        self.env.invalidate_all()
        self.assertRecordValues(order, [{"state": "done", "no_labor": True}])
        self.assertFalse(order.labor_line_ids)

    def test_technician_cannot_tamper_with_a_prepared_van_transfer(self):
        """Odoo lets every internal user write move lines; a technician who changes those of a
        prepared van transfer cannot confirm it: nothing moves beyond what was prepared."""
        key = self.keys[self.tech]
        move_line = self.van_transfer.move_line_ids
        self.assertEqual((move_line.quantity, move_line.location_dest_id), (2, self.van))
        tampering = [
            ("more than prepared", {"quantity": 50}, "more than the 2.0 the back office prepared"),
            ("elsewhere than the van", {"location_dest_id": self.customers.id}, "was changed after the back office"),
        ]
        for label, vals, fragment in tampering:
            with self.subTest(label):
                # The write itself is Odoo's own right (it changes only the reservation)...
                status, body = self._json2_call(key, "stock.move.line", "write", ids=move_line.ids, vals=vals)
                self.assertEqual((status, body), (200, True))
                before = self._snapshot()
                # ...but the transfer is not confirmed, and no stock moves.
                status, body = self._json2_call(
                    key, "stock.picking", "action_fse_validate_van_transfer", ids=self.van_transfer.ids
                )
                self._assert_refused(status, body, ACCESS_ERROR, fragment)
                self.assertEqual(self._snapshot(), before)
                self.assertEqual(self.van_transfer.state, "assigned")
                self.assertEqual(self.van_quant.quantity, 2)
                # Prepared as before, for the next attempt.
                move_line.write({"quantity": 2, "location_dest_id": self.van.id})

    # ------------------------------------------------------------------ dispatcher
    def _dispatcher_attacks(self):
        other_move = self.done_order.part_line_ids.move_id
        invoice_line = self.invoice.invoice_line_ids[:1]
        invoiced_part = self.invoiced_order.part_line_ids
        invoiced_labor = self.invoiced_order.labor_line_ids
        system = "cannot be written directly"
        invoiced = "is already invoiced"
        return [
            (
                "order state",
                "fse.work.order",
                "write",
                self.order.ids,
                {"vals": {"state": "done"}},
                ACCESS_ERROR,
                system,
            ),
            (
                "order created done",
                "fse.work.order",
                "create",
                None,
                {"vals_list": [{"partner_id": self.customer.id, "state": "done"}]},
                ACCESS_ERROR,
                system,
            ),
            (
                "completion date",
                "fse.work.order",
                "write",
                self.done_order.ids,
                {"vals": {"date_done": "2020-01-01 00:00:00"}},
                ACCESS_ERROR,
                system,
            ),
            (
                "start date",
                "fse.work.order",
                "write",
                self.order.ids,
                {"vals": {"date_started": "2020-01-01 00:00:00"}},
                ACCESS_ERROR,
                system,
            ),
            (
                "consumed quantity",
                "fse.work.order.part",
                "write",
                self.part.ids,
                {"vals": {"qty_consumed": 0}},
                ACCESS_ERROR,
                system,
            ),
            (
                "consumption move",
                "fse.work.order.part",
                "write",
                self.part.ids,
                {"vals": {"move_id": other_move.id}},
                ACCESS_ERROR,
                system,
            ),
            (
                "order's invoice lines",
                "fse.work.order",
                "write",
                self.done_order.ids,
                {"vals": {"invoice_line_ids": [Command.link(invoice_line.id)]}},
                ACCESS_ERROR,
                system,
            ),
            (
                "part's invoice lines",
                "fse.work.order.part",
                "write",
                self.part.ids,
                {"vals": {"invoice_line_ids": [Command.link(invoice_line.id)]}},
                ACCESS_ERROR,
                system,
            ),
            (
                "labor's invoice lines",
                "fse.work.order.labor",
                "write",
                self.labor.ids,
                {"vals": {"invoice_line_ids": [Command.link(invoice_line.id)]}},
                ACCESS_ERROR,
                system,
            ),
            (
                "invoice line's work order",
                "account.move.line",
                "write",
                invoice_line.ids,
                {"vals": {"fse_work_order_id": self.done_order.id}},
                ACCESS_ERROR,
                "account.move.line",
            ),
            (
                "invoiced order not billable",
                "fse.work.order",
                "write",
                self.invoiced_order.ids,
                {"vals": {"billable": False}},
                USER_ERROR,
                invoiced,
            ),
            (
                "invoiced order's PO",
                "fse.work.order",
                "write",
                self.invoiced_order.ids,
                {"vals": {"customer_ref": "PO-FORGED"}},
                USER_ERROR,
                invoiced,
            ),
            (
                "invoiced order's invoice address",
                "fse.work.order",
                "write",
                self.invoiced_order.ids,
                {"vals": {"invoice_partner_id": self.other_customer.id}},
                USER_ERROR,
                invoiced,
            ),
            (
                "invoiced order's approval",
                "fse.work.order",
                "write",
                self.invoiced_order.ids,
                {"vals": {"billing_approved": True}},
                USER_ERROR,
                invoiced,
            ),
            (
                "invoiced part's coverage",
                "fse.work.order.part",
                "write",
                invoiced_part.ids,
                {"vals": {"coverage_percent": 100, "coverage_reason": "Goodwill"}},
                USER_ERROR,
                invoiced,
            ),
            (
                "invoiced labor not billable",
                "fse.work.order.labor",
                "write",
                invoiced_labor.ids,
                {"vals": {"billable": False}},
                USER_ERROR,
                invoiced,
            ),
            (
                "invoiced labor's hours",
                "fse.work.order.labor",
                "write",
                invoiced_labor.ids,
                {"vals": {"hours": 8}},
                USER_ERROR,
                "can no longer be changed",
            ),
            (
                "invoiced order deleted",
                "fse.work.order",
                "unlink",
                self.invoiced_order.ids,
                {},
                USER_ERROR,
                "cancel it before deleting it",
            ),
            (
                "a stock move put on a part line",
                "stock.move",
                "write",
                other_move.ids,
                {"vals": {"fse_part_id": self.part.id}},
                ACCESS_ERROR,
                system,
            ),
            (
                "a stock move put on an order",
                "stock.move",
                "write",
                other_move.ids,
                {"vals": {"fse_work_order_id": self.order.id}},
                ACCESS_ERROR,
                system,
            ),
            self._period_forgery_attack(),
        ]

    def _period_forgery_attack(self):
        """A contract period marked invoiced by hand: billing would then skip it."""
        period = {
            "contract_id": self.contract.id,
            "date_start": fields.Date.to_string(self.contract.date_start),
            "date_end": fields.Date.to_string(self.contract.date_end),
        }
        return (
            "a billed contract period",
            "fse.contract.period",
            "create",
            None,
            {"vals_list": [period]},
            ACCESS_ERROR,
            "fse.contract.period",
        )

    def _contract_attacks(self):
        system = "cannot be written directly"
        return [
            (
                "contract state",
                "fse.contract",
                "write",
                self.contract.ids,
                {"vals": {"state": "expired"}},
                ACCESS_ERROR,
                system,
            ),
            (
                "contract renewals",
                "fse.contract",
                "write",
                self.contract.ids,
                {"vals": {"renewal_count": 5}},
                ACCESS_ERROR,
                system,
            ),
            (
                "contract cancellation date",
                "fse.contract",
                "write",
                self.contract.ids,
                {"vals": {"date_cancelled": "2020-01-01"}},
                ACCESS_ERROR,
                system,
            ),
        ]

    def test_dispatcher_attacks_over_json2(self):
        self._assert_json2_attacks(self.keys[self.dispatcher], self._dispatcher_attacks())

    def test_dispatcher_attacks_over_jsonrpc(self):
        self.authenticate("fse_dispatcher", "fse_dispatcher")
        self._assert_jsonrpc_attacks(self._dispatcher_attacks())

    def test_dispatcher_cannot_write_contract_system_fields(self):
        self._assert_json2_attacks(self.keys[self.dispatcher], self._contract_attacks())

    def test_dispatcher_still_decides_over_json2(self):
        """Back-office decisions stay open to the dispatcher's key."""
        key = self.keys[self.dispatcher]
        status, body = self._json2_call(
            key,
            "fse.work.order",
            "write",
            ids=self.done_order.ids,
            vals={"customer_ref": "PO-42", "invoice_partner_id": self.site.id},
        )
        self.assertEqual((status, body), (200, True))
        status, body = self._json2_call(key, "fse.work.order", "action_approve_billing", ids=self.done_order.ids)
        self.assertEqual((status, body), (200, True))
        status, body = self._json2_call(
            key, "fse.work.order", "write", ids=self.order.ids, vals={"technician_id": self.tech_b.id}
        )
        self.assertEqual((status, body), (200, True))
        self.env.invalidate_all()
        self.assertEqual(self.done_order.customer_ref, "PO-42")
        self.assertTrue(self.done_order.billing_approved)
        self.assertEqual(self.order.technician_id, self.tech_b)

    # ------------------------------------------------------------------ accountant
    def _accountant_attacks(self):
        order = self.done_order
        labor = self.invoiced_order.labor_line_ids
        return [
            (
                "list work orders",
                "fse.work.order",
                "search_read",
                None,
                {"domain": [], "fields": ["name"]},
                ACCESS_ERROR,
                "fse.work.order",
            ),
            (
                "read a work order",
                "fse.work.order",
                "read",
                order.ids,
                {"fields": ["name"]},
                ACCESS_ERROR,
                "fse.work.order",
            ),
            (
                "write a work order",
                "fse.work.order",
                "write",
                order.ids,
                {"vals": {"customer_ref": "PO-X"}},
                ACCESS_ERROR,
                "Only a dispatcher can set",
            ),
            (
                "read part lines",
                "fse.work.order.part",
                "read",
                self.part.ids,
                {"fields": ["quantity"]},
                ACCESS_ERROR,
                "fse.work.order.part",
            ),
            (
                "write labor lines",
                "fse.work.order.labor",
                "write",
                labor.ids,
                {"vals": {"billable": False}},
                ACCESS_ERROR,
                "fse.work.order.labor",
            ),
            (
                "read a contract",
                "fse.contract",
                "read",
                self.contract.ids,
                {"fields": ["name"]},
                ACCESS_ERROR,
                "fse.contract",
            ),
            (
                "write a contract",
                "fse.contract",
                "write",
                self.contract.ids,
                {"vals": {"labor_coverage_percent": 100}},
                ACCESS_ERROR,
                "Only a dispatcher can set 'Labor Covered %' (labor_coverage_percent)",
            ),
            (
                "invoice work orders",
                "fse.work.order",
                "action_create_invoices",
                order.ids,
                {},
                ACCESS_ERROR,
                "Only a dispatcher can do this on work orders",
            ),
            (
                "approve billing",
                "fse.work.order",
                "action_approve_billing",
                order.ids,
                {},
                ACCESS_ERROR,
                "Only a dispatcher can do this",
            ),
            (
                "start an order",
                "fse.work.order",
                "action_start",
                self.order_b.ids,
                {},
                ACCESS_ERROR,
                "Only a dispatcher",
            ),
            ("cancel an order", "fse.work.order", "action_cancel", order.ids, {}, ACCESS_ERROR, "Only a dispatcher"),
            ("cancel a contract", "fse.contract", "action_cancel", self.contract.ids, {}, ACCESS_ERROR, "fse.contract"),
            ("renew a contract", "fse.contract", "action_renew", self.contract.ids, {}, ACCESS_ERROR, "fse.contract"),
            self._period_forgery_attack(),
            (
                "an invoice line that bills a work order's labor",
                "account.move",
                "create",
                None,
                {
                    "vals_list": [
                        {
                            "move_type": "out_invoice",
                            "partner_id": self.customer.id,
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "product_id": self.labor_product.id,
                                        "quantity": 1,
                                        "price_unit": 1.0,
                                        "fse_work_order_id": self.done_order.id,
                                        "fse_labor_id": self.done_order.labor_line_ids.id,
                                        "fse_source_kind": "labor",
                                    }
                                )
                            ],
                        }
                    ]
                },
                ACCESS_ERROR,
                "are set by field-service invoicing only",
            ),
            (
                "an invoice line marked as billing a part",
                "account.move.line",
                "write",
                self.invoice.invoice_line_ids[:1].ids,
                {"vals": {"fse_source_kind": "part", "fse_part_id": self.done_order.part_line_ids.id}},
                ACCESS_ERROR,
                "are set by field-service invoicing only",
            ),
            (
                "an invoice line using a contract's allowance",
                "account.move.line",
                "write",
                self.invoice.invoice_line_ids[:1].ids,
                {"vals": {"fse_contract_id": self.contract.id, "fse_covered_amount": 1000.0}},
                ACCESS_ERROR,
                "are set by field-service invoicing only",
            ),
            (
                "the invoice's work orders",
                "account.move",
                "action_view_fse_work_orders",
                self.invoice.ids,
                {},
                ACCESS_ERROR,
                "fse_work_order_ids",
            ),
        ]

    def test_accountant_attacks_over_json2(self):
        self.assertFalse(self.accountant.has_group("field_service_erp.group_fse_technician"))
        self._assert_json2_attacks(self.keys[self.accountant], self._accountant_attacks())

    def test_accountant_reads_and_posts_invoices_over_json2(self):
        """Odoo's own invoicing works for him through the API, ours included."""
        key = self.keys[self.accountant]
        status, body = self._json2_call(
            key,
            "account.move",
            "create",
            vals_list=[
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        Command.create({"product_id": self.labor_product.id, "quantity": 2, "price_unit": 80.0})
                    ],
                }
            ],
        )
        self.assertEqual(status, 200, body)
        invoice = self.env["account.move"].browse(body)
        status, body = self._json2_call(key, "account.move", "action_post", ids=(invoice | self.invoice).ids)
        self.assertEqual(status, 200, body)
        status, body = self._json2_call(
            key,
            "account.move",
            "search_read",
            domain=[("id", "in", (invoice | self.invoice).ids)],
            fields=["state", "amount_untaxed", "amount_total", "invoice_origin"],
        )
        self.assertEqual(status, 200, body)
        by_id = {row["id"]: row for row in body}
        self.assertEqual(by_id[invoice.id]["state"], "posted")
        self.assertAlmostEqual(by_id[invoice.id]["amount_total"], 184.0)  # 2 x 80 + 15%
        self.assertEqual(by_id[self.invoice.id]["state"], "posted")
        self.assertEqual(by_id[self.invoice.id]["invoice_origin"], self.invoiced_order.name)
        self.env.invalidate_all()
        self.assertEqual((invoice | self.invoice).mapped("state"), ["posted", "posted"])
        self.assertEqual(self.invoiced_order.invoice_status, "invoiced")

    # ------------------------------------------------------------------ other company
    def _other_company_attacks(self):
        order = self.order
        return [
            (
                "read an order",
                "fse.work.order",
                "read",
                order.ids,
                {"fields": ["name"]},
                ACCESS_ERROR,
                "fse.work.order",
            ),
            (
                "write an order",
                "fse.work.order",
                "write",
                order.ids,
                {"vals": {"technician_id": self.other_tech.id}},
                ACCESS_ERROR,
                "fse.work.order",
            ),
            ("cancel an order", "fse.work.order", "action_cancel", order.ids, {}, ACCESS_ERROR, "fse.work.order"),
            (
                "read its parts",
                "fse.work.order.part",
                "read",
                self.part.ids,
                {"fields": ["quantity"]},
                ACCESS_ERROR,
                "fse.work.order.part",
            ),
            (
                "read an installation",
                "fse.installation",
                "read",
                self.installation.ids,
                {"fields": ["name"]},
                ACCESS_ERROR,
                "fse.installation",
            ),
            (
                "decommission an installation",
                "fse.installation",
                "write",
                self.installation.ids,
                {"vals": {"state": "decommissioned"}},
                ACCESS_ERROR,
                "fse.installation",
            ),
            (
                "read a contract",
                "fse.contract",
                "read",
                self.contract.ids,
                {"fields": ["name"]},
                ACCESS_ERROR,
                "fse.contract",
            ),
            (
                "write a contract",
                "fse.contract",
                "write",
                self.contract.ids,
                {"vals": {"labor_coverage_percent": 100}},
                ACCESS_ERROR,
                "fse.contract",
            ),
            ("cancel a contract", "fse.contract", "action_cancel", self.contract.ids, {}, ACCESS_ERROR, "fse.contract"),
            (
                "the first company in the context",
                "fse.work.order",
                "read",
                order.ids,
                {"fields": ["name"], "context": {"allowed_company_ids": self.company.ids}},
                ACCESS_ERROR,
                "unauthorized or invalid companies",
            ),
            (
                "an order in the first company",
                "fse.work.order",
                "create",
                None,
                {"vals_list": [{"partner_id": self.customer.id, "company_id": self.company.id}]},
                ACCESS_ERROR,
                "fse.work.order",
            ),
            (
                "an order for the first company's machine",
                "fse.work.order",
                "create",
                None,
                {"vals_list": [{"installation_id": self.installation.id, "company_id": self.company_2.id}]},
                USER_ERROR,
                "belongs to another company",
            ),
        ]

    def test_other_company_attacks_over_json2(self):
        self._assert_json2_attacks(self.keys[self.other_dispatcher], self._other_company_attacks())
        tech_attacks = [
            (
                "read an order",
                "fse.work.order",
                "read",
                self.order.ids,
                {"fields": ["name"]},
                ACCESS_ERROR,
                "fse.work.order",
            ),
            ("start an order", "fse.work.order", "action_start", self.order.ids, {}, ACCESS_ERROR, "fse.work.order"),
        ]
        self._assert_json2_attacks(self.keys[self.other_tech], tech_attacks)

    def test_other_company_searches_find_nothing(self):
        key = self.keys[self.other_dispatcher]
        before = self._snapshot()
        for model, records in (
            ("fse.work.order", self.orders),
            ("fse.installation", self.installation | self.machine_2),
            ("fse.contract", self.contract),
        ):
            with self.subTest(model):
                status, body = self._json2_call(key, model, "search", domain=[("id", "in", records.ids)])
                self.assertEqual((status, body), (200, []))
        self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------------ portal
    def test_portal_api_key_and_internal_fields(self):
        """Portal customers get no API key by default (Odoo refuses the wizard); when the
        company lets them have one, their key reads their visits without internal cost."""
        self.authenticate("fse_json2_portal", "fse_json2_portal_pw", session_extra={"identity-check-last": time.time()})
        Keys = self.env["res.users.apikeys"]
        wizard_id, error = self._call_kw("res.users.apikeys.description", "create", [{"name": "my ERP"}])
        self.assertIsNone(error)
        result, error = self._call_kw("res.users.apikeys.description", "make_key", [[wizard_id]])
        self.assertIsNone(result)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(error["message"], "Only internal users can create API keys")
        self.assertFalse(Keys.search([("user_id", "=", self.portal.id)]))

        self.env["ir.config_parameter"].set_param("portal.allow_api_keys", True)
        result, error = self._call_kw("res.users.apikeys.description", "make_key", [[wizard_id]])
        self.assertIsNone(error)
        key = result["context"]["default_key"]
        self.assertEqual(len(Keys.search([("user_id", "=", self.portal.id)])), 1)
        self.logout()

        status, body = self._json2_call(key, "fse.work.order", "read", ids=self.order.ids, fields=["name", "state"])
        self.assertEqual(status, 200, body)
        self.assertEqual(body[0]["name"], self.order.name)
        status, body = self._json2_call(key, "fse.work.order", "search", domain=[("id", "in", self.orders.ids)])
        self.assertEqual(status, 200, body)
        self.assertNotIn(self.other_order.id, body)
        self.assertIn(self.order.id, body)
        self._assert_json2_attacks(
            key,
            [
                (
                    "parts cost",
                    "fse.work.order",
                    "read",
                    self.order.ids,
                    {"fields": ["parts_cost"]},
                    ACCESS_ERROR,
                    "parts_cost",
                ),
                (
                    "amount to invoice",
                    "fse.work.order",
                    "read",
                    self.done_order.ids,
                    {"fields": ["amount_to_invoice"]},
                    ACCESS_ERROR,
                    "amount_to_invoice",
                ),
                (
                    "contract terms",
                    "fse.contract",
                    "read",
                    self.contract.ids,
                    {"fields": ["labor_coverage_percent"]},
                    ACCESS_ERROR,
                    "labor_coverage_percent",
                ),
                (
                    "part lines",
                    "fse.work.order.part",
                    "search_read",
                    None,
                    {"domain": [], "fields": ["quantity"]},
                    ACCESS_ERROR,
                    "fse.work.order.part",
                ),
                (
                    "another customer's visit",
                    "fse.work.order",
                    "read",
                    self.other_order.ids,
                    {"fields": ["name"]},
                    ACCESS_ERROR,
                    "fse.work.order",
                ),
                (
                    "write a visit",
                    "fse.work.order",
                    "write",
                    self.order.ids,
                    {"vals": {"description": "<p>free repair</p>"}},
                    ACCESS_ERROR,
                    "Only a dispatcher can set",
                ),
            ],
        )
