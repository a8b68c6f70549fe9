from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _fse_letterhead_in_body(self, records):
        # Invoices that bill a work order or a service contract print like the service
        # report; every other invoice keeps Odoo's own rendering.
        wanted = super()._fse_letterhead_in_body(records)
        if records._name == "account.move":
            wanted |= records.filtered("fse_bills_field_service")
        return wanted
