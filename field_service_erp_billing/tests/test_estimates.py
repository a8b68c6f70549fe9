from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.field_service_erp.tests.common import FseJson2Mixin

from .common import FseBillingCommon

# A 1x1 PNG standing for the customer's signature.
SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


class EstimateCase(FseBillingCommon):
    """An uncovered repair (warranty over, no contract) planning 2 filters and 2 hours:
    2 x 25.00 + 2 h x 80.00 = 210.00 to pay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create({"name": "Grace Test", "parent_id": cls.customer.id})
        cls.portal_user = new_test_user(
            cls.env, login="est_portal", password="est_portal_pw", groups="base.group_portal", partner_id=contact.id
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Plant", "is_company": True})
        other_contact = cls.env["res.partner"].create({"name": "Other Buyer", "parent_id": cls.other_customer.id})
        cls.other_portal_user = new_test_user(
            cls.env, login="est_other", password="est_other_pw", groups="base.group_portal", partner_id=other_contact.id
        )
        cls.other_machine = cls.env["fse.installation"].create({"partner_id": cls.other_customer.id, "name": "Press"})

    @classmethod
    def _planned_order(cls, **vals):
        values = {
            "duration_estimate": 2.0,
            "part_line_ids": [Command.create({"product_id": cls.filter.id, "quantity": 2})],
        }
        values.update(vals)
        return cls._order(**values)

    @classmethod
    def _sent_estimate(cls, order, mode="cap"):
        order.action_fse_prepare_estimate()
        estimate = order.fse_estimate_id
        estimate.mode = mode
        estimate.action_send()
        return estimate

    def _complete(self, order, hours):
        order.write({"labor_line_ids": [self._labor(hours, self.tech)]})
        order.action_start()
        order.action_complete()
        return order.action_create_invoices()


@tagged("post_install", "-at_install")
class TestEstimatePricing(EstimateCase):
    def test_lines_priced_by_the_engine_without_coverage(self):
        order = self._planned_order()
        order.with_user(self.dispatcher).action_fse_prepare_estimate()
        estimate = order.fse_estimate_id
        self.assertEqual(estimate.state, "draft")
        self.assertTrue(estimate.name.startswith("EST/"))
        self.assertRecordValues(
            estimate.line_ids,
            [
                {"kind": "labor", "quantity": 2.0, "price_unit": 80.0, "coverage_percent": 0.0, "amount_total": 160.0},
                {"kind": "part", "quantity": 2.0, "price_unit": 25.0, "coverage_percent": 0.0, "amount_total": 50.0},
            ],
        )
        self.assertRecordValues(estimate, [{"amount_untaxed": 210.0, "amount_covered": 0.0, "amount_total": 210.0}])

    def test_warranty_coverage_shown_with_its_reason(self):
        self.installation.warranty_end_date = "2027-01-15"
        order = self._planned_order()
        order.action_fse_prepare_estimate()
        estimate = order.fse_estimate_id
        self.assertEqual(estimate.line_ids.mapped("coverage_percent"), [100.0, 100.0])
        self.assertEqual(set(estimate.line_ids.mapped("coverage_kind")), {"warranty"})
        self.assertTrue(all(r.startswith("Warranty until") for r in estimate.line_ids.mapped("coverage_reason")))
        self.assertRecordValues(estimate, [{"amount_untaxed": 210.0, "amount_covered": 210.0, "amount_total": 0.0}])

    def test_billing_rule_and_contract_apply_as_on_the_invoice(self):
        """The rule's minimum hours and call-out, and a contract's labor percentage: the
        engine's stages, not a second pricing."""
        callout = self.env["product.product"].create({"name": "Call-out", "type": "service", "list_price": 40.0})
        self.env["fse.billing.rule"].create({"name": "Repairs", "min_hours": 3.0, "callout_product_id": callout.id})
        contract = self.env["fse.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": "2026-01-01",
                "labor_coverage_percent": 50.0,
                "coverage_ids": [Command.create({"installation_id": self.installation.id})],
            }
        )
        contract.action_confirm()
        order = self._planned_order()
        self.assertEqual(order.contract_id, contract)
        order.action_fse_prepare_estimate()
        lines = order.fse_estimate_id.line_ids
        self.assertEqual(lines.mapped("kind"), ["callout", "labor", "part"])
        labor = lines.filtered(lambda line: line.kind == "labor")
        self.assertRecordValues(labor, [{"quantity": 3.0, "coverage_percent": 50.0, "amount_total": 120.0}])
        self.assertIn("minimum", labor.notes)

    def test_new_estimate_supersedes_the_waiting_one(self):
        order = self._planned_order()
        first = self._sent_estimate(order)
        order.duration_estimate = 4.0
        order.action_fse_prepare_estimate()
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(order.fse_estimate_id.amount_total, 370.0)
        self.assertEqual(len(order.estimate_ids), 2)

    def test_rights_and_states(self):
        order = self._planned_order()
        # Another technician's order: refused.
        with self.assertRaises(AccessError):
            order.with_user(self.tech_b).action_fse_prepare_estimate()
        # The order's technician prepares on site, but only the back office sends.
        order.with_user(self.tech).action_fse_prepare_estimate()
        estimate = order.fse_estimate_id
        with self.assertRaises(AccessError):
            estimate.with_user(self.tech).action_send()
        # Nobody writes the answer by hand.
        with self.assertRaises(AccessError):
            estimate.with_user(self.dispatcher).write({"state": "accepted"})
        # A portal customer cannot accept an estimate that was not sent.
        with self.assertRaises(UserError):
            estimate._fse_portal_accept(order, "Grace", SIGNATURE)
        self.assertEqual(estimate.state, "draft")
        # Name and signature are required.
        estimate.with_user(self.dispatcher).action_send()
        with self.assertRaises(UserError):
            estimate._fse_portal_accept(order, "  ", SIGNATURE)
        with self.assertRaises(UserError):
            estimate._fse_portal_accept(order, "Grace", False)
        with self.assertRaises(UserError):
            estimate._fse_portal_decline(order, "")
        self.assertEqual(estimate.state, "sent")
        self.assertFalse(estimate.signed_by)


