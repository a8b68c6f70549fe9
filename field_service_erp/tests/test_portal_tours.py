from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


class PortalTourCase(HttpCase):
    """A customer with a portal login, two machines, a planned visit and a done one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["fse.checklist.item"].search([]).active = False
        cls.env.company.fse_photo_type_ids = False
        cls.env.company.fse_signature_type_ids = False
        tech = new_test_user(
            cls.env, login="portal_tour_tech", name="Marta Tourtech", groups="field_service_erp.group_fse_technician"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Tour Brewery", "is_company": True})
        contact = cls.env["res.partner"].create({"name": "Tour Buyer", "parent_id": cls.customer.id})
        cls.portal_user = new_test_user(
            cls.env,
            login="tour_customer",
            password="tour_customer_pw",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        cls.line = cls.env["fse.installation"].create({"partner_id": cls.customer.id, "name": "Tour Bottling Line"})
        chiller = cls.env["fse.installation"].create({"partner_id": cls.customer.id, "name": "Tour Chiller"})
        part = cls.env["product.product"].create({"name": "Tour Star Wheel", "type": "consu"})
        labor = cls.env["product.product"].create({"name": "Tour Labor", "type": "service"})
        cls.env.company.fse_labor_product_id = labor
        start = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        orders = cls.env["fse.work.order"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "installation_id": cls.line.id,
                    "technician_id": tech.id,
                    "scheduled_start": start - timedelta(days=7),
                    "scheduled_end": start - timedelta(days=7, hours=-2),
                    "part_line_ids": [Command.create({"product_id": part.id, "quantity": 1})],
                    "labor_line_ids": [Command.create({"technician_id": tech.id, "hours": 1.0})],
                },
                {
                    "partner_id": cls.customer.id,
                    "installation_id": chiller.id,
                    "technician_id": tech.id,
                    "scheduled_start": start + timedelta(days=2),
                    "scheduled_end": start + timedelta(days=2, hours=2),
                },
            ]
        )
        cls.done, cls.planned = orders
        # Readable references for the tour (the sequence's are not known in advance).
        cls.done.sudo().name = "TOUR/DONE"
        cls.planned.sudo().name = "TOUR/PLANNED"
        orders.action_schedule()
        cls.done.action_start()
        cls.done.action_complete()

    def _check_outcome(self):
        request = self.env["fse.work.order"].search(
            [("partner_id", "=", self.customer.id), ("portal_requested", "=", True)]
        )
        self.assertEqual(len(request), 1)
        self.assertRecordValues(
            request,
            [
                {
                    "state": "draft",
                    "installation_id": self.line.id,
                    "priority": "2",
                    "request_partner_id": self.portal_user.partner_id.id,
                }
            ],
        )
        self.assertIn("infeed star wheel", request.description)
        self.assertIn("morning", request.preferred_windows)
        self.assertEqual(request.photo_ids.mapped("kind"), ["customer"])
        self.assertTrue(request.photo_ids.image)
        self.assertTrue(self.planned.customer_confirmed_date)
        self.assertEqual(self.planned.state, "scheduled")
        rating = self.done.rating_ids.filtered("consumed")
        self.assertRecordValues(rating, [{"rating": 5.0, "feedback": "Fast and tidy, thank you"}])


@tagged("post_install", "-at_install")
class TestPortalTourDesktop(PortalTourCase):
    browser_size = "1440x900"

    def test_portal_customer_desktop(self):
        self.start_tour("/my", "fse_portal_customer", login="tour_customer")
        self._check_outcome()


@tagged("post_install", "-at_install")
class TestPortalTourPhone(PortalTourCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_portal_customer_phone(self):
        self.start_tour("/my", "fse_portal_customer", login="tour_customer")
        self._check_outcome()
