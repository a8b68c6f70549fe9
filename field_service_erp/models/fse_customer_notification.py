from odoo import api, fields, models

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
        told), then forget it."""
        for note in self:
            order = note.order_id
            company = order.company_id
            template = company[note.template_field] if note.template_field in company._fields else False
            if template:
                recipient = order.request_partner_id or order.partner_id
                order.with_context(lang=recipient.lang).message_post_with_source(
                    template,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=recipient.ids,
                    author_id=company.partner_id.id,
                )
        self.unlink()
