import uuid

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.field_service_erp.tests.common import FseConcurrentCase


@tagged("post_install", "-at_install")
class TestInvoiceConcurrency(FseConcurrentCase):
    def test_two_back_office_users_invoice_the_same_order(self):
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": f"Billing Customer {tag}"})
            labor = env["product.product"].create({"name": f"Labor {tag}", "type": "service", "list_price": 90})
            order = env["fse.work.order"].create(
                {
                    "partner_id": customer.id,
                    "technician_id": SUPERUSER_ID,
                    "labor_line_ids": [
                        Command.create({"technician_id": SUPERUSER_ID, "hours": 2, "product_id": labor.id})
                    ],
                }
            )
            order.check_ids.unlink()  # checklists of the database are not this test's subject
            order.action_start()
            order.action_complete()
            order_id = order.id

        def invoice(env):
            return env["fse.work.order"].browse(order_id).action_create_invoices()

        first, second = self._in_parallel(invoice, invoice)
        self.assertIsNone(first)
        self.assertIsNone(second)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["account.move.line"].search([("fse_work_order_id", "=", order_id)])
            self.assertEqual(len(lines.move_id), 1)
            # Each source billed once (a billing rule of the database may add a call-out line).
            self.assertEqual(len(lines), len(set(lines.mapped("fse_source_ref"))))
            self.assertEqual(lines.filtered("fse_labor_id").quantity, 2)
            self.assertEqual(env["fse.work.order"].browse(order_id).invoice_status, "invoiced")
