import uuid

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.field_service_erp.tests.common import FseConcurrentCase


def _done_order(env, customer, labor, **vals):
    """A done order of 2 hours of `labor` for `customer`, committed with the caller's cursor."""
    order = env["fse.work.order"].create(
        {
            "partner_id": customer.id,
            "technician_id": env.ref("base.user_admin").id,
            "labor_line_ids": [
                Command.create({"technician_id": env.ref("base.user_admin").id, "hours": 2, "product_id": labor.id})
            ],
            **vals,
        }
    )
    order.check_ids.unlink()  # checklists of the database are not this test's subject
    order.action_start()
    order.action_complete()
    return order


@tagged("post_install", "-at_install")
class TestInvoiceConcurrency(FseConcurrentCase):
    def test_two_back_office_users_invoice_the_same_order(self):
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": f"Billing Customer {tag}"})
            labor = env["product.product"].create({"name": f"Labor {tag}", "type": "service", "list_price": 90})
            order_id = _done_order(env, customer, labor).id

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
            self.assertEqual(len(lines), len(lines._fse_billed_keys()))
            self.assertEqual(lines.filtered("fse_labor_id").quantity, 2)
            self.assertEqual(env["fse.work.order"].browse(order_id).invoice_status, "invoiced")

    def test_two_orders_of_one_contract_share_its_included_hours_once(self):
        """Two people invoice two orders of the same contract at the same moment: the contract's
        2 included hours are used once in all, not once by each invoice."""
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": f"Allowance Customer {tag}", "is_company": True})
            machine = env["fse.installation"].create({"partner_id": customer.id, "name": f"Unit {tag}"})
            labor = env["product.product"].create({"name": f"Labor {tag}", "type": "service", "list_price": 90})
            today = fields.Date.context_today(env["fse.contract"])
            contract = env["fse.contract"].create(
                {
                    "partner_id": customer.id,
                    "date_start": today - relativedelta(months=1),
                    "included_quantity": 2.0,
                    "included_unit": "hours",
                    "included_period": "year",
                    "coverage_ids": [Command.create({"installation_id": machine.id})],
                }
            )
            contract.action_confirm()
            orders = _done_order(env, customer, labor, installation_id=machine.id)
            orders |= _done_order(env, customer, labor, installation_id=machine.id)
            self.assertEqual(orders.contract_id, contract)
            first_id, second_id = orders.ids
            contract_id = contract.id

        first, second = self._in_parallel(
            lambda env: env["fse.work.order"].browse(first_id).action_create_invoices(),
            lambda env: env["fse.work.order"].browse(second_id).action_create_invoices(),
        )
        self.assertIsNone(first)
        self.assertIsNone(second)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["account.move.line"].search(
                [("fse_contract_id", "=", contract_id), ("fse_labor_id", "!=", False)]
            )
            self.assertEqual(len(lines.move_id), 2)
            self.assertEqual(sum(lines.mapped("fse_included_qty")), 2.0, "the 2 included hours, used once")
            self.assertEqual(sorted(lines.mapped("discount")), [0.0, 100.0])
