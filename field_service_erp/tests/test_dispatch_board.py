import uuid
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..models import fse_dispatch_board
from .common import FseCommon, FseConcurrentCase, FseJson2Mixin

MONDAY = datetime(2026, 3, 2)  # the board's week in these tests: Monday 2 to Sunday 8 March 2026


def s(moment):
    return fields.Datetime.to_string(moment)


class BoardCase(FseCommon):
    """Two technicians on an 8-12 / 13-17 week (UTC), Tech B off on Wednesday, a public
    holiday on Friday, one skill that Tech A has and Tech B lacks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Field week",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create({"name": f"{day} {a}", "dayofweek": str(day), "hour_from": a, "hour_to": b})
                    for day in range(5)
                    for a, b in ((8, 12), (13, 17))
                ],
            }
        )
        cls.env["res.users"].browse((cls.tech | cls.tech_b).ids).action_fse_create_resource()
        cls.resources = cls.env["resource.resource"].search([("user_id", "in", (cls.tech | cls.tech_b).ids)])
        cls.resources.write({"calendar_id": cls.calendar.id, "tz": "UTC"})
        cls.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Dentist",
                    "resource_id": cls.resources.filtered(lambda r: r.user_id == cls.tech_b).id,
                    "calendar_id": cls.calendar.id,
                    "date_from": MONDAY + timedelta(days=2),
                    "date_to": MONDAY + timedelta(days=2, hours=23, minutes=59),
                },
                {
                    "name": "Spring holiday",
                    "calendar_id": cls.calendar.id,
                    "date_from": MONDAY + timedelta(days=4),
                    "date_to": MONDAY + timedelta(days=4, hours=23, minutes=59),
                },
            ]
        )
        cls.fgas = cls.env["fse.skill"].create({"name": "F-gas (test)", "technician_ids": [Command.set(cls.tech.ids)]})
        cls.board = cls.env["fse.work.order"].with_user(cls.dispatcher)

    def _data(self, **filters):
        return self.board.fse_board_data(s(MONDAY), s(MONDAY + timedelta(days=7)), filters)

    def _lane(self, data, user):
        return next(lane for lane in data["lanes"] if lane["id"] == user.id)

    def _codes(self, card):
        return sorted(conflict["code"] for conflict in card["conflicts"])


class TestBoardData(BoardCase):
    def test_lanes_shade_working_hours_and_time_off(self):
        data = self._data()
        lane_a, lane_b = self._lane(data, self.tech), self._lane(data, self.tech_b)
        # Monday to Thursday twice a day; Friday is the public holiday.
        self.assertEqual(len(lane_a["work"]), 8)
        self.assertEqual(lane_a["work"][0], ["2026-03-02 08:00:00", "2026-03-02 12:00:00"])
        self.assertEqual(lane_a["work"][-1], ["2026-03-05 13:00:00", "2026-03-05 17:00:00"])
        # Tech B is off on Wednesday too; his own reason stays private, the holiday is named.
        self.assertEqual(len(lane_b["work"]), 6)
        self.assertNotIn("2026-03-04", " ".join(start for start, _end in lane_b["work"]))
        reasons = {leave[0][:10]: leave[2] for leave in lane_b["leaves"]}
        self.assertEqual(reasons, {"2026-03-04": "Time off", "2026-03-06": "Spring holiday"})
        self.assertEqual(lane_b["skill_names"], [])
        self.assertEqual(lane_a["skill_names"], ["F-gas (test)"])
        # The dispatcher plans; he gets no lane of his own.
        self.assertNotIn(self.dispatcher.id, [lane["id"] for lane in data["lanes"]])

    def test_filters_by_team_and_skill(self):
        team = self.env["fse.team"].create({"name": "North (test)", "member_ids": [Command.set(self.tech_b.ids)]})
        ids = [lane["id"] for lane in self._data(team_ids=team.ids)["lanes"]]
        self.assertEqual(ids, self.tech_b.ids)
        ids = [lane["id"] for lane in self._data(skill_ids=self.fgas.ids)["lanes"]]
        self.assertEqual(ids, self.tech.ids)

    def test_cards_and_queue(self):
        planned = self._order(scheduled_start=MONDAY + timedelta(hours=9), scheduled_end=MONDAY + timedelta(hours=11))
        planned.action_schedule()
        old_call = self._order(technician_id=False, scheduled_start=False, scheduled_end=False, priority="2")
        new_call = self._order(technician_id=False, scheduled_start=False, scheduled_end=False, duration_estimate=3)
        no_date = self._order(scheduled_start=False, scheduled_end=False)
        cancelled = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        cancelled.action_cancel()
        data = self._data()
        card = next(c for c in data["orders"] if c["id"] == planned.id)
        self.assertEqual(card["partner"], "Test Customer NV")
        self.assertEqual(card["machine"], self.installation.name)
        self.assertEqual(card["serial"], "SN-0001")
        self.assertEqual(
            (card["start"], card["end"], card["hours"]), ("2026-03-02 09:00:00", "2026-03-02 11:00:00", 2.0)
        )
        self.assertEqual((card["state"], card["movable"], card["conflicts"]), ("scheduled", True, []))
        ours = (old_call | new_call | no_date | cancelled).ids
        queue = [c["id"] for c in data["queue"] if c["id"] in ours]
        # Without SLA the most urgent first, then the oldest call; cancelled orders never queue.
        self.assertEqual(queue, [old_call.id, new_call.id, no_date.id])
        self.assertNotIn(cancelled.id, queue)
        self.assertEqual(next(c for c in data["queue"] if c["id"] == new_call.id)["hours"], 3.0)
        self.assertEqual(next(c for c in data["queue"] if c["id"] == old_call.id)["priority_label"], "Urgent")
        searched = [c for c in self._data(search="SN-0001")["queue"] if c["id"] in ours]
        self.assertEqual({c["id"] for c in searched}, {old_call.id, new_call.id, no_date.id})
        self.assertEqual(self._data(search="no such machine")["queue"], [])

    def test_queue_limit_keeps_the_most_pressing(self):
        self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        urgent = self._order(technician_id=False, scheduled_start=False, scheduled_end=False, priority="2")
        with patch.object(fse_dispatch_board, "QUEUE_LIMIT", 1):
            queue = self._data(search="SN-0001")["queue"]
        self.assertEqual([c["id"] for c in queue], urgent.ids, "the newer but urgent call, not the oldest id")

    def test_sla_levels(self):
        contract = self.env["fse.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": "2026-01-01",
                "term_months": 12,
                "sla_response_hours": 4,
                "resource_calendar_id": self.calendar.id,
                "coverage_ids": [Command.create({"installation_id": self.installation.id})],
            }
        )
        contract.action_confirm()
        now = datetime(2026, 3, 2, 8, 0)
        Board = self.env["fse.dispatch.board"]
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False, date_reported=now)
        self.assertTrue(order.sla_deadline)
        self.assertEqual(Board._sla_level(order, now), "ok")
        self.assertEqual(Board._sla_level(order, order.sla_deadline - timedelta(hours=1)), "risk")
        self.assertEqual(Board._sla_level(order, order.sla_deadline + timedelta(minutes=1)), "breached")
        order.scheduled_start = order.sla_deadline + timedelta(hours=1)
        self.assertEqual(Board._sla_level(order, now), "risk", "planned to start after the deadline")

    def test_constant_queries(self):
        """The data method's queries do not grow with technicians and orders (they grow with
        the number of distinct working-hours calendars, one batch each)."""

        def count():
            self.env.invalidate_all()
            self.env.registry.clear_cache()
            self._data()  # warm the caches of groups and translations
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self._data()
            return self.cr.sql_log_count - before

        self._order(scheduled_start=MONDAY + timedelta(hours=9), scheduled_end=MONDAY + timedelta(hours=10))
        self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        small = count()
        for i in range(6):
            user = new_test_user(self.env, login=f"fse_board_q{i}", groups="field_service_erp.group_fse_technician")
            user.action_fse_create_resource()
            user.resource_ids.write({"calendar_id": self.calendar.id, "tz": "UTC"})
            for day in range(3):
                start = MONDAY + timedelta(days=day, hours=9)
                self._order(technician_id=user.id, scheduled_start=start, scheduled_end=start + timedelta(hours=1))
            self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        self.assertEqual(count(), small)


class TestBoardConflicts(BoardCase):
    def _conflicts(self, order, technician, start, hours=2):
        Board = self.env["fse.dispatch.board"].with_user(self.dispatcher)
        found = Board._conflicts([(order, technician, start, start + timedelta(hours=hours))])
        return sorted(c["code"] for c in found.get(order, []))

    def test_each_rule(self):
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        monday_9 = MONDAY + timedelta(hours=9)
        self.assertEqual(self._conflicts(order, self.tech, monday_9), [])
        self._order(scheduled_start=monday_9 + timedelta(hours=1), scheduled_end=monday_9 + timedelta(hours=3))
        self.assertEqual(self._conflicts(order, self.tech, monday_9), ["overlap"])
        self.assertEqual(self._conflicts(order, self.tech, MONDAY + timedelta(hours=16)), ["outside_hours"])
        self.assertEqual(self._conflicts(order, self.tech_b, MONDAY + timedelta(hours=11)), ["outside_hours"], "lunch")
        self.assertEqual(self._conflicts(order, self.tech_b, MONDAY + timedelta(days=2, hours=9)), ["time_off"])
        self.assertEqual(self._conflicts(order, self.tech, MONDAY + timedelta(days=4, hours=9)), ["time_off"])
        self.assertEqual(self._conflicts(order, self.tech, MONDAY + timedelta(days=5, hours=9)), ["outside_hours"])
        order.skill_ids = self.fgas
        self.assertEqual(self._conflicts(order, self.tech_b, MONDAY + timedelta(hours=13)), ["skill"])
        team = self.env["fse.team"].create({"name": "South (test)", "member_ids": [Command.set(self.tech.ids)]})
        order.team_id = team
        self.assertEqual(self._conflicts(order, self.tech_b, MONDAY + timedelta(hours=13)), ["skill", "team"])

    def test_other_company_blocks(self):
        other = self.env["res.company"].create({"name": "Other Service Co (test)"})
        outsider = new_test_user(
            self.env,
            login="fse_board_outsider",
            groups="field_service_erp.group_fse_technician",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        Board = self.env["fse.dispatch.board"]
        found = Board._conflicts([(order, outsider, MONDAY, MONDAY + timedelta(hours=1))])[order]
        self.assertEqual([(c["code"], c["blocking"]) for c in found if c["code"] == "company"], [("company", True)])
        with self.assertRaisesRegex(UserError, "does not work for"), self.cr.savepoint():
            order.with_user(self.dispatcher).fse_board_plan(outsider.id, s(MONDAY + timedelta(hours=9)), False, True)
        self.assertFalse(order.technician_id)

    def test_cards_keep_their_badge(self):
        order = self._order(scheduled_start=MONDAY + timedelta(hours=16), scheduled_end=MONDAY + timedelta(hours=18))
        card = next(c for c in self._data()["orders"] if c["id"] == order.id)
        self.assertEqual(self._codes(card), ["outside_hours"])


class TestBoardPlanning(BoardCase):
    def test_drop_from_queue_assigns_and_schedules(self):
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False, duration_estimate=1.5)
        result = order.with_user(self.dispatcher).fse_board_plan(self.tech.id, s(MONDAY + timedelta(hours=8)))
        self.assertEqual(result["status"], "done")
        self.assertEqual(order.technician_id, self.tech)
        self.assertEqual(
            (order.scheduled_start, order.scheduled_end),
            (MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=9, minutes=30)),
        )
        self.assertEqual(order.state, "scheduled")
        self.assertEqual(result["card"]["technician_id"], self.tech.id)
        self.assertEqual(result["undo"]["planned"]["technician_id"], self.tech.id)
        # The same drop again (a double click, a retry) changes nothing more.
        again = order.with_user(self.dispatcher).fse_board_plan(self.tech.id, s(MONDAY + timedelta(hours=8)))
        self.assertEqual((again["status"], again["undo"]), ("done", False))
        self.assertEqual(order.scheduled_end, MONDAY + timedelta(hours=9, minutes=30))
        # Undo: back in the queue as it was.
        order.with_user(self.dispatcher).fse_board_undo(result["undo"])
        self.assertEqual(
            (order.state, order.technician_id, order.scheduled_start), ("draft", self.env["res.users"], False)
        )

    def test_conflict_needs_confirmation_and_leaves_a_trace(self):
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        order.skill_ids = self.fgas
        messages = len(order.message_ids)
        result = order.with_user(self.dispatcher).fse_board_plan(self.tech_b.id, s(MONDAY + timedelta(hours=9)))
        self.assertEqual(result["status"], "confirm")
        self.assertEqual([c["code"] for c in result["conflicts"]], ["skill"])
        self.assertFalse(order.technician_id, "nothing is written before the dispatcher confirms")
        self.assertEqual(order.state, "draft")
        self.assertEqual(len(order.message_ids), messages)
        result = order.with_user(self.dispatcher).fse_board_plan(
            self.tech_b.id, s(MONDAY + timedelta(hours=9)), False, True
        )
        self.assertEqual(result["status"], "done")
        self.assertEqual(order.technician_id, self.tech_b)
        self.assertEqual(self._codes(result["card"]), ["skill"], "the card keeps its warning badge")
        self.assertIn("despite", order.message_ids[:1].body)

    def test_move_reassign_and_resize(self):
        order = self._order(scheduled_start=MONDAY + timedelta(hours=8), scheduled_end=MONDAY + timedelta(hours=10))
        order.action_schedule()
        plan = order.with_user(self.dispatcher).fse_board_plan
        plan(self.tech_b.id, s(MONDAY + timedelta(hours=13)), s(MONDAY + timedelta(hours=15)))
        self.assertEqual((order.technician_id, order.scheduled_start), (self.tech_b, MONDAY + timedelta(hours=13)))
        plan(self.tech_b.id, s(MONDAY + timedelta(hours=13)), s(MONDAY + timedelta(hours=16)))
        self.assertEqual(order.scheduled_end, MONDAY + timedelta(hours=16))
        self.assertEqual(order.state, "scheduled")
        with self.assertRaisesRegex(UserError, "end after it starts"), self.cr.savepoint():
            plan(self.tech_b.id, s(MONDAY + timedelta(hours=13)), s(MONDAY + timedelta(hours=12)))
        self.assertEqual(order.scheduled_end, MONDAY + timedelta(hours=16))

    def test_started_and_closed_orders_stay(self):
        order = self._order(scheduled_start=MONDAY + timedelta(hours=8), scheduled_end=MONDAY + timedelta(hours=10))
        order.with_user(self.tech).action_start()
        for state in ("in_progress", "done"):
            order.state = state
            with self.assertRaisesRegex(UserError, "only draft and scheduled"), self.cr.savepoint():
                order.with_user(self.dispatcher).fse_board_plan(self.tech_b.id, s(MONDAY + timedelta(hours=13)))
            self.assertEqual((order.technician_id, order.scheduled_start), (self.tech, MONDAY + timedelta(hours=8)))

    def test_not_a_technician_lane(self):
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        accountant = new_test_user(self.env, login="fse_board_acc", groups="base.group_user")
        with self.assertRaisesRegex(UserError, "technician's lane"), self.cr.savepoint():
            order.with_user(self.dispatcher).fse_board_plan(accountant.id, s(MONDAY + timedelta(hours=9)))
        self.assertFalse(order.technician_id)

    def test_only_technicians_are_assigned_whoever_writes(self):
        """Outside the board too: the form's domain is not the rule, the constraint is."""
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        accountant = new_test_user(self.env, login="fse_board_acc3", groups="base.group_user")
        portal = new_test_user(self.env, login="fse_board_portal", groups="base.group_portal")
        former = new_test_user(self.env, login="fse_board_former", groups="field_service_erp.group_fse_technician")
        former.active = False
        for user in (accountant, portal, former):
            with self.assertRaisesRegex(ValidationError, "not an active field-service technician"), self.cr.savepoint():
                order.with_user(self.dispatcher).write({"technician_id": user.id})
            self.assertFalse(order.technician_id)
        order.with_user(self.dispatcher).write({"technician_id": self.tech.id})
        self.assertEqual(order.technician_id, self.tech)

    def test_technician_cannot_plan(self):
        order = self._order(scheduled_start=MONDAY + timedelta(hours=8), scheduled_end=MONDAY + timedelta(hours=10))
        for call in (
            lambda: order.with_user(self.tech).fse_board_plan(self.tech.id, s(MONDAY + timedelta(hours=13))),
            lambda: order.with_user(self.tech).fse_board_data(s(MONDAY), s(MONDAY + timedelta(days=7))),
            lambda: order.with_user(self.tech).fse_board_undo({"order_id": order.id, "technician_id": False}),
        ):
            with self.assertRaises(AccessError), self.cr.savepoint():
                call()
        self.assertEqual((order.technician_id, order.scheduled_start), (self.tech, MONDAY + timedelta(hours=8)))

    def test_moved_by_a_colleague_meanwhile(self):
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        plan = order.with_user(self.dispatcher).fse_board_plan
        seen = {"technician_id": False, "start": False, "end": False}
        first = plan(self.tech.id, s(MONDAY + timedelta(hours=8)), False, False, seen)
        self.assertEqual(first["status"], "done")
        # A second dispatcher still saw it in the queue and drops it on Tech B.
        with self.assertRaisesRegex(UserError, "someone else meanwhile"), self.cr.savepoint():
            plan(self.tech_b.id, s(MONDAY + timedelta(hours=13)), False, True, seen)
        self.assertEqual((order.technician_id, order.scheduled_start), (self.tech, MONDAY + timedelta(hours=8)))
        # Once moved again, the first drop's undo no longer applies.
        plan(self.tech_b.id, s(MONDAY + timedelta(hours=13)), False, True, first["undo"]["planned"])
        with self.assertRaisesRegex(UserError, "nothing to undo"), self.cr.savepoint():
            order.with_user(self.dispatcher).fse_board_undo(first["undo"])
        self.assertEqual((order.technician_id, order.state), (self.tech_b, "scheduled"))

    def test_bad_input(self):
        order = self._order(technician_id=False, scheduled_start=False, scheduled_end=False)
        board = order.with_user(self.dispatcher)
        for call, message in (
            (lambda: self.board.fse_board_data(s(MONDAY), s(MONDAY - timedelta(days=1)), {}), "six weeks"),
            (lambda: self.board.fse_board_data("next monday", s(MONDAY), {}), "not a date and time"),
            (lambda: board.fse_board_plan(self.tech.id, "tomorrow 9"), "not a date and time"),
            (lambda: board.fse_board_plan("x", s(MONDAY + timedelta(hours=8))), "technician's lane"),
            (lambda: board.fse_board_plan(self.tech.id, False), "at a time"),
            (lambda: board.fse_board_undo({"order_id": "x"}), "no longer exists"),
            (lambda: board.fse_board_plan(self.tech.id, s(MONDAY), False, True, "queued"), "does not know"),
            (
                lambda: board.fse_board_plan(self.tech.id, s(MONDAY), False, True, {"technician_id": "1"}),
                "does not know",
            ),
        ):
            with self.assertRaisesRegex(UserError, message), self.cr.savepoint():
                call()
        self.assertEqual(
            (order.technician_id, order.scheduled_start, order.state), (self.env["res.users"], False, "draft")
        )


