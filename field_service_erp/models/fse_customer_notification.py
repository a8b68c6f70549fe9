from odoo import api, fields, models
from odoo.exceptions import UserError

SEND_BATCH = 50


class FseCustomerNotification(models.Model):
    """An e-mail to the customer waiting to be sent: written in the transaction of the change
    that calls for it (planned, on the way, done), sent by a cron that the change triggers.
    A change that rolls back leaves no e-mail; a PDF never slows down the technician's tap."""

    _name = "fse.customer.notification"
    _description = "Field Service Customer E-mail to Send"
    _order = "id"

    order_id = fields.Many2one("fse.work.order", required=True, index=True, ondelete="cascade")
    template_field = fields.Char(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        cron = self.env.ref("field_service_erp.ir_cron_fse_customer_notifications", raise_if_not_found=False)
        if cron:
            cron._trigger()
        return records

    @api.model
    def _cron_send(self, batch_size=SEND_BATCH):
        """Send the oldest queued e-mails; the cron runner calls again while some remain."""
        batch = self.search([], limit=batch_size)
        batch._send()
        self.env["ir.cron"]._commit_progress(len(batch), remaining=self.search_count([]))

    def _send(self):
        """Post each e-mail in its order's chatter (the back office sees what the customer was
        told), then forget it. An e-mail that cannot be made (a template an administrator
        broke, a report that fails to print) does not hold up the others: its order's chatter
        says which e-mail was not sent and why."""
        for note in self:
            try:
                with self.env.cr.savepoint():
                    note._send_one()
            except UserError as error:
                field = note.order_id.company_id._fields.get(note.template_field)
                note.order_id.message_post(
                    body=self.env._(
                        "The customer e-mail '%(email)s' could not be sent: %(error)s",
                        email=field._description_string(self.env) if field else note.template_field,
                        error=error.args[0],
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        self.unlink()

    def _send_one(self):
        self.ensure_one()
        order = self.order_id
        company = order.company_id
        template = company[self.template_field] if self.template_field in company._fields else False
        if not template:
            return
        recipient = order.request_partner_id or order.partner_id
        order.with_context(lang=recipient.lang).message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipient.ids,
            author_id=company.partner_id.id,
        )
