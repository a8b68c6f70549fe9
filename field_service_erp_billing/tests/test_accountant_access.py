from odoo.tests import Form, new_test_user, tagged

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestAccountantAccess(FseBillingCommon):
    """Invoicing keeps working for accountants who have no field-service rights: the fields
    the add-ons put on invoices never make their forms fail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="fse_plain_accountant",
            name="Plain Accountant",
            groups="base.group_user,account.group_account_invoice",
        )

    def test_accountant_creates_and_posts_invoice_through_form(self):
        self.assertFalse(self.accountant.has_group("field_service_erp.group_fse_technician"))
        moves = self.env["account.move"].with_user(self.accountant).with_context(default_move_type="out_invoice")
        with Form(moves) as form:
            form.partner_id = self.customer
            with form.invoice_line_ids.new() as line:
                line.product_id = self.labor_product
                line.quantity = 2
                line.price_unit = 80.0
        invoice = form.save()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        # 2 x 80.00 plus 15% tax.
        self.assertAlmostEqual(invoice.amount_untaxed, 160.0)
        self.assertAlmostEqual(invoice.amount_total, 184.0)

    def test_accountant_edits_and_posts_work_order_invoice(self):
        order = self._done_order(hours=1, parts=0)
        invoice = order.action_create_invoices()
        with Form(invoice.with_user(self.accountant)) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.price_unit = 100.0
        invoice.with_user(self.accountant).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(invoice.amount_total, 115.0)
        self.assertEqual(invoice.invoice_line_ids.fse_work_order_id, order)

    def test_field_service_users_see_the_invoice_work_orders(self):
        mine = self._done_order(hours=1, parts=0)
        other = self._done_order(hours=1, parts=0, technician_id=self.tech_b.id)
        invoice = (mine | other).action_create_invoices()
        self.assertEqual(len(invoice), 1)
        self.dispatcher.group_ids += self.env.ref("account.group_account_invoice")
        as_dispatcher = invoice.with_user(self.dispatcher)
        self.assertEqual(as_dispatcher.fse_work_order_ids, mine | other)
        self.assertEqual(as_dispatcher.fse_work_order_count, 2)
        action = as_dispatcher.action_view_fse_work_orders()
        self.assertEqual(self.env["fse.work.order"].search(action["domain"]), mine | other)
        # A technician who also invoices counts only the orders their record rules show.
        self.tech.group_ids += self.env.ref("account.group_account_invoice")
        self.assertEqual(invoice.with_user(self.tech).fse_work_order_ids, mine)
        # The smart button is on the invoice form for field-service users only.
        arch = self.env["account.move"].with_user(self.accountant).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_view_fse_work_orders", arch)
        arch = self.env["account.move"].with_user(self.dispatcher).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_view_fse_work_orders", arch)
