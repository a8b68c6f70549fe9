from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from psycopg2.errors import CheckViolation

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from ..models.fse_work_order import WORK_ORDER_TRANSITIONS
from .common import FseCommon


@tagged("post_install", "-at_install")
class TestWorkOrderLifecycle(FseCommon):
    def test_sequence_and_defaults_from_machine(self):
        order = self.env["fse.work.order"].create({"installation_id": self.installation.id})
        self.assertRegex(order.name, r"^WO/\d{4}/\d{5}$")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.site_partner_id, self.site)
        self.assertEqual(order.lot_id, self.serial)
        self.assertEqual(order.state, "draft")

    def test_full_lifecycle(self):
        order = self._order(labor_line_ids=[self._labor(1.5, self.tech)])
        order.action_schedule()
        self.assertEqual(order.state, "scheduled")
        order.action_start()
        self.assertEqual(order.state, "in_progress")
        self.assertTrue(order.date_started)
        order.action_complete()
        self.assertEqual(order.state, "done")
        self.assertTrue(order.date_done)
        self.assertGreaterEqual(order.date_done, order.date_started)
        self.assertEqual(order.labor_hours, 1.5)
        self.assertEqual(order.labor_line_ids.product_id, self.labor_product)
        order.action_reset_draft()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.date_done)
        order.action_cancel()
        self.assertEqual(order.state, "cancel")

    def test_every_refused_transition_raises(self):
        """Walk the transition table: every action from every state it does not allow
        raises a UserError naming the order, and leaves the state unchanged."""
        states = [s for s, _label in self.env["fse.work.order"]._fields["state"].selection]
        for action, (sources, target, _group) in WORK_ORDER_TRANSITIONS.items():
            for state in states:
                if state in sources or state == target:
                    continue
                with self.subTest(action=action, state=state):
                    order = self._order()
                    order.write({"state": state})
                    with self.assertRaisesRegex(UserError, order.name):
                        getattr(order, f"action_{action}")()
                    self.assertEqual(order.state, state)

    def test_schedule_requires_dates(self):
        order = self._order(scheduled_start=False, scheduled_end=False)
        with self.assertRaisesRegex(UserError, "scheduled start"):
            order.action_schedule()
        # a start alone gets an end (see test_landing); an end cleared with it stays cleared
        order.write({"scheduled_start": self.start, "scheduled_end": False})
        with self.assertRaisesRegex(UserError, "scheduled end"):
            order.action_schedule()
        self.assertEqual(order.state, "draft")

    def test_start_and_complete_require_technician(self):
        order = self._order(technician_id=False)
        with self.assertRaisesRegex(UserError, "Assign a technician"):
            order.action_start()
        order.action_schedule()
        with self.assertRaisesRegex(UserError, "Assign a technician"):
            order.action_complete()
        self.assertEqual(order.state, "scheduled")

    def test_double_click_complete_is_a_no_op(self):
        order = self._order(labor_line_ids=[self._labor(1.0, self.tech)])
        order.action_start()
        order.action_complete()
        first_done = order.date_done
        order.action_complete()  # second click, or retried request
        self.assertEqual(order.state, "done")
        self.assertEqual(order.date_done, first_done)

    def test_batch_transition_refuses_whole_batch(self):
        ok = self._order()
        closed = self._order()
        closed.action_cancel()
        with self.assertRaisesRegex(UserError, closed.name):
            (ok | closed).action_start()
        self.assertEqual(ok.state, "draft")

    def test_done_order_cannot_be_edited(self):
        order = self._order(labor_line_ids=[self._labor(1.0, self.tech)])
        order.action_start()
        order.action_complete()
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.resolution = "<p>changed afterwards</p>"
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.labor_line_ids.hours = 5
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.write({"labor_line_ids": [self._labor(2.0, self.tech)]})
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.labor_line_ids.unlink()
        self.assertEqual(order.labor_hours, 1.0)
        # Reset to draft opens it again.
        order.action_reset_draft()
        order.labor_line_ids.hours = 2
        self.assertEqual(order.labor_hours, 2.0)

    def test_only_draft_or_cancelled_orders_can_be_deleted(self):
        order = self._order()
        order.action_schedule()
        with self.assertRaisesRegex(UserError, "cancel it before deleting"):
            order.unlink()
        order.action_cancel()
        order.unlink()
        self.assertFalse(order.exists())

    def test_scheduled_end_after_start(self):
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"):
            self._order(scheduled_end=self.start - timedelta(hours=1))
            self.env.flush_all()

    def test_positive_quantities_and_hours(self):
        part = self.env["product.product"].create({"name": "Belt", "type": "consu"})
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"):
            self._order(part_line_ids=[Command.create({"product_id": part.id, "quantity": 0})])
            self.env.flush_all()
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"):
            self._order(labor_line_ids=[self._labor(-1, self.tech)])
            self.env.flush_all()

    def test_machine_must_belong_to_customer(self):
        other = self.env["res.partner"].create({"name": "Other Customer"})
        with self.assertRaisesRegex(ValidationError, "belongs to Test Customer NV"):
            self._order(partner_id=other.id)

    def test_overdue_search(self):
        late = self._order(scheduled_start="2020-01-01 08:00:00", scheduled_end="2020-01-01 10:00:00")
        future = self._order(scheduled_start="2099-01-01 08:00:00", scheduled_end="2099-01-01 10:00:00")
        overdue = self.env["fse.work.order"].search([("is_overdue", "=", True)])
        self.assertIn(late, overdue)
        self.assertNotIn(future, overdue)
        late.action_cancel()
        self.assertNotIn(late, self.env["fse.work.order"].search([("is_overdue", "=", True)]))

    def test_form_onchange_machine_and_dates(self):
        belt = self.env["product.product"].create({"name": "Belt", "type": "consu", "is_storable": True})
        with Form(self.env["fse.work.order"]) as form:
            form.installation_id = self.installation
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.site_partner_id, self.site)
            form.scheduled_start = self.start
            self.assertEqual(form.scheduled_end, self.start + timedelta(hours=1))
            with form.part_line_ids.new() as line:
                line.product_id = belt
        order = form.record
        self.assertEqual(order.part_line_ids.quantity, 1.0)
        self.assertEqual(order.part_line_ids.product_uom_id, belt.uom_id)


