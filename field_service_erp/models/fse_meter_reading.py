from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FseMeterReading(models.Model):
    """A reading of a machine's meter (operating hours, cycles, copies...), which drives
    the meter-based maintenance plans."""

    _name = "fse.meter.reading"
    _inherit = ["fse.write.policy"]
    _description = "Meter Reading"
    _order = "installation_id, date desc, id desc"
    _check_company_auto = True

    installation_id = fields.Many2one(
        "fse.installation", string="Machine", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="installation_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Float(required=True, digits=(16, 1))
    work_order_id = fields.Many2one("fse.work.order", index="btree_not_null", ondelete="set null")

    _value_positive = models.Constraint("CHECK(value >= 0)", "A meter reading cannot be negative.")
    _installation_date_idx = models.Index("(installation_id, date, value)")

    @api.constrains("value", "date", "installation_id")
    def _check_monotonic(self):
        """A meter only goes up: a reading lower than an earlier one is a typing error."""
        for reading in self:
            earlier_higher = self.search_count(
                [
                    ("installation_id", "=", reading.installation_id.id),
                    ("id", "!=", reading.id),
                    "|",
                    "&",
                    ("date", "<=", reading.date),
                    ("value", ">", reading.value),
                    "&",
                    ("date", ">=", reading.date),
                    ("value", "<", reading.value),
                ],
                limit=1,
            )
            if earlier_higher:
                raise ValidationError(
                    self.env._(
                        "The meter of %(machine)s cannot read %(value)s on %(date)s: readings only go up.",
                        machine=reading.installation_id.display_name,
                        value=reading.value,
                        date=fields.Date.to_string(reading.date),
                    )
                )

    @api.model
    def _fse_technician_fields(self):
        return super()._fse_technician_fields() | {"date", "value"}

    @api.model
    def _fse_technician_create_fields(self):
        return super()._fse_technician_create_fields() | {"installation_id", "work_order_id"}

    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        readings = super().create(vals_list)
        readings._fse_update_plan_forecasts()
        return readings

    def write(self, vals):
        self._fse_check_write_policy([vals])
        return super().write(vals)

    def _fse_update_plan_forecasts(self):
        machines = self.installation_id
        plans = (
            self.env["fse.maintenance.plan"]
            # sudo: a technician's reading moves the forecast of plans they may not read.
            .sudo()
            .search(
                [
                    ("interval_type", "=", "counter"),
                    "|",
                    ("installation_id", "in", machines.ids),
                    ("contract_id.coverage_ids.installation_id", "in", machines.ids),
                ]
            )
        )
        for plan in plans:
            plan.next_date = plan._counter_forecast_date()

    @api.model
    def _fse_last_readings(self, installations):
        """{machine: (first, last)} readings as (date, value) pairs, in one query. Readings
        only go up, so the earliest date has the lowest value and the latest the highest."""
        if not installations:
            return {}
        rows = self._read_group(
            [("installation_id", "in", installations.ids)],
            ["installation_id"],
            ["date:min", "value:min", "date:max", "value:max"],
        )
        return {
            inst: (Reading(first_date, first_value), Reading(last_date, last_value))
            for inst, first_date, first_value, last_date, last_value in rows
        }


Reading = namedtuple("Reading", ["date", "value"])
