"""The dispatch board's server API attacked as an outside caller would, over JSON-2: each
role with its own API key, forged payloads, other companies' records. Every refusal checks
the HTTP status and that the database did not change."""

import json
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.fse_dispatch_board import FseDispatchBoard
from .common import FseJson2Mixin

TECHNICIAN = "field_service_erp.group_fse_technician"
DISPATCHER = "field_service_erp.group_fse_dispatcher"
MONDAY = datetime(2026, 3, 2)


def s(moment):
    return fields.Datetime.to_string(moment)


@tagged("post_install", "-at_install")
class TestBoardAttack(FseJson2Mixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.other_company = env["res.company"].create({"name": "Other Service Co (attack)"})

        def user(login, groups, company=cls.company, **vals):
            return new_test_user(
                env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                **vals,
            )

        cls.tech = user("atk_tech", TECHNICIAN, name="Attack Tech A")
        cls.tech_b = user("atk_tech_b", TECHNICIAN, name="Attack Tech B")
        cls.archived = user("atk_archived", TECHNICIAN, name="Attack Archived")
        cls.archived.active = False
        cls.clerk = user("atk_clerk", "base.group_user", name="Attack Clerk")
        cls.dispatcher = user("atk_disp", DISPATCHER, name="Attack Dispatcher")
        cls.other_tech = user("atk_other_tech", TECHNICIAN, cls.other_company, name="Attack Other Tech")
        cls.other_dispatcher = user("atk_other_disp", DISPATCHER, cls.other_company, name="Attack Other Disp")
        cls.portal = new_test_user(env, login="atk_portal", groups="base.group_portal")
        (cls.tech | cls.tech_b).action_fse_create_resource()
        cls.other_tech.with_company(cls.other_company).action_fse_create_resource()
        Resource = env["resource.resource"]
        cls.clerk_resource = Resource.create({"name": "Clerk", "user_id": cls.clerk.id, "company_id": cls.company.id})
        cls.tech_b_resource = Resource.search([("user_id", "=", cls.tech_b.id)])
        cls.other_tech_resource = Resource.search([("user_id", "=", cls.other_tech.id)])
        cls.leave = env["resource.calendar.leaves"].create(
            {
                "name": "Hospital appointment (private)",
                "resource_id": cls.tech_b_resource.id,
                "date_from": MONDAY + timedelta(days=1),
                "date_to": MONDAY + timedelta(days=1, hours=23),
            }
        )
        cls.customer = env["res.partner"].create({"name": "Attack Customer A"})
        cls.other_customer = env["res.partner"].create(
            {"name": "Secret Customer B", "company_id": cls.other_company.id}
        )
        Order = env["fse.work.order"]
        cls.order = Order.create(
            {
                "partner_id": cls.customer.id,
                "technician_id": cls.tech.id,
                "scheduled_start": MONDAY + timedelta(hours=9),
                "scheduled_end": MONDAY + timedelta(hours=11),
            }
        )
        cls.order.action_schedule()
        cls.queued = Order.create({"partner_id": cls.customer.id})
        cls.other_order = Order.with_company(cls.other_company).create(
            {
                "partner_id": cls.other_customer.id,
                "company_id": cls.other_company.id,
                "technician_id": cls.other_tech.id,
                "scheduled_start": MONDAY + timedelta(hours=9),
                "scheduled_end": MONDAY + timedelta(hours=11),
            }
        )
        cls.keys = cls._json2_keys(cls.tech, cls.clerk, cls.dispatcher, cls.other_dispatcher, cls.portal)

    # ------------------------------------------------------------------ helpers
    def _call(self, user, model, method, **params):
        return self._json2_call(self.keys[user], model, method, **params)

    def _board(self, user, filters=None, start=MONDAY, days=7, companies=None):
        context = {"allowed_company_ids": (companies or user.company_ids).ids}
        return self._call(
            user,
            "fse.work.order",
            "fse_board_data",
            start=s(start),
            end=s(start + timedelta(days=days)),
            filters=filters or {},
            context=context,
        )

    def _slot(self, order):
        order.invalidate_recordset()
        return (order.technician_id, order.scheduled_start, order.scheduled_end, order.state)

    def _planned(self, order):
        order.invalidate_recordset()
        return {
            "technician_id": order.technician_id.id,
            "start": s(order.scheduled_start),
            "end": s(order.scheduled_end),
        }

    # ------------------------------------------------------------------ roles
    def test_roles_without_board_rights_are_refused(self):
        before = self._slot(self.order)
        for user in (self.tech, self.clerk, self.portal):
            status, body = self._board(user)
            self.assertEqual(status, 403, body)
            status, body = self._call(
                user,
                "fse.work.order",
                "fse_board_plan",
                ids=self.order.ids,
                technician_id=self.tech_b.id,
                start=s(MONDAY + timedelta(hours=13)),
                confirm=True,
            )
            self.assertEqual(status, 403, body)
            status, body = self._call(
                user,
                "fse.work.order",
                "fse_board_undo",
                undo={"order_id": self.order.id, "planned": self._planned(self.order), "technician_id": False},
            )
            self.assertEqual(status, 403, body)
        self.assertEqual(self._slot(self.order), before)

    # ------------------------------------------------------------------ other company
    def test_other_company_lanes_and_orders_stay_hidden(self):
        """A dispatcher of the other company asking for this company's board sees none of
        its technicians (names, hours, time off) nor orders."""
        status, body = self._board(self.other_dispatcher, {"company_ids": self.company.ids})
        self.assertEqual(status, 200, body)
        dumped = json.dumps(body)
        for secret in ("Attack Tech A", "Attack Tech B", "Attack Customer A", self.order.name, self.queued.name):
            self.assertNotIn(secret, dumped)
        self.assertEqual(body["lanes"], [])
        # A company he is not allowed in, in the context: refused.
        status, body = self._board(self.other_dispatcher, companies=self.company)
        self.assertEqual(status, 403, body)
        # His own board: his technician only.
        status, body = self._board(self.other_dispatcher)
        self.assertEqual([lane["id"] for lane in body["lanes"]], self.other_tech.ids)

    def test_other_company_orders_cannot_be_planned_or_undone(self):
        before = self._slot(self.order)
        status, body = self._call(
            self.other_dispatcher,
            "fse.work.order",
            "fse_board_plan",
            ids=self.order.ids,
            technician_id=self.other_tech.id,
            start=s(MONDAY + timedelta(hours=13)),
            confirm=True,
            context={"allowed_company_ids": self.other_company.ids},
        )
        self.assertEqual(status, 403, body)
        status, body = self._call(
            self.other_dispatcher,
            "fse.work.order",
            "fse_board_undo",
            undo={"order_id": self.order.id, "planned": self._planned(self.order), "technician_id": False},
            context={"allowed_company_ids": self.other_company.ids},
        )
        self.assertEqual(status, 403, body)
        # Our dispatcher cannot move our order to the other company's technician either way.
        status, body = self._call(
            self.dispatcher,
            "fse.work.order",
            "fse_board_plan",
            ids=self.order.ids,
            technician_id=self.other_tech.id,
            start=s(MONDAY + timedelta(hours=13)),
            confirm=True,
        )
        self.assertEqual(status, 422, body)
        undo = {
            "order_id": self.order.id,
            "planned": self._planned(self.order),
            "technician_id": self.other_tech.id,
            "start": s(MONDAY + timedelta(hours=13)),
            "end": s(MONDAY + timedelta(hours=14)),
        }
        status, body = self._call(self.dispatcher, "fse.work.order", "fse_board_undo", undo=undo)
        self.assertEqual(status, 422, body)
        self.assertEqual(self._slot(self.order), before)

    def test_busy_orders_of_another_company_show_their_reference_only(self):
        """A technician working for both companies: his other company's job counts as an
        overlap, named by its reference, never by its customer."""
        shared = new_test_user(
            self.env,
            login="atk_shared",
            name="Attack Shared",
            groups=TECHNICIAN,
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.other_company).ids)],
        )
        self.other_order.technician_id = shared
        status, body = self._call(
            self.dispatcher,
            "fse.work.order",
            "fse_board_plan",
            ids=self.queued.ids,
            technician_id=shared.id,
            start=s(MONDAY + timedelta(hours=9)),
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "confirm")
        dumped = json.dumps(body)
        self.assertIn(self.other_order.name, dumped)
        self.assertNotIn("Secret Customer B", dumped)
        status, body = self._board(self.dispatcher)
        self.assertNotIn("Secret Customer B", json.dumps(body))
        self.assertNotIn(self.other_order.id, [card["id"] for card in body["orders"]])
        self.queued.invalidate_recordset()
        self.assertEqual((self.queued.technician_id, self.queued.state), (self.env["res.users"], "draft"))

    # ------------------------------------------------------------------ lanes a drop may target
    def test_no_drop_or_undo_onto_an_archived_or_non_technician(self):
        before = self._slot(self.order)
        for target in (self.archived, self.clerk, self.portal, self.dispatcher.browse(-1)):
            status, body = self._call(
                self.dispatcher,
                "fse.work.order",
                "fse_board_plan",
                ids=self.order.ids,
                technician_id=target.id,
                start=s(MONDAY + timedelta(hours=13)),
                confirm=True,
            )
            self.assertEqual(status, 422, (target, body))
            undo = {
                "order_id": self.order.id,
                "planned": self._planned(self.order),
                "technician_id": target.id,
                "start": s(MONDAY + timedelta(hours=13)),
                "end": s(MONDAY + timedelta(hours=14)),
            }
            status, body = self._call(self.dispatcher, "fse.work.order", "fse_board_undo", undo=undo)
            self.assertEqual(status, 422, (target, body))
        self.assertEqual(self._slot(self.order), before)

    def test_undo_does_not_move_closed_orders(self):
        # sudo: the state is a system field; the test puts the order there directly.
        self.order.sudo().write({"state": "done"})
        before = self._slot(self.order)
        undo = {
            "order_id": self.order.id,
            "state": "draft",
            "planned": self._planned(self.order),
            "technician_id": self.tech_b.id,
            "start": s(MONDAY + timedelta(hours=13)),
            "end": s(MONDAY + timedelta(hours=14)),
        }
        status, body = self._call(self.dispatcher, "fse.work.order", "fse_board_undo", undo=undo)
        self.assertEqual(status, 422, body)
        self.assertEqual(self._slot(self.order), before)

    # ------------------------------------------------------------------ malformed input
    def test_malformed_input_is_refused_cleanly(self):
        """Whatever a script sends, the board answers with a user error (422), never a
        server error, and writes nothing."""
        before, queued_before = self._slot(self.order), self._slot(self.queued)
        plan = {"ids": self.queued.ids, "technician_id": self.tech.id, "start": s(MONDAY + timedelta(hours=13))}
        good_undo = {"order_id": self.order.id, "planned": self._planned(self.order), "technician_id": self.tech.id}
        calls = [
            ("fse_board_data", {"start": s(MONDAY), "end": s(MONDAY + timedelta(days=1)), "filters": ["x"]}),
            ("fse_board_data", {"start": s(MONDAY), "end": s(MONDAY + timedelta(days=1)), "filters": {"search": 5}}),
            (
                "fse_board_data",
                {"start": s(MONDAY), "end": s(MONDAY + timedelta(days=1)), "filters": {"team_ids": "abc"}},
            ),
            (
                "fse_board_data",
                {"start": s(MONDAY), "end": s(MONDAY + timedelta(days=1)), "filters": {"skill_ids": ["abc"]}},
            ),
            ("fse_board_data", {"start": "0001-01-01 00:00:00", "end": "0001-01-02 00:00:00"}),
            ("fse_board_plan", dict(plan, seen="x")),
            ("fse_board_plan", dict(plan, start="9999-12-31 20:00:00")),
            ("fse_board_plan", dict(plan, start="0001-01-01 00:00:00", end="0001-01-01 02:00:00")),
            # A drop is a visit, not three centuries.
            ("fse_board_plan", dict(plan, end=s(datetime(2326, 1, 1)), confirm=True)),
            ("fse_board_undo", {"undo": {"order_id": self.order.id, "planned": "x"}}),
            ("fse_board_undo", {"undo": dict(good_undo, technician_id="abc")}),
            ("fse_board_undo", {"undo": dict(good_undo, start=s(MONDAY + timedelta(hours=9)), end=s(MONDAY))}),
            ("fse_board_undo", {"undo": dict(good_undo, start=s(MONDAY), end="9999-12-31 23:00:00")}),
            ("fse_board_undo", {"undo": "x"}),
        ]
        for method, params in calls:
            status, body = self._call(self.dispatcher, "fse.work.order", method, **params)
            self.assertEqual(status, 422, (method, params, body))
        self.assertEqual(self._slot(self.order), before)
        self.assertEqual(self._slot(self.queued), queued_before)

    def test_huge_filters_and_searches(self):
        # 10,000 skill ids, none of them existing: nobody has them all.
        status, body = self._board(self.dispatcher, {"skill_ids": list(range(-5000, 5000))})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["lanes"], [])
        # SQL- and regex-looking searches are plain text: they find nothing, and break nothing.
        for text in ("'; DELETE FROM fse_work_order; --", ".*", "%' OR 1=1 --", "\\", "[a-z]+$"):
            status, body = self._board(self.dispatcher, {"search": text})
            self.assertEqual(status, 200, (text, body))
            self.assertEqual(body["queue"], [], text)
        self.assertTrue(self.queued.exists())
        # Another company's team as a filter: nothing of it shows.
        team = self.env["fse.team"].create(
            {
                "name": "Other team (attack)",
                "company_id": self.other_company.id,
                "member_ids": [Command.set(self.tech.ids)],
            }
        )
        status, body = self._board(self.dispatcher, {"team_ids": team.ids})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["lanes"], [])

    def test_a_very_long_order_does_not_stall_the_board(self):
        """An order planned (in the form) over centuries: the board computes working time
        around the range it shows, not over the order's whole length."""
        # sudo: plants an end the board itself refuses, to check the board still reads fast.
        self.order.sudo().write({"scheduled_end": datetime(2999, 12, 31)})
        spans = []
        original = FseDispatchBoard._availability

        def spy(board, technicians, start, end):
            spans.append(end - start)
            return original(board, technicians, start, end)

        with patch.object(FseDispatchBoard, "_availability", spy):
            status, body = self._board(self.dispatcher)
        self.assertEqual(status, 200, body)
        self.assertIn(self.order.id, [card["id"] for card in body["orders"]])
        self.assertTrue(spans)
        self.assertLessEqual(max(spans), timedelta(days=7 + 2 * 42))

    # ------------------------------------------------------------------ working time and time off
    def test_create_resource_only_for_technicians_of_the_company(self):
        Resource = self.env["resource.resource"]
        others = (self.other_tech, self.clerk, self.portal)
        counts = {u: Resource.search_count([("user_id", "=", u.id)]) for u in others}
        # Roles without the right: refused.
        for user in (self.tech, self.clerk, self.portal):
            status, body = self._call(user, "res.users", "action_fse_create_resource", ids=self.other_tech.ids)
            self.assertEqual(status, 403, (user, body))
        # A dispatcher: nothing for a non-technician, a portal user, nor another company's technician.
        status, body = self._call(
            self.dispatcher,
            "res.users",
            "action_fse_create_resource",
            ids=(self.other_tech | self.clerk | self.portal).ids,
        )
        self.assertEqual(status, 200, body)
        self.assertEqual({u: Resource.search_count([("user_id", "=", u.id)]) for u in others}, counts)
        self.assertFalse(Resource.search([("user_id", "=", self.other_tech.id), ("company_id", "=", self.company.id)]))

    def test_dispatcher_manages_technicians_time_off_only(self):
        Leave = self.env["resource.calendar.leaves"]
        count = Leave.search_count([])
        vals = {"name": "Forged", "date_from": s(MONDAY), "date_to": s(MONDAY + timedelta(hours=8))}
        # Not for a non-technician's resource, nor another company's technician.
        for resource in (self.clerk_resource, self.other_tech_resource):
            status, body = self._call(
                self.dispatcher,
                "resource.calendar.leaves",
                "create",
                vals_list=[dict(vals, resource_id=resource.id)],
            )
            self.assertEqual(status, 403, (resource, body))
        # The other company's dispatcher cannot read, change nor delete our technician's.
        status, body = self._call(
            self.other_dispatcher,
            "resource.calendar.leaves",
            "search_read",
            domain=[("id", "=", self.leave.id)],
            fields=["name"],
            context={"allowed_company_ids": self.other_company.ids},
        )
        self.assertEqual((status, body), (200, []))
        status, body = self._call(
            self.other_dispatcher,
            "resource.calendar.leaves",
            "unlink",
            ids=self.leave.ids,
            context={"allowed_company_ids": self.other_company.ids},
        )
        self.assertEqual(status, 403, body)
        # A colleague does not read the technician's time off (nor its reason).
        status, body = self._call(
            self.tech, "resource.calendar.leaves", "search_read", domain=[("id", "=", self.leave.id)], fields=["name"]
        )
        self.assertEqual((status, body), (200, []))
        # Our dispatcher records the technician's.
        status, body = self._call(
            self.dispatcher,
            "resource.calendar.leaves",
            "create",
            vals_list=[dict(vals, resource_id=self.tech_b_resource.id)],
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(Leave.search_count([]), count + 1)
        self.leave.invalidate_recordset()
        self.assertTrue(self.leave.exists())
        # On the board, the reason stays private.
        status, body = self._board(self.dispatcher)
        self.assertNotIn("Hospital appointment", json.dumps(body))

    # ------------------------------------------------------------------ skills
    def test_skills_are_managers_work(self):
        skill = self.env["fse.skill"].create({"name": "Attack skill"})
        for user in (self.tech, self.dispatcher):
            status, body = self._call(
                user, "fse.skill", "write", ids=skill.ids, vals={"technician_ids": [Command.link(self.tech.id)]}
            )
            self.assertEqual(status, 403, body)
            status, body = self._call(
                user, "res.users", "write", ids=self.tech.ids, vals={"fse_skill_ids": [Command.link(skill.id)]}
            )
            self.assertEqual(status, 403, body)
        status, body = self._call(
            self.tech, "fse.work.order", "write", ids=self.order.ids, vals={"skill_ids": [Command.link(skill.id)]}
        )
        self.assertEqual(status, 403, body)
        status, body = self._call(
            self.dispatcher,
            "fse.work.order",
            "write",
            ids=self.order.ids,
            vals={"skill_ids": [Command.create({"name": "Forged skill"})]},
        )
        self.assertEqual(status, 403, body)
        skill.invalidate_recordset()
        self.assertFalse(skill.technician_ids)
        self.assertFalse(self.tech.fse_skill_ids)
        self.assertFalse(self.env["fse.skill"].search([("name", "=", "Forged skill")]))

    # ------------------------------------------------------------------ machines, today, landing page
    def test_new_work_order_from_a_machine(self):
        product = self.env["product.product"].create({"name": "Attack machine", "type": "consu"})
        machine = self.env["fse.installation"].create({"partner_id": self.customer.id, "product_id": product.id})
        for user in (self.tech, self.other_dispatcher, self.portal, self.clerk):
            status, body = self._call(
                user,
                "fse.installation",
                "action_fse_new_work_order",
                ids=machine.ids,
                context={"allowed_company_ids": user.company_ids.ids},
            )
            self.assertEqual(status, 403, (user, body))

    def test_bad_time_zone_in_context(self):
        status, body = self._call(
            self.dispatcher,
            "fse.work.order",
            "search_count",
            domain=[("is_today", "=", True)],
            context={"tz": "Mars/Olympus_Mons"},
        )
        self.assertEqual(status, 200, body)

    def test_landing_page_for_field_service_users_only(self):
        for user in (self.clerk, self.portal):
            status, body = self._call(user, "res.users", "action_fse_landing_page")
            self.assertEqual(status, 403, (user, body))
        status, body = self._call(self.tech, "res.users", "action_fse_landing_page")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["xml_id"], "field_service_erp.action_fse_work_order_my_day")