@tagged("post_install", "-at_install")
class TestWorkTimer(FseCommon):
    def test_timer_with_pause_becomes_rounded_labor_line(self):
        order = self._order()
        with freeze_time("2026-03-02 08:00:00"):
            order.action_start()
        self.assertTrue(order.timer_running)
        with freeze_time("2026-03-02 08:37:00"):
            order.action_timer_pause()
            order.action_timer_pause()  # double tap
        self.assertFalse(order.timer_running)
        self.assertEqual(order.timer_seconds, 37 * 60)
        with freeze_time("2026-03-02 09:00:00"):
            order.action_timer_resume()
        with freeze_time("2026-03-02 09:01:00"):
            order.action_timer_resume()  # a re-sent request does not restart the clock
        with freeze_time("2026-03-02 09:06:00"):
            order.action_complete()
        # 37 + 6 = 43 minutes, rounded up to the quarter hour.
        line = order.labor_line_ids
        self.assertRecordValues(line, [{"technician_id": self.tech.id, "hours": 0.75, "from_timer": True}])
        self.assertEqual(str(line.date), "2026-03-02")
        self.assertEqual(order.labor_hours, 0.75)

    def test_timer_under_a_minute_adds_no_time(self):
        order = self._order()
        with freeze_time("2026-03-02 08:00:00"):
            order.action_start()
        with freeze_time("2026-03-02 08:00:40"):
            action = order.action_complete()
            # No time at all: the technician is asked first, then completes without labor.
            self.assertEqual(action["res_model"], "fse.work.order.complete")
            order.with_context(fse_labor_confirmed=True).action_complete()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.labor_line_ids)

    def test_timer_after_reset_updates_the_same_line(self):
        self.company.fse_timer_rounding_minutes = 5
        order = self._order()
        with freeze_time("2026-03-02 08:00:00"):
            order.action_start()
        with freeze_time("2026-03-02 08:21:00"):
            order.action_complete()
        self.assertAlmostEqual(order.labor_line_ids.hours, 25 / 60, places=2)
        order.action_reset_draft()
        with freeze_time("2026-03-02 10:00:00"):
            order.action_start()
        with freeze_time("2026-03-02 10:10:00"):
            order.action_complete()
        self.assertEqual(len(order.labor_line_ids), 1)
        self.assertAlmostEqual(order.labor_line_ids.hours, 35 / 60, places=2)  # 21 + 10 = 31 min, up to 35


