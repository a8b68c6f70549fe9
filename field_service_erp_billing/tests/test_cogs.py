from odoo.tests import tagged

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestCostOfGoodsSold(FseBillingCommon):
    """Real-time valuation: the cost of a part is booked once, at consumption when the
    customers location carries the COGS account, otherwise at invoicing (Odoo's anglo-saxon
    lines), never both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.inventory_valuation = "real_time"
        cls.filter.categ_id.property_valuation = "real_time"
        cls.cogs = cls.env["account.account"].search(
            [("account_type", "=", "expense_direct_cost"), ("company_ids", "in", cls.company.id)], limit=1
        ) or cls.env["account.account"].create(
            {"name": "COGS", "code": "500099", "account_type": "expense_direct_cost"}
        )
        cls.stock_account = cls.filter._get_product_accounts()["stock_valuation"]

    def _stock_credit(self):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.stock_account.id),
                ("product_id", "=", self.filter.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("credit")) - sum(lines.mapped("debit"))

    def test_cost_booked_at_consumption_is_not_booked_again_at_invoicing(self):
        self.site.property_stock_customer.valuation_account_id = self.cogs
        order = self._done_order(hours=1.0, parts=2)
        self.assertTrue(order.move_ids.account_move_id, "consumption posted COGS / stock")
        invoice = order.action_create_invoices()
        invoice.action_post()
        self.assertFalse(invoice.line_ids.filtered(lambda line: line.display_type == "cogs"))
        self.assertEqual(self._stock_credit(), 20.0, "2 filters at 10.00 leave stock once")

    def test_without_consumption_entry_invoicing_books_the_cost(self):
        self.site.property_stock_customer.valuation_account_id = False
        order = self._done_order(hours=1.0, parts=2)
        self.assertFalse(order.move_ids.account_move_id)
        invoice = order.action_create_invoices()
        invoice.action_post()
        cogs_lines = invoice.line_ids.filtered(lambda line: line.display_type == "cogs")
        self.assertEqual(sorted(cogs_lines.mapped("balance")), [-20.0, 20.0])
        self.assertEqual(self._stock_credit(), 20.0)
