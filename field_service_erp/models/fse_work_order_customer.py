"""The customer's side of a work order: what the customer sees on the portal, the visits
they request there, how they follow and answer a planned visit, the e-mails that keep them
informed, and their rating of a done visit. The portal controller (controllers/portal.py)
is a thin caller of the public methods below; every rule is checked here."""

from odoo import api, fields, models


class FseWorkOrder(models.Model):
    _inherit = "fse.work.order"

    # ------------------------------------------------------------------ fields
    request_partner_id = fields.Many2one(
        "res.partner",
        string="Requested By",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer's contact who asked for this visit (portal or API); the visit's e-mails go to them.",
    )
    portal_requested = fields.Boolean(
        string="Requested by the Customer",
        readonly=True,
        copy=False,
        help="The customer asked for this visit themselves: they follow it on the portal from the first minute.",
    )
    request_key = fields.Char(
        readonly=True,
        copy=False,
        help="The key of the customer's request: a second submission with the same key returns this order.",
    )
    preferred_windows = fields.Text(
        string="Preferred Time",
        copy=False,
        help="When the customer would like the visit, as they gave it with their request.",
    )
    internal_only = fields.Boolean(
        string="Internal Only",
        copy=False,
        help="Never shown to the customer on the portal (a workshop job, a follow-up kept in the team).",
    )
    portal_visible = fields.Boolean(
        string="Shown to the Customer",
        compute="_compute_portal_visible",
        store=True,
        index=True,
        help="The customer sees this order on the portal: it is planned or further, or they asked for it, "
        "and it is not internal only.",
    )
    on_the_way_date = fields.Datetime(string="On the Way Since", readonly=True, copy=False)
    customer_confirmed_date = fields.Datetime(string="Confirmed by the Customer", readonly=True, copy=False)

    _request_key_unique = models.UniqueIndex(
        "(partner_id, request_key) WHERE request_key IS NOT NULL",
        "This request was already received.",
    )

    # ------------------------------------------------------------------ visibility
    @api.depends("state", "portal_requested", "internal_only")
    def _compute_portal_visible(self):
        for order in self:
            order.portal_visible = order._fse_portal_visible()

    def _fse_portal_visible(self):
        """Whether the customer sees this order (hook: billing shows an order whose estimate
        waits for the customer's answer)."""
        self.ensure_one()
        return not self.internal_only and (self.state != "draft" or self.portal_requested)

    # ------------------------------------------------------------------ notifications
    def _fse_notify_customer(self, template_field):
        """E-mail each order's customer with the template their company set in
        `template_field` (a res.company field; empty: that notification is switched off for
        the company). The message is posted in the order's chatter, so that the back office
        sees what the customer was told; it carries the portal link with its access token."""
        for order in self:
            # sudo: the company's notification settings, read for whoever triggered the event.
            template = order.company_id.sudo()[template_field]
            if not template:
                continue
            recipient = order.request_partner_id or order.partner_id
            # sudo: the technician or customer who triggered the event may not post to the
            # customer; the template and its recipient are the company's own.
            order.sudo().with_context(lang=recipient.lang).message_post_with_source(
                template.sudo(),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
            )
