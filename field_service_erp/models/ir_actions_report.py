import lxml.html

from odoo import models

from odoo.addons.base.models.ir_actions_report import _wkhtml

# A <div> carrying this class token, as Odoo's own report code finds it.
_CLASS_DIV = "div[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"
# Page margins (mm) once no page header or footer needs room.
_BODY_LETTERHEAD_MARGINS = {"data-report-margin-top": "12", "data-report-margin-bottom": "15"}
# Report fonts and the installed font of the same design (Debian: fonts-crosextra-carlito).
_SYSTEM_FONT_TWIN = {"Lato": "Carlito"}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _fse_letterhead_in_body(self, records):
        """The documents among ``records`` (one model) that carry their letterhead in the
        body when wkhtmltopdf cannot print page headers: every work order report; the
        billing add-on adds the invoices that bill field service."""
        return records if records._name == "fse.work.order" else records.browse()

    def _prepare_html(self, html, report_model=False):
        # A wkhtmltopdf without Odoo's patched Qt (Debian's package) ignores --header-html and
        # --footer-html, so the company's letterhead would be missing from the PDF. For our
        # documents it moves into the document itself instead: the layout's header on top of
        # the first page, its footer after the content. Elsewhere Odoo's behaviour is unchanged.
        if report_model and not _wkhtml().is_patched_qt:
            html = self._fse_move_letterhead_into_body(html, report_model)
        return super()._prepare_html(html, report_model=report_model)

    def _fse_move_letterhead_into_body(self, html, report_model):
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        articles = [
            node
            for node in root.xpath("//" + _CLASS_DIV.format("article"))
            if node.get("data-oe-model") == report_model and (node.get("data-oe-id") or "").isdigit()
        ]
        records = self.env[report_model].browse({int(node.get("data-oe-id")) for node in articles})
        wanted = self._fse_letterhead_in_body(records)
        if not wanted:
            return html
        wanted_by_id = {record.id: record for record in wanted}
        for article in articles:
            record = wanted_by_id.get(int(article.get("data-oe-id")))
            if not record:
                continue
            # The layout writes header, article, footer in turn for each document. As <header>
            # and <footer> elements they keep their CSS classes, and Odoo's _prepare_html (which
            # collects div.header / div.footer for the page margins) leaves them in the body.
            header = article.xpath("preceding::" + _CLASS_DIV.format("header") + "[1]")
            footer = article.xpath("following::" + _CLASS_DIV.format("footer") + "[1]")
            if header:
                header[0].tag = "header"
                article.insert(0, header[0])
            if footer:
                # No page numbers outside a page footer: drop the "Page x / y" holder.
                for counter in footer[0].xpath(".//span[@class='page']/.."):
                    counter.getparent().remove(counter)
                footer[0].tag = "footer"
                article.append(footer[0])
            # That Qt also draws web fonts as outlines: the PDF would hold no text to search or
            # copy. An installed font of the same design keeps the text (the web font otherwise).
            # sudo: the report's company, whatever the printing user may read of it.
            font = ("company_id" in record and record.company_id or self.env.company).sudo().font or "Lato"
            if font in _SYSTEM_FONT_TWIN:
                for node in (article, *header, *footer):
                    node.set("style", f"font-family: {_SYSTEM_FONT_TWIN[font]}, {font}; {node.get('style') or ''}")
        for attribute, margin in _BODY_LETTERHEAD_MARGINS.items():
            root.set(attribute, root.get(attribute) or margin)
        return lxml.html.tostring(root, encoding="utf-8")
