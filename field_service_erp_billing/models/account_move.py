from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # Field-service users only: accountants without field-service rights edit and post
    # invoices without ever computing these (a non-stored compute runs as the current user,
    # and assigning work orders they cannot read would raise an AccessError).
    fse_work_order_ids = fields.Many2many(
        "fse.work.order",
        string="Work Orders",
        compute="_compute_fse_work_order_ids",
        groups="field_service_erp.group_fse_technician",
    )
    fse_work_order_count = fields.Integer(
        compute="_compute_fse_work_order_ids",
        groups="field_service_erp.group_fse_technician",
    )
    fse_contract_id = fields.Many2one(
        "fse.contract", string="Service Contract", index="btree_not_null", copy=False, readonly=True
    )
    # Every invoicing user (no groups): the invoice form shows its lines' quantity and
    # discount when the invoice bills field service. Reads the lines' own link columns only,
    # never the work orders or contracts behind them.
    fse_bills_field_service = fields.Boolean(
        string="Bills Field Service",
        compute="_compute_fse_bills_field_service",
        help="A line of this invoice bills a work order or a service contract.",
    )

    @api.depends("invoice_line_ids.fse_work_order_id")
    def _compute_fse_work_order_ids(self):
        for move in self:
            # The orders the user may read: a technician's record rules hide other orders.
            move.fse_work_order_ids = move.invoice_line_ids.fse_work_order_id._filtered_access("read")
            move.fse_work_order_count = len(move.fse_work_order_ids)

    @api.depends("invoice_line_ids.fse_work_order_id", "invoice_line_ids.fse_contract_id")
    def _compute_fse_bills_field_service(self):
        for move in self:
            move.fse_bills_field_service = any(
                line.fse_work_order_id or line.fse_contract_id for line in move.invoice_line_ids
            )

    @api.ondelete(at_uninstall=False)
    def _fse_free_contract_periods(self):
        """A deleted draft contract invoice frees its period (the period row goes with it,
        by cascade): the contract's next period moves back so that it is invoiced again."""
        # sudo: period rows are billing bookkeeping; whoever deletes a draft invoice frees its period.
        periods = self.env["fse.contract.period"].sudo().search([("invoice_id", "in", self.ids)])
        for period in periods:
            # sudo: the contract's next period moves back, whatever the user's contract rights.
            contract = period.contract_id.sudo()
            if contract.next_period_start and contract.next_period_start > period.date_start:
                contract.next_period_start = period.date_start

    def action_view_fse_work_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Work Orders"),
            "res_model": "fse.work.order",
            "view_mode": "list,form",
            "domain": [("id", "in", self.fse_work_order_ids.ids)],
        }
