from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FseContractInstallation(models.Model):
    """One machine covered by one contract, from one date to another: adding or removing a
    machine mid-term is a dated fact that billing prorates and planning respects."""

    _name = "fse.contract.installation"
    _description = "Machine Covered by a Contract"
    _inherit = ["fse.write.policy"]
    _order = "contract_id, date_from, id"
    _check_company_auto = True

    contract_id = fields.Many2one("fse.contract", required=True, index=True, ondelete="cascade")
    installation_id = fields.Many2one(
        "fse.installation",
        string="Machine",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    partner_id = fields.Many2one(related="contract_id.partner_id")
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="installation_id.product_id", string="Model")
    lot_id = fields.Many2one(related="installation_id.lot_id")
    date_from = fields.Date(
        string="Covered From",
        required=True,
        compute="_compute_date_from",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_to = fields.Date(string="Covered Until", help="Last covered day when the machine leaves the contract.")

    _dates_ordered = models.Constraint(
        "CHECK(date_to IS NULL OR date_to >= date_from)", "A machine cannot leave a contract before it joins it."
    )
    _installation_period_idx = models.Index("(installation_id, date_from, date_to)")

    @api.depends("contract_id.date_start")
    def _compute_date_from(self):
        today = fields.Date.context_today(self)
        for coverage in self:
            if not coverage.date_from:
                contract = coverage.contract_id
                # Added to a running contract: covered from today; to a draft one: from its start.
                coverage.date_from = (
                    max(today, contract.date_start) if contract.state == "running" else contract.date_start
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_write_policy([vals])
        return super().write(vals)

    def _covers(self, day):
        self.ensure_one()
        return self.date_from <= day and (not self.date_to or self.date_to >= day)

    @api.constrains("installation_id", "date_from", "date_to", "contract_id")
    def _check_single_contract(self):
        """A machine is covered by one live contract at a time (otherwise who pays is ambiguous)."""
        for coverage in self:
            contract = coverage.contract_id
            if coverage.date_from < contract.date_start or (
                contract.date_end and coverage.date_from > contract.date_end
            ):
                raise ValidationError(
                    self.env._(
                        "%(machine)s: the coverage must start within contract %(contract)s.",
                        machine=coverage.installation_id.display_name,
                        contract=contract.name,
                    )
                )
        live = self.filtered(lambda c: c.contract_id.state in ("draft", "running"))
        if not live:
            return
        # One search for every machine of the batch, then the exact date overlap in Python.
        others = self.sudo().search(
            [
                ("installation_id", "in", live.installation_id.ids),
                ("contract_id.state", "in", ("draft", "running")),
                ("id", "not in", live.ids),
            ]
        )
        # sudo: the overlap check compares with every contract, including ones the user may not read.
        by_machine = (others | live.sudo()).grouped("installation_id")
        for coverage in live:
            for other in by_machine[coverage.installation_id]:
                if other == coverage:
                    continue
                if coverage._overlaps(other):
                    raise ValidationError(
                        self.env._(
                            "%(machine)s is already covered by contract %(contract)s over these dates.",
                            machine=coverage.installation_id.display_name,
                            contract=other.contract_id.name,
                        )
                    )

    def _overlaps(self, other):
        """Whether two coverage periods share a day (an empty end date is open-ended)."""
        return (not self.date_to or other.date_from <= self.date_to) and (
            not other.date_to or self.date_from <= other.date_to
        )
