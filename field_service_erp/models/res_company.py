from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fse_labor_product_id = fields.Many2one(
        "product.product",
        string="Field Service Labor Product",
        domain=[("type", "=", "service")],
        help="Service product used on new labor lines (hours worked on a work order).",
    )
    fse_allow_negative_van_stock = fields.Boolean(
        string="Allow Negative Van Stock",
        help="Let technicians record parts their van stock does not show (the count is corrected later). "
        "Warehouse stock is always checked.",
    )

    fse_request_max_qty = fields.Float(
        string="Technician Request Limit",
        default=10.0,
        digits="Product Unit",
        help="The most of one part a technician may ask for a job with Request Parts (in the part's unit); "
        "the back office requests more.",
    )

    fse_timer_rounding_minutes = fields.Integer(
        string="Round Timer Up To (minutes)",
        default=15,
        help="Time measured by the work order timer is rounded up to this many minutes on the labor line.",
    )

    fse_signature_type_ids = fields.Many2many(
        "ir.model.fields.selection",
        "res_company_fse_signature_type_rel",
        string="Signature Required For",
        # Only those who may read ir.model.fields.selection (settings administrators): otherwise
        # reading a company's fields, as any internal user does, fails on this one.
        groups="base.group_erp_manager",
        domain=[("field_id.model", "=", "fse.work.order"), ("field_id.name", "=", "order_type")],
        help="Work order types that cannot be completed without the customer's signature.",
    )
    fse_photo_type_ids = fields.Many2many(
        "ir.model.fields.selection",
        "res_company_fse_photo_type_rel",
        string="Photos Required For",
        # Settings administrators only, as the signature setting above (same reason).
        groups="base.group_erp_manager",
        domain=[("field_id.model", "=", "fse.work.order"), ("field_id.name", "=", "order_type")],
        help="Work order types that cannot be completed without at least one before and one after photo.",
    )

    fse_plan_horizon_days = fields.Integer(
        string="Plan Visits Ahead (days)",
        default=30,
        help="Preventive visits due within this many days are created as work orders.",
    )

    @api.model
    def _fse_set_default_customer_emails(self):
        """At install: every company sends the customer e-mails, with our templates."""
        for field_name, xmlid in (
            ("fse_notify_planned_template_id", "field_service_erp.mail_template_fse_visit_planned"),
            ("fse_notify_on_the_way_template_id", "field_service_erp.mail_template_fse_on_the_way"),
            ("fse_notify_done_template_id", "field_service_erp.mail_template_fse_visit_done"),
        ):
            self.search([(field_name, "=", False)]).write({field_name: self.env.ref(xmlid).id})

    def _fse_default_stock_locations(self):
        """{company: stock location of its first warehouse}, in one query."""
        result = {}
        # sudo: the company's warehouses, whatever stock rights the user has.
        warehouses = self.env["stock.warehouse"].sudo().search([("company_id", "in", self.ids)], order="sequence, id")
        for warehouse in warehouses:
            result.setdefault(warehouse.company_id, warehouse.lot_stock_id)
        return result

    # The e-mails that keep the customer informed; an empty template switches one off.
    fse_customer_desk_user_id = fields.Many2one(
        "res.users",
        string="Customer Requests Handled By",
        domain=[("share", "=", False)],
        help="Gets a to-do for each visit a customer requests or asks to move on the portal. "
        "Empty: the contract's manager, else the first dispatcher of the company.",
    )
    fse_notify_planned_template_id = fields.Many2one(
        "mail.template",
        default=lambda self: self.env.ref(
            "field_service_erp.mail_template_fse_visit_planned", raise_if_not_found=False
        ),
        string="Visit Planned E-mail",
        domain=[("model", "=", "fse.work.order")],
        help="Sent when a visit is scheduled, with its time window. Empty: not sent.",
    )
    fse_notify_on_the_way_template_id = fields.Many2one(
        "mail.template",
        default=lambda self: self.env.ref("field_service_erp.mail_template_fse_on_the_way", raise_if_not_found=False),
        string="Technician on the Way E-mail",
        domain=[("model", "=", "fse.work.order")],
        help="Sent when the technician taps On My Way. Empty: not sent.",
    )
    fse_notify_done_template_id = fields.Many2one(
        "mail.template",
        default=lambda self: self.env.ref("field_service_erp.mail_template_fse_visit_done", raise_if_not_found=False),
        string="Visit Done E-mail",
        domain=[("model", "=", "fse.work.order")],
        help="Sent when a visit is completed, with the signed service report and the rating links. Empty: not sent.",
    )
