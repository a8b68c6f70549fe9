from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fse_invoice_grouping = fields.Selection(related="company_id.fse_invoice_grouping", readonly=False)
    fse_invoice_on_completion = fields.Boolean(related="company_id.fse_invoice_on_completion", readonly=False)
    fse_invoice_requires_approval = fields.Boolean(related="company_id.fse_invoice_requires_approval", readonly=False)
    fse_notify_estimate_template_id = fields.Many2one(
        related="company_id.fse_notify_estimate_template_id", readonly=False
    )
