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
        help="Create the draft invoice as soon as a billable work order is completed.",
    )
    fse_invoice_requires_approval = fields.Boolean(
        string="Approve Before Invoicing",
        help="Completed work orders must be approved by the back office before they can be invoiced.",
    )
