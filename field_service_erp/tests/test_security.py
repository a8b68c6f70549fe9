from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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
