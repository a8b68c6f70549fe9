from datetime import date

from psycopg2.errors import UniqueViolation

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_contract import FseContractCommon


@tagged("post_install", "-at_install")
class TestMaintenancePlan(FseContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.action_cancel()  # this class plans on a 2028 contract
        cls.second = cls.env["fse.installation"].create({"partner_id": cls.customer.id, "name": "Second Unit"})
        cls.contract_2028 = cls._contract(date(2028, 1, 1), machines=cls.installation | cls.second, term_months=36)
        cls.contract_2028.action_confirm()
        cls.kit_part = cls.env["product.product"].create({"name": "Service Kit", "type": "consu"})
        cls.company.fse_plan_horizon_days = 100

    def _plan(self, **vals):
        values = {"name": "Plan", "contract_id": self.contract_2028.id, "technician_id": self.tech.id}
        values.update(vals)
        return self.env["fse.maintenance.plan"].create(values)

    def test_monthly_plan_from_the_31st_in_a_leap_year(self):
        team = self.env["fse.team"].create({"name": "North"})
        plan = self._plan(start_date="2028-01-31", duration_hours=2.5, team_id=team.id)
        self.assertEqual(
            [plan._due_date(n) for n in range(5)],
            [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30), date(2028, 5, 31)],
        )
        orders = plan._fse_generate_orders(date(2028, 1, 20))  # horizon: up to 2028-04-29
        self.assertEqual(len(orders), 6, "3 visits x 2 machines")
        self.assertEqual(
            sorted(set(orders.mapped("plan_due_date"))), [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]
        )
        self.assertEqual(set(orders.mapped("technician_id")), {self.tech})
        self.assertEqual(set(orders.mapped("team_id")), {team})
        self.assertEqual(set(orders.mapped("contract_id")), {self.contract_2028})
        self.assertEqual(set(orders.mapped("order_type")), {"preventive"})
        self.assertEqual(set(orders.mapped("duration_estimate")), {2.5})
        self.assertEqual(plan.next_date, date(2028, 4, 30))
        self.assertEqual(plan.next_occurrence, 3)

    def test_yearly_plan_from_february_29(self):
        plan = self._plan(start_date="2028-02-29", interval_number=12)
        self.assertEqual(
            [plan._due_date(n) for n in range(5)],
            [date(2028, 2, 29), date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)],
        )

    def test_daily_and_weekly_plans(self):
        daily = self._plan(start_date="2028-02-25", interval_type="day", interval_number=10)
        self.assertEqual(daily._due_date(1), date(2028, 3, 6))  # over Feb 29
        weekly = self._plan(start_date="2028-02-25", interval_type="week", interval_number=2)
        orders = weekly._fse_generate_orders(date(2028, 2, 20))
        self.assertEqual(len(orders), 2 * 7, "every other week up to 2028-05-30: 7 visits x 2 machines")
        self.assertEqual(max(orders.mapped("plan_due_date")), date(2028, 5, 19))

    def test_rerun_creates_nothing_even_after_a_reset(self):
        plan = self._plan(start_date="2028-01-31")
        first = plan._fse_generate_orders(date(2028, 1, 20))
        self.assertFalse(plan._fse_generate_orders(date(2028, 1, 20)), "nothing left in the horizon")
        # Someone moves the plan back to its first occurrence: the visits exist, none is added.
        plan.write({"next_occurrence": 0, "next_date": "2028-01-31"})
        self.assertFalse(plan._fse_generate_orders(date(2028, 1, 20)))
        self.assertEqual(plan.work_order_ids, first)
        # And the database itself refuses a second visit for the same plan, machine and occurrence.
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            first[0].copy({"plan_id": plan.id, "plan_occurrence": first[0].plan_occurrence})
            self.env.flush_all()

    def test_kit_machine_added_mid_term_and_decommissioned_machine(self):
        plan = self._plan(
            start_date="2028-01-15",
            part_ids=[Command.create({"product_id": self.kit_part.id, "quantity": 2})],
        )
        third = self.env["fse.installation"].create({"partner_id": self.customer.id, "name": "Third Unit"})
        self.contract_2028.coverage_ids = [Command.create({"installation_id": third.id, "date_from": "2028-03-01"})]
        self.second.action_decommission()
        orders = plan._fse_generate_orders(date(2028, 1, 10))  # Jan 15, Feb 15, Mar 15, Apr 15
        by_machine = {m: orders.filtered(lambda o, m=m: o.installation_id == m) for m in orders.installation_id}
        self.assertEqual(len(by_machine[self.installation]), 4)
        self.assertEqual(sorted(by_machine[third].mapped("plan_due_date")), [date(2028, 3, 15), date(2028, 4, 15)])
        self.assertNotIn(self.second, by_machine, "a decommissioned machine gets no visit")
        self.assertEqual(orders[0].part_line_ids.mapped("quantity"), [2.0])
        self.assertEqual(orders[0].part_line_ids.product_id, self.kit_part)

    def test_plan_stops_at_the_contract_end(self):
        plan = self._plan(start_date="2030-10-31", interval_number=1)
        orders = plan._fse_generate_orders(date(2030, 10, 1))
        self.assertEqual(
            sorted(set(orders.mapped("plan_due_date"))), [date(2030, 10, 31), date(2030, 11, 30), date(2030, 12, 31)]
        )
        self.assertFalse(plan.next_date, "the contract ends on 2030-12-31: no visit after it")

    def test_meter_plan_forecast_and_threshold(self):
        plan = self.env["fse.maintenance.plan"].create(
            {
                "name": "Every 500 h",
                "installation_id": self.installation.id,
                "contract_id": self.contract_2028.id,
                "interval_type": "counter",
                "counter_interval": 500,
            }
        )
        Reading = self.env["fse.meter.reading"]
        Reading.create({"installation_id": self.installation.id, "date": "2028-01-01", "value": 100})
        Reading.create({"installation_id": self.installation.id, "date": "2028-01-11", "value": 300})
        # 20 h a day: 500 h is reached on 2028-01-21.
        self.assertEqual(plan.next_date, date(2028, 1, 21))
        self.assertEqual(self.installation.meter_value, 300)
        self.company.fse_plan_horizon_days = 5
        self.assertFalse(plan._fse_generate_orders(date(2028, 1, 12)), "beyond a 5-day horizon")
        self.company.fse_plan_horizon_days = 30
        first = plan._fse_generate_orders(date(2028, 1, 12))
        self.assertRecordValues(first, [{"plan_occurrence": 1, "plan_due_date": date(2028, 1, 21)}])
        self.assertFalse(plan._fse_generate_orders(date(2028, 1, 12)))
        # The meter jumps past 1000 h: one visit for the 1000 h threshold, due on that reading.
        Reading.create({"installation_id": self.installation.id, "date": "2028-02-01", "value": 1300})
        self.company.fse_plan_horizon_days = 3
        second = plan._fse_generate_orders(date(2028, 2, 1))
        self.assertRecordValues(second, [{"plan_occurrence": 2, "plan_due_date": date(2028, 2, 1)}])
        self.assertFalse(plan._fse_generate_orders(date(2028, 2, 1)))
        # (1300 - 100) h in 31 days: 1500 h is forecast 6 days later, inside a 30-day horizon.
        self.assertEqual(plan.next_date, date(2028, 2, 7))
        self.company.fse_plan_horizon_days = 30
        third = plan._fse_generate_orders(date(2028, 2, 1))
        self.assertRecordValues(third, [{"plan_occurrence": 3, "plan_due_date": date(2028, 2, 7)}])
        with self.assertRaisesRegex(ValidationError, "readings only go up"):
            Reading.create({"installation_id": self.installation.id, "date": "2028-02-02", "value": 900})

    def test_plan_needs_a_target(self):
        with self.assertRaisesRegex(ValidationError, "needs a contract or a machine"):
            self.env["fse.maintenance.plan"].create({"name": "Nowhere", "start_date": "2028-01-01"})
