from odoo import fields, models
from odoo.tools import SQL

from .fse_report_utilisation import ORDER_TYPE


class FseReportInstallation(models.Model):
    """Installed base health: one row per active machine (for counts of machines, warranty
    and contract cover today) and one row per work order on a machine (not cancelled), dated
    when it was reported.

    Downtime of a corrective order is the time from its report (Reported On) to its
    completion. The time between failures is the number of days between the reports of a
    corrective order and of the previous corrective order on the same machine; MTBF is
    their sum divided by their count."""

    _name = "fse.report.installation"
    _inherit = ["fse.report.mixin"]
    _description = "Field Service Installed Base Health"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "installation_id"
    _fse_ratios = {
        "mtbf_days": ("failure_interval_days", "failure_interval_count", 1.0),
        "avg_downtime_hours": ("downtime_hours", "downtime_count", 1.0),
    }

    date = fields.Date(readonly=True, help="Installation date on machine rows, reporting date on order rows.")
    company_id = fields.Many2one("res.company", readonly=True)
    installation_id = fields.Many2one("fse.installation", string="Machine", readonly=True)
    product_id = fields.Many2one("product.product", string="Model", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("fse.work.order", string="Work Order", readonly=True)
    order_type = fields.Selection(selection=ORDER_TYPE, readonly=True)
    technician_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("fse.team", readonly=True)
    contract_id = fields.Many2one(
        "fse.contract",
        readonly=True,
        help="Machine rows: the running contract covering the machine today; order rows: the order's contract.",
    )
    warranty_end_date = fields.Date(readonly=True)
    machine_count = fields.Integer(string="Machines", readonly=True)
    out_of_warranty_count = fields.Integer(string="Out of Warranty", readonly=True)
    uncovered_count = fields.Integer(
        string="No Contract", readonly=True, help="Machines no running contract covers today."
    )
    exposed_count = fields.Integer(
        string="Out of Warranty, No Contract",
        readonly=True,
        help="Machines out of warranty that no running contract covers today.",
    )
    order_count = fields.Integer(string="Orders", readonly=True)
    corrective_count = fields.Integer(string="Corrective Orders", readonly=True)
    downtime_hours = fields.Float(
        string="Downtime (h)", digits=(16, 2), readonly=True, help="Done corrective orders: completion - report."
    )
    downtime_count = fields.Integer(string="Repairs Done", readonly=True)
    failure_interval_days = fields.Float(string="Days Between Failures (total)", digits=(16, 1), readonly=True)
    failure_interval_count = fields.Integer(string="Failure Intervals", readonly=True)
    mtbf_days = fields.Float(string="MTBF (days)", aggregator="avg", digits=(16, 1), readonly=True)
    avg_downtime_hours = fields.Float(string="Avg Downtime (h)", aggregator="avg", digits=(16, 2), readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH orders AS (
                SELECT wo.id, wo.company_id, wo.installation_id, wo.order_type, wo.technician_id, wo.team_id,
                       wo.contract_id, wo.state, wo.date_reported, wo.date_done,
                       CASE WHEN wo.order_type = 'corrective' THEN
                           LAG(wo.date_reported) OVER (
                               PARTITION BY wo.installation_id, wo.order_type = 'corrective'
                               ORDER BY wo.date_reported, wo.id)
                       END AS previous_failure
                  FROM fse_work_order wo
                 WHERE wo.installation_id IS NOT NULL AND wo.state != 'cancel'
            ), machines AS (
                SELECT i.*,
                       (SELECT ci.contract_id
                          FROM fse_contract_installation ci
                          JOIN fse_contract c ON c.id = ci.contract_id
                         WHERE ci.installation_id = i.id AND c.state = 'running'
                           AND ci.date_from <= CURRENT_DATE AND (ci.date_to IS NULL OR ci.date_to >= CURRENT_DATE)
                           AND c.date_start <= CURRENT_DATE AND (c.date_end IS NULL OR c.date_end >= CURRENT_DATE)
                         ORDER BY c.date_start DESC, c.id DESC LIMIT 1
                       ) AS covering_contract_id,
                       i.warranty_end_date IS NULL OR i.warranty_end_date < CURRENT_DATE AS out_of_warranty
                  FROM fse_installation i
                 WHERE i.active
            )
            SELECT 2 * i.id AS id, i.installation_date AS date, i.company_id, i.id AS installation_id,
                   i.product_id, i.partner_id, NULL::int AS order_id, NULL::varchar AS order_type,
                   NULL::int AS technician_id, NULL::int AS team_id, i.covering_contract_id AS contract_id,
                   i.warranty_end_date,
                   1 AS machine_count,
                   CASE WHEN i.out_of_warranty THEN 1 ELSE 0 END AS out_of_warranty_count,
                   CASE WHEN i.covering_contract_id IS NULL THEN 1 ELSE 0 END AS uncovered_count,
                   CASE WHEN i.out_of_warranty AND i.covering_contract_id IS NULL THEN 1 ELSE 0 END AS exposed_count,
                   0 AS order_count, 0 AS corrective_count, 0.0 AS downtime_hours, 0 AS downtime_count,
                   0.0 AS failure_interval_days, 0 AS failure_interval_count,
                   0.0 AS mtbf_days, 0.0 AS avg_downtime_hours
              FROM machines i
             UNION ALL
            SELECT 2 * wo.id + 1, wo.date_reported::date, wo.company_id, i.id,
                   i.product_id, i.partner_id, wo.id, wo.order_type,
                   wo.technician_id, wo.team_id, wo.contract_id, i.warranty_end_date,
                   0, 0, 0, 0, 1,
                   CASE WHEN wo.order_type = 'corrective' THEN 1 ELSE 0 END,
                   CASE WHEN wo.order_type = 'corrective' AND wo.state = 'done'
                        THEN EXTRACT(EPOCH FROM wo.date_done - wo.date_reported) / 3600.0 ELSE 0.0 END,
                   CASE WHEN wo.order_type = 'corrective' AND wo.state = 'done' THEN 1 ELSE 0 END,
                   COALESCE(EXTRACT(EPOCH FROM wo.date_reported - wo.previous_failure) / 86400.0, 0.0),
                   CASE WHEN wo.previous_failure IS NOT NULL THEN 1 ELSE 0 END,
                   0.0, 0.0
              FROM orders wo
              JOIN fse_installation i ON i.id = wo.installation_id
            """
        )

    def action_open_installation(self):
        self.ensure_one()
        return self._fse_open(self.installation_id)
