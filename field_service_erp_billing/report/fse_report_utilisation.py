from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.field_service_erp.report.fse_report_utilisation import (
    FseReportUtilisation as FseReportUtilisationBase,
)


class FseReportUtilisation(models.Model):
    """Billing adds the billable share of the hours logged (labor lines marked billable)."""

    _inherit = "fse.report.utilisation"
    _fse_ratios = {
        **FseReportUtilisationBase._fse_ratios,
        "billable_share": ("hours_billable", "hours_logged", 100.0),
    }

    hours_billable = fields.Float(string="Billable Hours", digits=(16, 2), readonly=True)
    billable_share = fields.Float(
        string="Billable %", aggregator="avg", digits=(16, 1), readonly=True, help="Billable / logged hours."
    )

    def _fse_extra_columns(self):
        return [
            *super()._fse_extra_columns(),
            ("hours_billable", SQL("CASE WHEN l.billable THEN l.hours ELSE 0.0 END"), SQL("0.0")),
            ("billable_share", SQL("0.0"), SQL("0.0")),
        ]
