from odoo import api, models
from odoo.tools import SQL


class FseReportMixin(models.AbstractModel):
    """What the Field Service analysis reports share: opening the source record of a row,
    and ratio measures that are computed from sums (a ratio of sums, never an average of
    ratios), so that a pivot cell shows the right figure at any grouping level."""

    _name = "fse.report.mixin"
    _description = "Field Service Report"

    # {ratio field: (numerator field, denominator field, factor)}; read_group's ':avg' of
    # these fields returns factor * SUM(numerator) / SUM(denominator).
    _fse_ratios = {}

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        fname, __, func = aggregate_spec.partition(":")
        ratio = self._fse_ratios.get(fname)
        if not ratio or func != "avg":
            return super()._read_group_select(aggregate_spec, query)
        numerator, denominator, factor = ratio
        return SQL(
            "COALESCE(%(factor)s * SUM(%(num)s) / NULLIF(SUM(%(den)s), 0), 0)",
            factor=factor,
            num=self._field_to_sql(self._table, numerator, query),
            den=self._field_to_sql(self._table, denominator, query),
        )

    def _fse_open(self, record):
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_work_order(self):
        self.ensure_one()
        return self._fse_open(self.order_id)
