import inspect

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from ..models.fse_work_order import LABOR_CONFIRMED, FseWorkOrder
from .common import FseCommon

WIZARD = "fse.work.order.complete"


@tagged("post_install", "-at_install")
class TestLaborCountedOnce(FseCommon):
    """The timer and the time typed by hand count once (the rule of _fse_timer_hours_to_add),
    and completing without any labor is confirmed first."""

    def _started(self, at="2026-03-02 08:00:00", **vals):
        order = self._order(**vals)
        with freeze_time(at):
            order.action_start()
        return order

    def _confirm(self, action, user=None):
        """Complete through the wizard `action` returned, as the client would (as `user`)."""
        self.assertEqual(action["res_model"], WIZARD)
        Wizard = self.env[WIZARD].with_user(user or self.env.user).with_context(**action["context"])
        wizard = Wizard.create({})
        return wizard, wizard.action_confirm()

    def _report(self, order):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "field_service_erp.action_report_fse_service", order.ids
        )
        return html.decode()

    def test_hand_entry_covering_the_timer_replaces_it(self):
        """1:30 typed, 0:15 on the timer: 1:30 is recorded, on the labor and the report."""
        order = self._started(labor_line_ids=[self._labor(1.5, self.tech)])
        order.labor_line_ids.name = "Replaced the door seal"
        with freeze_time("2026-03-02 08:14:00"):
            self.assertEqual(order.timer_hours_to_add, 0.0)
            action = order.action_complete()
            self.assertEqual(order.state, "in_progress")
            wizard, result = self._confirm(action)
        self.assertIn("covers the timer (00:15)", wizard.summary)
        self.assertIn("The hand-entered time counts", wizard.summary)
        self.assertIn("hand-entered work of 03/02/2026", wizard.summary)  # the user's date format
        self.assertIs(result, True)
        self.assertEqual(order.state, "done")
        self.assertRecordValues(order.labor_line_ids, [{"hours": 1.5, "from_timer": False}])
        self.assertEqual(order.labor_hours, 1.5)
        html = self._report(order)
        self.assertIn("01:30", html)
        self.assertNotIn("01:45", html)
        self.assertNotIn("00:15", html)

    def test_timer_longer_than_hand_entry_adds_the_difference(self):
        """2:00 on the timer, 0:30 typed: 2:00 in all, the timer's line holding 1:30."""
        order = self._started(labor_line_ids=[self._labor(0.5, self.tech)])
        with freeze_time("2026-03-02 10:00:00"):
            self.assertEqual(order.timer_hours, 2.0)
            self.assertEqual(order.timer_hours_to_add, 1.5)
            wizard, _result = self._confirm(order.action_complete())
        self.assertIn("The timer counts: it adds 01:30, 02:00 in all.", wizard.summary)
        self.assertEqual(order.state, "done")
        self.assertEqual(order.labor_hours, 2.0)
        self.assertRecordValues(
            order.labor_line_ids.sorted("from_timer"),
            [{"hours": 0.5, "from_timer": False}, {"hours": 1.5, "from_timer": True}],
        )

    def test_only_the_technicians_work_of_the_timers_day_counts_against_it(self):
        """Travel, another day's work and a colleague's time are not the timer's span: the
        timer adds all its time, and nothing needs confirming."""
        order = self._started(
            labor_line_ids=[
                self._labor(1.0, self.tech, day="2026-03-01"),
                self._labor(0.5, self.tech_b),
                Command.create(
                    {"technician_id": self.tech.id, "hours": 0.5, "date": "2026-03-02", "labor_type": "travel"}
                ),
            ]
        )
        with freeze_time("2026-03-02 08:45:00"):
            self.assertEqual(order.timer_hours_to_add, 0.75)
            self.assertIs(order.action_complete(), True)
        self.assertEqual(order.state, "done")
        self.assertEqual(order.labor_line_ids.filtered("from_timer").hours, 0.75)
        self.assertEqual(order.labor_hours, 2.75)

    def test_phone_form_shows_what_the_timer_will_add(self):
        """Before completing, the technician sees the timer and what it will add, and typing
        time by hand changes the latter at once."""
        order = self._started()
        with freeze_time("2026-03-02 08:50:00"):
            order.invalidate_recordset(["timer_hours", "timer_hours_to_add"])
            self.assertAlmostEqual(order.timer_hours, 50 / 60, places=4)
            self.assertEqual(order.timer_hours_to_add, 1.0)  # rounded up to the quarter hour
            with Form(order.with_user(self.tech)) as form:
                self.assertEqual(form.timer_hours_to_add, 1.0)
                with form.labor_line_ids.new() as line:
                    line.hours = 0.75
                    line.date = "2026-03-02"
                self.assertEqual(form.timer_hours_to_add, 0.25)
            order.action_timer_pause()
        with freeze_time("2026-03-02 12:00:00"):
            order.invalidate_recordset(["timer_hours", "timer_hours_to_add"])
            self.assertAlmostEqual(order.timer_hours, 50 / 60, places=4)  # paused: it no longer runs
            self.assertEqual(order.timer_hours_to_add, 0.25)
        view = self.env.ref("field_service_erp.view_fse_work_order_form")
        for name in ("timer_hours", "timer_hours_to_add"):
            self.assertIn(f'name="{name}"', view.arch)

    def test_no_labor_asks_first_and_writes_nothing(self):
        order = self._started()
        self.env.flush_all()
        fields_read = ["state", "date_done", "timer_start", "timer_seconds", "no_labor", "write_date"]
        before = order.read(fields_read)
        messages = len(order.message_ids)
        with freeze_time("2026-03-02 08:00:40"):
            action = order.with_user(self.tech).action_complete()
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual((action["res_model"], action["target"]), (WIZARD, "new"))
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(order.read(fields_read), before)
        self.assertFalse(order.labor_line_ids)
        self.assertEqual(len(order.message_ids), messages)
        self.assertTrue(order.timer_running)  # not even paused

    def test_no_labor_confirmed_completes_and_flags_the_order(self):
        order = self._started()
        with freeze_time("2026-03-02 08:00:40"):
            wizard, result = self._confirm(order.with_user(self.tech).action_complete(), user=self.tech)
        self.assertIn("no time is recorded", wizard.summary)
        self.assertIs(result, True)
        self.assertEqual(order.state, "done")
        self.assertFalse(order.labor_line_ids)
        self.assertTrue(order.no_labor)
        found = self.env["fse.work.order"].search([("no_labor", "=", True)])
        self.assertIn(order, found)
        # The same with the context key, as an API caller who knows.
        other = self._started()
        with freeze_time("2026-03-02 08:00:40"):
            self.assertIs(other.with_context(**{LABOR_CONFIRMED: True}).action_complete(), True)
        self.assertTrue(other.no_labor)
        # Time recorded: no question, no flag.
        timed = self._started()
        with freeze_time("2026-03-02 08:20:00"):
            self.assertIs(timed.action_complete(), True)
        self.assertFalse(timed.no_labor)
        self.assertNotIn(timed, self.env["fse.work.order"].search([("no_labor", "=", True)]))

    def test_wizard_acts_only_on_orders_the_user_may_complete(self):
        theirs = self._started(technician_id=self.tech_b.id)
        with self.assertRaises(AccessError):
            self.env[WIZARD].with_user(self.tech).create({"order_ids": [Command.set(theirs.ids)]})
        mine = self._started()
        wizard = self.env[WIZARD].with_user(self.tech).create({"order_ids": [Command.set(mine.ids)]})
        with self.assertRaises(AccessError):
            wizard.write({"order_ids": [Command.link(theirs.id)]})
        # Confirm goes through the order's own transition: a cancelled order stays cancelled.
        mine.with_user(self.dispatcher).action_cancel()
        with self.assertRaises(UserError) as caught:
            wizard.action_confirm()
        self.assertIn("cannot be completed", str(caught.exception))
        self.assertEqual(mine.state, "cancel")
        # Another user's wizard is not theirs to read or confirm.
        others = self.env[WIZARD].with_user(self.tech_b).create({"order_ids": [Command.set(theirs.ids)]})
        self.assertFalse(self.env[WIZARD].with_user(self.tech).search([("id", "=", others.id)]))
        self.assertEqual(theirs.state, "in_progress")

    def test_recompleting_replaces_the_earlier_timer_line(self):
        """Reset and completed again: the timer's line follows the rule, and goes once a hand
        entry covers the timer."""
        self.company.fse_timer_rounding_minutes = 5
        order = self._started()
        with freeze_time("2026-03-02 08:21:00"):
            order.action_complete()
        self.assertRecordValues(order.labor_line_ids, [{"hours": 0.42, "from_timer": True}])
        order.action_reset_draft()
        order.labor_line_ids = [self._labor(1.0, self.tech)]
        with freeze_time("2026-03-02 10:00:00"):
            order.action_start()
        with freeze_time("2026-03-02 10:10:00"):
            self.assertEqual(order.timer_hours_to_add, 0.0)  # 31 minutes, up to 35, within the hour
            self._confirm(order.action_complete())
        self.assertRecordValues(order.labor_line_ids, [{"hours": 1.0, "from_timer": False}])
        # Reset again with a shorter hand entry: the timer's line comes back for the difference.
        order.action_reset_draft()
        order.labor_line_ids.hours = 0.25
        with freeze_time("2026-03-02 11:00:00"):
            order.action_start()
        with freeze_time("2026-03-02 11:10:00"):
            self._confirm(order.action_complete())  # 41 minutes, up to 45
        self.assertEqual(order.labor_hours, 0.75)
        self.assertEqual(order.labor_line_ids.filtered("from_timer").hours, 0.5)

    def test_completion_reads_top_to_bottom(self):
        """action_complete calls its phases in this order, and the file defines them so."""
        phases = [
            "_fse_complete_check",
            "_fse_complete_confirmation",
            "_fse_complete_record_time",
            "_fse_complete_consume_parts",
            "_fse_complete_close",
            "_fse_after_complete",
        ]
        body = inspect.getsource(FseWorkOrder.action_complete)
        self.assertEqual(sorted(phases, key=body.index), phases)
        lines = [inspect.getsourcelines(getattr(FseWorkOrder, name))[1] for name in ["action_complete", *phases]]
        self.assertEqual(lines, sorted(lines))
