from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fse_invoice_grouping = fields.Selection(
        [("partner", "One invoice per customer and currency"), ("order", "One invoice per work order")],
        string="Work Order Invoicing",
        default="partner",
        required=True,
    )
    fse_invoice_on_completion = fields.Boolean(
        string="Invoice on Completion",
        help="Completing a billable work order queues its draft invoice; a scheduled action creates it "
        "shortly after. If that fails, the work order gets an Invoicing Failed activity.",
    )
    fse_invoice_requires_approval = fields.Boolean(
        string="Approve Before Invoicing",
        help="Completed work orders must be approved by the back office before they can be invoiced.",
    )

    fse_notify_estimate_template_id = fields.Many2one(
        "mail.template",
        string="Estimate to Approve E-mail",
        domain=[("model", "=", "fse.work.order")],
        help="Sent with an estimate to the customer, with the link to accept or decline it on the portal. "
        "Empty: not sent.",
    )

    fse_contract_analytic_plan_id = fields.Many2one(
        "account.analytic.plan",
        string="Contract Analytic Plan",
        help="Analytic plan of the accounts created for service contracts (created when first needed).",
    )

    def _fse_contract_analytic_plan(self):
        """The plan contract analytic accounts go in: the company's, created once if unset."""
        self.ensure_one()
        if not self.fse_contract_analytic_plan_id:
            # Analytic plans are accounting configuration; creating the company's one on first
            # use is the system's own set-up step, whoever confirms the first contract.
            plan = self.env["account.analytic.plan"].sudo().create({"name": self.env._("Service Contracts")})
            # sudo: the analytic plan is company configuration, created once on first use.
            self.sudo().fse_contract_analytic_plan_id = plan
        return self.fse_contract_analytic_plan_id
