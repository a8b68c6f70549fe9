"""The customer's side over HTTP, as the customer's browser does it: requests, following and
answering a planned visit, e-mails, rating; and what another customer cannot do."""

import base64
import re
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models import fse_work_order_customer
from .common import FseCommon, FseJson2Mixin

# A 1x1 PNG: the smallest real photo.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestCustomerPortal(FseJson2Mixin, FseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Grace Tester", "parent_id": cls.customer.id, "email": "grace@customer.example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, login="fse_cust", password="fse_cust_pw", groups="base.group_portal", partner_id=cls.contact.id
        )
        cls.other = cls.env["res.partner"].create({"name": "Competitor Plant", "is_company": True})
        cls.other_machine = cls.env["fse.installation"].create({"partner_id": cls.other.id, "name": "Their Press"})
        cls.other_contact = cls.env["res.partner"].create({"name": "Their Boss", "parent_id": cls.other.id})
        cls.other_user = new_test_user(
            cls.env,
            login="fse_other",
            password="fse_other_pw",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
        )
        cls.company.fse_customer_desk_user_id = cls.dispatcher

    # ------------------------------------------------------------------ helpers
    def _login(self, login="fse_cust"):
        self.authenticate(login, login + "_pw")

    def _post(self, url, data, files=None):
        data = dict(data, csrf_token=self._csrf())
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    def _csrf(self):
        page = self.url_open("/my/request")
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _request(self, **data):
        values = {
            "installation_id": self.installation.id,
            "description": "The compressor stops after ten minutes.",
            "urgency": "2",
            "request_key": "key-1",
            "window_date_1": fields.Date.to_string(fields.Date.today() + timedelta(days=2)),
            "window_slot_1": "morning",
        }
        values.update(data)
        files = values.pop("files", [("photos", ("leak.png", PNG, "image/png"))])
        return self._post("/my/request", values, files=files)

    def _requests(self):
        return self.env["fse.work.order"].search(
            [("portal_requested", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def _send_queued_emails(self):
        self.env["fse.customer.notification"].search([])._send()

    def _scheduled(self, **vals):
        order = self._order(**vals)
        order.action_schedule()
        return order

    # ------------------------------------------------------------------ requests
    def test_request_creates_a_draft_order_in_the_queue(self):
        self._login()
        response = self._request()
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        order = self._requests()
        self.assertEqual(len(order), 1)
        self.assertRecordValues(
            order,
            [
                {
                    "state": "draft",
                    "order_type": "corrective",
                    "priority": "2",
                    "installation_id": self.installation.id,
                    "site_partner_id": self.site.id,
                    "request_partner_id": self.contact.id,
                    "portal_visible": True,
                    "technician_id": False,
                }
            ],
        )
        self.assertLess(fields.Datetime.now() - order.date_reported, timedelta(minutes=5))
        self.assertIn("morning", order.preferred_windows)
        self.assertIn("ten minutes", order.description)
        self.assertEqual(order.photo_ids.mapped("kind"), ["customer"])
        self.assertIn(order.name, response.headers["Location"] + order.name)
        # The dispatcher's queue and to-do.
        now = fields.Datetime.now()
        board = (
            self.env["fse.work.order"]
            .with_user(self.dispatcher)
            .fse_board_data(fields.Datetime.to_string(now), fields.Datetime.to_string(now + timedelta(days=1)))
        )
        self.assertIn(order.id, [card["id"] for card in board["queue"]])
        self.assertEqual(order.activity_ids.user_id, self.dispatcher)
        # The customer sees it at once, with its timeline at "Requested".
        page = self.url_open(response.headers["Location"])
        self.assertIn("we received your request", page.text)
        self.assertIn('data-step="requested"', page.text)

    def test_request_starts_the_sla_clock_of_a_covered_machine(self):
        contract = self.env["fse.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": fields.Date.today() - timedelta(days=30),
                "sla_response_hours": 4,
            }
        )
        self.env["fse.contract.installation"].create(
            {"contract_id": contract.id, "installation_id": self.installation.id}
        )
        contract.action_confirm()
        self._login()
        self._request()
        order = self._requests()
        self.assertEqual(order.contract_id, contract)
        self.assertTrue(order.sla_deadline)
        self.assertGreater(order.sla_deadline, order.date_reported)

    def test_request_for_a_site_without_machine(self):
        self._login()
        self._request(installation_id="", site_id=str(self.site.id), files=[])
        order = self._requests()
        self.assertRecordValues(order, [{"installation_id": False, "site_partner_id": self.site.id}])

    def test_double_submit_makes_one_order(self):
        self._login()
        first = self._request()
        second = self._request()
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(first.headers["Location"], second.headers["Location"])

    def test_bad_requests_write_nothing(self):
        self._login()
        before = self.env["fse.work.order"].search_count([])
        photos_before = self.env["fse.work.order.photo"].search_count([])
        cases = [
            ({"description": "   "}, "Describe the problem"),
            ({"installation_id": str(self.other_machine.id), "request_key": "k2"}, "not one of yours"),
            ({"installation_id": "", "site_id": str(self.other.id), "request_key": "k3"}, "not one of yours"),
            ({"installation_id": "1 OR 1=1", "request_key": "k4"}, "not a valid reference"),
            ({"urgency": "9", "request_key": "k5"}, "urgency"),
            ({"window_date_1": "2001-01-01", "request_key": "k6"}, "from today"),
            (
                {"files": [("photos", ("evil.svg", b"<svg onload='x'/>", "image/svg+xml"))], "request_key": "k7"},
                "not a photo",
            ),
            ({"files": [("photos", ("p.png", PNG, "image/png"))] * 6, "request_key": "k8"}, "at most 5"),
        ]
        for data, message in cases:
            with self.subTest(data=str(data)[:60]):
                response = self._request(**data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        with patch.object(fse_work_order_customer, "REQUEST_MAX_PHOTO_BYTES", 10):
            response = self._request(request_key="k9")
        self.assertIn("too large", response.text)
        self.assertEqual(self.env["fse.work.order"].search_count([]), before)
        self.assertEqual(self.env["fse.work.order.photo"].search_count([]), photos_before)

    def test_a_flood_of_requests_is_stopped(self):
        self.env["ir.config_parameter"].set_param(fse_work_order_customer.REQUEST_HOURLY_LIMIT_PARAM, 2)
        self._login()
        for key in ("a", "b", "c"):
            response = self._request(request_key=key, files=[])
        self.assertEqual(len(self._requests()), 2)
        self.assertIn("requests in the last hour", response.text)

    # ------------------------------------------------------------------ what the customer sees
    def test_customer_sees_planned_and_requested_orders_only(self):
        back_office_draft = self._order()
        internal = self._scheduled(internal_only=True)
        planned = self._scheduled()
        Order = self.env["fse.work.order"].with_user(self.portal_user)
        self.assertEqual(Order.search([]), planned)
        self._login()
        listing = self.url_open("/my/work_orders").text
        self.assertIn(planned.name, listing)
        self.assertNotIn(back_office_draft.name, listing)
        self.assertNotIn(internal.name, listing)
        # Not even with the order's own access token.
        for order in (back_office_draft, internal):
            token = order.sudo()._portal_ensure_token()
            response = self.url_open(f"/my/work_orders/{order.id}?access_token={token}", allow_redirects=False)
            self.assertEqual(response.status_code, 303)

    def test_internal_notes_stay_internal(self):
        order = self._scheduled()
        order.message_post(body="Customer is slow to pay, be firm", subtype_xmlid="mail.mt_note")
        order.message_post(body="See you on Monday", message_type="comment", subtype_xmlid="mail.mt_comment")
        self._login()
        response = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {
                "thread_model": "fse.work.order",
                "thread_id": order.id,
                "limit": 30,
                "token": order._portal_ensure_token(),
            },
        )
        bodies = " ".join(str(m.get("body")) for m in response["data"]["mail.message"])
        self.assertIn("See you on Monday", bodies)
        self.assertNotIn("slow to pay", bodies)

    def test_order_page_timeline_and_first_name(self):
        self.tech.name = "Anna Smith"
        order = self._scheduled()
        self._login()
        page = self.url_open(f"/my/work_orders/{order.id}").text
        self.assertIn("Anna", page)
        self.assertNotIn("Smith", page)
        self.assertIn("Confirm the Visit", page)
        self.assertRegex(page, r'data-step="planned">\s*<i[^>]*fa-check-circle')
        self.assertRegex(page, r'data-step="on_the_way">\s*<i[^>]*fa-circle-o')

    # ------------------------------------------------------------------ answering a planned visit
    def test_confirm_and_reschedule(self):
        order = self._scheduled()
        start = order.scheduled_start
        self._login()
        response = self._post(f"/my/work_orders/{order.id}/confirm", {})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(order.customer_confirmed_date)
        self._post(f"/my/work_orders/{order.id}/confirm", {})  # a double click
        self.assertEqual(order.message_ids.mapped("body").count(order.message_ids[0].body), 1)
        response = self._post(f"/my/work_orders/{order.id}/reschedule", {"reason": "Next Tuesday afternoon please"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(order.scheduled_start, start, "the plan is the dispatcher's to change")
        self.assertFalse(order.customer_confirmed_date)
        activity = order.activity_ids.filtered(lambda a: "Reschedule" in (a.summary or ""))
        self.assertEqual(activity.user_id, self.dispatcher)
        self.assertIn("Next Tuesday afternoon", activity.note)
        self.assertTrue(any("Next Tuesday afternoon" in (m.body or "") for m in order.message_ids))

    def test_reschedule_without_reason_or_too_late(self):
        order = self._scheduled()
        self._login()
        self._post(f"/my/work_orders/{order.id}/reschedule", {"reason": " "})
        self.assertFalse(order.activity_ids)
        order.with_user(self.tech).action_on_my_way()
        self._post(f"/my/work_orders/{order.id}/confirm", {})
        self.assertFalse(order.customer_confirmed_date)
        page = self.url_open(f"/my/work_orders/{order.id}").text
        self.assertIn("can no longer be confirmed", page)

    def test_another_customer_cannot_read_or_answer(self):
        order = self._scheduled()
        order.action_start()
        order.action_complete()
        planned = self._scheduled()
        self._login("fse_other")
        for url in (
            f"/my/work_orders/{order.id}",
            f"/my/work_orders/{order.id}?report_type=pdf",
            f"/my/installations/{self.installation.id}",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
        # Another order's token does not open this one.
        other_order = self._scheduled(partner_id=self.other.id, installation_id=self.other_machine.id)
        other_token = other_order.sudo()._portal_ensure_token()
        response = self.url_open(f"/my/work_orders/{planned.id}?access_token={other_token}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        with mute_logger("odoo.http"):
            self._post(f"/my/work_orders/{planned.id}/confirm?access_token={other_token}", {})
            self._post(f"/my/work_orders/{planned.id}/reschedule", {"reason": "never"})
        self.assertFalse(planned.customer_confirmed_date)
        self.assertFalse(planned.activity_ids)
        # Nor request a visit on our machine.
        before = self.env["fse.work.order"].search_count([])
        self._request(request_key="intruder")
        self.assertEqual(self.env["fse.work.order"].search_count([]), before)

    def test_token_link_answers_without_login(self):
        order = self._scheduled()
        token = order._portal_ensure_token()
        page = self.url_open(f"/my/work_orders/{order.id}?access_token={token}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        self.url_open(
            f"/my/work_orders/{order.id}/confirm?access_token={token}", data={"csrf_token": csrf}, allow_redirects=False
        )
        self.assertTrue(order.customer_confirmed_date)
        self.assertIn(self.customer, order.message_ids.author_id)

    # ------------------------------------------------------------------ the technician's side
    def test_on_my_way_over_json2(self):
        order = self._scheduled()
        colleague = self._scheduled(technician_id=self.tech_b.id)
        keys = self._json2_keys(self.tech, self.tech_b)
        status, _body = self._json2_call(keys[self.tech], "fse.work.order", "action_on_my_way", ids=colleague.ids)
        self.assertEqual(status, 403)
        self.assertFalse(colleague.on_the_way_date)
        self.assertEqual(
            self.env["fse.customer.notification"].search([("order_id", "=", colleague.id)]).template_field,
            "fse_notify_planned_template_id",
        )
        status, _body = self._json2_call(keys[self.tech], "fse.work.order", "action_on_my_way", ids=order.ids)
        self.assertEqual(status, 200)
        self.assertTrue(order.on_the_way_date)
        self._json2_call(keys[self.tech], "fse.work.order", "action_on_my_way", ids=order.ids)  # tapped twice
        queued = self.env["fse.customer.notification"].search([("order_id", "=", order.id)])
        self.assertEqual(
            queued.mapped("template_field"), ["fse_notify_planned_template_id", "fse_notify_on_the_way_template_id"]
        )
        # Not on a draft, and not by the customer.
        draft = self._order()
        status, _body = self._json2_call(keys[self.tech], "fse.work.order", "action_on_my_way", ids=draft.ids)
        self.assertNotEqual(status, 200)
        self.assertFalse(draft.on_the_way_date)

    # ------------------------------------------------------------------ e-mails
    def test_emails_planned_on_the_way_done(self):
        order = self._order()
        order.sudo().request_partner_id = self.contact  # as a portal request sets it
        order.action_schedule()
        order.with_user(self.tech).action_on_my_way()
        order.labor_line_ids = [self._labor(1.0, self.tech)]
        order.action_start()
        order.action_complete()
        self.assertEqual(self.env["fse.customer.notification"].search_count([("order_id", "=", order.id)]), 3)
        # Rendered as a real PDF, as outside tests.
        self.env["fse.customer.notification"].with_context(force_report_rendering=True).search([])._send()
        self.assertFalse(self.env["fse.customer.notification"].search([]))
        sent = order.message_ids.filtered(lambda m: m.message_type == "comment" and self.contact in m.partner_ids)
        self.assertEqual(len(sent), 3)
        planned, on_the_way, done = sent.sorted("id")
        self.assertIn("is planned", planned.subject)
        self.assertIn(f"access_token={order.access_token}", planned.body)
        self.assertIn("on the way", on_the_way.subject)
        self.assertEqual(done.attachment_ids.mimetype, "application/pdf")
        self.assertIn("/rate/", done.body)
        self.assertTrue(self.env["mail.mail"].search([("mail_message_id", "in", sent.ids)]))

    def test_emails_switched_off_per_company(self):
        self.company.fse_notify_planned_template_id = False
        order = self._order()
        order.action_schedule()
        self._send_queued_emails()
        self.assertFalse(order.message_ids.filtered(lambda m: m.message_type == "comment"))

    def test_a_broken_template_does_not_hold_up_the_other_emails(self):
        first = self._scheduled()
        second = self._scheduled()
        Order = type(self.env["fse.work.order"])
        post = Order.message_post_with_source

        def post_or_fail(orders, *args, **kwargs):
            if orders == first:  # as a template an administrator broke would
                raise UserError(orders.env._("Failed to render the subject"))
            return post(orders, *args, **kwargs)

        with patch.object(Order, "message_post_with_source", post_or_fail):
            self._send_queued_emails()
        self.assertFalse(self.env["fse.customer.notification"].search([]))
        self.assertTrue(second.message_ids.filtered(lambda m: m.subject and "is planned" in m.subject))
        note = first.message_ids.filtered(lambda m: "could not be sent" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Failed to render the subject", note.body)

    def test_rolled_back_change_sends_nothing(self):
        order = self._scheduled()
        Queue = self.env["fse.customer.notification"]
        before = Queue.search_count([])
        with self.assertRaises(UserError), self.env.cr.savepoint():
            order.with_user(self.tech).action_on_my_way()
            self.assertEqual(Queue.search_count([]), before + 1)
            raise UserError(self.env._("the request failed after the tap"))
        self.assertEqual(Queue.search_count([]), before)
        self.assertFalse(order.on_the_way_date)

    # ------------------------------------------------------------------ rating
    def test_rate_a_done_visit(self):
        order = self._scheduled(labor_line_ids=[self._labor(1.0, self.tech)])
        order.action_start()
        order.action_complete()
        self._login()
        page = self.url_open(f"/my/work_orders/{order.id}").text
        url = re.search(r'href="([^"]*/rate/[^"]+/5)"', page).group(1)
        token = url.split("/rate/")[1].split("/")[0]
        form = self.url_open(url)
        self.assertEqual(form.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        self.url_open(
            f"/rate/{token}/submit_feedback", data={"rate": 5, "feedback": "Quick and clean", "csrf_token": csrf}
        )
        self.assertEqual(order.rating_last_value, 5)
        rating = order.rating_ids.filtered("consumed")
        self.assertEqual(rating.partner_id, self.customer, "a back-office order: the customer rates it")
        self.assertEqual(rating.rated_partner_id, self.tech.partner_id)
        self.assertEqual(rating.feedback, "Quick and clean")
        rows = self.env["fse.report.utilisation"].formatted_read_group(
            [("technician_id", "=", self.tech.id)], ["technician_id"], ["rated_count:sum", "satisfaction_rate:avg"]
        )
        self.assertEqual(rows[0]["rated_count:sum"], 1)
        self.assertEqual(rows[0]["satisfaction_rate:avg"], 100.0)

    def test_no_rating_link_before_done(self):
        order = self._scheduled()
        self.assertFalse(order._fse_rating_url(5))
        self._login()
        self.assertNotIn("/rate/", self.url_open(f"/my/work_orders/{order.id}").text)

    # ------------------------------------------------------------------ machines and contracts
    def test_machine_history_and_contract_pages(self):
        part = self.env["product.product"].create({"name": "Oil Filter XF", "type": "consu"})
        order = self._scheduled(labor_line_ids=[self._labor(1.0, self.tech)])
        order.part_line_ids = [(0, 0, {"product_id": part.id, "quantity": 2})]
        order.action_start()
        order.action_complete()
        contract = self.env["fse.contract"].create(
            {"partner_id": self.customer.id, "title": "Full care", "sla_response_hours": 4}
        )
        self.env["fse.contract.installation"].create(
            {"contract_id": contract.id, "installation_id": self.installation.id}
        )
        contract.action_confirm()
        self._login()
        machine = self.url_open(f"/my/installations/{self.installation.id}").text
        self.assertIn(order.name, machine)
        self.assertIn("Oil Filter XF", machine)
        self.assertIn("Report a Problem", machine)
        listing = self.url_open("/my/contracts").text
        self.assertIn(contract.name, listing)
        page = self.url_open(f"/my/contracts/{contract.id}").text
        self.assertIn("Full care", page)
        self.assertIn("SN-0001", page)
        self.assertIn("4 working hours", page)
        self._login("fse_other")
        response = self.url_open(f"/my/contracts/{contract.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)

    def test_home_counters_count_own_records(self):
        self._scheduled()
        self._scheduled(partner_id=self.other.id, installation_id=self.other_machine.id)
        self._login()
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["fse_order_count", "fse_installation_count", "fse_contract_count"]}
        )
        self.assertEqual(counters["fse_order_count"], 1)
        self.assertEqual(counters["fse_installation_count"], 1)
        self.assertEqual(counters["fse_contract_count"], 0)
