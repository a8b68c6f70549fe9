from odoo import api, fields, models


class FseContractLine(models.Model):
    """A recurring fee of a contract, billed each period (per machine covered, or flat)."""

    _name = "fse.contract.line"
    _description = "Contract Recurring Fee"
    _inherit = ["fse.write.policy"]
    _order = "contract_id, sequence, id"
    _check_company_auto = True

    contract_id = fields.Many2one("fse.contract", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        string="Fee Product",
        required=True,
        check_company=True,
        domain="[('type', '=', 'service')]",
    )
    name = fields.Char(
        string="Description", compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    price_unit = fields.Monetary(
        string="Price per Period",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    per_machine = fields.Boolean(help="Billed once per covered machine, prorated to the days each one is covered.")
    last_index_percent = fields.Float(
        string="Last Indexation %", readonly=True, copy=False, help="Indexation applied at the last renewal."
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            line.name = line.product_id.display_name

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            if line.product_id and not line.price_unit:
                line.price_unit = line.product_id.lst_price

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_write_policy([vals])
        return super().write(vals)

    def _fse_prorated(self, days, period_days):
        """This fee for `days` of a period of `period_days` days, rounded to the cent."""
        self.ensure_one()
        return self.currency_id.round(self.price_unit * self.quantity * days / period_days)
