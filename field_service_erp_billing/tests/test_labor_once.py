from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.field_service_erp.models.fse_work_order import LABOR_CONFIRMED

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestLaborOnceBilling(FseBillingCommon):
    """What the customer is billed for time: once, and never silently nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fse_invoice_requires_approval = False

    def _started(self, **vals):
        order = self._order(**vals)
        with freeze_time("2026-03-02 08:00:00"):
            order.action_start()
        return order

    def test_hand_entry_and_timer_are_billed_once(self):
        """1:30 typed and 0:15 on the timer: 1.5 h on the invoice, not 1.75."""
        order = self._started(labor_line_ids=[self._labor(1.5, self.tech)])
        with freeze_time("2026-03-02 08:15:00"):
            action = order.action_complete()
            self.assertEqual(action["res_model"], "fse.work.order.complete")
            wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
            wizard.action_confirm()
        self.assertEqual(order.state, "done")
        invoice = order.action_create_invoices()
        labor = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.labor_product)
        self.assertRecordValues(labor, [{"quantity": 1.5, "price_subtotal": 120.0}])

    def test_an_order_not_billed_completes_without_labor_unasked(self):
        order = self._started(billable=False)
        with freeze_time("2026-03-02 08:00:30"):
            self.assertIs(order.with_user(self.tech).action_complete(), True)
        self.assertEqual(order.state, "done")
        self.assertFalse(order.no_labor)

    def test_to_invoice_list_flags_orders_completed_without_labor(self):
        parts_only = self._started(part_line_ids=[Command.create({"product_id": self.filter.id, "quantity": 1})])
        with freeze_time("2026-03-02 08:00:30"):
            action = parts_only.action_complete()
        self.assertEqual(action["res_model"], "fse.work.order.complete")
        self.assertEqual(parts_only.state, "in_progress")
        with freeze_time("2026-03-02 08:00:30"):
            parts_only.with_context(**{LABOR_CONFIRMED: True}).action_complete()
        with_labor = self._done_order(hours=1.0, parts=1)
        self.assertRecordValues(
            parts_only | with_labor,
            [
                {"state": "done", "invoice_status": "to_invoice", "no_labor": True},
                {"state": "done", "invoice_status": "to_invoice", "no_labor": False},
            ],
        )
        # The To Invoice menu: its list shows the flag, its search has the filter.
        to_invoice = self.env["ir.actions.act_window"]._for_xml_id(
            "field_service_erp_billing.action_fse_work_order_to_invoice"
        )
        listed = self.env["fse.work.order"].search(safe_eval(to_invoice["domain"]))
        self.assertIn(parts_only, listed)
        views = self.env["fse.work.order"].get_views([(to_invoice["view_id"][0], "list"), (False, "search")])
        list_arch = views["views"]["list"]["arch"]
        self.assertIn('decoration-warning="no_labor"', list_arch)
        self.assertIn('name="no_labor"', list_arch)
        search_arch = views["views"]["search"]["arch"]
        self.assertIn('name="filter_no_labor"', search_arch)
        flagged = self.env["fse.work.order"].search(safe_eval(to_invoice["domain"]) + [("no_labor", "=", True)])
        self.assertIn(parts_only, flagged)
        self.assertNotIn(with_labor, flagged)
        # Not billed after all: no longer a job missing its time.
        parts_only.billable = False
        self.assertFalse(parts_only.no_labor)
