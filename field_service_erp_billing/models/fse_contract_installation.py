from odoo import api, models


class FseContractInstallation(models.Model):
    _inherit = "fse.contract.installation"

    @api.model_create_multi
    def create(self, vals_list):
        coverages = super().create(vals_list)
        coverages._fse_flag_billed_change(coverages.mapped("date_from"))
        return coverages

    def write(self, vals):
        before = [d for c in self for d in (c.date_from, c.date_to) if d]
        res = super().write(vals)
        if {"date_from", "date_to", "installation_id"} & set(vals):
            self._fse_flag_billed_change(before + [d for c in self for d in (c.date_from, c.date_to) if d])
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
