from odoo import fields, models
from odoo.tools import SQL


class FseReportConsumption(models.Model):
    """Parts consumed on work orders, one row per done stock move: consumption moves count
    positive, returns negative, so sums are net of returns. Cost is the move's stock
    valuation (stock.move.value)."""

    _name = "fse.report.consumption"
    _inherit = ["fse.report.mixin"]
    _description = "Field Service Parts Consumption"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "move_id"

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("stock.move", string="Stock Move", readonly=True)
    order_id = fields.Many2one("fse.work.order", string="Work Order", readonly=True)
    order_type = fields.Selection(
        selection=lambda self: self.env["fse.work.order"]._fields["order_type"].selection,
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    installation_id = fields.Many2one("fse.installation", string="Machine", readonly=True)
    technician_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("fse.team", readonly=True)
    contract_id = fields.Many2one("fse.contract", readonly=True)
    product_id = fields.Many2one("product.product", string="Part", readonly=True)
    categ_id = fields.Many2one("product.category", string="Part Category", readonly=True)
    location_id = fields.Many2one(
        "stock.location",
        string="Van / Source",
        readonly=True,
        help="Where the part came from (for a return: where it went back to).",
    )
    is_return = fields.Boolean(string="Return", readonly=True)
    quantity = fields.Float(digits="Product Unit", readonly=True, help="In the part's unit; returns are negative.")
    cost = fields.Monetary(readonly=True, help="Stock valuation of the move; returns are negative.")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT m.id AS id,
                   m.date AS date,
                   m.company_id AS company_id,
                   c.currency_id AS currency_id,
                   m.id AS move_id,
                   wo.id AS order_id,
                   wo.order_type AS order_type,
                   wo.partner_id AS partner_id,
                   wo.installation_id AS installation_id,
                   wo.technician_id AS technician_id,
                   wo.team_id AS team_id,
                   wo.contract_id AS contract_id,
                   m.product_id AS product_id,
                   pt.categ_id AS categ_id,
                   CASE WHEN m.origin_returned_move_id IS NULL THEN m.location_id
                        ELSE m.location_dest_id END AS location_id,
                   m.origin_returned_move_id IS NOT NULL AS is_return,
                   m.fse_signed_qty AS quantity,
                   m.fse_signed_value AS cost
                   %(extra)s
              FROM stock_move m
              JOIN fse_work_order wo ON wo.id = m.fse_work_order_id
              JOIN res_company c ON c.id = m.company_id
              JOIN product_product pp ON pp.id = m.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE m.fse_work_order_id IS NOT NULL
               AND m.state = 'done'
            """,
            extra=self._fse_extra_select(),
        )

    def _fse_extra_select(self):
        """Hook: more columns (', <expr> AS <name>'), e.g. the contract."""
        return SQL()

    def action_open_move(self):
        self.ensure_one()
        return self._fse_open(self.move_id)
