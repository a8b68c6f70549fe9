import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.mimetypes import guess_mimetype

# What a phone camera or gallery gives: evidence on a customer's report, never a document
# that carries markup (Odoo's image field stores SVG and HTML as they come).
PHOTO_MIMETYPES = {"image/jpeg", "image/png", "image/webp"}


class FseWorkOrderPhoto(models.Model):
    """A photo the technician takes on site, before or after the work: part of the job,
    printed on the service report. Policed like the order's checklist: a technician adds,
    captions and deletes the photos of their own open orders; once the order is done or
    cancelled nobody changes them (the report the customer received is the record; the back
    office resets the order to draft, a tracked step, to correct one)."""

    _name = "fse.work.order.photo"
    _inherit = ["fse.write.policy"]
    _description = "Work Order Photo"
    _order = "order_id, kind desc, taken_on, id"

    order_id = fields.Many2one("fse.work.order", string="Work Order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    # "before" sorts after "after" alphabetically: the order is "kind desc".
    # "customer": sent by the customer with a request on the portal.
    kind = fields.Selection(
        [("before", "Before"), ("after", "After"), ("customer", "From the Customer")], required=True, default="before"
    )
    image = fields.Image(required=True, max_width=1920, max_height=1920, attachment=True)
    # The card's thumbnail, so that a phone does not download full photos to list them.
    image_256 = fields.Image(related="image", max_width=256, max_height=256, store=True, string="Thumbnail")
    # The service report's size: sharp at the printed width, a fraction of the original's weight.
    image_1024 = fields.Image(related="image", max_width=1024, max_height=1024, store=True, string="Report Image")
    caption = fields.Char()
    # Stamped by the server when the photo is added: who and when is evidence, not input.
    taken_by_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user, index=True)
    taken_on = fields.Datetime(readonly=True, default=fields.Datetime.now)

    @api.model
    def _fse_technician_fields(self):
        """A technician records the photos of their own open orders."""
        return super()._fse_technician_fields() | {"kind", "image", "caption"}

    @api.model
    def _fse_technician_create_fields(self):
        return super()._fse_technician_create_fields() | {"order_id"}

    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        self._fse_check_image(vals_list)
        # Checked before anything is written: the caller must be allowed to update the order
        # itself, and the order must be open.
        self.env["fse.work.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )._fse_check_lines_target()
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_write_policy([vals])
        if "image" in vals:
            self._fse_check_image([vals])
        self.order_id._fse_check_not_locked()
        if "order_id" in vals:
            self.order_id.browse(vals["order_id"])._fse_check_lines_target()
        return super().write(vals)

    @api.model
    def _fse_check_image(self, vals_list):
        # 'required' is not enforced by the ORM on a field stored as an attachment.
        if not all(vals.get("image") for vals in vals_list):
            raise ValidationError(self.env._("A work order photo needs its image: take or choose a photo."))
        for vals in vals_list:
            image = vals["image"] if isinstance(vals["image"], bytes) else vals["image"].encode()
            try:  # the first bytes tell the format (1024 base64 characters: 768 bytes)
                head = base64.b64decode(b"".join(image.split())[:1024])
            except (binascii.Error, ValueError):
                head = b""
            if guess_mimetype(head) not in PHOTO_MIMETYPES:
                raise ValidationError(
                    self.env._("A work order photo must be a JPEG, PNG or WebP picture, as a phone takes it.")
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_orders(self):
        self.order_id._fse_check_not_locked()
