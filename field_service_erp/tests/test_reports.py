from datetime import datetime

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import FseCommon


class FseReportCommon(FseCommon):
    """A known month of work (March 2026) for two technicians and two customers, with
    working calendars, time off, parts and a return, plus a second company.

    Calendars: the company works Mon-Fri 8-12 and 13-17 in Brussels time (a lunch break
    between); a company-wide day off on Monday 9 March. Tech B has his own resource on a
    part-time calendar (Mon-Wed 8-12 UTC) and two hours off on Tuesday 10 March.

    Orders (create, start, done are forced to known times):
      O1 corrective, machine 1, Tech A: reported 1 Mar 10:00, started 2 Mar 08:00, done 2 Mar 12:00;
         3 h work + 1 h travel on 2 Mar; 3 filters consumed, 1 returned.
      O2 corrective, machine 1, Tech A: reported 21 Mar 10:00, started 12:00, done 16:00; 2 h work.
      O3 preventive, machine 2 (customer 2), Tech B: reported 3 Mar 08:00, started 10:00, done 11:00;
         3 h work + 0.5 h travel on 3 Mar.
      OB corrective in company B, Tech C: 2 h work on 4 Mar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Calendar = env["resource.calendar"]
        week = [str(day) for day in range(5)]
        cls.fulltime = Calendar.create(
            {
                "name": "FS Full Time",
                "tz": "Europe/Brussels",
                "attendance_ids": [
                    Command.create({"name": n, "dayofweek": d, "hour_from": f, "hour_to": t, "day_period": p})
                    for d in week
                    for n, f, t, p in (
                        ("AM", 8, 12, "morning"),
                        ("Lunch", 12, 13, "lunch"),
                        ("PM", 13, 17, "afternoon"),
                    )
                ],
            }
        )
        cls.parttime = Calendar.create(
            {
                "name": "FS Part Time",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {"name": "AM", "dayofweek": d, "hour_from": 8, "hour_to": 12, "day_period": "morning"}
                    )
                    for d in ("0", "1", "2")
                ],
            }
        )
        cls.company.resource_calendar_id = cls.fulltime
        Leave = env["resource.calendar.leaves"]
        # 08:00-17:00 in Brussels (UTC+1 in March) is 07:00-16:00 UTC.
        Leave.create(
            {
                "name": "Company day off",
                "calendar_id": cls.fulltime.id,
                "date_from": datetime(2026, 3, 9, 7, 0),
                "date_to": datetime(2026, 3, 9, 16, 0),
            }
        )
        resource_b = env["resource.resource"].create(
            {"name": "Tech B", "user_id": cls.tech_b.id, "calendar_id": cls.parttime.id, "company_id": cls.company.id}
        )
        Leave.create(
            {
                "name": "Dentist",
                "resource_id": resource_b.id,
                "calendar_id": cls.parttime.id,
                "date_from": datetime(2026, 3, 10, 8, 0),
                "date_to": datetime(2026, 3, 10, 10, 0),
            }
        )
        cls.team = env["fse.team"].create({"name": "North", "member_ids": [Command.link(cls.tech.id)]})
        # A second customer with an older machine whose warranty is over.
        cls.customer2 = env["res.partner"].create({"name": "Second Customer BV", "is_company": True})
        cls.chiller = env["product.product"].create({"name": "Test Chiller", "type": "consu"})
        cls.installation2 = env["fse.installation"].create(
            {
                "partner_id": cls.customer2.id,
                "product_id": cls.chiller.id,
                "installation_date": "2024-05-01",
                "warranty_end_date": "2025-12-31",
            }
        )
        # Parts: Tech A's van holds filters at 10.00 each.
        cls.tech.action_fse_create_van()
        cls.van = cls.tech.fse_van_location_id
        cls.part = env["product.product"].create({"name": "Report Filter", "is_storable": True, "standard_price": 10.0})
        env["stock.quant"]._update_available_quantity(cls.part, cls.van, 10)

        cls.o1 = cls._order(
            labor_line_ids=[
                cls._labor(3, cls.tech, "2026-03-02"),
                Command.create(
                    {"technician_id": cls.tech.id, "hours": 1, "date": "2026-03-02", "labor_type": "travel"}
                ),
            ],
            part_line_ids=[Command.create({"product_id": cls.part.id, "quantity": 3})],
        )
        cls.o1.action_start()
        cls.o1.action_consume_parts()
        cls.o1.part_line_ids.quantity = 2  # one filter goes back to the van
        cls.o1.action_complete()
        cls.o2 = cls._order(labor_line_ids=[cls._labor(2, cls.tech, "2026-03-21")])
        cls.o2.action_start()
        cls.o2.action_complete()
        cls.o3 = cls._order(
            partner_id=cls.customer2.id,
            installation_id=cls.installation2.id,
            order_type="preventive",
            technician_id=cls.tech_b.id,
            labor_line_ids=[
                cls._labor(3, cls.tech_b, "2026-03-03"),
                Command.create(
                    {"technician_id": cls.tech_b.id, "hours": 0.5, "date": "2026-03-03", "labor_type": "travel"}
                ),
            ],
        )
        cls.o3.action_start()
        cls.o3.action_complete()
        cls._set_times(cls.o1, "2026-03-01 10:00", "2026-03-02 08:00", "2026-03-02 12:00")
        cls._set_times(cls.o2, "2026-03-21 10:00", "2026-03-21 12:00", "2026-03-21 16:00")
        cls._set_times(cls.o3, "2026-03-03 08:00", "2026-03-03 10:00", "2026-03-03 11:00")

        # Company B: its own customer, machine, technician and dispatcher.
        cls.company_b = env["res.company"].create({"name": "FS Company B"})
        cls.tech_c = new_test_user(
            env,
            login="fse_tech_c",
            name="Tech C",
            groups="field_service_erp.group_fse_technician",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.dispatcher_b = new_test_user(
            env,
            login="fse_dispatcher_b",
            name="Dispatcher B",
            groups="field_service_erp.group_fse_dispatcher",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.customer_b = env["res.partner"].create({"name": "Customer of B", "company_id": cls.company_b.id})
        cls.installation_b = env["fse.installation"].create(
            {"partner_id": cls.customer_b.id, "product_id": cls.chiller.id, "company_id": cls.company_b.id}
        )
        cls.order_b = (
            env["fse.work.order"]
            .with_company(cls.company_b)
            .create(
                {
                    "partner_id": cls.customer_b.id,
                    "installation_id": cls.installation_b.id,
                    "technician_id": cls.tech_c.id,
                    "company_id": cls.company_b.id,
                    "labor_line_ids": [cls._labor(2, cls.tech_c, "2026-03-04")],
                }
            )
        )
        cls.order_b.with_company(cls.company_b).action_start()
        cls.order_b.with_company(cls.company_b).action_complete()
        env.flush_all()

    @classmethod
    def _set_times(cls, order, created, started, done):
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE fse_work_order SET create_date = %s, date_reported = %s, date_started = %s, date_done = %s "
            "WHERE id = %s",
            (created, created, started, done, order.id),
        )
        cls.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestServiceReports(FseReportCommon):
    MARCH = [("date", ">=", "2026-03-01"), ("date", "<=", "2026-03-31")]

    def _group(self, model, domain, groupby, aggregates):
        self.env.flush_all()
        return self.env[model]._read_group(domain, groupby, aggregates)

    def test_team_follows_technician(self):
        self.assertEqual(self.o1.team_id, self.team)
        self.assertFalse(self.o3.team_id)

    def test_consumption_net_of_returns(self):
        rows = self.env["fse.report.consumption"].search([("order_id", "=", self.o1.id)])
        self.assertRecordValues(
            rows.sorted("quantity"),
            [
                {"is_return": True, "quantity": -1.0, "cost": -10.0, "location_id": self.van.id},
                {"is_return": False, "quantity": 3.0, "cost": 30.0, "location_id": self.van.id},
            ],
        )
        self.assertEqual(rows.mapped("partner_id"), self.customer)
        self.assertEqual(rows.mapped("installation_id"), self.installation)
        self.assertEqual(rows.mapped("team_id"), self.team)
        self.assertEqual(rows.mapped("categ_id"), self.part.categ_id)
        by_product = self._group(
            "fse.report.consumption", [("product_id", "=", self.part.id)], ["product_id"], ["quantity:sum", "cost:sum"]
        )
        self.assertEqual(by_product, [(self.part, 2.0, 20.0)])
        self.assertEqual(self.o1.parts_cost, 20.0)  # the same figure as the order's own
        action = rows[0].action_open_work_order()
        self.assertEqual((action["res_model"], action["res_id"]), ("fse.work.order", self.o1.id))
        self.assertEqual(rows[0].action_open_move()["res_model"], "stock.move")

    def test_available_hours_follow_calendars_and_leaves(self):
        domain = [("technician_id", "in", [self.tech.id, self.tech_b.id]), *self.MARCH]
        rows = self._group(
            "fse.report.utilisation",
            domain,
            ["technician_id"],
            ["hours_available:sum", "hours_logged:sum", "hours_travel:sum", "utilisation:avg"],
        )
        result = {tech: values for tech, *values in rows}
        # Tech A: 22 weekdays x 8 h (lunch excluded) minus the company day off = 168 h; 6 h logged.
        hours_a, logged_a, travel_a, util_a = result[self.tech]
        self.assertAlmostEqual(hours_a, 168.0, places=6)
        self.assertEqual((logged_a, travel_a), (6.0, 1.0))
        self.assertAlmostEqual(util_a, 100 * 6 / 168, places=6)
        # Tech B: 14 Mon-Wed mornings x 4 h minus 2 h off = 54 h (the company day off is not on his calendar).
        hours_b, logged_b, travel_b, util_b = result[self.tech_b]
        self.assertAlmostEqual(hours_b, 54.0, places=6)
        self.assertEqual((logged_b, travel_b), (3.5, 0.5))
        self.assertAlmostEqual(util_b, 100 * 3.5 / 54, places=6)
        # Ratios are ratios of sums at every level, not averages of ratios.
        [(util_all,)] = self._group("fse.report.utilisation", domain, [], ["utilisation:avg"])
        self.assertAlmostEqual(util_all, 100 * 9.5 / 222, places=6)
        # One day: the day off has no available hours; a normal Monday has 8.
        day_off = self._group(
            "fse.report.utilisation",
            [("technician_id", "=", self.tech.id), ("date", "=", "2026-03-09")],
            [],
            ["hours_available:sum"],
        )
        self.assertEqual(day_off, [(0.0,)])
        monday = self._group(
            "fse.report.utilisation",
            [("technician_id", "=", self.tech.id), ("date", "=", "2026-03-16")],
            [],
            ["hours_available:sum"],
        )
        self.assertAlmostEqual(monday[0][0], 8.0, places=6)

    def test_week_of_time_off(self):
        resource = self.env["resource.resource"].create(
            {"name": "Tech A", "user_id": self.tech.id, "calendar_id": self.fulltime.id, "company_id": self.company.id}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "resource_id": resource.id,
                "calendar_id": self.fulltime.id,
                "date_from": datetime(2026, 4, 6, 0, 0),
                "date_to": datetime(2026, 4, 10, 20, 0),
            }
        )
        week = [("technician_id", "=", self.tech.id), ("date", ">=", "2026-04-06"), ("date", "<=", "2026-04-12")]
        self.assertEqual(self._group("fse.report.utilisation", week, [], ["hours_available:sum"]), [(0.0,)])
        next_week = [("technician_id", "=", self.tech.id), ("date", ">=", "2026-04-13"), ("date", "<=", "2026-04-19")]
        [(hours,)] = self._group("fse.report.utilisation", next_week, [], ["hours_available:sum"])
        self.assertAlmostEqual(hours, 40.0, places=6)  # 5 x 8 h in Brussels summer time

    def test_first_time_fix_travel_and_response(self):
        domain = [("technician_id", "in", [self.tech.id, self.tech_b.id]), *self.MARCH]
        aggregates = [
            "corrective_count:sum",
            "first_time_fix_count:sum",
            "first_time_fix_rate:avg",
            "avg_travel_hours:avg",
            "avg_response_hours:avg",
        ]
        grouped = self._group("fse.report.utilisation", domain, ["technician_id"], aggregates)
        rows = {tech: values for tech, *values in grouped}
        # O1 was followed by O2 on the same machine 19 days after completion: not fixed the first time.
        self.assertEqual(rows[self.tech][:3], [2, 1, 50.0])
        self.assertAlmostEqual(rows[self.tech][3], 1.0)  # one travel line of 1 h
        self.assertAlmostEqual(rows[self.tech][4], (22 + 2) / 2)  # O1 22 h, O2 2 h
        self.assertEqual(rows[self.tech_b][:3], [0, 0, 0.0])
        self.assertAlmostEqual(rows[self.tech_b][4], 2.0)
        [(travel_all, response_all)] = self._group(
            "fse.report.utilisation", domain, [], ["avg_travel_hours:avg", "avg_response_hours:avg"]
        )
        self.assertAlmostEqual(travel_all, 0.75)
        self.assertAlmostEqual(response_all, (22 + 2 + 2) / 3)
        # The pivot (web client) path gives the same ratio.
        [group] = self.env["fse.report.utilisation"].formatted_read_group(
            [("technician_id", "=", self.tech.id), *self.MARCH], [], ["first_time_fix_rate:avg"]
        )
        self.assertEqual(group["first_time_fix_rate:avg"], 50.0)

    def test_installed_base_health(self):
        domain = [("installation_id", "in", [self.installation.id, self.installation2.id])]
        aggregates = [
            "machine_count:sum",
            "order_count:sum",
            "corrective_count:sum",
            "avg_downtime_hours:avg",
            "mtbf_days:avg",
            "out_of_warranty_count:sum",
            "uncovered_count:sum",
            "exposed_count:sum",
        ]
        rows = {
            inst: values
            for inst, *values in self._group("fse.report.installation", domain, ["installation_id"], aggregates)
        }
        # Machine 1: O1 down 26 h, O2 down 6 h; 20 days between the two failures; under warranty.
        self.assertEqual(rows[self.installation], [1, 2, 2, 16.0, 20.0, 0, 1, 0])
        # Machine 2: one preventive order, warranty over, no contract.
        self.assertEqual(rows[self.installation2], [1, 1, 0, 0.0, 0.0, 1, 1, 1])
        by_model = {
            model: values
            for model, *values in self._group(
                "fse.report.installation", domain, ["product_id"], ["machine_count:sum", "order_count:sum"]
            )
        }
        self.assertEqual(by_model, {self.machine_product: [1, 2], self.chiller: [1, 1]})
        line = self.env["fse.report.installation"].search([("order_id", "=", self.o2.id)])
        self.assertAlmostEqual(line.failure_interval_days, 20.0)
        self.assertEqual(line.action_open_installation()["res_id"], self.installation.id)

    def test_multi_company_isolation(self):
        self.env.flush_all()
        for model in ("fse.report.consumption", "fse.report.utilisation", "fse.report.installation"):
            as_b = self.env[model].with_user(self.dispatcher_b).search([])
            self.assertFalse(as_b.filtered(lambda row: row.company_id != self.company_b), model)
            as_a = self.env[model].with_user(self.dispatcher).search([("company_id", "=", self.company_b.id)])
            self.assertFalse(as_a, model)
        rows_b = (
            self.env["fse.report.utilisation"]
            .with_user(self.dispatcher_b)
            ._read_group([], ["technician_id"], ["hours_logged:sum"])
        )
        self.assertEqual(rows_b, [(self.tech_c, 2.0)])
        health_b = self.env["fse.report.installation"].with_user(self.dispatcher_b).search([])
        self.assertEqual(health_b.installation_id, self.installation_b)

    def test_technicians_have_no_access(self):
        for model in ("fse.report.consumption", "fse.report.utilisation", "fse.report.installation"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.tech).search([])
            self.assertTrue(self.env[model].with_user(self.dispatcher).search_count([]))
