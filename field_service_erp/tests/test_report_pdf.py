from unittest.mock import patch

from odoo.tests import tagged

from .common import FseCommon
from .common_pdf import FsePdfCase
from .test_signoff_report import SIGNATURE

REPORT = "field_service_erp.action_report_fse_service"


@tagged("post_install", "-at_install")
class TestServiceReportPdf(FseCommon, FsePdfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_letterhead(cls.company)
        cls.order = cls._order(labor_line_ids=[cls._labor(1.0, cls.tech)], resolution="<p>Valve replaced</p>")
        cls.order.write({"signature": SIGNATURE, "signed_by": "Jane Customer"})
        cls.order.action_start()
        cls.order.action_complete()

    def test_pdf_carries_the_letterhead(self):
        text = self._pdf_text(REPORT, self.order)
        for expected in (
            "Letterhead Service Co",
            "Letterhead Lane 7",
            "BE71 0961 2345 6769",
            self.order.name,
            "Valve replaced",
            "Jane Customer",
        ):
            self.assertIn(expected, text)
        # The letterhead comes first, the footer after the job.
        self.assertLess(text.index("Letterhead Lane 7"), text.index(self.order.name))
        self.assertLess(text.index("Jane Customer"), text.index("BE71 0961 2345 6769"))

    def test_patched_wkhtmltopdf_keeps_odoo_header(self):
        """With Odoo's patched wkhtmltopdf the letterhead stays in the page header and footer."""
        report = self.env.ref(REPORT)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.order.ids)[0]
        for patched, in_body in ((True, False), (False, True)):
            info = patch("odoo.addons.field_service_erp.models.ir_actions_report._wkhtml")
            with self.subTest(patched=patched), info as wkhtml:
                wkhtml.return_value.is_patched_qt = patched
                bodies, _ids, header, footer, _args = report._prepare_html(html, report_model=report.model)
                self.assertEqual("Letterhead Lane 7" in bodies[0], in_body)
                self.assertEqual("Letterhead Lane 7" in header, not in_body)
                self.assertEqual("BE71 0961 2345 6769" in bodies[0], in_body)
                self.assertEqual("BE71 0961 2345 6769" in footer, not in_body)
