from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .common import FseCommon


class FseContractCommon(FseCommon):
    """FseCommon plus a UTC working calendar (Mon-Fri 8-12 and 13-17) and a running contract
    with a 4-working-hour response time covering the test machine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Demo contracts may cover other machines; ours start from a clean slate.
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Test 40h UTC",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {"name": f"{day} {start}", "dayofweek": str(day), "hour_from": start, "hour_to": end}
                    )
                    for day in range(5)
                    for start, end in ((8, 12), (13, 17))
                ],
            }
        )
        cls.contract = cls._contract(date(2026, 1, 1))
        cls.contract.action_confirm()

    @classmethod
    def _contract(cls, start, machines=None, **vals):
        values = {
            "partner_id": cls.customer.id,
            "date_start": start,
            "term_months": 12,
            "sla_response_hours": 4,
            "resource_calendar_id": cls.calendar.id,
            "coverage_ids": [
                Command.create({"installation_id": m.id}) for m in (cls.installation if machines is None else machines)
            ],
        }
        values.update(vals)
        return cls.env["fse.contract"].create(values)


@tagged("post_install", "-at_install")
class TestContract(FseContractCommon):
    def test_term_and_renewal_over_month_ends_and_leap_years(self):
        self.contract.action_cancel()  # frees the machine for this test's contract
        contract = self._contract(date(2027, 3, 1))
        self.assertEqual(contract.date_end, date(2028, 2, 29))  # 2028 is a leap year
        contract.action_confirm()
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2029, 2, 28))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2030, 2, 28))
        self.assertEqual(contract.renewal_count, 2)
        self.assertEqual(contract.coverage_ids.installation_id, self.installation, "renewal keeps the machines")
        self.assertIn("Renewed until 2030-02-28", contract.message_ids[0].body)

    def test_scheduled_action_renews_or_expires(self):
        renewing = self.contract
        self.assertEqual(renewing.date_end, date(2026, 12, 31))
        other = self.env["fse.installation"].create({"partner_id": self.customer.id, "name": "Dryer"})
        expiring = self._contract(date(2026, 1, 1), machines=other, auto_renew=False)
        expiring.action_confirm()
        (renewing | expiring)._fse_renew_or_expire(date(2028, 3, 15))
        self.assertEqual(expiring.state, "expired")
        self.assertEqual(renewing.state, "running")
        self.assertEqual(renewing.date_end, date(2028, 12, 31))
        self.assertEqual(renewing.renewal_count, 2)

    def test_notice_period(self):
        self.assertEqual(self.contract.notice_date, date(2026, 12, 1))
        with freeze_time("2026-12-10"):
            with self.assertRaisesRegex(UserError, "notice period .* ended on 2026-12-01"):
                self.contract.with_user(self.dispatcher).action_stop_renewal()
            self.assertTrue(self.contract.auto_renew)
        with freeze_time("2026-11-20"):
            self.contract.with_user(self.dispatcher).action_stop_renewal()
        self.assertFalse(self.contract.auto_renew)

    def test_confirm_needs_machines_and_one_contract_per_machine(self):
        empty = self._contract(date(2026, 1, 1), machines=self.env["fse.installation"])
        with self.assertRaisesRegex(UserError, "Add the machines"):
            empty.action_confirm()
        with self.assertRaisesRegex(ValidationError, "already covered by contract"):
            self._contract(date(2026, 6, 1))
        foreign = self.env["fse.installation"].create(
            {"partner_id": self.env["res.partner"].create({"name": "Other Co"}).id, "name": "Foreign"}
        )
        with self.assertRaisesRegex(ValidationError, "does not belong to"):
            self._contract(date(2026, 1, 1), machines=foreign)

    def test_order_gets_the_contract_covering_its_machine_that_day(self):
        order = self._order(date_reported=datetime(2026, 3, 2, 9, 0))
        self.assertEqual(order.contract_id, self.contract)
        self.assertEqual(self.installation.contract_id, self.contract if date.today() <= date(2026, 12, 31) else False)
        # The machine leaves the contract at the end of March: April calls are not covered.
        self.contract.coverage_ids.date_to = date(2026, 3, 31)
        april = self._order(date_reported=datetime(2026, 4, 2, 9, 0))
        self.assertFalse(april.contract_id)
        self.assertFalse(april.sla_deadline)

    def test_sla_deadline_counts_working_hours_only(self):
        # Friday 16:00: 1 h on Friday, then 3 h on Monday -> Monday 11:00.
        friday = self._order(date_reported=datetime(2026, 3, 6, 16, 0))
        self.assertEqual(friday.sla_deadline, datetime(2026, 3, 9, 11, 0))
        # Saturday: nothing counts before Monday 8:00 -> Monday 12:00 (the lunch break starts then).
        saturday = self._order(date_reported=datetime(2026, 3, 7, 10, 0))
        self.assertEqual(saturday.sla_deadline, datetime(2026, 3, 9, 12, 0))
        # 11:00 on a Tuesday: 1 h before lunch, 3 h after -> 16:00.
        tuesday = self._order(date_reported=datetime(2026, 3, 10, 11, 0))
        self.assertEqual(tuesday.sla_deadline, datetime(2026, 3, 10, 16, 0))
        # A public holiday on Monday pushes Friday's call to Tuesday 11:00.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59, 59),
            }
        )
        holiday = self._order(date_reported=datetime(2026, 3, 6, 16, 0))
        self.assertEqual(holiday.sla_deadline, datetime(2026, 3, 10, 11, 0))
        # Preventive orders have no response deadline.
        self.assertFalse(self._order(order_type="preventive", date_reported=datetime(2026, 3, 6, 16, 0)).sla_deadline)

    def test_sla_on_time_late_and_flagged(self):
        late = self._order(date_reported=datetime(2026, 3, 6, 16, 0))
        self.assertEqual(late.sla_status, "pending")
        self.assertTrue(late.sla_late, "past its deadline and not started")
        self.assertIn(late, self.env["fse.work.order"].search([("sla_late", "=", True)]))
        late.action_start()
        self.assertEqual(late.sla_status, "late")
        now = datetime.now().replace(microsecond=0)
        on_time = self._order(date_reported=now)
        on_time.action_start()
        self.assertEqual(on_time.sla_status, "on_time")
        self.assertFalse(on_time.sla_late)
        self.assertNotIn(on_time, self.env["fse.work.order"].search([("sla_late", "=", True)]))
        self.assertEqual((self.contract.sla_on_time_count, self.contract.sla_late_count), (1, 1))
        self.assertEqual(self.contract.sla_on_time_rate, 50.0)
        self.assertEqual(self.contract.open_order_count, 2)

    def test_terminate_cancels_visits_after_the_end(self):
        with freeze_time("2026-06-15"):
            plan = self.env["fse.maintenance.plan"].create(
                {"name": "Monthly", "contract_id": self.contract.id, "start_date": "2026-07-01"}
            )
            self.company.fse_plan_horizon_days = 60
            plan._fse_generate_orders(date(2026, 6, 15))
            self.assertEqual(sorted(plan.work_order_ids.mapped("plan_due_date")), [date(2026, 7, 1), date(2026, 8, 1)])
            self.contract.action_cancel()
        self.assertEqual(self.contract.date_end, date(2026, 6, 15))
        self.assertEqual(set(plan.work_order_ids.mapped("state")), {"cancel"})

    def _order_for_contract_tech(self, tech):
        order = self.env["fse.work.order"].create(
            {"partner_id": self.customer.id, "contract_id": self.contract.id, "technician_id": tech.id}
        )
        self.assertEqual(order.contract_id, self.contract)
        return order

    def test_contract_form_and_technician_access(self):
        tech = new_test_user(self.env, login="fse_tech_contract", groups="field_service_erp.group_fse_technician")
        with self.assertRaises(UserError):
            self.env["fse.contract"].with_user(tech).create({"partner_id": self.customer.id})
        # Technicians read the contracts of their own jobs only, and none of the commercial terms.
        with self.assertRaises(AccessError):
            self.contract.with_user(tech).read(["name"])
        self._order_for_contract_tech(tech)
        self.assertEqual(self.contract.with_user(tech).read(["name"])[0]["name"], self.contract.name)
        with self.assertRaises(AccessError):
            self.contract.with_user(tech).read(["labor_coverage_percent"])
        form = Form(self.env["fse.contract"].with_user(self.dispatcher))
        form.partner_id = self.customer
        form.date_start = date(2030, 1, 15)
        form.term_months = 24
        self.assertEqual(form.date_end, date(2032, 1, 14))
        contract = form.save()
        self.assertTrue(contract.name.startswith("SC/"))
