from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTechnicianTour(HttpCase):
    def test_technician_starts_records_time_and_finishes(self):
        tech = new_test_user(
            self.env,
            login="tour_tech",
            password="tour_tech_pw",
            name="Tour Technician",
            groups="field_service_erp.group_fse_technician",
        )
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
        other = self.env["fse.work.order"].create({"partner_id": customer.id, "technician_id": self.env.uid})
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