@tagged("post_install", "-at_install")
class TestBoardOverHttp(FseJson2Mixin, HttpCase):
    """The board's calls over JSON-2, as the web client or a script makes them."""

    def test_technician_refused_dispatcher_plans(self):
        env = self.env
        tech = new_test_user(env, login="fse_board_http_tech", groups="field_service_erp.group_fse_technician")
        other = new_test_user(env, login="fse_board_http_tech2", groups="field_service_erp.group_fse_technician")
        dispatcher = new_test_user(env, login="fse_board_http_disp", groups="field_service_erp.group_fse_dispatcher")
        customer = env["res.partner"].create({"name": "Board HTTP Customer"})
        order = env["fse.work.order"].create({"partner_id": customer.id, "technician_id": tech.id})
        keys = self._json2_keys(tech, dispatcher)
        start = "2026-03-02 09:00:00"
        status, body = self._json2_call(
            keys[tech],
            "fse.work.order",
            "fse_board_plan",
            ids=order.ids,
            technician_id=other.id,
            start=start,
            confirm=True,
        )
        self.assertEqual(status, 403, body)
        order.invalidate_recordset()
        self.assertEqual((order.technician_id, order.scheduled_start, order.state), (tech, False, "draft"))
        status, body = self._json2_call(
            keys[dispatcher],
            "fse.work.order",
            "fse_board_plan",
            ids=order.ids,
            technician_id=other.id,
            start=start,
            confirm=True,
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "done")
        order.invalidate_recordset()
        self.assertEqual((order.technician_id, order.state), (other, "scheduled"))
        self.assertEqual(order.scheduled_start, datetime(2026, 3, 2, 9, 0))