@tagged("post_install", "-at_install")
class TestOnSite(FseCommon):
    def test_scanning_a_serial_adds_the_part_once(self):
        valve = self.env["product.product"].create({"name": "Valve", "is_storable": True, "tracking": "serial"})
        serial = self.env["stock.lot"].create({"name": "V-SCAN-1", "product_id": valve.id})
        # The serial is where the technician (who has no van) takes parts from.
        stock = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).lot_stock_id
        self.env["stock.quant"]._update_available_quantity(valve, stock, 1, lot_id=serial)
        belt = self.env["product.product"].create({"name": "Belt", "is_storable": True, "barcode": "4006381333931"})
        order = self._order()
        with Form(order) as form:
            form.scan_lot_id = serial
            form.scan_lot_id = serial  # the same serial scanned twice
            form.scan_product_id = belt
            form.scan_product_id = belt
        self.assertRecordValues(
            order.part_line_ids.sorted("id"),
            [
                {"product_id": valve.id, "lot_id": serial.id, "quantity": 1.0},
                {"product_id": belt.id, "lot_id": False, "quantity": 2.0},
            ],
        )
        # The camera widget finds a product by its barcode and a lot by its serial.
        self.assertEqual(self.env["product.product"].name_search("4006381333931")[0][0], belt.id)
        self.assertEqual(self.env["stock.lot"].name_search("V-SCAN-1")[0][0], serial.id)

    def test_on_hand_at_source_and_map_link(self):
        part = self.env["product.product"].create({"name": "Filter", "is_storable": True})
        stock = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).lot_stock_id
        self.env["stock.quant"]._update_available_quantity(part, stock, 7)
        self.site.write({"city": "Gent", "zip": "9000"})
        order = self._order(
            technician_id=self.tech_b.id, part_line_ids=[Command.create({"product_id": part.id, "quantity": 2})]
        )
        self.assertEqual(order.part_line_ids.qty_at_source, 7)
        self.assertEqual(
            order.site_map_url, "https://www.openstreetmap.org/search?query=Industrieweg%201%2C%209000%2C%20Gent"
        )

    def test_my_day_lists_the_technicians_coming_orders(self):
        soon = self._order(scheduled_start=datetime.now(), scheduled_end=datetime.now() + timedelta(hours=1))
        later = self._order(
            scheduled_start=datetime.now() + timedelta(days=30),
            scheduled_end=datetime.now() + timedelta(days=30, hours=1),
        )
        (soon | later).action_schedule()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_erp.action_fse_work_order_my_day")
        domain = safe_eval(
            action["domain"], {"uid": self.tech.id, "context_today": date.today, "relativedelta": relativedelta}
        )
        mine = self.env["fse.work.order"].with_user(self.tech).search(domain)
        self.assertIn(soon, mine)
        self.assertNotIn(later, mine)


@tagged("post_install", "-at_install")
class TestChecklist(FseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["fse.checklist.item"].search([]).active = False
        cls.env["fse.checklist.item"].create(
            [
                {"order_type": "corrective", "name": "Lock-out / tag-out done", "required": True, "sequence": 1},
                {"order_type": "corrective", "name": "Area cleaned", "sequence": 2},
                {"order_type": "inspection", "name": "Safety valves tested", "required": True},
            ]
        )

    def test_required_checks_block_completion(self):
        order = self._order(order_type="corrective", labor_line_ids=[self._labor(1.0, self.tech)])
        self.assertEqual(order.check_ids.mapped("name"), ["Lock-out / tag-out done", "Area cleaned"])
        order.with_user(self.tech).action_start()
        with self.assertRaisesRegex(UserError, "tick the required check 'Lock-out / tag-out done'"):
            order.with_user(self.tech).action_complete()
        order.check_ids[0].with_user(self.tech).done = True
        self.assertEqual(order.check_ids[0].done_by_id, self.tech)
        order.with_user(self.tech).action_complete()  # the optional check may stay open
        self.assertEqual(order.state, "done")
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.check_ids[1].done = True

    def test_changing_the_type_of_a_draft_changes_its_checklist(self):
        order = self._order(order_type="preventive")
        self.assertFalse(order.check_ids)
        order.order_type = "inspection"
        self.assertEqual(order.check_ids.mapped("name"), ["Safety valves tested"])

    def test_technician_cannot_tick_another_technicians_checks(self):
        order = self._order(order_type="corrective", technician_id=self.tech_b.id)
        with self.assertRaises(AccessError):
            order.check_ids[0].with_user(self.tech).done = True
