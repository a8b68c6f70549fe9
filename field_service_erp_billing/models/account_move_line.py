from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.field_service_erp.models.fse_write_policy import field_labels

from .fse_billing_engine import COVERAGE_KINDS

# What a line bills of field service (a work order line, a contract fee and period) and what it
# used of a contract's allowances: written by field-service invoicing, run by the back office
# (dispatchers) or the scheduled jobs, never set by hand. Invoicing users without field-service
# rights edit, post, cancel and credit such lines as any other, without ever writing these.
# (The work order and machine links stay open: credit notes copy them, and they bill nothing.)
FSE_BILLING_LINK_FIELDS = (
    "fse_source_kind",
    "fse_labor_id",
    "fse_part_id",
    "fse_contract_id",
    "fse_contract_line_id",
    "fse_contract_period_id",
    "fse_estimate_id",
    "fse_coverage_kind",
    "fse_coverage_reason",
    "fse_coverage_date",
    "fse_included_qty",
    "fse_covered_amount",
    "fse_billing_active",
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Links back to what the line bills: its kind and the key of its source (the labor line,
    # the part line, the order for its call-out, the contract fee and period). Not copied: a
    # credit note bills nothing.
    fse_source_kind = fields.Selection(
        [
            ("labor", "Labor"),
            ("part", "Part"),
            ("callout", "Call-out"),
            ("contract_fee", "Contract Fee"),
            ("contract_adjustment", "Contract Correction"),
            ("estimate", "Estimate Adjustment"),
        ],
        string="Bills",
        copy=False,
        readonly=True,
    )
    fse_work_order_id = fields.Many2one("fse.work.order", string="Work Order", index="btree_not_null", copy=False)
    fse_installation_id = fields.Many2one("fse.installation", string="Machine", copy=False)
    fse_labor_id = fields.Many2one("fse.work.order.labor", index="btree_not_null", copy=False, ondelete="set null")
    fse_part_id = fields.Many2one("fse.work.order.part", index="btree_not_null", copy=False, ondelete="set null")
    # The accepted estimate whose fixed price or cap this line applies (an adjustment, no source).
    fse_estimate_id = fields.Many2one(
        "fse.work.order.estimate", string="Estimate", index="btree_not_null", copy=False, ondelete="set null"
    )
    # Contracts: the contract the line bills under, the fee and period it bills, and what its
    # coverage consumed of the contract's allowances (included hours or visits, yearly cap).
    fse_contract_id = fields.Many2one("fse.contract", string="Contract", index="btree_not_null", copy=False)
    fse_contract_line_id = fields.Many2one("fse.contract.line", copy=False, ondelete="set null")
    fse_contract_period_id = fields.Many2one(
        "fse.contract.period", index="btree_not_null", copy=False, ondelete="set null"
    )
    fse_coverage_kind = fields.Selection(COVERAGE_KINDS, string="Coverage", copy=False, readonly=True)
    fse_coverage_reason = fields.Char(string="Covered By", copy=False, readonly=True)
    fse_coverage_date = fields.Date(copy=False, help="Date of the work billed, for the contract's allowances.")
    fse_included_qty = fields.Float(copy=False, help="Hours or visits taken from the contract's allowance.")
    fse_covered_amount = fields.Monetary(copy=False, help="Value the contract covered on this line.")
    fse_billing_active = fields.Boolean(
        compute="_compute_fse_billing_active",
        store=True,
        help="The line still bills its source: its invoice is neither cancelled nor fully credited.",
    )

    # Never twice, as database facts: a source is billed by at most one active line, whatever
    # the retries, double clicks or concurrent runs (one partial unique index per kind of key).
    _fse_labor_billed_once = models.UniqueIndex(
        "(fse_labor_id) WHERE fse_labor_id IS NOT NULL AND fse_billing_active",
        "This labor line is already invoiced.",
    )
    _fse_part_billed_once = models.UniqueIndex(
        "(fse_part_id) WHERE fse_part_id IS NOT NULL AND fse_billing_active",
        "This part line is already invoiced.",
    )
    _fse_callout_billed_once = models.UniqueIndex(
        "(fse_work_order_id) WHERE fse_source_kind = 'callout' AND fse_billing_active",
        "The call-out of this work order is already invoiced.",
    )
    _fse_fee_billed_once = models.UniqueIndex(
        "(fse_contract_period_id, fse_contract_line_id, COALESCE(fse_installation_id, 0))"
        " WHERE fse_source_kind = 'contract_fee' AND fse_billing_active",
        "This contract fee is already invoiced for this period.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._fse_check_billing_links(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_billing_links([vals])
        return super().write(vals)

    @api.model
    def _fse_check_billing_links(self, vals_list):
        names = [name for name in FSE_BILLING_LINK_FIELDS if any(name in vals for vals in vals_list)]
        if not names or self.env.su or self.env.user.has_group("field_service_erp.group_fse_dispatcher"):
            return
        raise AccessError(
            self.env._(
                "%(fields)s of %(model)s are set by field-service invoicing only.",
                fields=field_labels(self, names),
                model=self._description,
            )
        )

    def _eligible_for_stock_account(self):
        """A part whose consumption already posted its cost (real-time valuation, customers
        location carrying the cost-of-goods-sold account) gets no second COGS at invoicing."""
        # sudo: reading whether the part's consumption posted its cost; accountants may not read parts.
        if self.fse_part_id and self.fse_part_id.sudo().move_id.account_move_id:
            return False
        return super()._eligible_for_stock_account()

    @api.depends("move_id.state", "move_id.payment_state", "fse_source_kind")
    def _compute_fse_billing_active(self):
        for line in self:
            line.fse_billing_active = bool(
                line.fse_source_kind and line.move_id.state != "cancel" and line.move_id.payment_state != "reversed"
            )

    def _fse_billed_keys(self):
        """The (kind, id) keys of the work order sources these lines still bill."""
        keys = set()
        for line in self.filtered("fse_billing_active"):
            source = {"labor": line.fse_labor_id, "part": line.fse_part_id, "callout": line.fse_work_order_id}.get(
                line.fse_source_kind
            )
            if source:
                keys.add((line.fse_source_kind, source.id))
        return keys

    def _copy_data_extend_business_fields(self, values):
        # A credit note keeps the work order and machine of the line it reverses, so revenue
        # reports net it; it never takes the billed source (its kind and key).
        res = super()._copy_data_extend_business_fields(values)
        values["fse_work_order_id"] = self.fse_work_order_id.id
        values["fse_installation_id"] = self.fse_installation_id.id
        return res
