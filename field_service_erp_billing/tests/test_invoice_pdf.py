from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.field_service_erp.tests.common_pdf import FsePdfCase

from .common import FseBillingCommon

REPORT = "account.account_invoices"


@tagged("post_install", "-at_install")
class TestInvoicePdf(FseBillingCommon, FsePdfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_letterhead(cls.company)
        cls.invoice = cls._done_order(hours=1.5, parts=2).action_create_invoices()
        cls.invoice.action_post()

    def test_work_order_invoice_pdf_carries_the_letterhead(self):
        text = self._pdf_text(REPORT, self.invoice)
        for expected in ("Letterhead Service Co", "Letterhead Lane 7", "BE71 0961 2345 6769", self.invoice.name):
            self.assertIn(expected, text)
        self.assertLess(text.index("Letterhead Lane 7"), text.index(self.invoice.name))

    def test_other_invoices_keep_odoo_rendering(self):
        """Printed together with a work order's invoice, an invoice that bills no field service
        keeps Odoo's page header and footer (which Debian's wkhtmltopdf does not print)."""
        other = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 1, "price_unit": 100.0})],
            }
        )
        other.action_post()
        report = self.env.ref(REPORT)
        invoices = self.invoice | other
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, invoices.ids)[0]
        with patch("odoo.addons.field_service_erp.models.ir_actions_report._wkhtml") as wkhtml:
            wkhtml.return_value.is_patched_qt = False
            bodies, ids, header, footer, _args = report._prepare_html(html, report_model="account.move")
        self.assertEqual(ids, invoices.ids)
        self.assertIn("Letterhead Lane 7", bodies[0])
        self.assertIn("BE71 0961 2345 6769", bodies[0])
        self.assertNotIn("Letterhead Lane 7", bodies[1])
        self.assertNotIn("BE71 0961 2345 6769", bodies[1])
        # Odoo's header and footer of the other invoice, as it makes them.
        self.assertEqual(header.count("Letterhead Lane 7"), 1)
        self.assertEqual(footer.count("BE71 0961 2345 6769"), 1)
