from datetime import datetime, timedelta

import pytz

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

# A 1x1 PNG for a photo already on the job.
SMALL_PNG = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _technician(env, login, name):
    """A technician who logs in to the tour as `login`."""
    return new_test_user(
        env, login=login, password=f"{login}_pw", name=name, groups="field_service_erp.group_fse_technician"
    )


@tagged("post_install", "-at_install")
class TestTechnicianTour(HttpCase):
    def test_technician_starts_records_time_and_finishes(self):
        tech = _technician(self.env, "tour_tech", "Tour Technician")
        self.env["fse.checklist.item"].search([]).active = False
        customer = self.env["res.partner"].create({"name": "Tour Bakery", "is_company": True})
        filter_part = self.env["product.product"].create({"name": "Tour Filter", "is_storable": True})
        tech.action_fse_create_van()
        self.env["stock.quant"]._update_available_quantity(filter_part, tech.fse_van_location_id, 3)
        order = self.env["fse.work.order"].create(
            {
                "partner_id": customer.id,
                "technician_id": tech.id,
                "part_line_ids": [Command.create({"product_id": filter_part.id, "quantity": 1})],
            }
        )
        other = self.env["fse.work.order"].create(
            {"partner_id": customer.id, "technician_id": self.env.ref("base.user_admin").id}
        )
        action = self.env.ref("field_service_erp.action_fse_work_order_mine")
        self.start_tour(f"/odoo/action-{action.id}", "fse_technician_job", login="tour_tech")
        self.assertEqual(order.state, "done")
        typed = order.labor_line_ids.filtered(lambda line: not line.from_timer)
        self.assertRecordValues(typed, [{"technician_id": tech.id, "hours": 1.5, "name": "Replaced the door seal"}])
        # The timer ran from Start to Complete: under a minute adds nothing, else a quarter hour.
        timed = order.labor_line_ids.filtered("from_timer")
        self.assertLessEqual(sum(timed.mapped("hours")), 0.25)
        self.assertEqual(order.move_ids.state, "done")
        self.assertEqual(order.move_ids.location_id, tech.fse_van_location_id)
        self.assertEqual(other.state, "draft")  # not the technician's: untouched