class TestWorkingTimeSetup(FseCommon):
    def test_resources_and_time_off_by_role(self):
        self.env["res.users"].browse(self.tech.ids).with_user(self.dispatcher).action_fse_create_resource()
        resource = self.env["resource.resource"].search([("user_id", "=", self.tech.id)])
        self.assertEqual(len(resource), 1)
        self.assertEqual(resource.calendar_id, self.env.company.resource_calendar_id)
        # Once only, and never for a user who is no technician.
        accountant = new_test_user(self.env, login="fse_board_acc2", groups="base.group_user")
        done = (self.tech | accountant).with_user(self.dispatcher).action_fse_create_resource()
        self.assertEqual(
            done["params"]["message"],
            "0 technician(s) now have working hours. "
            f"1 other user(s) skipped: not a technician of {self.env.company.name}.",
        )
        self.assertEqual(
            self.env["resource.resource"].search_count([("user_id", "in", (self.tech | accountant).ids)]), 1
        )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.tech_b.with_user(self.tech).action_fse_create_resource()
        self.assertFalse(self.env["resource.resource"].search([("user_id", "=", self.tech_b.id)]))
        # The dispatcher records the technician's time off; a colleague cannot.
        Leave = self.env["resource.calendar.leaves"]
        vals = {"name": "Off", "resource_id": resource.id, "date_from": MONDAY, "date_to": MONDAY + timedelta(hours=8)}
        leave = Leave.with_user(self.dispatcher).create(vals)
        self.assertEqual(leave.resource_id.user_id, self.tech)
        with self.assertRaises(AccessError), self.cr.savepoint():
            Leave.with_user(self.tech_b).create(vals)
        self.assertEqual(Leave.search_count([("resource_id", "=", resource.id)]), 1)
        # Dispatchers read it; the technician reads his own, his colleague does not.
        self.assertEqual(Leave.with_user(self.dispatcher).search([("resource_id", "=", resource.id)]), leave)
        self.assertEqual(Leave.with_user(self.tech).search([("resource_id", "=", resource.id)]), leave)
        self.assertFalse(Leave.with_user(self.tech_b).search([("resource_id", "=", resource.id)]))

    def test_skills_follow_the_order_type(self):
        installation_type = self.env.ref("field_service_erp.selection__fse_work_order__order_type__installation")
        self.env["fse.skill"].search([]).order_type_ids = False  # from no requirement (the demo has some)
        electrical = self.env["fse.skill"].create(
            {"name": "Electrical (test)", "order_type_ids": [Command.link(installation_type.id)]}
        )
        order = self._order(order_type="installation")
        self.assertEqual(order.skill_ids, electrical)
        order.order_type = "corrective"
        self.assertFalse(order.skill_ids)
        # Technicians do not change what a job requires.
        with self.assertRaises(AccessError), self.cr.savepoint():
            order.with_user(self.tech).write({"skill_ids": [Command.link(electrical.id)]})
        self.assertFalse(order.skill_ids)
        with self.assertRaises(AccessError), self.cr.savepoint():
            electrical.with_user(self.dispatcher).write({"technician_ids": [Command.link(self.tech.id)]})
        self.assertFalse(electrical.technician_ids)

    def test_skills_list_for_a_manager_without_settings_rights(self):
        """Configuration > Skills reads "Required For" (order types are ir.model.fields.selection
        records, Settings' data): a Field Service manager who is no administrator opens and edits it."""
        manager = new_test_user(self.env, login="fse_skill_manager", groups="field_service_erp.group_fse_manager")
        self.assertFalse(manager.has_group("base.group_erp_manager"))
        Skill = self.env["fse.skill"].with_user(manager)
        domain = Skill._fields["order_type_ids"]._description_domain(Skill.env)
        types = self.env["ir.model.fields.selection"].with_user(manager).search(domain)
        self.assertEqual(
            sorted(types.mapped("value")), sorted(self.env["fse.work.order"]._fields["order_type"].get_values(self.env))
        )
        skill = Skill.create({"name": "Boilers (test)", "order_type_ids": [Command.set(types[:1].ids)]})
        rows = Skill.web_search_read([("id", "=", skill.id)], {"order_type_ids": {"fields": {"display_name": {}}}})
        self.assertEqual(rows["records"][0]["order_type_ids"][0]["display_name"], types[:1].name)
        # Reading is all: the selection values stay Settings' to change.
        with self.assertRaises(AccessError), self.cr.savepoint():
            types[:1].with_user(manager).write({"name": "Renamed"})
        self.assertNotEqual(types[:1].name, "Renamed")


