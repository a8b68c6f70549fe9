from odoo import api, fields, models
from odoo.exceptions import AccessError

DISPATCHER_GROUP = "field_service_erp.group_fse_dispatcher"


class FseWorkOrderLabor(models.Model):
    """Time a technician spent on a work order: the single time record that billing
    and reports read."""

    _name = "fse.work.order.labor"
    _inherit = ["fse.write.policy"]
    _description = "Work Order Labor"
    _order = "order_id, date, id"
    _check_company_auto = True

    order_id = fields.Many2one("fse.work.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    technician_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        default=lambda self: self.env.user,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    date_start = fields.Datetime(
        string="Started At", help="When the work started (set by the timer); after-hours billing reads it."
    )
    labor_type = fields.Selection(
        [("work", "Work"), ("travel", "Travel")], string="Type", default="work", required=True
    )
    hours = fields.Float(required=True, digits=(16, 2))
    from_timer = fields.Boolean(readonly=True, help="Written by the work order's timer.")
    cost_amount = fields.Float(
        string="Labor Cost",
        compute="_compute_cost_amount",
        store=True,
        digits="Product Price",
        groups="field_service_erp.group_fse_dispatcher",
        help="Hours x the technician's cost per hour when the time was recorded (a later change of the rate "
        "leaves it): what contract profitability and the analytic costs read.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Labor Product",
        check_company=True,
        domain=[("type", "=", "service")],
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    name = fields.Char(string="Description")

    _hours_positive = models.Constraint("CHECK(hours > 0)", "Hours worked must be positive.")
    # Reports find each technician's first and last day of work with two probes of this index.
    _technician_date_idx = models.Index("(technician_id, date)")

    @api.depends("order_id")
    def _compute_product_id(self):
        for line in self:
            if not line.product_id:
                line.product_id = line.order_id.company_id.fse_labor_product_id

    @api.depends("hours", "technician_id")
    def _compute_cost_amount(self):
        for line in self:
            # sudo: the rate is a back-office figure; the technician recording time computes the cost.
            line.cost_amount = line.hours * line.technician_id.sudo().fse_hourly_cost

    @api.model
    def _fse_technician_fields(self):
        """What a technician records of their own time on their own open orders."""
        return super()._fse_technician_fields() | {"date", "date_start", "labor_type", "hours", "name"}

    @api.model
    def _fse_technician_create_fields(self):
        # technician_id: their own name only, see _fse_check_own_time
        return super()._fse_technician_create_fields() | {"order_id", "technician_id"}

    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        lines = super().create(vals_list)
        lines.order_id._fse_check_not_locked()
        lines._fse_check_own_time()
        return lines

    def write(self, vals):
        self._fse_check_write_policy([vals])
        if set(vals) - self._fse_fields_editable_when_locked():
            self.order_id._fse_check_not_locked()
        if "order_id" in vals:
            self.order_id.browse(vals["order_id"])._fse_check_lines_target()
        return super().write(vals)

    def _fse_check_own_time(self):
        """A technician books their own time; a dispatcher books anyone's."""
        if self.env.su or self.env.user.has_group(DISPATCHER_GROUP):
            return
        others = self.filtered(lambda line: line.technician_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "You can only record your own time, not %(technician)s's.",
                    technician=others[0].technician_id.name,
                )
            )

    @api.model
    def _fse_fields_editable_when_locked(self):
        """Fields that may still change on a done order's lines (hook for billing)."""
        return set()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_orders(self):
        self.order_id._fse_check_not_locked()
