from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import clean_context

from ..models.fse_work_order import LABOR_CONFIRMED


class FseWorkOrderComplete(models.TransientModel):
    """Asked by Complete when the orders' time needs a second look: an order that expects
    labor has none, or hand-entered time and the timer both count (and which one does).
    Confirm completes the orders; the work order checks the user's rights itself."""

    _name = "fse.work.order.complete"
    _description = "Complete Work Orders"

    order_ids = fields.Many2many("fse.work.order", string="Work Orders", required=True, readonly=True)
    summary = fields.Html(compute="_compute_summary", readonly=True)

    @api.depends("order_ids")
    def _compute_summary(self):
        for wizard in self:
            notes = [note for order in wizard.order_ids for note in order._fse_labor_notes()]
            wizard.summary = Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % note for note in notes)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # Only orders the user may change: the wizard is no way around the work order's rights.
        wizards.order_ids.check_access("write")
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if "order_ids" in vals:
            self.order_ids.check_access("write")
        return res

    def action_confirm(self):
        self.ensure_one()
        # The order's own action does the job, with its rights and state checks, as the user.
        orders = self.order_ids.with_context(clean_context(self.env.context), **{LABOR_CONFIRMED: True})
        return orders.action_complete()
