from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.field_service_erp.report.fse_report_utilisation import ORDER_TYPE


class FseReportContract(models.Model):
    """Contract profitability: what each contract brought in and what serving it cost.

    Rows of three kinds, each dated when it happened:
    - revenue: customer invoice and credit note lines (draft or posted) of the contract, the recurring
      fees (lines with the contract and no work order) and the extras billed on its work
      orders, at -balance in the company currency;
    - parts: done stock moves of the contract's work orders at their stock value (returns
      negative);
    - labor: labor lines of the contract's work orders at their stored cost (hours x the
      technician's cost per hour when the time was recorded).
    Margin = revenue - parts cost - labor cost; margin % is a ratio of sums."""

    _name = "fse.report.contract"
    _inherit = ["fse.report.mixin"]
    _description = "Field Service Contract Profitability"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "contract_id"
    _fse_ratios = {"margin_percent": ("margin", "revenue", 100.0)}

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    contract_id = fields.Many2one("fse.contract", readonly=True)
    contract_state = fields.Selection(
        selection=lambda self: self.env["fse.contract"]._fields["state"].selection,
        string="Contract Status",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("fse.work.order", string="Work Order", readonly=True)
    order_type = fields.Selection(selection=ORDER_TYPE, readonly=True)
    technician_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("fse.team", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    invoice_state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted")], readonly=True, help="Revenue rows: the invoice's status."
    )
    stock_move_id = fields.Many2one("stock.move", readonly=True)
    line_type = fields.Selection(
        [("fee", "Recurring Fee"), ("extra", "Billed Extra"), ("parts", "Parts Cost"), ("labor", "Labor Cost")],
        string="Kind",
        readonly=True,
    )
    recurring_revenue = fields.Monetary(readonly=True)
    extra_revenue = fields.Monetary(string="Billed Extras", readonly=True)
    revenue = fields.Monetary(readonly=True)
    parts_cost = fields.Monetary(readonly=True)
    labor_hours = fields.Float(digits=(16, 2), readonly=True)
    labor_cost = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_percent = fields.Float(string="Margin %", aggregator="avg", digits=(16, 1), readonly=True)
    contract_loss = fields.Boolean(
        string="Loss-Making Contract", readonly=True, help="The contract's margin over all its rows is negative."
    )
    month_loss = fields.Boolean(
        string="Loss-Making Month", readonly=True, help="The contract's margin in this row's month is negative."
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH rows AS (
                SELECT 3 * aml.id::bigint AS id, COALESCE(am.invoice_date, am.date) AS date, c.id AS contract_id,
                       wo.id AS order_id, am.id AS move_id, am.state AS invoice_state, NULL::int AS stock_move_id,
                       CASE WHEN aml.fse_work_order_id IS NULL THEN 'fee' ELSE 'extra' END AS line_type,
                       CASE WHEN aml.fse_work_order_id IS NULL THEN -aml.balance ELSE 0.0 END AS recurring_revenue,
                       CASE WHEN aml.fse_work_order_id IS NULL THEN 0.0 ELSE -aml.balance END AS extra_revenue,
                       -aml.balance AS revenue, 0.0 AS parts_cost, 0.0 AS labor_hours, 0.0 AS labor_cost
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  LEFT JOIN fse_work_order wo ON wo.id = aml.fse_work_order_id
                  JOIN fse_contract c ON c.id = COALESCE(aml.fse_contract_id, wo.contract_id)
                 WHERE am.move_type IN ('out_invoice', 'out_refund')
                   AND am.state IN ('draft', 'posted')
                   AND aml.display_type = 'product'
                   AND (aml.fse_contract_id IS NOT NULL OR aml.fse_work_order_id IS NOT NULL)
                 UNION ALL
                SELECT 3 * m.id::bigint + 1, m.date::date, wo.contract_id, wo.id, NULL, NULL, m.id, 'parts',
                       0.0, 0.0, 0.0,
                       COALESCE(m.fse_signed_value, 0),
                       0.0, 0.0
                  FROM stock_move m
                  JOIN fse_work_order wo ON wo.id = m.fse_work_order_id
                 WHERE m.fse_work_order_id IS NOT NULL AND m.state = 'done' AND wo.contract_id IS NOT NULL
                 UNION ALL
                SELECT 3 * l.id::bigint + 2, l.date, wo.contract_id, wo.id, NULL, NULL, NULL, 'labor',
                       0.0, 0.0, 0.0, 0.0, l.hours, COALESCE(l.cost_amount, 0.0)
                  FROM fse_work_order_labor l
                  JOIN fse_work_order wo ON wo.id = l.order_id
                 WHERE wo.contract_id IS NOT NULL
            ), margins AS (
                SELECT rows.*, rows.revenue - rows.parts_cost - rows.labor_cost AS margin FROM rows
            )
            SELECT r.id, r.date, c.company_id, comp.currency_id, r.contract_id, c.state AS contract_state,
                   c.partner_id, r.order_id, wo.order_type, wo.technician_id, wo.team_id,
                   r.move_id, r.invoice_state, r.stock_move_id, r.line_type,
                   r.recurring_revenue, r.extra_revenue, r.revenue, r.parts_cost, r.labor_hours, r.labor_cost,
                   r.margin, 0.0 AS margin_percent,
                   SUM(r.margin) OVER (PARTITION BY r.contract_id) < 0 AS contract_loss,
                   SUM(r.margin) OVER (PARTITION BY r.contract_id, date_trunc('month', r.date)) < 0 AS month_loss
              FROM margins r
              JOIN fse_contract c ON c.id = r.contract_id
              JOIN res_company comp ON comp.id = c.company_id
              LEFT JOIN fse_work_order wo ON wo.id = r.order_id
            """
        )

    def action_open_contract(self):
        self.ensure_one()
        return self._fse_open(self.contract_id)

    def action_open_source(self):
        self.ensure_one()
        return self._fse_open(self.move_id or self.stock_move_id or self.order_id)
