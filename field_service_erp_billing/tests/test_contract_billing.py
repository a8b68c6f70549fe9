from datetime import date

from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestContractBilling(FseBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee = cls.env["product.product"].create({"name": "Maintenance Fee", "type": "service", "list_price": 100})
        cls.second = cls.env["fse.installation"].create({"partner_id": cls.customer.id, "name": "Second Unit"})

    def _contract(self, start, machines=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "date_start": start,
            "coverage_ids": [Command.create({"installation_id": m.id}) for m in (machines or self.installation)],
            "line_ids": [Command.create({"product_id": self.fee.id, "per_machine": True, "price_unit": 100})],
        }
        values.update(vals)
        contract = self.env["fse.contract"].create(values)
        contract.action_confirm()
        return contract

    def _lines(self, invoices):
        return [(line.price_unit * line.quantity, line.name) for line in invoices.invoice_line_ids]

    # ------------------------------------------------------------------ recurring fees
    def test_advance_billing_prorates_the_first_period_and_never_bills_twice(self):
        contract = self._contract(date(2027, 3, 10))
        march = contract._fse_bill_due_periods(date(2027, 3, 10))
        self.assertEqual(len(march), 1)
        self.assertEqual(march.amount_untaxed, 70.97)  # 100 x 22/31
        self.assertIn("period 2027-03-01 to 2027-03-31", march.invoice_line_ids.name)
        self.assertIn("prorated 22/31 days", march.invoice_line_ids.name)
        self.assertEqual(march.invoice_line_ids.analytic_distribution, {str(contract.analytic_account_id.id): 100})
        self.assertFalse(contract._fse_bill_due_periods(date(2027, 3, 31)), "March is billed, April not due")
        april = contract._fse_bill_due_periods(date(2027, 4, 1))
        self.assertEqual(april.amount_untaxed, 100.0)
        self.assertFalse(contract._fse_bill_due_periods(date(2027, 4, 1)))
        self.assertEqual(sorted(contract.period_ids.mapped("date_start")), [date(2027, 3, 1), date(2027, 4, 1)])
        self.assertEqual(contract.invoice_count, 2)
        # Deleting March's draft frees March, and only March, to be invoiced again.
        march.unlink()
        self.assertEqual(contract.next_period_start, date(2027, 3, 1))
        again = contract._fse_bill_due_periods(date(2027, 4, 2))
        self.assertEqual(again.amount_untaxed, 70.97)
        self.assertEqual(contract.next_period_start, date(2027, 5, 1))
        self.assertEqual(contract.invoice_count, 2)
        # One invoice per contract and period is a database fact.
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["fse.contract.period"].create(
                {"contract_id": contract.id, "date_start": "2027-04-01", "date_end": "2027-04-30"}
            )
            self.env.flush_all()

    def test_arrears_billing_waits_for_the_period_end(self):
        contract = self._contract(date(2027, 3, 10), billing_mode="arrears", billing_period="quarter")
        self.assertEqual(contract.next_invoice_date, date(2027, 4, 1))
        self.assertFalse(contract._fse_bill_due_periods(date(2027, 3, 31)))
        first = contract._fse_bill_due_periods(date(2027, 4, 1))
        self.assertEqual(first.amount_untaxed, 24.44)  # 100 x 22/90 (2027-03-10 to 03-31 of Q1)
        # Catching up two quarters at once gives two invoices, one per period.
        late = contract._fse_bill_due_periods(date(2027, 10, 2))
        self.assertEqual(late.mapped("amount_untaxed"), [100.0, 100.0])
        self.assertEqual(contract.next_invoice_date, date(2028, 1, 1))

    def test_machine_leaving_mid_period_is_credited_on_the_next_invoice(self):
        contract = self._contract(date(2027, 4, 1), machines=self.installation | self.second)
        april = contract._fse_bill_due_periods(date(2027, 4, 1))
        self.assertEqual(april.amount_untaxed, 200.0)
        contract.coverage_ids.filtered(lambda c: c.installation_id == self.second).date_to = date(2027, 4, 10)
        self.assertEqual(contract.fse_adjust_from, date(2027, 4, 10))
        may = contract._fse_bill_due_periods(date(2027, 5, 1))
        # May: one machine (100); April corrected: the second unit was covered 10 of 30 days.
        self.assertEqual(may.amount_untaxed, 33.33)
        credit = may.invoice_line_ids.filtered(lambda line: line.quantity < 0)
        self.assertEqual((credit.quantity, credit.price_unit), (-1.0, 66.67))
        self.assertEqual(credit.fse_installation_id, self.second)
        self.assertIn("Credit: machine left the contract", credit.name)
        self.assertIn("period 2027-04-01 to 2027-04-30", credit.name)
        self.assertFalse(contract.fse_adjust_from)
        self.assertFalse(contract._fse_bill_due_periods(date(2027, 5, 1)), "the correction is not repeated")

    def test_termination_credits_the_rest_of_the_period(self):
        contract = self._contract(date(2027, 4, 1))
        contract._fse_bill_due_periods(date(2027, 4, 1))
        contract.write({"state": "cancelled", "date_end": date(2027, 4, 15)})
        contract._fse_flag_adjust(date(2027, 4, 15))
        refund = contract._fse_bill_due_periods(date(2027, 4, 16))
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.amount_untaxed, 50.0)  # 15 of 30 days kept

    def test_renewal_indexes_prices(self):
        contract = self._contract(date(2027, 1, 1), price_index_percent=3.0, term_months=12)
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2028, 12, 31))
        self.assertEqual(contract.line_ids.price_unit, 103.0)
        self.assertEqual(contract.line_ids.last_index_percent, 3.0)
        self.assertIn("Prices indexed by 3%", contract.message_ids[0].body)
        self.assertIn("100.00 → 103.00", contract.message_ids[0].body)
        invoices = contract._fse_bill_due_periods(date(2028, 1, 1))
        self.assertEqual(invoices[-1].amount_untaxed, 103.0)
        self.assertIn("price indexed +3%", invoices[-1].invoice_line_ids.name)

    def test_billing_schedule_is_kept_by_the_engine_only(self):
        """The next period, pending corrections and indexation are the billing engine's
        bookkeeping: a dispatcher changes them only through what causes them."""
        contract = self._contract(date(2027, 1, 1), price_index_percent=3.0, term_months=12)
        contract._fse_bill_due_periods(date(2027, 1, 1))
        dispatcher = self.dispatcher
        attacks = [
            (contract, {"next_period_start": "2026-01-01"}, "next_period_start"),
            (contract, {"fse_adjust_from": "2027-01-01"}, "fse_adjust_from"),
            (contract, {"renewal_count": 3}, "renewal_count"),
            (contract.line_ids, {"last_index_percent": 50}, "last_index_percent"),
        ]
        for record, vals, name in attacks:
            with self.subTest(field=name), self.assertRaises(AccessError) as caught:
                record.with_user(dispatcher).write(vals)
            self.assertIn(f"({name})", str(caught.exception))
        accountant = new_test_user(self.env, login="fse_period_accountant", groups="account.group_account_invoice")
        period = contract.period_ids
        with self.assertRaises(AccessError):
            period.with_user(accountant).write({"date_start": "2027-02-01"})
        self.env.invalidate_all()
        self.assertEqual(
            (contract.next_period_start, contract.fse_adjust_from, contract.renewal_count, period.date_start),
            (date(2027, 2, 1), False, 0, date(2027, 1, 1)),
        )
        self.assertFalse(contract.line_ids.last_index_percent)
        # What causes them works for the dispatcher: a renewal indexes, a machine leaving flags.
        contract.with_user(dispatcher).action_renew()
        self.assertEqual((contract.line_ids.price_unit, contract.line_ids.last_index_percent), (103.0, 3.0))
        contract.coverage_ids.with_user(dispatcher).write({"date_to": date(2027, 1, 20)})
        self.assertEqual(contract.fse_adjust_from, date(2027, 1, 20))

    def test_expired_contract_bills_up_to_its_end(self):
        contract = self._contract(date(2027, 1, 16), term_months=3, auto_renew=False)
        self.assertEqual(contract.date_end, date(2027, 4, 15))
        invoices = contract._fse_bill_due_periods(date(2027, 6, 1))
        self.assertEqual(invoices.mapped("amount_untaxed"), [51.61, 100.0, 100.0, 50.0])
        contract._fse_renew_or_expire(date(2027, 6, 1))
        self.assertEqual(contract.state, "expired")
        self.assertFalse(contract.next_invoice_date)
        self.assertFalse(contract._fse_bill_due_periods(date(2027, 12, 1)))

    # ------------------------------------------------------------------ orders under contract
    def _covered_order(self, hours=1.0, parts=0, **vals):
        order = self._done_order(hours=hours, parts=parts, **vals)
        self.assertTrue(order.contract_id)
        return order

    def test_coverage_percentages_on_invoices(self):
        consumables = self.env["product.category"].create({"name": "Consumables"})
        grease = self.env["product.product"].create(
            {"name": "Grease", "is_storable": True, "list_price": 12.0, "categ_id": consumables.id}
        )
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(grease, warehouse.lot_stock_id, 10)
        callout = self.env["product.product"].create({"name": "Call-out", "type": "service", "list_price": 50.0})
        self.env["fse.billing.rule"].create({"name": "Call-out", "callout_product_id": callout.id, "bill_travel": True})
        contract = self._contract(
            date(2026, 1, 1),
            labor_coverage_percent=50,
            parts_coverage_percent=100,
            callout_covered=True,
            excluded_categ_ids=[Command.set(consumables.ids)],
        )
        travel = Command.create({"technician_id": self.tech.id, "hours": 0.5, "labor_type": "travel"})
        order = self._order(
            labor_line_ids=[self._labor(2.0, self.tech), travel],
            part_line_ids=[
                Command.create({"product_id": self.filter.id, "quantity": 2}),
                Command.create({"product_id": grease.id, "quantity": 1}),
            ],
        )
        self.assertEqual(order.contract_id, contract)
        order.action_start()
        order.action_complete()
        invoice = order.action_create_invoices()
        travel_line = invoice.invoice_line_ids.filtered(lambda line: line.fse_labor_id.labor_type == "travel")
        self.assertEqual(travel_line.discount, 100.0, "travel is covered with the call-out")
        by_product = {line.product_id: line for line in invoice.invoice_line_ids - travel_line}
        self.assertEqual(by_product[callout].discount, 100.0)
        self.assertEqual(by_product[self.labor_product].discount, 50.0)
        self.assertEqual(by_product[self.filter].discount, 100.0)
        self.assertEqual(by_product[grease].discount, 0.0, "consumables are excluded")
        self.assertIn(f"Covered 50%: Contract {contract.name}", by_product[self.labor_product].name)
        self.assertEqual(invoice.amount_untaxed, 80.0 + 12.0)  # half of 2 h x 80, plus the grease
        self.assertEqual(set(invoice.invoice_line_ids.mapped("fse_contract_id")), {contract})
        analytic = {str(contract.analytic_account_id.id): 100}
        self.assertEqual(by_product[self.labor_product].analytic_distribution, analytic)
        # The parts' cost lands on the contract's analytic account through stock valuation.
        cost = order.move_ids.analytic_account_line_ids
        self.assertEqual(cost.mapped("amount"), [-20.0], "2 filters at 10.00 (the grease has no cost)")
        plan_column = contract.analytic_account_id.plan_id._column_name()
        self.assertEqual(cost[plan_column], contract.analytic_account_id)

    def test_included_hours_then_billable(self):
        self._contract(date(2026, 1, 1), included_quantity=2.0, included_unit="hours", included_period="month")
        first = self._covered_order(hours=1.5).action_create_invoices()
        self.assertEqual(first.invoice_line_ids.discount, 100.0)
        self.assertIn("1.5 h included in the contract (0.5 h left until 12/31/2026)", first.invoice_line_ids.name)
        second = self._covered_order(hours=1.5).action_create_invoices()
        self.assertEqual(second.invoice_line_ids.discount, 33.33)  # 0.5 of 1.5 h included
        self.assertEqual(second.amount_untaxed, 80.0)  # 1.5 h x 80 x (1 - 0.3333), rounded
        third = self._covered_order(hours=1.0).action_create_invoices()
        self.assertEqual(third.invoice_line_ids.discount, 0.0)
        self.assertEqual(third.amount_untaxed, 80.0)

    def test_included_visits(self):
        self._contract(date(2026, 1, 1), included_quantity=1, included_unit="visits", included_period="year")
        first = self._covered_order(hours=3.0).action_create_invoices()
        self.assertEqual(first.amount_untaxed, 0.0)
        self.assertIn("Visit included in the contract (0 left", first.invoice_line_ids.name)
        second = self._covered_order(hours=1.0).action_create_invoices()
        self.assertEqual(second.amount_untaxed, 80.0)

    def test_yearly_cap(self):
        self._contract(date(2026, 1, 1), labor_coverage_percent=100, yearly_cap=100.0)
        first = self._covered_order(hours=1.0).action_create_invoices()
        self.assertEqual(first.amount_untaxed, 0.0)  # 80 covered
        second = self._covered_order(hours=1.0).action_create_invoices()
        self.assertEqual(second.invoice_line_ids.discount, 25.0)  # the 20 left of the cap
        self.assertEqual(second.amount_untaxed, 60.0)
        self.assertIn("Yearly cap of 100.00 reached: 20.00 covered", second.invoice_line_ids.name)
        third = self._covered_order(hours=1.0).action_create_invoices()
        self.assertEqual(third.amount_untaxed, 80.0)

    def test_preventive_visit_of_the_contract_is_included(self):
        contract = self._contract(date(2026, 1, 1), labor_coverage_percent=0, term_months=24)
        plan = self.env["fse.maintenance.plan"].create(
            {"name": "Yearly", "contract_id": contract.id, "start_date": "2027-01-05", "technician_id": self.tech.id}
        )
        self.company.fse_plan_horizon_days = 60
        visit = plan._fse_generate_orders(date(2026, 12, 1))
        self.assertEqual(len(visit), 1)
        visit.labor_line_ids = [self._labor(2.0, self.tech)]
        visit.action_start()
        visit.action_complete()
        self.assertEqual(visit.amount_to_invoice, 0.0)
        invoice = visit.action_create_invoices()
        self.assertIn("planned visit included", invoice.invoice_line_ids.name)

    def test_scheduled_actions_end_to_end(self):
        """The daily actions themselves: today's visit is planned, today's period invoiced."""
        contract = self._contract(date.today().replace(day=1))
        plan = self.env["fse.maintenance.plan"].create({"name": "Monthly", "contract_id": contract.id})
        self.company.fse_plan_horizon_days = 20  # one monthly visit inside the horizon
        with self.enter_registry_test_mode():
            self.env.ref("field_service_erp.ir_cron_fse_generate_preventive_orders").method_direct_trigger()
            self.env.ref("field_service_erp_billing.ir_cron_fse_contract_invoices").method_direct_trigger()
            self.env.ref("field_service_erp.ir_cron_fse_generate_preventive_orders").method_direct_trigger()
            self.env.ref("field_service_erp_billing.ir_cron_fse_contract_invoices").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(len(plan.work_order_ids), 1)
        self.assertEqual(plan.work_order_ids.plan_due_date, date.today())
        self.assertEqual(len(contract.period_ids), 1)
        self.assertEqual(contract.period_ids.invoice_id.amount_untaxed, 100.0)

    def test_labor_and_parts_costs_post_to_the_contract_account(self):
        contract = self._contract(date(2026, 1, 1))
        self.tech.sudo().fse_hourly_cost = 40.0
        order = self._covered_order(hours=2.0, parts=2)
        column = contract.analytic_account_id.plan_id._column_name()
        labor_cost = order.labor_line_ids.analytic_line_ids
        self.assertEqual(labor_cost.mapped("amount"), [-80.0])
        self.assertEqual(labor_cost.unit_amount, 2.0)
        self.assertEqual(labor_cost[column], contract.analytic_account_id)
        self.assertEqual(order.move_ids.analytic_account_line_ids.mapped("amount"), [-20.0])
        all_lines = self.env["account.analytic.line"].search([(column, "=", contract.analytic_account_id.id)])
        self.assertEqual(sum(all_lines.mapped("amount")), -100.0)
        # Reopened, the order's labor cost goes; completed again, it comes back once.
        order.action_reset_draft()
        self.assertFalse(order.labor_line_ids.analytic_line_ids.exists())
        order.action_start()
        order.action_complete()
        self.assertEqual(order.labor_line_ids.analytic_line_ids.mapped("amount"), [-80.0])
