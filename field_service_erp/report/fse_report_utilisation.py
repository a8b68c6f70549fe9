from odoo import fields, models
from odoo.tools import SQL

ORDER_TYPE = lambda self: self.env["fse.work.order"]._fields["order_type"].selection  # noqa: E731


class FseReportUtilisation(models.Model):
    """Technician utilisation, one row per (technician, working day) for the hours the
    technician was available, one row per labor line for the hours logged, and one row per
    done work order for first-time fix and response time. Ratio measures (utilisation %,
    first-time fix %, average travel and response time) are ratios of sums, so they are
    right at every grouping level (see fse.report.mixin).

    Available hours are computed in SQL at query time, so they always follow the current
    calendars and leaves: for each technician, every day from the first of the month of
    their first labor line up to today (or their last labor line), joined with the
    attendances of their working calendar (the calendar of their resource.resource in the
    company if any, else the company's working hours) by day of week (and week parity for
    two-week calendars), minus the overlap with time off (resource.calendar.leaves of type
    "leave": global ones of the calendar or the company, and the technician's own)."""

    _name = "fse.report.utilisation"
    _inherit = ["fse.report.mixin"]
    _description = "Field Service Technician Utilisation"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "technician_id"
    _fse_ratios = {
        "utilisation": ("hours_logged", "hours_available", 100.0),
        "first_time_fix_rate": ("first_time_fix_count", "corrective_count", 100.0),
        "avg_travel_hours": ("hours_travel", "travel_count", 1.0),
        "avg_response_hours": ("response_hours", "response_count", 1.0),
        "satisfaction_rate": ("satisfied_count", "rated_count", 100.0),
    }

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    technician_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("fse.team", readonly=True)
    order_id = fields.Many2one("fse.work.order", string="Work Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    contract_id = fields.Many2one("fse.contract", readonly=True)
    order_type = fields.Selection(selection=ORDER_TYPE, readonly=True)
    row_type = fields.Selection(
        [("available", "Working Time"), ("time_off", "Time Off"), ("labor", "Labor Line"), ("order", "Work Order")],
        string="Row",
        readonly=True,
    )
    hours_available = fields.Float(string="Available Hours", digits=(16, 2), readonly=True)
    hours_logged = fields.Float(
        string="Logged Hours", digits=(16, 2), readonly=True, help="Work and travel hours recorded on orders."
    )
    hours_travel = fields.Float(string="Travel Hours", digits=(16, 2), readonly=True)
    travel_count = fields.Integer(string="Travel Lines", readonly=True)
    corrective_count = fields.Integer(
        string="Corrective Orders Done", readonly=True, help="Done corrective orders on a machine."
    )
    first_time_fix_count = fields.Integer(
        string="Fixed First Time",
        readonly=True,
        help="Done corrective orders after which no other corrective order was reported on the same "
        "machine within 30 days of completion.",
    )
    response_hours = fields.Float(string="Response Hours (total)", digits=(16, 2), readonly=True)
    response_count = fields.Integer(string="Orders Started", readonly=True)
    rated_count = fields.Integer(string="Visits Rated", readonly=True, help="Done orders the customer rated.")
    satisfied_count = fields.Integer(
        string="Happy Customers", readonly=True, help="Done orders the customer rated happy (the best of three)."
    )
    utilisation = fields.Float(
        string="Utilisation %", aggregator="avg", digits=(16, 1), readonly=True, help="Logged / available hours."
    )
    first_time_fix_rate = fields.Float(string="First-Time Fix %", aggregator="avg", digits=(16, 1), readonly=True)
    avg_travel_hours = fields.Float(
        string="Avg Travel (h)", aggregator="avg", digits=(16, 2), readonly=True, help="Per travel line."
    )
    avg_response_hours = fields.Float(
        string="Avg Response (h)",
        aggregator="avg",
        digits=(16, 2),
        readonly=True,
        help="From when the order was reported (Reported On) to its start, for started orders.",
    )
    satisfaction_rate = fields.Float(
        string="Customer Satisfaction %",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
        help="Happy ratings among the rated visits (the customer's last rating of each done order).",
    )

    def _fse_extra_columns(self):
        """Hook: [(column, expression on labor line l, expression on other rows)]."""
        return []

    @property
    def _table_query(self):
        extra = self._fse_extra_columns()

        def cols(index):
            return SQL("").join(SQL(", %s AS %s", col[index], SQL.identifier(col[0])) for col in extra)

        return SQL(
            """
            WITH techs AS MATERIALIZED (
                -- two probes of the (technician_id, date) index per user
                SELECT u.id AS user_id, u.company_id AS company_id,
                       date_trunc('month', f.day)::date AS first_day,
                       GREATEST(l.day, CURRENT_DATE) AS last_day
                  FROM res_users u
                 CROSS JOIN LATERAL (
                     SELECT date AS day FROM fse_work_order_labor
                      WHERE technician_id = u.id ORDER BY date LIMIT 1
                 ) f
                 CROSS JOIN LATERAL (
                     SELECT date AS day FROM fse_work_order_labor
                      WHERE technician_id = u.id ORDER BY date DESC LIMIT 1
                 ) l
            ), tech_calendar AS MATERIALIZED (
                SELECT t.user_id, t.company_id, t.first_day, t.last_day, r.id AS resource_id,
                       COALESCE(r.calendar_id, c.resource_calendar_id) AS calendar_id,
                       (SELECT MIN(rel.team_id)
                          FROM fse_team_res_users_rel rel
                          JOIN fse_team team ON team.id = rel.team_id
                         WHERE rel.user_id = t.user_id AND team.company_id = t.company_id AND team.active
                       ) AS team_id
                  FROM techs t
                  JOIN res_company c ON c.id = t.company_id
                  LEFT JOIN LATERAL (
                      SELECT r.id, r.calendar_id FROM resource_resource r
                       WHERE r.user_id = t.user_id AND r.active
                         AND (r.company_id = t.company_id OR r.company_id IS NULL)
                       ORDER BY r.company_id NULLS LAST, r.id LIMIT 1
                  ) r ON TRUE
            ), available AS (
                -- each working day's attendances, in the calendar's time zone
                SELECT tc.user_id, tc.company_id, tc.team_id, d.day::date AS day,
                       SUM(EXTRACT(EPOCH FROM
                           ((d.day::date + a.hour_to * interval '1 hour') AT TIME ZONE COALESCE(cal.tz, 'UTC'))
                           - ((d.day::date + a.hour_from * interval '1 hour') AT TIME ZONE COALESCE(cal.tz, 'UTC'))
                       )) / 3600.0 AS hours
                  FROM tech_calendar tc
                  JOIN resource_calendar cal ON cal.id = tc.calendar_id
                 CROSS JOIN LATERAL generate_series(tc.first_day, tc.last_day, interval '1 day') AS d(day)
                  JOIN resource_calendar_attendance a
                    ON a.calendar_id = tc.calendar_id
                   AND a.dayofweek::int = EXTRACT(ISODOW FROM d.day)::int - 1
                   AND a.display_type IS NULL
                   AND a.day_period != 'lunch'
                   AND (NOT COALESCE(cal.two_weeks_calendar, FALSE)
                        OR a.week_type::int = ((d.day::date - DATE '0001-01-01') / 7) %% 2)
                 GROUP BY tc.user_id, tc.company_id, tc.team_id, d.day::date
            ), leave_days AS MATERIALIZED (
                -- time off, one row per (UTC) day it touches (a day either side for time zones)
                SELECT lv.resource_id, lv.calendar_id, lv.company_id, lv.date_from, lv.date_to, d.day::date AS day
                  FROM resource_calendar_leaves lv
                 CROSS JOIN LATERAL generate_series(
                     date_trunc('day', lv.date_from) - interval '1 day', lv.date_to + interval '1 day', interval '1 day'
                 ) AS d(day)
                 WHERE COALESCE(lv.time_type, 'leave') = 'leave'
            ), time_off AS (
                -- the attendances of the days with time off, and their overlap with it; computed
                -- from the time off side, so it never joins the (large) working days
                SELECT tc.user_id, tc.company_id, tc.team_id, ld.day,
                       SUM(EXTRACT(EPOCH FROM LEAST(sl.slot_end, ld.date_to) - GREATEST(sl.slot_start, ld.date_from)))
                           / 3600.0 AS hours
                  FROM leave_days ld
                  JOIN tech_calendar tc
                    ON ld.day BETWEEN tc.first_day AND tc.last_day
                   AND (ld.resource_id = tc.resource_id
                        OR (ld.resource_id IS NULL
                            AND (ld.calendar_id = tc.calendar_id OR ld.calendar_id IS NULL)
                            AND (ld.company_id = tc.company_id OR ld.company_id IS NULL)))
                  JOIN resource_calendar cal ON cal.id = tc.calendar_id
                  JOIN resource_calendar_attendance a
                    ON a.calendar_id = tc.calendar_id
                   AND a.dayofweek::int = EXTRACT(ISODOW FROM ld.day)::int - 1
                   AND a.display_type IS NULL
                   AND a.day_period != 'lunch'
                   AND (NOT COALESCE(cal.two_weeks_calendar, FALSE)
                        OR a.week_type::int = ((ld.day - DATE '0001-01-01') / 7) %% 2)
                 CROSS JOIN LATERAL (
                     SELECT ((ld.day + a.hour_from * interval '1 hour') AT TIME ZONE COALESCE(cal.tz, 'UTC'))
                                AT TIME ZONE 'UTC' AS slot_start,
                            ((ld.day + a.hour_to * interval '1 hour') AT TIME ZONE COALESCE(cal.tz, 'UTC'))
                                AT TIME ZONE 'UTC' AS slot_end
                 ) sl
                 WHERE ld.date_from < sl.slot_end AND ld.date_to > sl.slot_start
                 GROUP BY tc.user_id, tc.company_id, tc.team_id, ld.day
            ), corrective AS (
                SELECT wo.id,
                       LEAD(wo.date_reported) OVER (
                           PARTITION BY wo.installation_id ORDER BY wo.date_reported, wo.id
                       ) AS next_failure
                  FROM fse_work_order wo
                 WHERE wo.order_type = 'corrective' AND wo.state != 'cancel' AND wo.installation_id IS NOT NULL
            )
            SELECT 4 * ((av.user_id::bigint << 24) + (av.day - DATE '2000-01-01')) + 3 AS id,
                   av.day AS date, av.company_id, av.user_id AS technician_id, av.team_id,
                   NULL::int AS order_id, NULL::int AS partner_id, NULL::int AS contract_id,
                   NULL::varchar AS order_type,
                   'available' AS row_type,
                   av.hours AS hours_available, 0.0 AS hours_logged, 0.0 AS hours_travel, 0 AS travel_count,
                   0 AS corrective_count, 0 AS first_time_fix_count, 0.0 AS response_hours, 0 AS response_count,
                   0 AS rated_count, 0 AS satisfied_count,
                   0.0 AS utilisation, 0.0 AS first_time_fix_rate, 0.0 AS avg_travel_hours,
                   0.0 AS avg_response_hours, 0.0 AS satisfaction_rate %(other_cols)s
              FROM available av
             UNION ALL
            SELECT 4 * ((off.user_id::bigint << 24) + (off.day - DATE '2000-01-01')),
                   off.day, off.company_id, off.user_id, off.team_id, NULL, NULL, NULL, NULL, 'time_off',
                   -off.hours, 0.0, 0.0, 0, 0, 0, 0.0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0 %(other_cols)s
              FROM time_off off
             UNION ALL
            SELECT 4 * l.id::bigint + 1, l.date, l.company_id, l.technician_id, wo.team_id,
                   wo.id, wo.partner_id, wo.contract_id, wo.order_type, 'labor',
                   0.0, l.hours,
                   CASE WHEN l.labor_type = 'travel' THEN l.hours ELSE 0.0 END,
                   CASE WHEN l.labor_type = 'travel' THEN 1 ELSE 0 END,
                   0, 0, 0.0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0 %(labor_cols)s
              FROM fse_work_order_labor l
              JOIN fse_work_order wo ON wo.id = l.order_id
             UNION ALL
            SELECT 4 * wo.id::bigint + 2, wo.date_done::date, wo.company_id, wo.technician_id, wo.team_id,
                   wo.id, wo.partner_id, wo.contract_id, wo.order_type, 'order',
                   0.0, 0.0, 0.0, 0,
                   CASE WHEN cor.id IS NOT NULL THEN 1 ELSE 0 END,
                   CASE WHEN cor.id IS NOT NULL
                         AND (cor.next_failure IS NULL OR cor.next_failure > wo.date_done + interval '30 days')
                        THEN 1 ELSE 0 END,
                   CASE WHEN wo.date_started IS NOT NULL
                        THEN GREATEST(0, EXTRACT(EPOCH FROM wo.date_started - wo.date_reported) / 3600.0)
                        ELSE 0.0 END,
                   CASE WHEN wo.date_started IS NOT NULL THEN 1 ELSE 0 END,
                   -- the customer's last rating of the visit (rating.mixin): 5 happy, 3 neutral, 1 unhappy
                   CASE WHEN COALESCE(wo.rating_last_value, 0) > 0 THEN 1 ELSE 0 END,
                   CASE WHEN COALESCE(wo.rating_last_value, 0) >= 4 THEN 1 ELSE 0 END,
                   0.0, 0.0, 0.0, 0.0, 0.0 %(other_cols)s
              FROM fse_work_order wo
              LEFT JOIN corrective cor ON cor.id = wo.id
             WHERE wo.state = 'done' AND wo.date_done IS NOT NULL
            """,
            other_cols=cols(2),
            labor_cols=cols(1),
        )