@tagged("post_install", "-at_install")
class TestEstimateInvoicing(EstimateCase):
    def _accepted(self, mode):
        order = self._planned_order()
        estimate = self._sent_estimate(order, mode)
        estimate._fse_portal_accept(order, "Grace Test", SIGNATURE)
        self.assertEqual(estimate.state, "accepted")
        return order, estimate

    def test_cap_reduces_the_invoice_to_the_estimate(self):
        order, estimate = self._accepted("cap")
        invoice = self._complete(order, 3.0)  # 3 h x 80 + 2 x 25 = 290.00 done
        lines = invoice.invoice_line_ids
        self.assertEqual(lines.mapped("fse_source_kind"), ["labor", "part", "estimate"])
        adjustment = lines.filtered(lambda line: line.fse_source_kind == "estimate")
        self.assertRecordValues(adjustment, [{"price_unit": -80.0, "quantity": 1.0, "fse_estimate_id": estimate.id}])
        self.assertIn(f"Capped at estimate {estimate.name}", adjustment.name)
        self.assertEqual(invoice.amount_untaxed, 210.0)
        self.assertEqual(invoice.amount_tax, 31.5)

    def test_cap_not_reached_bills_the_work_done(self):
        order, _estimate = self._accepted("cap")
        invoice = self._complete(order, 1.0)  # 80 + 50 = 130.00
        self.assertEqual(invoice.invoice_line_ids.mapped("fse_source_kind"), ["labor", "part"])
        self.assertEqual(invoice.amount_untaxed, 130.0)

    def test_fixed_price_bills_exactly_the_estimate(self):
        order, estimate = self._accepted("fixed")
        invoice = self._complete(order, 1.0)  # 130.00 done, 210.00 agreed
        adjustment = invoice.invoice_line_ids.filtered(lambda line: line.fse_source_kind == "estimate")
        self.assertRecordValues(adjustment, [{"price_unit": 80.0, "fse_estimate_id": estimate.id}])
        self.assertIn(f"Fixed price of estimate {estimate.name}", adjustment.name)
        self.assertEqual(invoice.amount_untaxed, 210.0)

    def test_declined_or_waiting_estimate_changes_nothing(self):
        order = self._planned_order()
        estimate = self._sent_estimate(order, "fixed")
        estimate._fse_portal_decline(order, "Too expensive")
        invoice = self._complete(order, 3.0)
        self.assertEqual(invoice.amount_untaxed, 290.0)
        self.assertEqual(estimate.decline_reason, "Too expensive")

    def test_double_accept_is_one_acceptance(self):
        order = self._planned_order()
        estimate = self._sent_estimate(order)
        self.assertTrue(estimate._fse_portal_accept(order, "Grace Test", SIGNATURE))
        signed_on = estimate.signed_on
        self.assertFalse(estimate._fse_portal_accept(order, "Someone Else", SIGNATURE))
        self.assertRecordValues(estimate, [{"state": "accepted", "signed_by": "Grace Test", "signed_on": signed_on}])
        notes = order.message_ids.filtered(lambda m: "accepted by" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        # Declining an accepted estimate is refused.
        with self.assertRaises(UserError):
            estimate._fse_portal_decline(order, "changed my mind")


@tagged("post_install", "-at_install")
class TestEstimatePortal(EstimateCase, FseJson2Mixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._planned_order()
        cls.estimate = cls._sent_estimate(cls.order)
        cls.other_order = cls._planned_order(partner_id=cls.other_customer.id, installation_id=cls.other_machine.id)
        cls.other_estimate = cls._sent_estimate(cls.other_order)

    def _accept(self, order, estimate, token=None, name="Grace Test"):
        url = f"/my/work_orders/{order.id}/estimate/{estimate.id}/accept"
        if token:
            url += f"?access_token={token}"
        return self.make_jsonrpc_request(url, {"name": name, "signature": SIGNATURE})

    def _assert_untouched(self, estimate):
        estimate.invalidate_recordset()
        self.assertRecordValues(estimate, [{"state": "sent", "signed_by": False, "signature": False}])

    def test_draft_order_with_sent_estimate_is_shown_and_accepted(self):
        self.assertEqual(self.order.state, "draft")
        self.assertTrue(self.order.portal_visible)
        # The "estimate to approve" e-mail (queued, then sent by its cron), with the portal link
        # and its access token.
        queued = self.env["fse.customer.notification"].search([("order_id", "=", self.order.id)])
        self.assertEqual(queued.template_field, "fse_notify_estimate_template_id")
        queued._send()
        mail = self.order.message_ids.filtered(lambda m: m.subject and "to approve" in m.subject)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"access_token={self.order.access_token}", mail.body)
        self.authenticate("est_portal", "est_portal_pw")
        page = self.url_open(f"/my/work_orders/{self.order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.estimate.name, page.text)
        self.assertIn("Accept &amp; Sign", page.text)
        result = self._accept(self.order, self.estimate)
        self.assertTrue(result.get("force_refresh"), result)
        self.assertRecordValues(
            self.estimate, [{"state": "accepted", "signed_by": "Grace Test", "accepted_channel": "portal"}]
        )
        self.assertTrue(self.estimate.signature)
        self.assertEqual(self.estimate.answered_uid, self.portal_user)
        # Twice: still one acceptance, and a clear answer.
        signed_on = self.estimate.signed_on
        again = self._accept(self.order, self.estimate, name="Another Name")
        self.assertTrue(again.get("force_refresh"), again)
        self.assertRecordValues(self.estimate, [{"signed_by": "Grace Test", "signed_on": signed_on}])
        page = self.url_open(f"/my/work_orders/{self.order.id}")
        self.assertIn("Accepted by", page.text)

    def test_decline_with_a_reason(self):
        self.authenticate("est_portal", "est_portal_pw")
        url = f"/my/work_orders/{self.order.id}/estimate/{self.estimate.id}/decline"
        empty = self.url_open(url, data={"csrf_token": Request.csrf_token(self), "decline_reason": " "})
        self.assertIn("estimate_decline_refused", empty.url)
        self._assert_untouched(self.estimate)
        response = self.url_open(url, data={"csrf_token": Request.csrf_token(self), "decline_reason": "Too expensive"})
        self.assertEqual(response.status_code, 200)
        self.assertRecordValues(self.estimate, [{"state": "declined", "decline_reason": "Too expensive"}])

    def test_another_customers_estimate_is_refused(self):
        self.authenticate("est_portal", "est_portal_pw")
        # Their order: the portal refuses the order itself.
        result = self._accept(self.other_order, self.other_estimate)
        self.assertIn("error", result)
        # Their estimate through one's own order: the estimate is not the order's.
        result = self._accept(self.order, self.other_estimate)
        self.assertIn("error", result)
        self._assert_untouched(self.other_estimate)
        self._assert_untouched(self.estimate)
        url = f"/my/work_orders/{self.order.id}/estimate/{self.other_estimate.id}/decline"
        self.url_open(url, data={"csrf_token": Request.csrf_token(self), "decline_reason": "no"})
        self._assert_untouched(self.other_estimate)

    def test_access_token_of_another_order_is_refused(self):
        """Without logging in: the order's own token opens its estimate; another order's token
        does not, nor does a token open another order's estimate."""
        own_token = self.order._portal_ensure_token()
        result = self._accept(self.other_order, self.other_estimate, token=own_token)
        self.assertIn("error", result)
        result = self._accept(self.order, self.other_estimate, token=own_token)
        self.assertIn("error", result)
        self._assert_untouched(self.other_estimate)
        other_token = self.other_order._portal_ensure_token()
        result = self._accept(self.other_order, self.other_estimate, token=other_token)
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(self.other_estimate.state, "accepted")
        self._assert_untouched(self.estimate)

    def test_technician_accepts_on_own_order_only(self):
        keys = self._json2_keys(self.tech, self.tech_b)
        # Tech B is not on this order: refused, nothing written.
        status, _body = self._json2_call(
            keys[self.tech_b],
            "fse.work.order.estimate",
            "action_accept_on_site",
            ids=self.estimate.ids,
            signed_by="Grace Test",
            signature=SIGNATURE,
        )
        self.assertGreaterEqual(status, 400)
        self._assert_untouched(self.estimate)
        # Without a signature: refused.
        status, _body = self._json2_call(
            keys[self.tech],
            "fse.work.order.estimate",
            "action_accept_on_site",
            ids=self.estimate.ids,
            signed_by="Grace Test",
            signature=False,
        )
        self.assertGreaterEqual(status, 400)
        self._assert_untouched(self.estimate)
        # The order's technician, with the customer's name and signature.
        status, body = self._json2_call(
            keys[self.tech],
            "fse.work.order.estimate",
            "action_accept_on_site",
            ids=self.estimate.ids,
            signed_by="Grace Test",
            signature=SIGNATURE,
        )
        self.assertEqual(status, 200, body)
        self.estimate.invalidate_recordset()
        self.assertRecordValues(
            self.estimate,
            [
                {
                    "state": "accepted",
                    "signed_by": "Grace Test",
                    "accepted_channel": "site",
                    "answered_uid": self.tech.id,
                }
            ],
        )

    def test_technician_dialog(self):
        wizard = (
            self.env["fse.work.order.estimate.accept"]
            .with_user(self.tech)
            .create({"estimate_id": self.estimate.id, "signed_by": "Grace Test", "signature": SIGNATURE})
        )
        wizard.action_confirm()
        self.assertEqual(self.estimate.state, "accepted")
        with self.assertRaises(AccessError):
            self.other_estimate.with_user(self.tech_b).action_fse_customer_accepts()


@tagged("post_install", "-at_install")
class TestEstimatePortalTour(EstimateCase, HttpCase):
    """The customer approves an estimate on the portal with a drawn signature."""

    browser_size = "1440x900"
    tour = "fse_estimate_portal_approve"

    def test_customer_approves_with_signature(self):
        order = self._planned_order()
        estimate = self._sent_estimate(order)
        self.start_tour(f"/my/work_orders/{order.id}", self.tour, login="est_portal", timeout=120)
        self.assertRecordValues(
            estimate, [{"state": "accepted", "signed_by": "Grace Tour", "accepted_channel": "portal"}]
        )
        self.assertTrue(estimate.signature)
        self.assertEqual(estimate.answered_uid, self.portal_user)


@tagged("post_install", "-at_install")
class TestEstimatePortalPhoneTour(TestEstimatePortalTour):
    """The same on a phone: nothing scrolls sideways."""

    browser_size = "390x844"
    touch_enabled = True
    tour = "fse_estimate_portal_approve_phone"


@tagged("post_install", "-at_install")
class TestEstimateBackOfficeTour(EstimateCase, HttpCase):
    """The dispatcher's work order form with an estimate opens and shows it."""

    def test_dispatcher_reads_the_estimate_tab(self):
        self.dispatcher.password = "fse_dispatcher_pw"
        order = self._planned_order()
        estimate = self._sent_estimate(order)
        self.start_tour(f"/odoo/fse.work.order/{order.id}", "fse_estimate_back_office", login="fse_dispatcher")
        self.assertEqual(estimate.state, "sent")
