from odoo import api, models


class FseContractInstallation(models.Model):
    _inherit = "fse.contract.installation"

    @api.model_create_multi
    def create(self, vals_list):
        coverages = super().create(vals_list)
        coverages._fse_flag_billed_change(coverages.mapped("date_from"))
        return coverages

    def write(self, vals):
        # The earliest day whose coverage changes: the old or new start, the old or new end.
        fields_changed = [f for f in ("date_from", "date_to") if f in vals]
        if "installation_id" in vals:
            fields_changed = ["date_from"]
        before = {c: [c[f] for f in fields_changed] for c in self}
        res = super().write(vals)
        for coverage in self:
            days = [d for d in before[coverage] + [coverage[f] for f in fields_changed] if d]
            coverage._fse_flag_billed_change(days)
        return res

    def unlink(self):
        changes = [(c.contract_id, c.date_from) for c in self]
        res = super().unlink()
        for contract, date_from in changes:
            contract.exists()._fse_flag_adjust(date_from)
        return res

    def _fse_flag_billed_change(self, dates):
        if dates:
            for contract in self.contract_id:
                contract._fse_flag_adjust(min(dates))
