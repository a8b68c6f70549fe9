from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestInvoicing(FseBillingCommon):
    def _lines(self, invoice):
        return invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product").sorted("id")

    def test_invoicing_is_the_back_offices(self):
        """A technician cannot invoice his own done job, nor a contract of his jobs."""
        order = self._done_order(hours=1.5, parts=2)
        contract = self.env["fse.contract"].create(
            {
                "partner_id": self.customer.id,
                "coverage_ids": [Command.create({"installation_id": self.installation.id})],
            }
        )
        contract.action_confirm()
        invoices_before = self.env["account.move"].search_count([])
        with self.assertRaises(AccessError):
            order.with_user(self.tech).action_create_invoices()
        with self.assertRaises(AccessError):
            contract.with_user(self.tech).action_create_invoices()
        self.assertEqual(self.env["account.move"].search_count([]), invoices_before)
        self.assertEqual(order.invoice_status, "to_invoice")

    def test_invoice_lines_prices_taxes_and_totals(self):
        order = self._done_order(hours=1.5, parts=2)
        self.assertEqual(order.invoice_status, "to_invoice")
        self.assertEqual(order.amount_to_invoice, 170.0)
        invoice = order.action_create_invoices()
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.invoice_origin, order.name)
        self.assertIn(f"Invoice created from work orders {order.name}", invoice.message_ids.mapped("body")[0])
        self.assertRecordValues(
            self._lines(invoice),
            [
                {
                    "product_id": self.labor_product.id,
                    "quantity": 1.5,
                    "price_unit": 80.0,
                    "discount": 0.0,
                    "price_subtotal": 120.0,
                    "tax_ids": self.tax.ids,
                    "fse_work_order_id": order.id,
                    "fse_installation_id": self.installation.id,
                    "fse_labor_id": order.labor_line_ids.id,
                    "fse_part_id": False,
                },
                {
                    "product_id": self.filter.id,
                    "quantity": 2.0,
                    "price_unit": 25.0,
                    "discount": 0.0,
                    "price_subtotal": 50.0,
                    "tax_ids": self.tax.ids,
                    "fse_work_order_id": order.id,
                    "fse_installation_id": self.installation.id,
                    "fse_labor_id": False,
                    "fse_part_id": order.part_line_ids.id,
                },
            ],
        )
        self.assertEqual(self._lines(invoice)[1].product_uom_id, self.filter.uom_id)
        self.assertEqual(self._lines(invoice)[0].product_uom_id, self.env.ref("uom.product_uom_hour"))
        self.assertAlmostEqual(invoice.amount_untaxed, 170.0)
        self.assertAlmostEqual(invoice.amount_tax, 25.5)
        self.assertAlmostEqual(invoice.amount_total, 195.5)
        for line in self._lines(invoice):
            self.assertIn(order.name, line.name)
            self.assertIn(self.installation.name, line.name)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.invoice_ids, invoice)
        self.assertEqual(invoice.fse_work_order_ids, order)
        self.assertEqual(invoice.action_view_fse_work_orders()["domain"], [("id", "in", order.ids)])

    def test_pricelist_price_and_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Key accounts",
                "currency_id": eur.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.filter.id,
                            "compute_price": "fixed",
                            "fixed_price": 19.0,
                        }
                    )
                ],
            }
        )
        self.customer.property_product_pricelist = pricelist
        invoice = self._done_order(hours=0, parts=3).action_create_invoices()
        self.assertEqual(invoice.currency_id, eur)
        self.assertRecordValues(self._lines(invoice), [{"quantity": 3.0, "price_unit": 19.0, "price_subtotal": 57.0}])

    def test_fiscal_position_and_payment_terms_from_customer(self):
        exempt = self.env["account.tax"].create(
            {
                "name": "Exempt 0%",
                "amount": 0.0,
                "type_tax_use": "sale",
                "company_id": self.company.id,
            }
        )
        exempt.original_tax_ids = self.tax
        fiscal_position = self.env["account.fiscal.position"].create(
            {"name": "Export", "tax_ids": [Command.link(exempt.id)]}
        )
        term = self.env.ref("account.account_payment_term_30days")
        self.customer.write({"property_account_position_id": fiscal_position.id, "property_payment_term_id": term.id})
        invoice = self._done_order(hours=1, parts=0).action_create_invoices()
        self.assertEqual(invoice.fiscal_position_id, fiscal_position)
        self.assertEqual(invoice.invoice_payment_term_id, term)
        self.assertEqual(self._lines(invoice).tax_ids, exempt)
        self.assertAlmostEqual(invoice.amount_total, 80.0)

    def test_analytic_distribution_from_order(self):
        plan = self.env["account.analytic.plan"].create({"name": "Field Service"})
        account = self.env["account.analytic.account"].create({"name": "Site North", "plan_id": plan.id})
        order = self._done_order()
        order.analytic_distribution = {str(account.id): 100}
        invoice = order.action_create_invoices()
        for line in self._lines(invoice):
            self.assertEqual(line.analytic_distribution, {str(account.id): 100})

    def test_grouping_per_customer_or_per_order(self):
        first, second = self._done_order(), self._done_order(parts=1)
        other_customer = self.env["res.partner"].create({"name": "Other Customer"})
        third = self._done_order(partner_id=other_customer.id, installation_id=False)
        invoices = (first | second | third).action_create_invoices()
        self.assertEqual(len(invoices), 2)
        together = invoices.filtered(lambda inv: inv.partner_id == self.customer)
        self.assertEqual(together.fse_work_order_ids, first | second)
        self.assertEqual(len(self._lines(together)), 4)
        # One invoice per order when the company says so.
        self.company.fse_invoice_grouping = "order"
        fourth, fifth = self._done_order(), self._done_order()
        self.assertEqual(len((fourth | fifth).action_create_invoices()), 2)

    def test_never_twice(self):
        order = self._done_order()
        invoice = order.action_create_invoices()
        again = (order | order).action_create_invoices()
        self.assertFalse(again)
        with self.assertRaisesRegex(UserError, "nothing left to invoice"):
            order.action_create_invoices_open()
        billed = self.env["account.move.line"].search([("fse_work_order_id", "=", order.id)])
        self.assertEqual(len(billed), 2)
        self.assertEqual(billed.move_id, invoice)
        # Even written by hand, a second active line for the same source is refused by the database.
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.filter.id,
                                "quantity": 1,
                                "price_unit": 1,
                                "fse_source_kind": billed[1].fse_source_kind,
                                "fse_labor_id": billed[1].fse_labor_id.id,
                                "fse_part_id": billed[1].fse_part_id.id,
                                "fse_work_order_id": billed[1].fse_work_order_id.id,
                            }
                        )
                    ],
                }
            )
            self.env.flush_all()

    def test_cancelled_draft_invoice_frees_its_lines(self):
        order = self._done_order()
        first = order.action_create_invoices()
        first.button_cancel()
        self.assertEqual(order.invoice_status, "to_invoice")
        second = order.action_create_invoices()
        self.assertNotEqual(first, second)
        self.assertAlmostEqual(second.amount_untaxed, 170.0)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_full_credit_note_makes_lines_invoiceable_again(self):
        order = self._done_order()
        invoice = order.action_create_invoices()
        invoice.action_post()
        credit_note = invoice._reverse_moves(cancel=True)
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertFalse(any(credit_note.invoice_line_ids.mapped("fse_source_kind")))
        self.assertFalse(credit_note.invoice_line_ids.fse_labor_id)
        self.assertFalse(credit_note.invoice_line_ids.fse_part_id)
        self.assertEqual(order.invoice_status, "to_invoice")
        rebill = order.action_create_invoices()
        self.assertAlmostEqual(rebill.amount_untaxed, 170.0)

    def test_partial_credit_note_keeps_lines_invoiced(self):
        order = self._done_order()
        invoice = order.action_create_invoices()
        invoice.action_post()
        # A commercial gesture on the part line only.
        credit = invoice._reverse_moves()
        credit.invoice_line_ids.filtered(lambda line: line.product_id == self.labor_product).unlink()
        credit.action_post()
        (invoice | credit).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertFalse(order.action_create_invoices())

    def test_warranty_covers_corrective_orders(self):
        self.installation.warranty_end_date = "2099-12-31"
        order = self._done_order()
        labor, part = order.labor_line_ids, order.part_line_ids
        self.assertEqual((labor.coverage_percent, part.coverage_percent), (100.0, 100.0))
        self.assertEqual(labor.coverage_reason, "Warranty until 12/31/2099")
        invoice = order.action_create_invoices()
        self.assertRecordValues(
            self._lines(invoice),
            [
                {"quantity": 1.5, "price_unit": 80.0, "discount": 100.0, "price_subtotal": 0.0},
                {"quantity": 2.0, "price_unit": 25.0, "discount": 100.0, "price_subtotal": 0.0},
            ],
        )
        self.assertIn("Covered 100%: Warranty until 12/31/2099", self._lines(invoice)[0].name)
        self.assertAlmostEqual(invoice.amount_total, 0.0)
        # A preventive visit is maintenance, not a warranty repair.
        preventive = self._done_order(order_type="preventive")
        self.assertEqual(preventive.labor_line_ids.coverage_percent, 0.0)

    def test_dispatcher_switches_lines_off_on_a_done_order(self):
        order = self._done_order()
        order.part_line_ids.with_user(self.dispatcher).billable = False
        invoice = order.action_create_invoices()
        self.assertEqual(self._lines(invoice).product_id, self.labor_product)
        self.assertEqual(order.invoice_status, "invoiced")
        order.billable = False
        self.assertEqual(self._done_order(billable=False).invoice_status, "no")

    def test_approval_before_invoicing(self):
        self.company.fse_invoice_requires_approval = True
        order = self._done_order()
        self.assertEqual(order.invoice_status, "no")
        self.assertFalse(order.action_create_invoices())
        order.action_approve_billing()
        self.assertEqual(order.invoice_status, "to_invoice")
        self.assertTrue(order.action_create_invoices())

    def test_automatic_invoice_on_completion_by_technician(self):
        self.company.fse_invoice_on_completion = True
        order = self._order(labor_line_ids=[self._labor(2.0, self.tech)])
        order.with_user(self.tech).action_start()
        order.with_user(self.tech).action_complete()
        self.assertFalse(order.invoice_ids, "queued, not run inside the technician's request")
        with self.enter_registry_test_mode():
            self.env.ref("field_service_erp_billing.ir_cron_fse_invoice_queued").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertAlmostEqual(order.invoice_ids.amount_untaxed, 160.0)
        self.assertEqual(order.invoice_ids.state, "draft")

    def test_errors_name_the_order_and_create_nothing(self):
        invoices_before = self.env["account.move"].search_count([])
        open_order = self._order(labor_line_ids=[self._labor(1, self.tech)])
        with self.assertRaisesRegex(UserError, f"{open_order.name} is not done"):
            open_order.action_create_invoices()
        no_labor_product = self._order(labor_line_ids=[self._labor(1, self.tech)])
        no_labor_product.labor_line_ids.product_id = False
        no_labor_product.action_start()
        no_labor_product.action_complete()
        ok = self._done_order()
        with self.assertRaisesRegex(UserError, f"{no_labor_product.name} has labor without a labor product"):
            (ok | no_labor_product).action_create_invoices()
        no_income = self.env["product.product"].create({"name": "Gasket", "list_price": 5, "type": "consu"})
        no_income.categ_id = self.env["product.category"].create({"name": "No accounts"})
        no_income.categ_id.property_account_income_categ_id = False
        no_income.product_tmpl_id.with_company(self.company).property_account_income_id = False
        self.company.income_account_id = False  # no company-wide fallback either
        bad = self._order(part_line_ids=[Command.create({"product_id": no_income.id, "quantity": 1})])
        bad.action_start()
        bad.with_context(fse_labor_confirmed=True).action_complete()  # parts only, on purpose
        with self.assertRaisesRegex(UserError, f"Work order {bad.name}: Gasket has no income account"):
            bad.action_create_invoices()
        company_b = self.env["res.company"].create({"name": "Service B"})
        order_b = (
            self.env["fse.work.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                }
            )
        )
        order_b.write({"state": "done"})
        with self.assertRaisesRegex(UserError, "several companies"):
            (ok | order_b).action_create_invoices()
        self.assertEqual(self.env["account.move"].search_count([]), invoices_before)

    def test_cron_invoices_in_batches_and_reruns_safely(self):
        orders = self._done_order() | self._done_order() | self._done_order()
        cron = self.env.ref("field_service_erp_billing.ir_cron_fse_create_invoices")
        cron.code = "model._cron_create_invoices(batch_size=2, done_before='2999-01-01')"
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(set(orders.mapped("invoice_status")), {"invoiced"})
        lines = self.env["account.move.line"].search([("fse_work_order_id", "in", orders.ids)])
        self.assertEqual(len(lines), 6)
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.env["account.move.line"].search_count([("fse_work_order_id", "in", orders.ids)]), 6)

    def test_invoice_report_prints_order_and_machine(self):
        invoice = self._done_order().action_create_invoices()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", invoice.ids)
        html = html.decode()
        self.assertIn(invoice.fse_work_order_ids.name, html)
        self.assertIn(self.installation.name, html)

    def test_form_shows_billing_fields(self):
        order = self._done_order()
        with Form(order.with_user(self.dispatcher)) as form:
            form.customer_ref = "PO-4711"
        self.assertEqual(order.customer_ref, "PO-4711")
        invoice = order.action_create_invoices()
        self.assertEqual(invoice.ref, "PO-4711")
