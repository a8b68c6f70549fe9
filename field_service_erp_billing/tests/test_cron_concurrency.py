"""The scheduled invoicing runs (contracts, work orders) beside another transaction holding
some of their records (a person mid-click, or a second run), on two real cursors.

These tests commit their own uniquely named records and remove them afterwards. Each run
is restricted to the test's own records (the crons' `domain`), so the database's other
records are not invoiced by them."""

import time
import uuid
from datetime import date, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.service.model import retrying
from odoo.tests import tagged

from odoo.addons.field_service_erp.tests.common import FseConcurrentCase
from odoo.addons.field_service_erp.tests.test_cron_concurrency import CronConcurrencyMixin

CONTRACT_CRON = "field_service_erp_billing.ir_cron_fse_contract_invoices"
ORDER_CRON = "field_service_erp_billing.ir_cron_fse_create_invoices"


@tagged("post_install", "-at_install")
class TestContractCronConcurrency(CronConcurrencyMixin, FseConcurrentCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        # Monthly in advance, started two months ago: three periods due on each contract.
        start = date.today().replace(day=1) - relativedelta(months=2)

        def create(env):
            customer = env["res.partner"].create({"name": f"Cron Customer {tag}", "is_company": True})
            fee = env["product.product"].create({"name": f"Cron Fee {tag}", "type": "service", "list_price": 50})
            contracts = env["fse.contract"]
            for i in range(6):
                machine = env["fse.installation"].create({"partner_id": customer.id, "name": f"Unit {i} {tag}"})
                contracts |= env["fse.contract"].create(
                    {
                        "partner_id": customer.id,
                        "date_start": start,
                        "coverage_ids": [Command.create({"installation_id": machine.id, "date_from": start})],
                        "line_ids": [Command.create({"product_id": fee.id, "price_unit": 50})],
                    }
                )
            contracts.action_confirm()
            return customer.id, fee.id, contracts.ids

        self.customer_id, self.fee_id, self.contract_ids = self._env_call(create)
        self.addCleanup(self._cleanup)
        self.periods_due = 3

    def _cleanup(self):
        def remove(env):
            contracts = env["fse.contract"].browse(self.contract_ids)
            env["account.move"].search([("fse_contract_id", "in", contracts.ids)]).unlink()
            analytic = contracts.analytic_account_id
            machines = contracts.coverage_ids.installation_id
            contracts.action_cancel()
            contracts.unlink()
            analytic.unlink()
            machines.unlink()
            env["product.product"].browse(self.fee_id).unlink()
            env["res.partner"].browse(self.customer_id).unlink()

        self._env_call(remove)

    def _billed(self):
        """{contract id: (periods, invoices, invoiced periods)} of the test's contracts."""

        def read(env):
            result = {}
            for contract_id in self.contract_ids:
                periods = env["fse.contract.period"].search([("contract_id", "=", contract_id)])
                invoices = env["account.move"].search([("fse_contract_id", "=", contract_id)])
                result[contract_id] = (len(periods), len(invoices), len(periods.filtered("invoice_id")))
            return result

        return self._env_call(read)

    def _cron(self, batch_size=2):
        def run(env):
            return (
                env["fse.contract"]
                ._cron_create_invoices(batch_size=batch_size, domain=[("id", "in", self.contract_ids)])
                .ids
            )

        return run

    def test_cron_skips_contracts_held_by_a_click_and_retriggers(self):
        held = self.contract_ids[:2]  # the first batch
        triggers_before = self._forget_new_triggers(CONTRACT_CRON)
        # A person invoicing the first two contracts, in the middle of the click.
        release = self._hold(lambda env: env["fse.contract"].browse(held)._fse_lock())
        (first_run,) = self._in_threads(self._cron())
        self.assertIsInstance(first_run, list, f"the run failed: {first_run!r}")
        billed = self._billed()
        for contract_id in self.contract_ids:
            expected = (0, 0, 0) if contract_id in held else (self.periods_due,) * 3
            self.assertEqual(billed[contract_id], expected, "only the contracts not held are billed")
        self.assertEqual(len(first_run), self.periods_due * 4)
        new_triggers = self._trigger_ids(CONTRACT_CRON) - triggers_before
        self.assertEqual(len(new_triggers), 1, "the run schedules itself again for what it skipped")
        call_at = self._env_call(lambda env: env["ir.cron.trigger"].browse(new_triggers).call_at)
        self.assertLess(call_at, fields.Datetime.now() + timedelta(minutes=10), "the same day, shortly")

        release()  # the click ends without invoicing
        (second_run,) = self._in_threads(self._cron())
        self.assertEqual(len(second_run), self.periods_due * 2)
        self.assertEqual(set(self._billed().values()), {(self.periods_due,) * 3}, "every period billed once")
        self.assertEqual(self._trigger_ids(CONTRACT_CRON) - triggers_before, new_triggers, "nothing left to retry")
        (third_run,) = self._in_threads(self._cron())
        self.assertEqual(third_run, [])

    def test_cron_retries_a_batch_changed_under_it(self):
        Contract = type(self._env_call(lambda env: env["fse.contract"]))
        changing, changed = self._changed_under_the_run(Contract, "_fse_lock", "fse_contract")
        with changing:
            (run,) = self._in_threads(self._cron())
        self.assertEqual(changed, self.contract_ids[:1], "the first batch met a serialization failure")
        self.assertIsInstance(run, list, f"the run failed: {run!r}")
        self.assertEqual(len(run), 6 * self.periods_due, "the run read the batch again and went on")
        self.assertEqual(set(self._billed().values()), {(self.periods_due,) * 3}, "every period billed once")

    def test_a_contract_that_cannot_be_invoiced_leaves_its_batch_invoiced(self):
        bad = self.contract_ids[1]  # in the first batch, with the first contract
        triggers_before = self._forget_new_triggers(CONTRACT_CRON)
        Contract = type(self._env_call(lambda env: env["fse.contract"]))
        bill = Contract._fse_bill_due_periods

        def refusing_bill(records, today=None):
            if bad in records.ids:
                raise UserError(records.env._("no income account"))
            return bill(records, today)

        with patch.object(Contract, "_fse_bill_due_periods", refusing_bill):
            (run,) = self._in_threads(self._cron())
        self.assertIsInstance(run, list, f"the run failed: {run!r}")
        billed = self._billed()
        for contract_id in self.contract_ids:
            expected = (0, 0, 0) if contract_id == bad else (self.periods_due,) * 3
            self.assertEqual(billed[contract_id], expected, "only the contract in error is left for a person")
        self.assertFalse(self._trigger_ids(CONTRACT_CRON) - triggers_before, "an error is not retried by a later run")

    def test_two_runs_and_a_click_bill_every_period_once(self):
        triggers_before = self._forget_new_triggers(CONTRACT_CRON)
        Contract = type(self._env_call(lambda env: env["fse.contract"]))
        bill = Contract._fse_bill_due_periods

        def slow_bill(records, today=None):
            invoices = bill(records, today)
            time.sleep(0.3)  # keep the locks a while: the runs overlap
            return invoices

        def click(env):
            contract = env["fse.contract"].browse(self.contract_ids[-1])
            try:
                return retrying(contract.action_create_invoices, env)  # an RPC retries on conflicts
            except UserError as error:  # a run invoiced it first
                return error

        with patch.object(Contract, "_fse_bill_due_periods", slow_bill):
            first, second, clicked = self._in_threads(self._cron(batch_size=1), self._cron(batch_size=1), click)
        self.assertIsInstance(first, list, f"the first run failed: {first!r}")
        self.assertIsInstance(second, list, f"the second run failed: {second!r}")
        if isinstance(clicked, UserError):
            self.assertIn("No period", str(clicked))
        else:
            self.assertIsInstance(clicked, dict, f"the click failed: {clicked!r}")
        # What both runs skipped (if anything) is for the run they scheduled.
        if set(self._billed().values()) != {(self.periods_due,) * 3}:
            self.assertTrue(self._trigger_ids(CONTRACT_CRON) - triggers_before, "a later run is scheduled")
        self._in_threads(self._cron())
        self.assertEqual(set(self._billed().values()), {(self.periods_due,) * 3}, "every period billed once")
        self.assertEqual(
            self._env_call(
                lambda env: env["account.move"].search_count([("fse_contract_id", "in", self.contract_ids)])
            ),
            6 * self.periods_due,
        )


@tagged("post_install", "-at_install")
class TestOrderCronConcurrency(CronConcurrencyMixin, FseConcurrentCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]

        def create(env):
            customer = env["res.partner"].create({"name": f"Order Cron Customer {tag}"})
            labor = env["product.product"].create({"name": f"Cron Labor {tag}", "type": "service", "list_price": 90})
            orders = env["fse.work.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "technician_id": env.ref("base.user_admin").id,
                        "labor_line_ids": [
                            Command.create(
                                {"technician_id": env.ref("base.user_admin").id, "hours": 2, "product_id": labor.id}
                            )
                        ],
                    }
                    for _i in range(5)
                ]
            )
            orders.check_ids.unlink()  # checklists of the database are not this test's subject
            orders.action_start()
            orders.action_complete()
            return customer.id, labor.id, orders.ids

        self.customer_id, self.labor_id, self.order_ids = self._env_call(create)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        def remove(env):
            orders = env["fse.work.order"].browse(self.order_ids)
            orders.invoice_ids.filtered(lambda m: m.state == "draft").unlink()
            orders.action_reset_draft()
            orders.unlink()
            env["product.product"].browse(self.labor_id).unlink()
            env["res.partner"].browse(self.customer_id).unlink()

        self._env_call(remove)

    def _billing(self):
        """{order id: (invoice status, invoices, labor hours billed, lines, distinct sources)}."""

        def read(env):
            result = {}
            for order in env["fse.work.order"].browse(self.order_ids):
                lines = env["account.move.line"].search([("fse_work_order_id", "=", order.id)])
                result[order.id] = (
                    order.invoice_status,
                    len(lines.move_id),
                    sum(lines.filtered("fse_labor_id").mapped("quantity")),
                    len(lines),
                    len(lines._fse_billed_keys()),
                )
            return result

        return self._env_call(read)

    def _assert_invoiced_once(self, billing):
        status, invoices, hours, lines, sources = billing
        self.assertEqual((status, invoices, hours), ("invoiced", 1, 2))
        self.assertEqual(lines, sources, "each source billed once")

    def _cron(self, batch_size=2):
        def run(env):
            tomorrow = fields.Date.today() + timedelta(days=1)
            return env["fse.work.order"]._cron_create_invoices(
                batch_size=batch_size, done_before=tomorrow, domain=[("id", "in", self.order_ids)]
            )

        return run

    def test_cron_skips_orders_held_by_a_click_and_retriggers(self):
        held = self.order_ids[:2]  # the first batch
        triggers_before = self._forget_new_triggers(ORDER_CRON)
        # A person invoicing the first two orders, in the middle of the click.
        release = self._hold(lambda env: env["fse.work.order"].browse(held)._fse_lock())
        (first_run,) = self._in_threads(self._cron())
        self.assertIs(first_run, True, f"the run failed: {first_run!r}")
        billing = self._billing()
        for order_id in self.order_ids:
            if order_id in held:
                self.assertEqual(billing[order_id][:2], ("to_invoice", 0))
            else:
                self._assert_invoiced_once(billing[order_id])
        new_triggers = self._trigger_ids(ORDER_CRON) - triggers_before
        self.assertEqual(len(new_triggers), 1, "the run schedules itself again for what it skipped")

        release()  # the click ends without invoicing
        (second_run,) = self._in_threads(self._cron())
        self.assertIs(second_run, True, f"the run failed: {second_run!r}")
        for billing in self._billing().values():
            self._assert_invoiced_once(billing)
        self.assertEqual(self._trigger_ids(ORDER_CRON) - triggers_before, new_triggers, "nothing left to retry")

    def test_an_order_that_cannot_be_invoiced_is_reported(self):
        bad = self.order_ids[2]
        Order = type(self._env_call(lambda env: env["fse.work.order"]))
        create_invoices = Order.action_create_invoices
        failures = []

        def refusing_create_invoices(records):
            if bad in records.ids:
                raise UserError(records.env._("no income account"))
            return create_invoices(records)

        def run(env):
            tomorrow = fields.Date.today() + timedelta(days=1)
            return env["fse.work.order"]._cron_create_invoices(
                batch_size=2,
                done_before=tomorrow,
                domain=[("id", "in", self.order_ids)],
                on_failure=lambda order, error: failures.append((order.id, str(error))),
            )

        with patch.object(Order, "action_create_invoices", refusing_create_invoices):
            (result,) = self._in_threads(run)
        self.assertIs(result, True, f"the run failed: {result!r}")
        self.assertEqual(failures, [(bad, "no income account")])
        billing = self._billing()
        self.assertEqual(billing[bad][:2], ("to_invoice", 0))
        for order_id in set(self.order_ids) - {bad}:
            self._assert_invoiced_once(billing[order_id])

    def test_two_runs_and_a_click_invoice_each_order_once(self):
        triggers_before = self._forget_new_triggers(ORDER_CRON)
        Order = type(self._env_call(lambda env: env["fse.work.order"]))
        create_invoices = Order.action_create_invoices

        def slow_create_invoices(records):
            invoices = create_invoices(records)
            time.sleep(0.3)  # keep the locks a while: the runs overlap
            return invoices

        def click(env):
            order = env["fse.work.order"].browse(self.order_ids[-1])
            return retrying(order.action_create_invoices, env)  # an RPC retries on conflicts

        with patch.object(Order, "action_create_invoices", slow_create_invoices):
            first, second, clicked = self._in_threads(self._cron(batch_size=1), self._cron(batch_size=1), click)
        self.assertIs(first, True, f"the first run failed: {first!r}")
        self.assertIs(second, True, f"the second run failed: {second!r}")
        self.assertNotIsInstance(clicked, Exception)
        if {b[0] for b in self._billing().values()} != {"invoiced"}:
            self.assertTrue(self._trigger_ids(ORDER_CRON) - triggers_before, "a later run is scheduled")
        self._in_threads(self._cron())
        for billing in self._billing().values():
            self._assert_invoiced_once(billing)
