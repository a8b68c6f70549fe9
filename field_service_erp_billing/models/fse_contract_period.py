from odoo import api, fields, models
from odoo.exceptions import UserError


class FseContractPeriod(models.Model):
    """A billing period of a contract that has been invoiced. The unique (contract, first
    day) index makes "one invoice per contract and period" a database fact."""

    _name = "fse.contract.period"
    _description = "Invoiced Contract Period"
    _order = "contract_id, date_start desc"

    contract_id = fields.Many2one("fse.contract", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    date_start = fields.Date(required=True)
    date_end = fields.Date(required=True)
    # Deleting the draft invoice frees the period to be invoiced again.
    invoice_id = fields.Many2one("account.move", index="btree_not_null", ondelete="cascade", readonly=True)
    invoice_state = fields.Selection(related="invoice_id.state", string="Invoice Status")
    amount_untaxed = fields.Monetary(related="invoice_id.amount_untaxed", currency_field="currency_id")
    currency_id = fields.Many2one(related="invoice_id.currency_id")

    _contract_period_unique = models.UniqueIndex(
        "(contract_id, date_start)", "This contract period is already invoiced."
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_if_invoice_cancelled(self):
        if self.env.context.get("module_uninstall"):
            return
        for period in self:
            if period.invoice_id and period.invoice_id.state != "cancel":
                raise UserError(
                    self.env._(
                        "Period %(start)s of %(contract)s is invoiced; cancel its invoice before freeing it.",
                        start=fields.Date.to_string(period.date_start),
                        contract=period.contract_id.name,
                    )
                )