@tagged("post_install", "-at_install")
class TestBoardConcurrency(FseConcurrentCase):
    """Two dispatchers drop the same queued order at the same instant, each onto another
    technician: the first plans it, the second is told and changes nothing (these tests commit
    their own uniquely named records)."""

    def test_two_dispatchers_drop_the_same_order(self):
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            technicians = [
                new_test_user(env, login=f"board_tech_{i}_{tag}", groups="field_service_erp.group_fse_technician").id
                for i in (1, 2)
            ]
            dispatchers = [
                new_test_user(env, login=f"board_disp_{i}_{tag}", groups="field_service_erp.group_fse_dispatcher").id
                for i in (1, 2)
            ]
            customer = env["res.partner"].create({"name": f"Board Customer {tag}"})
            order_id = env["fse.work.order"].create({"partner_id": customer.id, "duration_estimate": 2}).id
        seen = {"technician_id": False, "start": False, "end": False}

        def drop(technician_id, hour):
            def call(env):
                order = env["fse.work.order"].browse(order_id)
                return order.fse_board_plan(technician_id, s(MONDAY + timedelta(hours=hour)), False, True, seen)

            return call

        first, second = self._in_parallel(drop(technicians[0], 8), drop(technicians[1], 13), uids=dispatchers)
        self.assertIsNone(first)
        self.assertIsInstance(second, UserError)
        self.assertIn("someone else meanwhile", str(second))
        with self.registry.cursor() as cr:
            order = api.Environment(cr, SUPERUSER_ID, {})["fse.work.order"].browse(order_id)
            self.assertEqual((order.technician_id.id, order.state), (technicians[0], "scheduled"))
            self.assertEqual(
                (order.scheduled_start, order.scheduled_end),
                (MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=10)),
            )
