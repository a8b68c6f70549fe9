from datetime import date

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestRevenueReport(FseBillingCommon):
    """Customer 1 (company currency): A1 posted (1.5 h + 2 filters = 170.00) and partly
    credited (the filters, -50.00); A2 invoiced in draft (1 h = 80.00). Customer 2 is billed
    in a foreign currency at a known rate of 2 per company-currency unit: 220.00 foreign =
    110.00. A3's 2 h are not billable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company_currency = cls.company.currency_id
        cls.foreign = env.ref("base.EUR") if company_currency != env.ref("base.EUR") else env.ref("base.USD")
        cls.foreign.active = True
        env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 2.0, "currency_id": cls.foreign.id, "company_id": cls.company.id}
        )
        pricelist = env["product.pricelist"].create(
            {
                "name": "Foreign prices",
                "currency_id": cls.foreign.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": product.id,
                            "compute_price": "fixed",
                            "fixed_price": price,
                        }
                    )
                    for product, price in ((cls.labor_product, 100.0), (cls.filter, 20.0))
                ],
            }
        )
        cls.customer2 = env["res.partner"].create(
            {"name": "Foreign Customer", "is_company": True, "property_product_pricelist": pricelist.id}
        )
        cls.installation2 = env["fse.installation"].create(
            {"partner_id": cls.customer2.id, "product_id": cls.machine_product.id}
        )
        cls.a1 = cls._done_order(hours=1.5, parts=2)
        cls.inv1 = cls.a1.action_create_invoices()
        cls.inv1.invoice_date = "2026-03-10"
        cls.inv1.action_post()
        credit = cls.inv1._reverse_moves()
        credit.invoice_line_ids.filtered(lambda line: line.product_id == cls.labor_product).unlink()
        credit.invoice_date = "2026-03-25"
        credit.action_post()
        cls.credit = credit
        cls.a2 = cls._done_order(hours=1, parts=0)
        cls.inv2 = cls.a2.action_create_invoices()
        cls.inv2.invoice_date = "2026-03-12"
        cls.c1 = cls._done_order(
            hours=2, parts=1, partner_id=cls.customer2.id, installation_id=cls.installation2.id, order_type="preventive"
        )
        cls.inv3 = cls.c1.action_create_invoices()
        cls.inv3.invoice_date = "2026-03-20"
        cls.inv3.action_post()
        cls.a3 = cls._done_order(hours=2, parts=0)
        cls.a3.labor_line_ids.billable = False
        cls.ours = [cls.customer.id, cls.customer2.id]

    def _group(self, domain, groupby, aggregates, model="fse.report.revenue"):
        self.env.flush_all()
        return self.env[model]._read_group(domain, groupby, aggregates)

    def test_invoice_figures(self):
        self.assertAlmostEqual(self.inv1.amount_untaxed, 170.0)
        self.assertAlmostEqual(self.credit.amount_untaxed, 50.0)
        self.assertEqual(self.inv3.currency_id, self.foreign)
        self.assertAlmostEqual(self.inv3.amount_untaxed, 220.0)

    def test_revenue_per_customer_state_and_currency(self):
        domain = [("partner_id", "in", self.ours)]
        by_partner_state = {
            (partner, state): amount
            for partner, state, amount in self._group(domain, ["partner_id", "state"], ["amount:sum"])
        }
        self.assertEqual(
            by_partner_state,
            {
                (self.customer, "posted"): 120.0,  # 170 invoiced - 50 credited
                (self.customer, "draft"): 80.0,
                (self.customer2, "posted"): 110.0,  # 220 foreign at 2 per unit
            },
        )
        foreign_rows = self.env["fse.report.revenue"].search([("partner_id", "=", self.customer2.id)])
        self.assertEqual(set(foreign_rows.mapped("invoice_currency_id")), {self.foreign})
        self.assertAlmostEqual(sum(foreign_rows.mapped("amount_currency")), 220.0)
        self.assertEqual(foreign_rows.mapped("currency_id"), self.company.currency_id)

    def test_revenue_by_month_type_order_and_kind(self):
        domain = [("partner_id", "in", self.ours)]
        self.assertEqual(self._group(domain, ["date:month"], ["amount:sum"])[0][1:], (310.0,))
        by_type = dict(self._group(domain, ["order_type"], ["amount:sum"]))
        self.assertEqual(by_type, {"corrective": 200.0, "preventive": 110.0})
        by_kind = dict(self._group([*domain, ("state", "=", "posted")], ["revenue_type"], ["amount:sum"]))
        self.assertEqual(by_kind, {"labor": 120.0 + 100.0, "part": 0.0 + 10.0})
        by_order = dict(self._group(domain, ["order_id"], ["amount:sum"]))
        self.assertEqual(by_order, {self.a1: 120.0, self.a2: 80.0, self.c1: 110.0})
        refund_rows = self.env["fse.report.revenue"].search([("move_id", "=", self.credit.id)])
        self.assertEqual(refund_rows.mapped("amount"), [-50.0])
        self.assertEqual(refund_rows.move_type, "out_refund")
        self.assertEqual(refund_rows.action_open_invoice()["res_id"], self.credit.id)
        self.assertEqual(refund_rows.action_open_work_order()["res_id"], self.a1.id)
        # The credit note does not make the order billable again.
        self.assertEqual(self.a1.invoice_status, "invoiced")

    def test_billable_share_in_utilisation(self):
        domain = [("technician_id", "=", self.tech.id), ("date", "=", "2026-03-02")]
        [(logged, billable, share)] = self._group(
            domain, [], ["hours_logged:sum", "hours_billable:sum", "billable_share:avg"], "fse.report.utilisation"
        )
        self.assertEqual((logged, billable), (6.5, 4.5))
        self.assertAlmostEqual(share, 100 * 4.5 / 6.5)

    def test_access_and_companies(self):
        self.env.flush_all()
        with self.assertRaises(AccessError):
            self.env["fse.report.revenue"].with_user(self.tech).search([])
        self.assertEqual(
            self.env["fse.report.revenue"].with_user(self.dispatcher).search_count([("partner_id", "in", self.ours)]),
            6,
        )
        company_b = self.env["res.company"].create({"name": "FS Billing B"})
        dispatcher_b = new_test_user(
            self.env,
            login="fse_billing_dispatcher_b",
            groups="field_service_erp.group_fse_dispatcher",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self.env["fse.report.revenue"].with_user(dispatcher_b).search([]))


@tagged("post_install", "-at_install")
class TestContractReports(FseBillingCommon):
    """Contract 1 (customer 1, the machine): fee 100 for March, posted; order W1 under it,
    2 h by Tech A (cost 30/h) and 2 filters (cost 10 each), billed 160 + 50 and posted.
    Contract 2 (customer 2, machine 2): fee 50 for March, posted; order W2 under it, 5 h by
    Tech B (cost 40/h), not billed: it loses money."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.tech.fse_hourly_cost = 30.0
        cls.tech_b.fse_hourly_cost = 40.0
        cls.fee = env["product.product"].create({"name": "Report Fee", "type": "service", "list_price": 100})
        cls.customer2 = env["res.partner"].create({"name": "Contract Customer 2", "is_company": True})
        cls.installation2 = env["fse.installation"].create(
            {
                "partner_id": cls.customer2.id,
                "product_id": cls.machine_product.id,
                "installation_date": "2024-01-01",
                "warranty_end_date": "2025-01-31",
            }
        )
        cls.c1 = cls._contract(cls.customer, cls.installation, 100.0)
        cls.c2 = cls._contract(cls.customer2, cls.installation2, 50.0)
        cls.w1 = cls._done_order(hours=2, parts=2)
        invoice = cls.w1.action_create_invoices()
        invoice.invoice_date = "2026-03-15"
        invoice.action_post()
        cls.w2 = cls._order(
            partner_id=cls.customer2.id,
            installation_id=cls.installation2.id,
            technician_id=cls.tech_b.id,
            labor_line_ids=[cls._labor(5, cls.tech_b)],
        )
        cls.w2.action_start()
        cls.w2.action_complete()

    @classmethod
    def _contract(cls, partner, machine, fee):
        contract = cls.env["fse.contract"].create(
            {
                "partner_id": partner.id,
                "date_start": "2026-03-01",
                "coverage_ids": [Command.create({"installation_id": machine.id})],
                "line_ids": [Command.create({"product_id": cls.fee.id, "per_machine": True, "price_unit": fee})],
            }
        )
        contract.action_confirm()
        invoices = contract._fse_bill_due_periods(date(2026, 3, 1))
        invoices.invoice_date = "2026-03-01"
        invoices.action_post()
        return contract

    def _group(self, model, domain, groupby, aggregates):
        self.env.flush_all()
        return self.env[model]._read_group(domain, groupby, aggregates)

    def test_orders_are_under_their_contract(self):
        self.assertEqual(self.w1.contract_id, self.c1)
        self.assertEqual(self.w2.contract_id, self.c2)

    def test_contract_profitability(self):
        rows = self._group(
            "fse.report.contract",
            [("contract_id", "in", (self.c1 | self.c2).ids)],
            ["contract_id"],
            [
                "recurring_revenue:sum",
                "extra_revenue:sum",
                "parts_cost:sum",
                "labor_hours:sum",
                "labor_cost:sum",
                "margin:sum",
                "margin_percent:avg",
            ],
        )
        result = {contract: values for contract, *values in rows}
        self.assertEqual(result[self.c1][:6], [100.0, 210.0, 20.0, 2.0, 60.0, 230.0])
        self.assertAlmostEqual(result[self.c1][6], 100 * 230 / 310)
        self.assertEqual(result[self.c2][:6], [50.0, 0.0, 0.0, 5.0, 200.0, -150.0])
        self.assertAlmostEqual(result[self.c2][6], -300.0)
        # Per month: March holds the fees, the extras and the labor (the parts moved today).
        march = self._group(
            "fse.report.contract",
            [("contract_id", "=", self.c1.id), ("date", ">=", "2026-03-01"), ("date", "<=", "2026-03-31")],
            [],
            ["margin:sum"],
        )
        self.assertEqual(march, [(100.0 + 210.0 - 60.0,)])
        # A draft fee invoice counts until "Without Draft Invoices" leaves it out.
        draft = self.c1._fse_bill_due_periods(date(2026, 4, 1))
        draft.invoice_date = "2026-04-01"
        c1_margin = [("contract_id", "=", self.c1.id)]
        self.assertEqual(self._group("fse.report.contract", c1_margin, [], ["margin:sum"]), [(330.0,)])
        posted_only = [*c1_margin, ("invoice_state", "!=", "draft")]
        self.assertEqual(self._group("fse.report.contract", posted_only, [], ["margin:sum"]), [(230.0,)])
        losing = self.env["fse.report.contract"].search(
            [("contract_loss", "=", True), ("contract_id", "in", (self.c1 | self.c2).ids)]
        )
        self.assertEqual(losing.contract_id, self.c2)
        line = losing.filtered(lambda row: row.line_type == "labor")
        self.assertEqual(line.action_open_source()["res_id"], self.w2.id)
        self.assertEqual(line.action_open_contract()["res_id"], self.c2.id)

    def test_contract_in_revenue_and_other_reports(self):
        domain = [("contract_id", "in", (self.c1 | self.c2).ids)]
        by_kind = {
            (contract, kind): amount
            for contract, kind, amount in self._group(
                "fse.report.revenue", domain, ["contract_id", "revenue_type"], ["amount:sum"]
            )
        }
        self.assertEqual(
            by_kind,
            {(self.c1, "fee"): 100.0, (self.c1, "labor"): 160.0, (self.c1, "part"): 50.0, (self.c2, "fee"): 50.0},
        )
        consumption = self.env["fse.report.consumption"].search([("order_id", "=", self.w1.id)])
        self.assertEqual(consumption.contract_id, self.c1)
        hours = self._group("fse.report.utilisation", domain, ["contract_id"], ["hours_logged:sum"])
        self.assertEqual(dict(hours), {self.c1: 2.0, self.c2: 5.0})
        machines = self._group(
            "fse.report.installation",
            [("installation_id", "in", (self.installation | self.installation2).ids), ("order_id", "=", False)],
            ["installation_id", "contract_id"],
            ["uncovered_count:sum", "exposed_count:sum", "out_of_warranty_count:sum"],
        )
        self.assertEqual(machines, [(self.installation, self.c1, 0, 0, 1), (self.installation2, self.c2, 0, 0, 1)])
        self.c2.action_cancel()
        self.env.flush_all()
        [(uncovered, exposed)] = self._group(
            "fse.report.installation",
            [("installation_id", "=", self.installation2.id), ("order_id", "=", False)],
            [],
            ["uncovered_count:sum", "exposed_count:sum"],
        )
        self.assertEqual((uncovered, exposed), (1, 1))

    def test_access_and_companies(self):
        self.env.flush_all()
        with self.assertRaises(AccessError):
            self.env["fse.report.contract"].with_user(self.tech).search([])
        ours = [("contract_id", "in", (self.c1 | self.c2).ids)]
        # c1: fee, labor and parts invoice lines, a stock move, a labor line; c2: fee, a labor line.
        self.assertEqual(self.env["fse.report.contract"].with_user(self.dispatcher).search_count(ours), 7)
        company_b = self.env["res.company"].create({"name": "FS Contracts B"})
        dispatcher_b = new_test_user(
            self.env,
            login="fse_contract_dispatcher_b",
            groups="field_service_erp.group_fse_dispatcher",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self.env["fse.report.contract"].with_user(dispatcher_b).search([]))
