from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fse_labor_product_id = fields.Many2one(related="company_id.fse_labor_product_id", readonly=False)
    fse_allow_negative_van_stock = fields.Boolean(related="company_id.fse_allow_negative_van_stock", readonly=False)
    fse_timer_rounding_minutes = fields.Integer(related="company_id.fse_timer_rounding_minutes", readonly=False)
    fse_request_max_qty = fields.Float(related="company_id.fse_request_max_qty", readonly=False)
    fse_plan_horizon_days = fields.Integer(related="company_id.fse_plan_horizon_days", readonly=False)
    fse_signature_type_ids = fields.Many2many(related="company_id.fse_signature_type_ids", readonly=False)
    fse_photo_type_ids = fields.Many2many(related="company_id.fse_photo_type_ids", readonly=False)
    fse_customer_desk_user_id = fields.Many2one(related="company_id.fse_customer_desk_user_id", readonly=False)
    fse_notify_planned_template_id = fields.Many2one(
        related="company_id.fse_notify_planned_template_id", readonly=False
    )
    fse_notify_on_the_way_template_id = fields.Many2one(
        related="company_id.fse_notify_on_the_way_template_id", readonly=False
    )
    fse_notify_done_template_id = fields.Many2one(related="company_id.fse_notify_done_template_id", readonly=False)