@tagged("post_install", "-at_install")
class TestTechnicianPhoneTour(HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_phone_start_scan_sign_complete(self):
        tech = _technician(self.env, "phone_tech", "Phone Technician")
        tech.action_fse_create_van()
        self.env["fse.checklist.item"].search([]).active = False
        installation_type = self.env["ir.model.fields.selection"].search(
            [
                ("field_id.model", "=", "fse.work.order"),
                ("field_id.name", "=", "order_type"),
                ("value", "=", "installation"),
            ]
        )
        self.env.company.fse_signature_type_ids = installation_type
        self.env.company.fse_photo_type_ids = installation_type  # a before and an after photo
        valve = self.env["product.product"].create({"name": "Phone Valve", "is_storable": True, "tracking": "serial"})
        serial = self.env["stock.lot"].create({"name": "V-PHONE-1", "product_id": valve.id})
        self.env["stock.quant"]._update_available_quantity(valve, tech.fse_van_location_id, 1, lot_id=serial)
        filter_part = self.env["product.product"].create({"name": "Phone Filter", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(filter_part, tech.fse_van_location_id, 2)
        customer = self.env["res.partner"].create({"name": "Phone Bakery", "is_company": True, "city": "Gent"})
        order = self.env["fse.work.order"].create(
            {
                "partner_id": customer.id,
                "technician_id": tech.id,
                "order_type": "installation",
                "scheduled_start": "2026-03-02 08:00:00",
                "scheduled_end": "2026-03-02 10:00:00",
                "check_ids": [Command.create({"name": "Door seal tested", "required": True})],
            }
        )
        order.action_schedule()
        order.scheduled_start = fields.Datetime.now()
        order.scheduled_end = fields.Datetime.now() + timedelta(hours=1)
        self.env["fse.work.order.photo"].create(
            {"order_id": order.id, "kind": "before", "caption": "Old valve leaking", "image": SMALL_PNG}
        )
        action = self.env.ref("field_service_erp.action_fse_work_order_my_day")
        self.start_tour(f"/odoo/action-{action.id}", "fse_technician_phone", login="phone_tech", timeout=240)
        self.assertEqual(order.state, "done")
        self.assertEqual(order.signed_by, "Jane Customer")
        # Just over a minute of work, rounded up to the company's 15 minutes.
        self.assertRecordValues(order.labor_line_ids, [{"technician_id": tech.id, "hours": 0.25, "from_timer": True}])
        self.assertTrue(order.signature)
        self.assertRecordValues(
            order.part_line_ids.sorted(lambda line: line.product_id.name),
            [
                {"product_id": filter_part.id, "lot_id": False, "quantity": 1, "qty_consumed": 1},
                {"product_id": valve.id, "lot_id": serial.id, "quantity": 1, "qty_consumed": 1},
            ],
        )
        self.assertEqual(set(order.move_ids.mapped("state")), {"done"})
        self.assertEqual(order.move_ids.location_id, tech.fse_van_location_id)
        self.assertEqual(serial.location_id, customer.property_stock_customer)
        van_quants = self.env["stock.quant"]._gather(filter_part, tech.fse_van_location_id)
        self.assertEqual(sum(van_quants.mapped("quantity")), 1)  # 2 in the van, 1 fitted
        self.assertRecordValues(order.check_ids, [{"done": True, "done_by_id": tech.id}])
        after = order.photo_ids.filtered(lambda photo: photo.kind == "after")
        self.assertRecordValues(after, [{"caption": "New valve fitted", "taken_by_id": tech.id}])
        self.assertTrue(after.image)

    def test_phone_timer_beside_typed_time_asks_which_counts(self):
        """Half an hour on the timer, 1:30 typed for the same day: the phone form shows that
        the timer adds nothing, Complete asks first, and 1:30 is what is recorded."""
        tech = _technician(self.env, "phone_labor_tech", "Phone Labor Technician")
        self.env["fse.checklist.item"].search([]).active = False
        customer = self.env["res.partner"].create({"name": "Labor Bakery", "is_company": True})
        now = fields.Datetime.now()
        order = self.env["fse.work.order"].create(
            {
                "partner_id": customer.id,
                "technician_id": tech.id,
                "scheduled_start": now,
                "scheduled_end": now + timedelta(hours=1),
                "labor_line_ids": [
                    Command.create(
                        {
                            "technician_id": tech.id,
                            "hours": 1.5,
                            "date": fields.Date.context_today(tech.with_user(tech)),
                        }
                    )
                ],
            }
        )
        order.action_start()
        order.timer_start = now - timedelta(minutes=30)  # the job started half an hour ago
        action = self.env.ref("field_service_erp.action_fse_work_order_my_day")
        self.start_tour(f"/odoo/action-{action.id}", "fse_technician_phone_labor", login="phone_labor_tech")
        self.assertEqual(order.state, "done")
        self.assertRecordValues(order.labor_line_ids, [{"hours": 1.5, "from_timer": False}])
        self.assertFalse(order.no_labor)

    def test_phone_request_parts_and_wait(self):
        """The demo technician asks for a part their van lacks: the warehouse gets the
        transfer to the van, and the job shows that it waits for it."""
        tom = self.env.ref("field_service_erp.demo_user_tech_tom")
        sensor = self.env.ref("field_service_erp.demo_part_sensor")
        van = tom.fse_van_location_id
        self.assertFalse(self.env["stock.quant"]._get_available_quantity(sensor, van))
        customer = self.env["res.partner"].create({"name": "Request Bakery", "is_company": True})
        now = fields.Datetime.now()
        order = self.env["fse.work.order"].create(
            {
                "partner_id": customer.id,
                "technician_id": tom.id,
                "scheduled_start": now,
                "scheduled_end": now + timedelta(hours=1),
            }
        )
        order.action_schedule()
        action = self.env.ref("field_service_erp.action_fse_work_order_my_day")
        self.start_tour(f"/odoo/action-{action.id}", "fse_technician_phone_request", login="tech")
        self.assertTrue(order.parts_waiting)
        warehouse = self.env.ref("stock.warehouse0")
        self.assertRecordValues(
            order.request_move_ids,
            [
                {
                    "product_id": sensor.id,
                    "product_uom_qty": 2,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": van.id,
                }
            ],
        )
        self.assertRecordValues(
            order.request_move_ids.picking_id,
            [{"picking_type_id": warehouse.int_type_id.id, "location_dest_id": van.id, "origin": order.name}],
        )


@tagged("post_install", "-at_install")
class TestTechnicianNarrowPhoneTour(HttpCase):
    """At 360 px: My Day puts the late job first, every tab of the job fits, lines are
    cards, and a labor line typed in its dialog is saved once."""

    browser_size = "360x740"
    touch_enabled = True

    def test_narrow_phone_pages_fit_and_lines_are_cards(self):
        tech = _technician(self.env, "narrow_tech", "Narrow Technician")
        tech.action_fse_create_van()
        gasket = self.env["product.product"].create(
            {
                "name": "Narrow Gasket With A Long Name For A Small Screen",
                "is_storable": True,
                "default_code": "NRW-GSK-0001",
            }
        )
        self.env["stock.quant"]._update_available_quantity(gasket, tech.fse_van_location_id, 5)
        now = fields.Datetime.now()
        late = self.env["fse.work.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Narrow Late Bakery"}).id,
                "technician_id": tech.id,
                "scheduled_start": now - timedelta(days=1, hours=2),
                "scheduled_end": now - timedelta(days=1),
            }
        )
        late.action_schedule()
        order = self.env["fse.work.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Narrow Bakery", "is_company": True}).id,
                "technician_id": tech.id,
                "scheduled_start": now,
                "scheduled_end": now + timedelta(hours=2),
                "part_line_ids": [Command.create({"product_id": gasket.id, "quantity": 2})],
                "check_ids": [Command.create({"name": "Oven door closes tight"})],
            }
        )
        order.action_start()
        self.assertEqual((late.day_bucket, order.day_bucket), ("overdue", "today"))
        action = self.env.ref("field_service_erp.action_fse_work_order_my_day")
        self.start_tour(f"/odoo/action-{action.id}", "fse_technician_narrow", login="narrow_tech")
        self.assertRecordValues(
            order.labor_line_ids, [{"technician_id": tech.id, "hours": 1.25, "name": "Checked the oven door"}]
        )
        self.assertEqual(order.state, "in_progress")
        self.assertRecordValues(order.part_line_ids, [{"product_id": gasket.id, "quantity": 2}])

    def test_narrow_phone_van_stock_and_pickup_are_cards(self):
        tech = _technician(self.env, "narrow_van_tech", "Narrow Van Technician")
        tech.action_fse_create_van()
        van = tech.fse_van_location_id
        hose = self.env["product.product"].create({"name": "Van Tour Hose", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(hose, van, 4)
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(hose, warehouse.lot_stock_id, 10)
        pickup = self.env["stock.picking"].create(
            {
                "name": "VAN-TOUR-PICKUP",
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": van.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": hose.id,
                            "product_uom_qty": 3,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": van.id,
                        }
                    )
                ],
            }
        )
        pickup.action_confirm()
        pickup.action_assign()
        self.start_tour(
            "/odoo/action-field_service_erp.action_fse_my_van", "fse_technician_van_stock", login=tech.login
        )
        self.start_tour(
            "/odoo/action-field_service_erp.action_fse_van_transfer", "fse_technician_van_transfer", login=tech.login
        )
        self.assertEqual(pickup.state, "done")
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(hose, van), 7)

    def test_narrow_phone_installed_base_is_cards(self):
        tech = _technician(self.env, "narrow_inst_tech", "Narrow Installation Technician")
        customer = self.env["res.partner"].create({"name": "Narrow Bakery Group", "is_company": True})
        oven = self.env["product.product"].create({"name": "Narrow Oven", "is_storable": True})
        machine = self.env["fse.installation"].create(
            {
                "name": "Narrow Oven With A Long Model Name, Hall B",
                "partner_id": customer.id,
                "product_id": oven.id,
                "installation_date": fields.Date.today(),
                "warranty_end_date": fields.Date.today() + timedelta(days=365),
            }
        )
        self.env["fse.installation"].create(
            {"name": "Narrow Door Seal", "partner_id": customer.id, "product_id": oven.id, "parent_id": machine.id}
        )
        self.env["fse.work.order"].create(
            {"partner_id": customer.id, "installation_id": machine.id, "technician_id": tech.id}
        )
        self.assertTrue(machine.under_warranty)
        self.start_tour(
            "/odoo/action-field_service_erp.action_fse_installation",
            "fse_technician_narrow_installation",
            login=tech.login,
        )


