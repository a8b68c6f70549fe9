from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.field_service_erp.report.fse_report_utilisation import ORDER_TYPE


class FseReportRevenue(models.Model):
    """Service revenue: one row per product line of a customer invoice or credit note that
    bills field service work (a work order, or a contract's recurring fee). The amount is
    the line's balance in the company currency, negated (revenue is a credit), so a credit
    note counts negative and a customer billed in another currency is converted at the
    invoice's rate. Cancelled invoices are left
    out; drafts are shown with their state."""

    _name = "fse.report.revenue"
    _inherit = ["fse.report.mixin"]
    _description = "Field Service Revenue"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "move_id"

    date = fields.Date(readonly=True, help="Invoice date (accounting date while the invoice has none).")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit Note")], string="Document", readonly=True
    )
    state = fields.Selection([("draft", "Draft"), ("posted", "Posted")], string="Status", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("fse.work.order", string="Work Order", readonly=True)
    order_type = fields.Selection(selection=ORDER_TYPE, readonly=True)
    technician_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("fse.team", readonly=True)
    installation_id = fields.Many2one("fse.installation", string="Machine", readonly=True)
    contract_id = fields.Many2one("fse.contract", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    revenue_type = fields.Selection(
        [("fee", "Contract Fee"), ("labor", "Labor"), ("part", "Parts"), ("callout", "Call-out"), ("other", "Other")],
        readonly=True,
    )
    invoice_currency_id = fields.Many2one("res.currency", readonly=True)
    amount_currency = fields.Monetary(
        string="Amount (Invoice Currency)", currency_field="invoice_currency_id", aggregator=None, readonly=True
    )
    amount = fields.Monetary(
        string="Revenue", readonly=True, help="Untaxed, in the company currency; credit notes are negative."
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT aml.id AS id,
                   COALESCE(am.invoice_date, am.date) AS date,
                   am.company_id AS company_id,
                   aml.company_currency_id AS currency_id,
                   am.id AS move_id,
                   am.move_type AS move_type,
                   am.state AS state,
                   am.commercial_partner_id AS partner_id,
                   wo.id AS order_id,
                   wo.order_type AS order_type,
                   wo.technician_id AS technician_id,
                   wo.team_id AS team_id,
                   COALESCE(aml.fse_installation_id, wo.installation_id) AS installation_id,
                   COALESCE(aml.fse_contract_id, wo.contract_id) AS contract_id,
                   aml.product_id AS product_id,
                   CASE WHEN aml.fse_work_order_id IS NULL THEN 'fee'
                        WHEN aml.fse_source_kind IN ('labor', 'part', 'callout') THEN aml.fse_source_kind
                        WHEN pt.type = 'consu' THEN 'part'
                        ELSE 'other' END AS revenue_type,
                   aml.currency_id AS invoice_currency_id,
                   -aml.amount_currency AS amount_currency,
                   -aml.balance AS amount
                   %(extra_select)s
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              LEFT JOIN fse_work_order wo ON wo.id = aml.fse_work_order_id
              LEFT JOIN product_product pp ON pp.id = aml.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE am.move_type IN ('out_invoice', 'out_refund')
               AND am.state IN ('draft', 'posted')
               AND aml.display_type = 'product'
               AND (%(source)s)
            """,
            extra_select=self._fse_extra_select(),
            source=self._fse_source_condition(),
        )

    def _fse_extra_select(self):
        """Hook: more columns (', <expr> AS <name>')."""
        return SQL()

    def _fse_source_condition(self):
        """Which invoice lines are field service revenue."""
        return SQL("aml.fse_work_order_id IS NOT NULL OR aml.fse_contract_id IS NOT NULL")

    def action_open_invoice(self):
        self.ensure_one()
        return self._fse_open(self.move_id)
