"""Two real transactions generating the same preventive visits, or invoicing the same
contract period, at the same moment. These tests commit their own uniquely named records."""

import uuid
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.field_service_erp.tests.common import FseConcurrentCase


@tagged("post_install", "-at_install")
class TestContractConcurrency(FseConcurrentCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": f"Contract Customer {tag}", "is_company": True})
            machines = env["fse.installation"].create(
                [{"partner_id": customer.id, "name": f"Unit {i} {tag}"} for i in range(3)]
            )
            fee = env["product.product"].create({"name": f"Fee {tag}", "type": "service", "list_price": 90})
            contract = env["fse.contract"].create(
                {
                    "partner_id": customer.id,
                    "date_start": date.today().replace(day=1),
                    "coverage_ids": [Command.create({"installation_id": m.id}) for m in machines],
                    "line_ids": [Command.create({"product_id": fee.id, "per_machine": True, "price_unit": 90})],
                }
            )
            contract.action_confirm()
            plan = env["fse.maintenance.plan"].create(
                {"name": f"Weekly {tag}", "contract_id": contract.id, "interval_type": "week"}
            )
            self.contract_id, self.plan_id = contract.id, plan.id

    def _read(self, func):
        with self.registry.cursor() as cr:
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def test_two_runs_generate_each_visit_once(self):
        def generate(env):
            env["fse.maintenance.plan"].browse(self.plan_id).action_generate_now()

        first, second = self._in_parallel(generate, generate)
        self.assertIsNone(first)
        self.assertIsNone(second)
        visits = self._read(
            lambda env: env["fse.work.order"].search_read(
                [("plan_id", "=", self.plan_id)], ["installation_id", "plan_occurrence"]
            )
        )
        horizon_weeks = self._read(lambda env: env.company.fse_plan_horizon_days) // 7 + 1
        self.assertEqual(len(visits), 3 * horizon_weeks, "each machine, each week of the horizon, once")
        keys = {(v["installation_id"][0], v["plan_occurrence"]) for v in visits}
        self.assertEqual(len(keys), len(visits))
        # A third run, after both, adds nothing either.
        self._in_parallel(generate, lambda env: None)
        self.assertEqual(
            self._read(lambda env: env["fse.work.order"].search_count([("plan_id", "=", self.plan_id)])), len(visits)
        )

    def test_two_runs_invoice_a_period_once(self):
        def bill(env):
            env["fse.contract"].browse(self.contract_id)._fse_bill_due_periods()

        first, second = self._in_parallel(bill, bill)
        self.assertIsNone(first)
        self.assertIsNone(second)
        periods = self._read(
            lambda env: env["fse.contract.period"].search_read(
                [("contract_id", "=", self.contract_id)], ["date_start", "invoice_id"]
            )
        )
        self.assertEqual(len(periods), 1)
        invoices = self._read(
            lambda env: env["account.move"].search_read(
                [("fse_contract_id", "=", self.contract_id)], ["amount_untaxed"]
            )
        )
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices[0]["amount_untaxed"], 270.0)
