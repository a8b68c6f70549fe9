from datetime import datetime

from odoo.tests import tagged

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestBillingRules(FseBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.callout = cls.env["product.product"].create(
            {
                "name": "Call-out",
                "type": "service",
                "list_price": 50.0,
                "taxes_id": [(6, 0, cls.tax.ids)],
            }
        )
        cls.tech.tz = "UTC"
        cls.rule = cls.env["fse.billing.rule"].create(
            {
                "name": "Repairs",
                "order_type": "corrective",
                "callout_product_id": cls.callout.id,
                "min_hours": 1.0,
                "rounding_minutes": 15,
                "workday_start": 8.0,
                "workday_end": 18.0,
                "after_hours_multiplier": 1.5,
                "weekend_multiplier": 2.0,
                "bill_travel": True,
            }
        )

    def _labor_at(self, start, hours, labor_type="work"):
        return (
            0,
            0,
            {
                "technician_id": self.tech.id,
                "hours": hours,
                "date": start.date(),
                "date_start": start,
                "labor_type": labor_type,
            },
        )

    def test_rules_are_applied_and_explained(self):
        order = self._done_order(
            hours=0,
            parts=0,
            labor_line_ids=[
                self._labor_at(datetime(2026, 3, 4, 20, 0), 0.4),  # Wednesday evening: after hours
                self._labor_at(datetime(2026, 3, 7, 10, 0), 0.2),  # Saturday
                self._labor_at(datetime(2026, 3, 4, 9, 0), 0.3, "travel"),
            ],
        )
        invoice = order.action_create_invoices()
        lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        callout = lines.filtered(lambda line: line.product_id == self.callout)
        labor = lines.filtered(lambda line: line.fse_labor_id).sorted(lambda line: line.fse_labor_id.id)
        self.assertRecordValues(callout, [{"quantity": 1.0, "price_unit": 50.0}])
        # 0.4 h -> 0.5 h (quarter hours); with the Saturday 0.25 h, 0.75 h < 1 h minimum -> +0.25 h here.
        self.assertRecordValues(
            labor,
            [
                {"quantity": 0.75, "price_unit": 120.0},  # 80 x 1.5 after hours
                {"quantity": 0.25, "price_unit": 160.0},  # 80 x 2 on the weekend
                {"quantity": 0.5, "price_unit": 80.0},  # travel, rounded up
            ],
        )
        self.assertIn("rounded up to 15 min", labor[0].name)
        self.assertIn("after-hours rate x1.5", labor[0].name)
        self.assertIn("minimum 1.0 h billed", labor[0].name)
        self.assertIn("weekend rate x2.0", labor[1].name)
        self.assertIn("travel", labor[2].name)
        self.assertAlmostEqual(invoice.amount_untaxed, 50 + 0.75 * 120 + 0.25 * 160 + 0.5 * 80)
        # The call-out fee is a source too: never billed twice.
        self.assertFalse(order.action_create_invoices())

    def test_travel_not_billed_unless_the_rule_says_so(self):
        self.rule.bill_travel = False
        order = self._done_order(
            hours=0,
            parts=0,
            labor_line_ids=[
                self._labor_at(datetime(2026, 3, 4, 9, 0), 2.0),
                self._labor_at(datetime(2026, 3, 4, 8, 0), 1.0, "travel"),
            ],
        )
        travel = order.labor_line_ids.filtered(lambda line: line.labor_type == "travel")
        self.assertFalse(travel.billable)
        invoice = order.action_create_invoices()
        self.assertFalse(invoice.invoice_line_ids.filtered(lambda line: line.fse_labor_id == travel))

    def test_most_specific_rule_wins(self):
        vip = self.env["fse.billing.rule"].create(
            {
                "name": "VIP",
                "partner_id": self.customer.id,
                "rounding_minutes": 60,
            }
        )
        order = self._done_order(hours=0.2, parts=0)
        rules = self.env["fse.billing.rule"]._fse_rules_for(order)
        self.assertEqual(rules[order], vip)
        other = self.env["res.partner"].create({"name": "Walk-in"})
        order_2 = self._done_order(hours=0.2, parts=0, partner_id=other.id, installation_id=False)
        self.assertEqual(self.env["fse.billing.rule"]._fse_rules_for(order_2)[order_2], self.rule)
        invoice = order.action_create_invoices()
        self.assertEqual(invoice.invoice_line_ids.filtered("fse_labor_id").quantity, 1.0)