@tagged("post_install", "-at_install")
class TestDispatchBoardTour(HttpCase):
    browser_size = "1440x900"

    def test_dispatcher_drags_assigns_reassigns_and_resizes(self):
        env = self.env
        new_test_user(
            env,
            login="board_tour_disp",
            password="board_tour_disp_pw",
            name="Board Tour Dispatcher",
            tz="UTC",
            groups="field_service_erp.group_fse_dispatcher",
        )
        anna = _technician(env, "board_tour_anna", "Board Tour Anna")
        ben = _technician(env, "board_tour_ben", "Board Tour Ben")
        # Both work around the clock, so only the skill makes a conflict.
        always = env["resource.calendar"].create(
            {
                "name": "Board tour: always",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create({"name": str(day), "dayofweek": str(day), "hour_from": 0, "hour_to": 24})
                    for day in range(7)
                ],
            }
        )
        (anna | ben).action_fse_create_resource()
        (anna | ben).resource_ids.write({"calendar_id": always.id, "tz": "UTC"})
        welding = env["fse.skill"].create({"name": "Board tour welding", "technician_ids": [Command.set(anna.ids)]})
        customer = env["res.partner"].create({"name": "Board Tour Customer", "is_company": True, "city": "Ghent"})
        order = env["fse.work.order"].create(
            {
                "partner_id": customer.id,
                "order_type": "corrective",
                "duration_estimate": 1.5,
                "skill_ids": [Command.set(welding.ids)],
            }
        )
        self.start_tour(
            "/odoo/action-field_service_erp.action_fse_dispatch_board", "fse_dispatch_board", login="board_tour_disp"
        )
        # The browser shows the machine's local time: 10:00 and 13:00 today there.
        local_today = datetime.now().astimezone()
        expected = [
            local_today.replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(pytz.utc).replace(tzinfo=None)
            for hour in (10, 13)
        ]
        self.assertEqual(order.technician_id, ben)
        self.assertEqual(order.state, "scheduled")
        self.assertEqual([order.scheduled_start, order.scheduled_end], expected)
        bodies = " ".join(order.message_ids.mapped("body"))
        self.assertIn("despite", bodies)
        self.assertIn("lacks the skill Board tour welding", bodies)
        tracked = order.message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "technician_id")
        self.assertEqual(set(tracked.mapped("new_value_char")), {"Board Tour Anna", "Board Tour Ben"})
