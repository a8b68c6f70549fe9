from datetime import date

from lxml import etree, html

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FseBillingCommon

COVERAGE_COLUMNS = ("quantity", "product_uom_id", "discount")


@tagged("post_install", "-at_install")
class TestInvoiceDisplay(FseBillingCommon, HttpCase):
    """What the customer gets, as the invoice shows it: an invoice that bills field service
    shows its lines' quantity and discount (a covered line reads "Covered 100%" against a
    100.00 discount, not against a full price alone) on the form, on the printed invoice and
    on the portal; an invoice without field-service lines looks exactly as in plain Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create({"name": "Accounts Payable", "parent_id": cls.customer.id})
        cls.portal_user = new_test_user(
            cls.env, login="fse_invoice_portal", groups="base.group_portal", partner_id=contact.id
        )
        cls.accountant = new_test_user(
            cls.env,
            login="fse_display_accountant",
            name="Display Accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.dispatcher.group_ids += cls.env.ref("account.group_account_invoice")
        # A corrective order on a machine under warranty: everything covered.
        cls.installation.warranty_end_date = "2099-12-31"
        cls.covered = cls._done_order(hours=1.5, parts=2).action_create_invoices()
        cls.plain = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.filter.id, "quantity": 3, "price_unit": 25.0}),
                ],
            }
        )

    # ------------------------------------------------------------------ the form
    def _columns(self, user, invoice):
        """The invoice line columns the web client shows `user` on `invoice` by default (no
        column choice saved in the browser), and those its optional-columns menu offers,
        read from the form arch the server sends that user."""
        arch = self.env["account.move"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        tree = etree.fromstring(arch)
        columns = tree.xpath("//field[@name='invoice_line_ids']/list/field")
        values = {"parent": invoice.with_user(user), "context": {}}
        shown, offered = [], []
        for column in columns:
            if safe_eval(column.get("column_invisible", "False"), values):
                continue
            optional = column.get("optional")
            if optional == "conditional":
                # account's list renderer: on customer invoices, shown when Sale is installed.
                optional = "show" if invoice.is_sale_installed else "hide"
            if optional:
                offered.append(column.get("name"))
            if optional != "hide":
                shown.append(column.get("name"))
        return shown, offered

    def _odoo_columns(self, user, invoice):
        """The same, with this add-on's invoice form view switched off: plain Odoo's columns."""
        view = self.env.ref("field_service_erp_billing.view_account_move_form")
        view.active = False
        try:
            return self._columns(user, invoice)
        finally:
            view.active = True

    def test_flag_follows_the_lines(self):
        self.assertTrue(self.covered.fse_bills_field_service)
        for user in (self.accountant, self.dispatcher):
            arch = self.env["account.move"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertTrue(etree.fromstring(arch).xpath("//field[@name='fse_bills_field_service']"))
        self.assertFalse(self.plain.fse_bills_field_service)
        # Read by an accountant without field-service rights, like the form does.
        self.assertTrue(self.covered.with_user(self.accountant).fse_bills_field_service)
        # A contract fee invoice bills field service too.
        fee = self.env["product.product"].create({"name": "Maintenance Fee", "type": "service"})
        contract = self.env["fse.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": date(2027, 3, 1),
                "coverage_ids": [Command.create({"installation_id": self.installation.id})],
                "line_ids": [Command.create({"product_id": fee.id, "per_machine": True, "price_unit": 100})],
            }
        )
        contract.action_confirm()
        self.assertTrue(contract._fse_bill_due_periods(date(2027, 3, 1)).fse_bills_field_service)

    def test_form_shows_quantity_and_discount_on_field_service_invoices(self):
        for user in (self.accountant, self.dispatcher):
            with self.subTest(user=user.login):
                odoo_shown, _odoo_offered = self._odoo_columns(user, self.plain)
                shown, offered = self._columns(user, self.covered)
                # Plain Odoo hides both on customer invoices (without Sale).
                self.assertNotIn("quantity", odoo_shown)
                self.assertNotIn("discount", odoo_shown)
                self.assertEqual(shown.count("quantity"), 1)
                self.assertEqual(shown.count("discount"), 1)
                self.assertLess(shown.index("quantity"), shown.index("price_unit"))
                self.assertLess(shown.index("price_unit"), shown.index("discount"))
                amount = next(name for name in shown if name in ("price_subtotal", "price_total"))
                self.assertLess(shown.index("discount"), shown.index(amount))
                if user.has_group("uom.group_uom"):
                    self.assertEqual(shown.count("product_uom_id"), 1)
                # Odoo's columns otherwise as they are.
                self.assertEqual([name for name in shown if name not in COVERAGE_COLUMNS], odoo_shown)
                # Always shown there: the optional-columns menu does not offer them twice.
                self.assertFalse(set(offered) & set(COVERAGE_COLUMNS), offered)

    def test_form_of_a_plain_invoice_is_odoos(self):
        for user in (self.accountant, self.dispatcher):
            with self.subTest(user=user.login):
                odoo_shown, odoo_offered = self._odoo_columns(user, self.plain)
                shown, offered = self._columns(user, self.plain)
                self.assertEqual(shown, odoo_shown)
                # Odoo's optional columns (Quantity and Disc.% among them), plus the work
                # order and machine links, hidden by default.
                self.assertIn("quantity", odoo_offered)
                self.assertIn("discount", odoo_offered)
                self.assertEqual([name for name in offered if not name.startswith("fse_")], odoo_offered)
                self.assertEqual(
                    [name for name in offered if name.startswith("fse_")], ["fse_work_order_id", "fse_installation_id"]
                )

    # ------------------------------------------------------------------ the printed invoice
    def _table(self, content):
        """Header cells and product rows of the invoice lines table of a rendered invoice:
        ([th names], [{td name: text}])."""
        doc = html.fromstring(content)
        table = doc.xpath("//table[@name='invoice_line_table']")
        self.assertEqual(len(table), 1)
        heads = [th.get("name") for th in table[0].xpath("./thead/tr/th")]
        rows = []
        for tr in table[0].xpath("./tbody/tr"):
            cells = {td.get("name"): " ".join(td.text_content().split()) for td in tr.xpath("./td")}
            if "td_quantity" in cells:
                rows.append(cells)
        return heads, rows

    def _report(self, invoice):
        content, _kind = self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", invoice.ids)
        return self._table(content)

    def test_printed_invoice_shows_quantity_discount_and_coverage(self):
        heads, rows = self._report(self.covered)
        self.assertEqual(
            heads, ["th_description", "th_quantity", "th_priceunit", "th_discount", "th_taxes", "th_subtotal"]
        )
        self.assertEqual(len(rows), 2)
        labor, part = rows
        self.assertIn("Covered 100%: Warranty until 12/31/2099", labor["account_invoice_line_name"])
        self.assertIn("Covered 100%: Warranty until 12/31/2099", part["account_invoice_line_name"])
        self.assertTrue(labor["td_quantity"].startswith("1.50"), labor)
        self.assertTrue(part["td_quantity"].startswith("2.00"), part)
        self.assertEqual((labor["td_price_unit"], labor["td_discount"]), ("80.00", "100.00"))
        self.assertEqual((part["td_price_unit"], part["td_discount"]), ("25.00", "100.00"))
        self.assertIn("0.00", labor["td_subtotal"])

    def test_printed_plain_invoice_is_odoos(self):
        heads, rows = self._report(self.plain)
        # No discount on its lines: no discount column, as in plain Odoo.
        self.assertEqual(heads, ["th_description", "th_quantity", "th_priceunit", "th_taxes", "th_subtotal"])
        self.assertEqual(len(rows), 1)
        self.assertNotIn("td_discount", rows[0])
        self.assertNotIn("Covered", rows[0]["account_invoice_line_name"])

    # ------------------------------------------------------------------ the portal
    def test_portal_invoice_shows_quantity_discount_and_coverage(self):
        (self.covered | self.plain).action_post()
        self.authenticate("fse_invoice_portal", "fse_invoice_portal")
        page = self.url_open(f"/my/invoices/{self.covered.id}")
        self.assertEqual(page.status_code, 200, page.text[-1500:])
        frame = html.fromstring(page.content).xpath("//iframe[@id='invoice_html']")
        self.assertEqual(len(frame), 1)
        self.assertIn("report_type=html", frame[0].get("src"))
        # The page shows that HTML report in its frame.
        report = self.url_open(f"/my/invoices/{self.covered.id}?report_type=html")
        self.assertEqual(report.status_code, 200)
        heads, rows = self._table(report.content)
        self.assertIn("th_quantity", heads)
        self.assertIn("th_discount", heads)
        self.assertEqual([row["td_discount"] for row in rows], ["100.00", "100.00"])
        self.assertIn("Covered 100%: Warranty until 12/31/2099", rows[0]["account_invoice_line_name"])
        plain = self.url_open(f"/my/invoices/{self.plain.id}?report_type=html")
        self.assertEqual(plain.status_code, 200)
        heads, rows = self._table(plain.content)
        self.assertEqual(heads, ["th_description", "th_quantity", "th_priceunit", "th_taxes", "th_subtotal"])
