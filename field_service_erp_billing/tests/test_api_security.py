from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.field_service_erp.tests.common import FseCommon


@tagged("post_install", "-at_install")
class TestApiSecurity(FseCommon, HttpCase):
    """The attacks of the trust-boundary review, over Odoo's JSON-RPC as a logged-in user:
    each is refused with the model's error and the database is unchanged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part_product = cls.env["product.product"].create({"name": "API Filter", "type": "consu"})
        cls.order = cls._order(part_line_ids=[Command.create({"product_id": cls.part_product.id, "quantity": 1})])
        cls.order_b = cls._order(technician_id=cls.tech_b.id)
        cls.portal = new_test_user(
            cls.env, login="fse_api_portal", password="fse_api_portal_pw", groups="base.group_portal"
        )
        cls.portal.partner_id.parent_id = cls.customer

    def _call(self, model, method, args, kwargs=None):
        """call_kw over /web/dataset/call_kw; returns (result, error name, error message)."""
        response = self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            },
            timeout=30,
        ).json()
        error = response.get("error")
        if error:
            return None, error["data"]["name"], error["data"]["message"]
        return response["result"], None, None

    def _assert_refused(self, error_name, expected="odoo.exceptions.AccessError"):
        self.assertEqual(error_name, expected)

    def test_technician_cannot_forge_state_quantities_or_billing(self):
        self.authenticate("fse_tech_a", "fse_tech_a")
        part = self.order.part_line_ids
        moves_before = self.env["stock.move"].search_count([])
        coverage_before = (part.coverage_percent, part.coverage_reason)
        attacks = [
            ("fse.work.order.part", "write", [part.ids, {"qty_consumed": 100}]),
            ("fse.work.order", "write", [self.order.ids, {"state": "done"}]),
            ("fse.work.order.part", "write", [part.ids, {"coverage_percent": 100, "coverage_reason": "Warranty"}]),
            ("fse.work.order", "write", [self.order.ids, {"invoice_partner_id": self.tech.partner_id.id}]),
            ("fse.work.order", "write", [self.order.ids, {"technician_id": self.tech_b.id}]),
            ("fse.work.order", "action_approve_billing", [self.order.ids]),
            ("fse.work.order", "action_cancel", [self.order.ids]),
            (
                "fse.work.order.labor",
                "create",
                [[{"order_id": self.order.id, "technician_id": self.tech_b.id, "hours": 7.5}]],
            ),
            ("stock.picking", "create", [[{"picking_type_id": self.env.ref("stock.picking_type_out").id}]]),
            ("fse.contract.line", "search_read", [[]]),
        ]
        for model, method, args in attacks:
            with self.subTest(model=model, method=method):
                result, error, _message = self._call(model, method, args)
                self.assertIsNone(result)
                self._assert_refused(error)
        self.env.invalidate_all()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(part.qty_consumed, 0)
        self.assertEqual((part.coverage_percent, part.coverage_reason), coverage_before)
        self.assertEqual(self.order.technician_id, self.tech)
        self.assertFalse(self.order.billing_approved)
        self.assertFalse(self.order.labor_line_ids)
        self.assertEqual(self.env["stock.move"].search_count([]), moves_before)

    def test_technician_may_still_do_the_job(self):
        self.authenticate("fse_tech_a", "fse_tech_a")
        _result, error, message = self._call("fse.work.order", "write", [self.order.ids, {"resolution": "<p>ok</p>"}])
        self.assertIsNone(error, message)
        _result, error, message = self._call("fse.work.order", "action_start", [self.order.ids])
        self.assertIsNone(error, message)
        self.env.invalidate_all()
        self.assertEqual(self.order.state, "in_progress")

    def test_portal_sees_no_internal_cost(self):
        # The customer sees a planned order (a back-office draft is not shown to them at all).
        self.order.action_schedule()
        self.authenticate("fse_api_portal", "fse_api_portal_pw")
        result, error, _message = self._call("fse.work.order", "read", [self.order.ids, ["name"]])
        self.assertIsNone(error)
        self.assertEqual(result[0]["name"], self.order.name)
        result, error, _message = self._call("fse.work.order", "read", [self.order.ids, ["parts_cost"]])
        self.assertIsNone(result)
        self._assert_refused(error)
