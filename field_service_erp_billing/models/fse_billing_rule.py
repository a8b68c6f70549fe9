from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FseBillingRule(models.Model):
    """How a kind of work order is billed: call-out fee, minimum and rounding of labor,
    after-hours and weekend rates, travel. The most specific active rule applies
    (customer and type, then customer, then type, then the general rule)."""

    _name = "fse.billing.rule"
    _description = "Field Service Billing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, help="Empty: every customer.")
    order_type = fields.Selection(
        selection=lambda self: self.env["fse.work.order"]._fields["order_type"].selection,
        string="Work Order Type",
        help="Empty: every type.",
    )
    callout_product_id = fields.Many2one(
        "product.product",
        string="Call-out Fee",
        check_company=True,
        domain=[("type", "=", "service")],
        help="Billed once per order; its sales price (or the customer's pricelist) is the fee.",
    )
    min_hours = fields.Float(string="Minimum Billed Hours", help="Labor billed at least this long per order.")
    rounding_minutes = fields.Integer(string="Round Labor Up To (minutes)", help="e.g. 15: 50 minutes bill as 1 hour.")
    workday_start = fields.Float(default=8.0, help="Work starting before this hour is after hours.")
    workday_end = fields.Float(default=18.0, help="Work starting at or after this hour is after hours.")
    after_hours_multiplier = fields.Float(string="After-Hours Rate", default=1.0, help="e.g. 1.5 = +50%.")
    weekend_multiplier = fields.Float(string="Weekend Rate", default=1.0, help="Saturday and Sunday, e.g. 2.0.")
    bill_travel = fields.Boolean(string="Bill Travel Time", help="Travel labor lines are billable.")

    @api.constrains("after_hours_multiplier", "weekend_multiplier", "min_hours", "rounding_minutes")
    def _check_values(self):
        for rule in self:
            if rule.after_hours_multiplier <= 0 or rule.weekend_multiplier <= 0:
                raise ValidationError(self.env._("Rates of rule %s must be positive.", rule.name))
            if rule.min_hours < 0 or rule.rounding_minutes < 0:
                raise ValidationError(self.env._("Minimum and rounding of rule %s cannot be negative.", rule.name))

    @api.model
    def _fse_rules_for(self, orders):
        """{order: its rule (or an empty recordset)} with one search for all orders."""
        # Billing rules are back-office data that technicians may not read; the lines of
        # their orders still need them for their defaults (is travel billed?).
        rules = self.sudo().search([("company_id", "in", orders.company_id.ids)])
        result = {}
        for order in orders:
            candidates = rules.filtered(
                lambda r, o=order: r.company_id == o.company_id
                and r.partner_id in (o.partner_id.commercial_partner_id, self.env["res.partner"])
                and r.order_type in (o.order_type, False)
            )
            result[order] = candidates.sorted(lambda r: (not r.partner_id, not r.order_type, r.sequence, r.id))[:1]
        return result
