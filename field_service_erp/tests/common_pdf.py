import shutil
import subprocess

from odoo.tests import HttpCase

# The company's letterhead the PDF tests look for.
LETTERHEAD = {
    "name": "Letterhead Service Co",
    "street": "Letterhead Lane 7",
    "city": "Ghent",
    "report_footer": "<p>Bank account BE71 0961 2345 6769</p>",
}


class FsePdfCase(HttpCase):
    """Renders a report to a real PDF with the installed wkhtmltopdf (inside an HttpCase, as
    wkhtmltopdf loads the report's CSS from Odoo's web server) and reads its text back."""

    @classmethod
    def _set_letterhead(cls, company):
        company.write(LETTERHEAD)

    def _pdf_text(self, report_ref, records):
        Report = self.env["ir.actions.report"]
        # A missing tool fails the test: a PDF test that silently passes proves nothing.
        self.assertEqual(
            Report.get_wkhtmltopdf_state(), "ok", "PDF tests need wkhtmltopdf (Debian: apt-get install wkhtmltopdf)"
        )
        pdftotext = shutil.which("pdftotext")
        self.assertTrue(pdftotext, "PDF tests need pdftotext (Debian: apt-get install poppler-utils)")
        # Odoo returns the HTML version in tests unless told to run wkhtmltopdf.
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(report_ref, records.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        result = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
        text = result.stdout.decode()
        self.assertTrue(
            text.strip(),
            "The PDF holds no text: with Debian's wkhtmltopdf, install the Carlito font (fonts-crosextra-carlito)",
        )
        return text
