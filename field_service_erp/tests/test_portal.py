from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FseCommon


@tagged("post_install", "-at_install")
class TestPortal(FseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create({"name": "Maintenance Manager", "parent_id": cls.customer.id})
        cls.portal_user = new_test_user(
            cls.env, login="fse_portal", password="fse_portal_pw", groups="base.group_portal", partner_id=contact.id
        )
        other = cls.env["res.partner"].create({"name": "Competitor Plant", "is_company": True})
        cls.other_machine = cls.env["fse.installation"].create({"partner_id": other.id, "name": "Their Press"})
        cls.own_order = cls._order(labor_line_ids=[cls._labor(1.0, cls.tech)], resolution="<p>Valve replaced</p>")
        cls.own_order.action_start()
        cls.own_order.action_complete()
        cls.other_order = cls._order(partner_id=other.id, installation_id=cls.other_machine.id)
        cls.own_draft = cls._order()

    def test_portal_customer_reads_only_their_own(self):
        Order = self.env["fse.work.order"].with_user(self.portal_user)
        # The back office's draft is not shown to the customer (see test_customer_portal).
        self.assertEqual(Order.search([]), self.own_order)
        self.assertEqual(self.env["fse.installation"].with_user(self.portal_user).search([]), self.installation)
        with self.assertRaises(AccessError):
            self.other_order.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.own_order.with_user(self.portal_user).write({"description": "changed"})

    def test_portal_pages(self):
        self.authenticate("fse_portal", "fse_portal_pw")
        listing = self.url_open("/my/work_orders")
        self.assertEqual(listing.status_code, 200, listing.text[-1500:])
        self.assertIn(self.own_order.name, listing.text)
        self.assertNotIn(self.other_order.name, listing.text)
        page = self.url_open(f"/my/work_orders/{self.own_order.id}")
        self.assertIn("Valve replaced", page.text)
        self.assertIn("Download the service report", page.text)
        report = self.url_open(f"/my/work_orders/{self.own_order.id}?report_type=html")
        self.assertEqual(report.status_code, 200)
        self.assertIn(self.own_order.name, report.text)
        self.assertIn("SN-0001", report.text)
        refused = self.url_open(f"/my/work_orders/{self.other_order.id}", allow_redirects=False)
        self.assertEqual(refused.status_code, 303)
        self.assertTrue(refused.headers["Location"].endswith("/my"))
        machines = self.url_open("/my/installations")
        self.assertIn("SN-0001", machines.text)
        self.assertNotIn("Their Press", machines.text)
        home = self.url_open("/my/home")
        self.assertIn("Service Visits", home.text)
