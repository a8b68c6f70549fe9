"""The customer's side of a work order: what the customer sees on the portal, the visits
they request there, how they follow and answer a planned visit, the e-mails that keep them
informed, and their rating of a done visit. The portal controller (controllers/portal.py)
is a thin caller of the public methods below; every rule is checked here."""

import base64
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, format_datetime, format_time, html2plaintext, plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from .fse_work_order import DISPATCHER_GROUP, TECHNICIAN_GROUP
from .fse_work_order_photo import PHOTO_MIMETYPES

# What a customer's request may carry (one place for each limit).
REQUEST_URGENCY = ("0", "1", "2")  # the order's priority: normal, high, urgent
REQUEST_MAX_PHOTOS = 5
REQUEST_MAX_PHOTO_BYTES = 5 * 1024 * 1024
REQUEST_MAX_DESCRIPTION = 5000
# Requests one customer contact may send in an hour (system parameter, to stop a flood).
REQUEST_HOURLY_LIMIT_PARAM = "field_service_erp.portal_request_hourly_limit"
REQUEST_HOURLY_LIMIT_DEFAULT = 10
# The customer's preferred windows: a day and a part of it.
REQUEST_WINDOW_SLOTS = ("morning", "afternoon", "any")
REQUEST_MAX_WINDOWS = 3


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
    notification_ids = fields.One2many("fse.customer.notification", "order_id", readonly=True)
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
        """Queue, for each order, the customer's e-mail of the template their company set in
        `template_field` (a res.company field; empty: that notification is switched off for
        the company). The queue is sent by a cron triggered at once (see
        fse.customer.notification): the technician's tap never waits for a PDF, and nothing
        is sent for a change that is rolled back."""
        if not self:
            return
        # sudo: the queue is the system's; the caller's rights on the orders were checked by the action.
        self.env["fse.customer.notification"].sudo().create(
            [{"order_id": order.id, "template_field": template_field} for order in self]
        )

    # ------------------------------------------------------------------ requests
    @api.model
    def _fse_create_customer_request(self, values):
        """A visit the customer asks for (the portal's form): a draft corrective order on their
        machine or site, reported now (the SLA clock of a covered machine starts), in the
        dispatcher's queue. `values`: description, urgency, installation_id or site_id, windows
        [(date, slot)], photos [(filename, bytes)], request_key. Runs with the customer's
        rights: their machines and sites only. Everything is checked before anything is
        written; the same request_key twice returns the first order."""
        partner = self.env.user.partner_id
        customer = partner.commercial_partner_id
        key = (values.get("request_key") or "").strip()[:64] or False
        if key:
            # sudo: the customer's earlier request, which their rules may not show yet.
            done = self.sudo().search([("partner_id", "=", customer.id), ("request_key", "=", key)], limit=1)
            if done:
                return done.with_env(self.env)
        vals = self._fse_prepare_customer_request(values, partner, key)
        photos = self._fse_check_request_photos(values.get("photos") or [])
        self._fse_check_request_flood(partner)
        try:
            with self.env.cr.savepoint():
                # sudo: customers create no orders themselves; what they may ask for was
                # checked above (their own machine or site, valid input, within the limit).
                order = self.sudo().with_context(mail_create_nosubscribe=True).create(vals)
        except IntegrityError:
            # The same request sent twice at once: the first one won, return it.
            return self.sudo().search([("partner_id", "=", customer.id), ("request_key", "=", key)], limit=1)
        order._fse_after_customer_request(partner, photos)
        return order.with_env(self.env)

    @api.model
    def _fse_prepare_customer_request(self, values, partner, key):
        """The new order's values, the input checked."""
        customer = partner.commercial_partner_id
        description = html2plaintext(values.get("description") or "").strip()
        if not description:
            raise ValidationError(self.env._("Describe the problem: what happens, and since when."))
        if len(description) > REQUEST_MAX_DESCRIPTION:
            raise ValidationError(
                self.env._("The description is too long (at most %s characters).", REQUEST_MAX_DESCRIPTION)
            )
        urgency = str(values.get("urgency") or "0")
        if urgency not in REQUEST_URGENCY:
            raise ValidationError(self.env._("Choose the urgency: normal, high or urgent."))
        installation = self.env["fse.installation"]
        site = self.env["res.partner"]
        if values.get("installation_id"):
            # With the customer's rights: a machine of another customer is simply not found.
            installation = installation.search(
                [("id", "=", self._fse_form_id(values["installation_id"])), ("state", "=", "active")], limit=1
            )
            if not installation:
                raise ValidationError(self.env._("This machine is not one of yours."))
            site = installation.site_partner_id
        elif values.get("site_id"):
            site_id = self._fse_form_id(values["site_id"])
            site = self._fse_customer_sites(customer).filtered(lambda p: p.id == site_id)
            if not site:
                raise ValidationError(self.env._("This site is not one of yours."))
        else:
            raise ValidationError(self.env._("Choose the machine, or the site, the visit is for."))
        return {
            "partner_id": customer.id,
            "installation_id": installation.id,
            "site_partner_id": site.id or customer.id,
            "company_id": (installation.company_id or customer.company_id or self.env.company).id,
            "order_type": "corrective",
            "priority": urgency,
            "description": plaintext2html(description),
            "date_reported": fields.Datetime.now(),
            "portal_requested": True,
            "request_partner_id": partner.id,
            "request_key": key,
            "preferred_windows": self._fse_format_windows(values.get("windows") or []),
        }

    @api.model
    def _fse_customer_sites(self, customer):
        """Where the customer may ask us to come: the company's own address and its delivery
        and other addresses (not its contact persons)."""
        # sudo: portal users read no addresses but their own; these are their company's.
        return (
            self.env["res.partner"]
            # sudo: the customer's company addresses, which portal users cannot read
            .sudo()
            .search(
                [("id", "child_of", customer.id), "|", ("id", "=", customer.id), ("type", "in", ("delivery", "other"))],
                order="name",
            )
        )

    @api.model
    def _fse_form_id(self, value):
        """A record id from form input; anything else is refused."""
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(self.env._("%s is not a valid reference.", value)) from None

    @api.model
    def _fse_format_windows(self, windows):
        """[(date, slot)] -> one line each, in the customer's words; bad dates refused."""
        lines = []
        today = fields.Date.context_today(self)
        for day, slot in windows[:REQUEST_MAX_WINDOWS]:
            if not day:
                continue
            try:
                date = fields.Date.to_date(day)
            except ValueError:
                raise ValidationError(self.env._("%s is not a date.", day)) from None
            if date < today or date > today + timedelta(days=365):
                raise ValidationError(self.env._("Choose preferred days from today to a year ahead."))
            if slot not in REQUEST_WINDOW_SLOTS:
                raise ValidationError(self.env._("Choose the morning, the afternoon or any time."))
            slot_label = {
                "morning": self.env._("morning (8:00-12:00)"),
                "afternoon": self.env._("afternoon (12:00-17:00)"),
                "any": self.env._("any time"),
            }[slot]
            lines.append(f"{format_date(self.env, date)}, {slot_label}")
        return "\n".join(lines) or False

    @api.model
    def _fse_check_request_photos(self, photos):
        """[(filename, bytes)] -> photo values; only images, not too many, not too large."""
        if len(photos) > REQUEST_MAX_PHOTOS:
            raise ValidationError(self.env._("Attach at most %s photos.", REQUEST_MAX_PHOTOS))
        result = []
        for filename, data in photos:
            if len(data) > REQUEST_MAX_PHOTO_BYTES:
                raise ValidationError(
                    self.env._(
                        "%(file)s is too large: photos up to %(size)s MB.",
                        file=filename,
                        size=REQUEST_MAX_PHOTO_BYTES // (1024 * 1024),
                    )
                )
            if guess_mimetype(data) not in PHOTO_MIMETYPES:
                raise ValidationError(self.env._("%s is not a photo: send JPEG, PNG or WebP images.", filename))
            result.append({"kind": "customer", "image": base64.b64encode(data), "caption": filename[:100]})
        return result

    @api.model
    def _fse_check_request_flood(self, partner):
        limit = int(
            # sudo: a system parameter, read for the customer's request.
            self.env["ir.config_parameter"].sudo().get_param(REQUEST_HOURLY_LIMIT_PARAM, REQUEST_HOURLY_LIMIT_DEFAULT)
        )
        since = fields.Datetime.now() - timedelta(hours=1)
        # sudo: the customer's own requests of the last hour, whatever their rules show.
        count = self.sudo().search_count(
            [("request_partner_id", "=", partner.id), ("portal_requested", "=", True), ("create_date", ">=", since)]
        )
        if count >= limit:
            raise UserError(
                self.env._("You have sent %s requests in the last hour. Please call us if the matter is urgent.", count)
            )

    def _fse_after_customer_request(self, partner, photos):
        """The photos, the customer following their request, and a to-do for the dispatcher."""
        self.ensure_one()
        if photos:
            self.env["fse.work.order.photo"].create([dict(photo, order_id=self.id) for photo in photos])
        self.message_subscribe(partner_ids=partner.ids)
        self.message_post(
            body=self.env._("Visit requested on the portal by %s.", partner.name),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._fse_customer_desk_activity(
            self.env._("New request from %s", partner.name),
            html2plaintext(self.description or "") + ("\n" + self.preferred_windows if self.preferred_windows else ""),
        )

    def _fse_customer_desk_activity(self, summary, note):
        """A to-do for whoever handles customer requests: the company's customer desk, else
        the contract's manager, else the first dispatcher of the company."""
        self.ensure_one()
        user = self.company_id.fse_customer_desk_user_id or self.contract_id.user_id
        if not user:
            group = self.env.ref(DISPATCHER_GROUP)
            user = self.env["res.users"].search(
                [("all_group_ids", "in", group.id), ("company_ids", "in", self.company_id.id), ("share", "=", False)],
                order="id",
                limit=1,
            )
        self.activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=plaintext2html(note), user_id=user.id
        )

    # ------------------------------------------------------------------ following a planned visit
    def _fse_check_customer_answer(self):
        """The customer may answer a planned visit that has not started yet."""
        self.ensure_one()
        if self.state != "scheduled" or self.on_the_way_date:
            raise UserError(
                self.env._("Visit %s can no longer be confirmed or moved online; please call us.", self.name)
            )

    def _fse_customer_confirm(self, partner):
        """The customer confirms the planned visit (a second confirmation changes nothing)."""
        self._fse_check_customer_answer()
        self._fse_lock()
        if self.customer_confirmed_date:
            return False
        self.write({"customer_confirmed_date": fields.Datetime.now()})
        self.message_post(
            body=self.env._(
                "%(name)s confirmed the visit planned on %(when)s.", name=partner.name, when=self._fse_window_text()
            ),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _fse_customer_reschedule(self, partner, reason):
        """The customer asks to move the planned visit: a message and a to-do for the
        dispatcher, who decides (nothing in the plan changes by itself)."""
        self._fse_check_customer_answer()
        reason = html2plaintext(reason or "").strip()
        if not reason:
            raise ValidationError(self.env._("Tell us when the visit would suit you better."))
        if len(reason) > REQUEST_MAX_DESCRIPTION:
            raise ValidationError(
                self.env._("The message is too long (at most %s characters).", REQUEST_MAX_DESCRIPTION)
            )
        self._fse_lock()
        self.write({"customer_confirmed_date": False})
        self.message_post(
            body=self.env._("%(name)s asks to move the visit: %(reason)s", name=partner.name, reason=reason),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._fse_customer_desk_activity(self.env._("Reschedule requested by %s", partner.name), reason)
        return True

    def _fse_window_text(self):
        """The planned window in the reader's time zone and language: "12/8/26, 9:00 AM - 11:00 AM"."""
        self.ensure_one()
        if not self.scheduled_start:
            return ""
        start = format_datetime(self.env, self.scheduled_start, dt_format="short")
        if not self.scheduled_end:
            return start
        local_start, local_end = (
            fields.Datetime.context_timestamp(self, moment) for moment in (self.scheduled_start, self.scheduled_end)
        )
        if local_start.date() == local_end.date():
            return f"{start} - {format_time(self.env, local_end.time(), time_format='short')}"
        return f"{start} - {format_datetime(self.env, self.scheduled_end, dt_format='short')}"

    def _fse_portal_datetime(self, value):
        """A moment as the portal shows it: short, in the reader's time zone and language."""
        return format_datetime(self.env, value, dt_format="short") if value else ""

    def _fse_technician_first_name(self):
        """What the customer is told of the technician: their first name."""
        self.ensure_one()
        # sudo: the customer reads no users; the technician's first name is what they may know.
        name = self.sudo().technician_id.name or ""
        return name.split()[0] if name else ""

    def _fse_timeline(self):
        """[(key, label, date or '', reached)] from the request to the done visit."""
        self.ensure_one()
        reached = {
            "requested": True,
            "planned": self.state in ("scheduled", "in_progress", "done"),
            "on_the_way": bool(self.on_the_way_date) or self.state in ("in_progress", "done"),
            "in_progress": self.state in ("in_progress", "done"),
            "done": self.state == "done",
        }
        fmt = self._fse_portal_datetime
        return [
            (
                "requested",
                self.env._("Requested") if self.portal_requested else self.env._("Reported"),
                fmt(self.date_reported),
                reached["requested"],
            ),
            ("planned", self.env._("Planned"), self._fse_window_text(), reached["planned"]),
            ("on_the_way", self.env._("Technician on the way"), fmt(self.on_the_way_date), reached["on_the_way"]),
            ("in_progress", self.env._("In progress"), fmt(self.date_started), reached["in_progress"]),
            ("done", self.env._("Done"), fmt(self.date_done), reached["done"]),
        ]

    @api.model
    def _fse_portal_type_labels(self):
        """{order type: its label in the reader's language}, read once for a list of visits."""
        return dict(self._fields["order_type"]._description_selection(self.env))

    def _fse_portal_parts_replaced(self):
        """The parts fitted on the customer's machine by these done visits, newest first."""
        return (
            self.filtered(lambda o: o.state == "done")
            .part_line_ids.filtered(lambda line: line.quantity > 0)
            .sorted(lambda line: (line.order_id.date_done, line.id), reverse=True)
        )

    # ------------------------------------------------------------------ the technician's side
    def action_on_my_way(self):
        """The technician leaves for the customer: the customer is told (once)."""
        self._fse_check_action_rights(TECHNICIAN_GROUP)
        self._fse_lock()
        wrong = self.filtered(lambda o: o.state != "scheduled")
        if wrong:
            raise UserError(
                self.env._(
                    "Work order %(name)s is %(state)s: only a planned visit can be on its way.",
                    name=wrong[0].name,
                    state=wrong[0]._fse_state_label(),
                )
            )
        todo = self.filtered(lambda o: not o.on_the_way_date)
        # A system field, written as superuser once the caller's rights on the orders are checked.
        todo.sudo().write({"on_the_way_date": fields.Datetime.now()})
        todo._fse_notify_customer("fse_notify_on_the_way_template_id")
        return True

    # ------------------------------------------------------------------ rating
    def _rating_get_operator(self):
        """The technician is the one rated."""
        return self.technician_id.partner_id

    def _rating_get_partner(self):
        """The contact who asked for the visit rates it, else the customer."""
        return self.request_partner_id or self.partner_id

    def _fse_rating_url(self, value):
        """The link that rates this done visit `value` (5 happy, 3 neutral, 1 unhappy)."""
        self.ensure_one()
        if self.state != "done":
            return False
        # sudo: the rating token is the customer's, created the first time a link is shown.
        token = self.sudo()._rating_get_access_token()
        return f"{self.get_base_url()}/rate/{token}/{value}"

    # ------------------------------------------------------------------ hooks of the lifecycle
    def _fse_fields_editable_when_locked(self):
        """A done visit can still be rated, and a reopened one forgets its way and confirmation."""
        return super()._fse_fields_editable_when_locked() | {
            "on_the_way_date",
            "customer_confirmed_date",
            "rating_ids",
            "rating_last_value",
        }

    def action_schedule(self):
        planned = self.filtered(lambda o: o.state == "draft")
        res = super().action_schedule()
        planned._fse_notify_customer("fse_notify_planned_template_id")
        return res

    def _fse_before_reopen_or_cancel(self):
        res = super()._fse_before_reopen_or_cancel()
        # A reopened visit is planned anew: it is neither on its way nor confirmed any more.
        self.filtered(lambda o: o.on_the_way_date or o.customer_confirmed_date).sudo().write(
            {"on_the_way_date": False, "customer_confirmed_date": False}
        )
        return res

    def _fse_after_complete(self):
        res = super()._fse_after_complete()
        self._fse_notify_customer("fse_notify_done_template_id")
        return res
