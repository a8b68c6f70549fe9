from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import FseCommon


@tagged("post_install", "-at_install")
class TestSecurity(FseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_a = cls._order(technician_id=cls.tech.id)
        cls.order_b = cls._order(technician_id=cls.tech_b.id)
        cls.order_unassigned = cls._order(technician_id=False)

    def test_technician_sees_only_own_orders(self):
        WorkOrder = self.env["fse.work.order"].with_user(self.tech)
        visible = WorkOrder.search([("id", "in", (self.order_a | self.order_b | self.order_unassigned).ids)])
        self.assertEqual(visible, self.order_a)
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.tech).read(["name"])

    def test_technician_updates_own_order_only(self):
        self.order_a.with_user(self.tech).write({"resolution": "<p>Replaced the fuse</p>"})
        self.order_a.with_user(self.tech).action_start()
        self.assertEqual(self.order_a.state, "in_progress")
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.tech).write({"resolution": "<p>not mine</p>"})
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.tech).action_start()
        self.assertEqual(self.order_b.state, "draft")

    def test_technician_records_labor_on_own_order_only(self):
        self.order_a.with_user(self.tech).write({"labor_line_ids": [self._labor(1.25, self.tech)]})
        self.assertEqual(self.order_a.labor_hours, 1.25)
        with self.assertRaises(AccessError):
            self.env["fse.work.order.labor"].with_user(self.tech).create(
                {
                    "order_id": self.order_b.id,
                    "technician_id": self.tech.id,
                    "hours": 1,
                }
            )

    def test_technician_cannot_create_or_delete_orders(self):
        with self.assertRaises(AccessError):
            self.env["fse.work.order"].with_user(self.tech).create({"partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.tech).unlink()

    def test_technician_reads_but_does_not_edit_installations(self):
        inst = self.installation.with_user(self.tech)
        self.assertEqual(inst.name, self.installation.name)
        with self.assertRaises(AccessError):
            inst.write({"warranty_end_date": "2030-01-01"})

    def test_dispatcher_sees_and_plans_all_orders(self):
        WorkOrder = self.env["fse.work.order"].with_user(self.dispatcher)
        ids = (self.order_a | self.order_b | self.order_unassigned).ids
        self.assertEqual(WorkOrder.search_count([("id", "in", ids)]), 3)
        self.order_unassigned.with_user(self.dispatcher).write({"technician_id": self.tech_b.id})
        self.order_unassigned.with_user(self.dispatcher).action_schedule()
        self.assertEqual(self.order_unassigned.state, "scheduled")
        new = WorkOrder.create({"installation_id": self.installation.id})
        self.assertEqual(new.partner_id, self.customer)
        with self.assertRaises(AccessError):
            self.installation.with_user(self.dispatcher).unlink()

    def test_other_company_is_invisible(self):
        company_b = self.env["res.company"].create({"name": "Field Service B"})
        customer_b = self.env["res.partner"].create({"name": "Customer B", "company_id": company_b.id})
        order_b = (
            self.env["fse.work.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": customer_b.id,
                    "company_id": company_b.id,
                }
            )
        )
        dispatcher_b = new_test_user(
            self.env,
            login="fse_dispatcher_b",
            groups="field_service_erp.group_fse_dispatcher",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        # The dispatcher of company A does not see company B's order, and vice versa.
        self.assertFalse(self.env["fse.work.order"].with_user(self.dispatcher).search([("id", "=", order_b.id)]))
        with self.assertRaises(AccessError):
            order_b.with_user(self.dispatcher).read(["name"])
        visible_b = self.env["fse.work.order"].with_user(dispatcher_b).search([])
        self.assertEqual(visible_b, order_b)

    def test_inventory_user_without_field_service_rights(self):
        """The fields the add-on puts on Odoo's models never fail for internal users who have
        no field-service group: pickings, locations and the company read as before."""
        clerk = new_test_user(self.env, login="fse_plain_stock_user", groups="base.group_user,stock.group_stock_user")
        self.assertFalse(clerk.has_group("field_service_erp.group_fse_technician"))
        env = self.env(user=clerk)
        picking_type = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).out_type_id
        with Form(env["stock.picking"].with_context(default_picking_type_id=picking_type.id)) as form:
            form.partner_id = self.customer
            with form.move_ids.new() as move:
                move.product_id = self.machine_product
                move.product_uom_qty = 1
        self.assertEqual(form.save().state, "draft")
        # Every field-service field the user is shown reads (Odoo's own res.company fields
        # already deny a plain Inventory user some, so not a whole read()).
        for records in (env.company, env.user, env["stock.picking"].search([], limit=1)):
            shown = [name for name in records.fields_get(attributes=["type"]) if name.startswith("fse_")]
            self.assertTrue(records.read(shown))
        self.assertNotIn("fse_signature_type_ids", env["res.company"].fields_get(attributes=["type"]))
        self.assertNotIn("fse_installable_count", env["stock.picking"].fields_get(attributes=["type"]))
        location = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).lot_stock_id
        self.assertTrue(Form(location.with_user(clerk)).name)
