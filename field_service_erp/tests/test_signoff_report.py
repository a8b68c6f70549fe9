import base64

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import FseCommon

# A 1x1 PNG stands for the drawn signature.
SIGNATURE = base64.b64encode(
    base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
)


@tagged("post_install", "-at_install")
class TestSignoffAndReport(FseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        installation_type = cls.env["ir.model.fields.selection"].search(
            [
                ("field_id.model", "=", "fse.work.order"),
                ("field_id.name", "=", "order_type"),
                ("value", "=", "installation"),
            ]
        )
        cls.company.fse_signature_type_ids = installation_type
        cls.customer.email = "service@test-customer.example.com"

    def test_signature_required_by_order_type(self):
        order = self._order(order_type="installation", labor_line_ids=[self._labor(1.0, self.tech)])
        order.action_start()
        with self.assertRaisesRegex(UserError, "needs the customer's signature"):
            order.action_complete()
        # A signature without the signer's name is refused when it is written.
        with self.assertRaises(ValidationError) as refused:
            order.with_user(self.tech).write({"signature": SIGNATURE})
        self.assertIn("write the name of the person who signs", str(refused.exception))
        self.assertFalse(order.signature)
        # A name without a signature does not complete the job either.
        order.with_user(self.tech).write({"signed_by": "Jane Customer"})
        with self.assertRaisesRegex(UserError, "signature and name"):
            order.action_complete()
        order.with_user(self.tech).write({"signature": SIGNATURE})
        order.with_user(self.tech).action_complete()
        self.assertEqual(order.state, "done")
        self.assertTrue(order.signed_on)
        # A repair does not need one here.
        repair = self._order(order_type="corrective", labor_line_ids=[self._labor(1.0, self.tech)])
        repair.action_start()
        repair.action_complete()
        self.assertEqual(repair.state, "done")

    def test_service_report_shows_the_job(self):
        part = self.env["product.product"].create({"name": "Door Seal", "type": "consu"})
        order = self._order(
            order_type="installation",
            resolution="<p>Installed and commissioned</p>",
            labor_line_ids=[self._labor(2.5, self.tech)],
            part_line_ids=[Command.create({"product_id": part.id, "quantity": 2})],
        )
        order.labor_line_ids.name = "Commissioning"
        order.check_ids = [Command.create({"name": "Commissioning protocol completed", "done": True})]
        order.message_post(body="Photo of the installed machine", attachments=[("machine-front.jpg", b"jpeg bytes")])
        order.write({"signature": SIGNATURE, "signed_by": "Jane Customer"})
        order.action_start()
        order.action_complete()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "field_service_erp.action_report_fse_service", order.ids
        )
        html = html.decode()
        for expected in (
            order.name,
            "SN-0001",
            "Commissioning",
            "02:30",
            "Door Seal",
            "Installed and commissioned",
            "Jane Customer",
            "Test Customer NV",
            "☑",
            "Commissioning protocol completed",
            "machine-front.jpg",
        ):
            self.assertIn(expected, html)
        self.assertIn("data:image/png;base64", html)

    def test_send_report_by_email_in_one_tap(self):
        order = self._order(labor_line_ids=[self._labor(1.0, self.tech)])
        order.action_start()
        order.action_complete()
        action = order.action_send_report()
        composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
        self.assertIn(order.name, composer.subject)
        composer._action_send_mail()
        message = order.message_ids[0]
        self.assertIn(self.customer, message.partner_ids)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("Service Report", message.attachment_ids.name)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertTrue(mail)
