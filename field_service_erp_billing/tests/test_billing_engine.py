import importlib.util
from datetime import date
from pathlib import Path
from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import FseBillingCommon

MIGRATIONS = Path(__file__).parents[1] / "migrations" / "19.0.1.1.0"


def load_migration(name):
    spec = importlib.util.spec_from_file_location(f"fse_billing_{name.replace('-', '_')}", MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestBillingEngine(FseBillingCommon):
    """The billing engine's stages, typed links and one-place rules (issue 12)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.callout = cls.env["product.product"].create({"name": "Call-out", "type": "service", "list_price": 50.0})
        cls.fee = cls.env["product.product"].create({"name": "Maintenance Fee", "type": "service", "list_price": 100})

    def _run_queued_invoicing(self):
        """The Invoice on Completion job, run as the scheduler runs it (it commits its progress)."""
        with self.enter_registry_test_mode():
            self.env.ref("field_service_erp_billing.ir_cron_fse_invoice_queued").method_direct_trigger()
        self.env.invalidate_all()

    def _product_lines(self, invoice):
        return invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product").sorted("id")

    def _contract(self, **vals):
        contract = self.env["fse.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": date(2026, 1, 1),
                "coverage_ids": [Command.create({"installation_id": self.installation.id})],
                "line_ids": [Command.create({"product_id": self.fee.id, "price_unit": 100})],
                **vals,
            }
        )
        contract.action_confirm()
        return contract

    # ------------------------------------------------------------------ typed links
    def test_lines_link_to_their_sources_by_typed_keys(self):
        self.env["fse.billing.rule"].create({"name": "Call-out", "callout_product_id": self.callout.id})
        order = self._done_order(hours=1.5, parts=2)
        invoice = order.action_create_invoices()
        callout, labor, part = self._product_lines(invoice)
        self.assertRecordValues(
            callout | labor | part,
            [
                {
                    "fse_source_kind": "callout",
                    "fse_work_order_id": order.id,
                    "fse_labor_id": False,
                    "fse_part_id": False,
                },
                {
                    "fse_source_kind": "labor",
                    "fse_work_order_id": order.id,
                    "fse_labor_id": order.labor_line_ids.id,
                    "fse_part_id": False,
                },
                {
                    "fse_source_kind": "part",
                    "fse_work_order_id": order.id,
                    "fse_labor_id": False,
                    "fse_part_id": order.part_line_ids.id,
                },
            ],
        )
        self.assertEqual(invoice.amount_untaxed, 50.0 + 120.0 + 50.0)
        self.assertEqual(order.invoice_status, "invoiced")
        # A second active line for the order's call-out, or for the part, is refused by the database.
        for key in ({"fse_source_kind": "callout"}, {"fse_source_kind": "part", "fse_part_id": part.fse_part_id.id}):
            with self.subTest(key=key), self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
                with self.env.cr.savepoint():
                    self.env["account.move"].create(
                        {
                            "move_type": "out_invoice",
                            "partner_id": self.customer.id,
                            "invoice_line_ids": [
                                Command.create(
                                    {"product_id": self.callout.id, "price_unit": 1, "fse_work_order_id": order.id}
                                    | key
                                )
                            ],
                        }
                    )
                    self.env.flush_all()
        # Once the invoice is cancelled, its keys are free again: the order bills anew, once.
        invoice.button_cancel()
        self.assertEqual(order.invoice_status, "to_invoice")
        again = order.action_create_invoices()
        self.assertEqual(self._product_lines(again).mapped("fse_source_kind"), ["callout", "labor", "part"])

    def test_contract_fee_lines_are_typed_and_billed_once(self):
        contract = self._contract()
        invoice = contract._fse_bill_due_periods(date(2026, 1, 1))
        line = self._product_lines(invoice)
        self.assertRecordValues(
            line,
            [{"fse_source_kind": "contract_fee", "fse_contract_period_id": contract.period_ids.id, "price_unit": 100}],
        )
        self.assertIn(
            f"Invoice created for the recurring fees of contract {contract.name}", invoice.message_ids.mapped("body")[0]
        )
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.fee.id,
                                "price_unit": 1,
                                "fse_source_kind": "contract_fee",
                                "fse_contract_id": contract.id,
                                "fse_contract_line_id": line.fse_contract_line_id.id,
                                "fse_contract_period_id": line.fse_contract_period_id.id,
                            }
                        )
                    ],
                }
            )
            self.env.flush_all()

    def test_no_source_string_is_left_in_the_schema(self):
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'account_move_line' AND column_name IN ('fse_source_ref', 'fse_contract_covered')"
        )
        self.assertFalse(self.env.cr.fetchall())

    # ------------------------------------------------------------------ migration
    def test_migration_converts_the_old_string_links(self):
        """An existing database: the old `fse_source_ref` strings become kinds and keys."""
        self.env["fse.billing.rule"].create({"name": "Call-out", "callout_product_id": self.callout.id})
        order = self._done_order(hours=1.0, parts=1)
        callout, labor, part = self._product_lines(order.action_create_invoices())
        fee = self._product_lines(self._contract()._fse_bill_due_periods(date(2026, 1, 1)))
        self.env.flush_all()
        cr = self.env.cr
        # The database as the previous version left it: the string links, no kinds nor keys.
        cr.execute("ALTER TABLE account_move_line ADD COLUMN fse_source_ref varchar")
        for line, ref in ((callout, f"callout,{order.id}"), (labor, f"labor,{labor.fse_labor_id.id}")):
            cr.execute(SQL("UPDATE account_move_line SET fse_source_ref = %s WHERE id = %s", ref, line.id))
        cr.execute(SQL("UPDATE account_move_line SET fse_source_ref = %s WHERE id = %s", "part,999999999", part.id))
        cr.execute(
            SQL(
                "UPDATE account_move_line SET fse_source_kind = NULL, fse_labor_id = NULL WHERE id = ANY(%s)",
                (callout | labor | part | fee).ids,
            )
        )
        load_migration("post-migrate").migrate(cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.assertRecordValues(
            callout | labor | part | fee,
            [
                {"fse_source_kind": "callout", "fse_labor_id": False, "fse_part_id": False},
                {"fse_source_kind": "labor", "fse_labor_id": order.labor_line_ids.id, "fse_part_id": False},
                # A part line that no longer exists keeps its kind, without a key.
                {"fse_source_kind": "part", "fse_labor_id": False, "fse_part_id": False},
                {"fse_source_kind": "contract_fee", "fse_labor_id": False, "fse_part_id": False},
            ],
        )
        cr.execute("SELECT 1 FROM information_schema.columns WHERE column_name = 'fse_source_ref'")
        self.assertFalse(cr.fetchall(), "the old column is dropped")

    def test_pre_migration_keeps_hand_set_coverage(self):
        """Existing lines get their coverage kind from their reason, without any recompute."""
        contract = self._contract(labor_coverage_percent=50)
        order = self._order(labor_line_ids=[self._labor(1.0, self.tech)], order_type="preventive")
        order.labor_line_ids.with_user(self.dispatcher).write({"coverage_percent": 20, "coverage_reason": "Goodwill"})
        other = self._order(labor_line_ids=[self._labor(1.0, self.tech)], order_type="preventive")
        self.assertEqual(other.labor_line_ids.coverage_reason, f"Contract {contract.name}")
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE fse_work_order_labor SET coverage_kind = NULL WHERE order_id = ANY(%s)", (order | other).ids)
        )
        load_migration("pre-migrate").migrate(self.env.cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(order.labor_line_ids.coverage_kind, "manual")
        self.assertEqual(other.labor_line_ids.coverage_kind, "contract")

    # ------------------------------------------------------------------ coverage and service date
    def test_completing_recomputes_coverage_on_the_service_date(self):
        """Scheduled while under warranty, completed after it ended: completion day counts."""
        self.installation.warranty_end_date = self.start.date()
        order = self._order(labor_line_ids=[self._labor(1.0, self.tech)])
        self.assertEqual(order.service_date, self.start.date())
        self.assertEqual(order.labor_line_ids.coverage_kind, "warranty")
        order.action_start()
        order.action_complete()
        self.assertGreater(order.service_date, self.installation.warranty_end_date)
        self.assertEqual(order.labor_line_ids.coverage_kind, False)
        self.assertEqual(order.labor_line_ids.coverage_percent, 0.0)
        self.assertEqual(order.action_create_invoices().amount_untaxed, 80.0)

    def test_coverage_set_by_hand_is_kept_and_left_out_of_allowances(self):
        self._contract(labor_coverage_percent=100, yearly_cap=10.0)
        order = self._order(labor_line_ids=[self._labor(1.0, self.tech)], order_type="preventive")
        order.labor_line_ids.with_user(self.dispatcher).write({"coverage_percent": 50, "coverage_reason": "Goodwill"})
        self.assertEqual(order.labor_line_ids.coverage_kind, "manual")
        order.action_start()
        order.action_complete()
        self.assertEqual(
            (order.labor_line_ids.coverage_percent, order.labor_line_ids.coverage_reason), (50.0, "Goodwill")
        )
        line = self._product_lines(order.action_create_invoices())
        # The yearly cap of 10.00 would have cut a contract coverage; the goodwill is the back office's.
        self.assertRecordValues(line, [{"discount": 50.0, "fse_coverage_kind": "manual", "fse_covered_amount": 0}])
        self.assertIn("Covered 50%: Goodwill", line.name)

    def test_contract_coverage_does_not_depend_on_its_label(self):
        """Before, "covered by the contract" compared the line's reason with the contract's
        label in the invoicing user's language: a loaded translation broke allowances."""
        contract = self._contract(included_quantity=2.0, included_unit="hours", included_period="month")
        order = self._done_order(hours=1.5, parts=0)
        self.assertEqual(order.labor_line_ids.coverage_kind, "contract")
        translated = patch.object(type(contract), "_fse_coverage_reason", lambda self: f"Contrat {self.name}")
        with translated:
            line = self._product_lines(order.action_create_invoices())
        self.assertEqual(line.discount, 100.0)
        self.assertEqual(line.fse_included_qty, 1.5)
        self.assertEqual(line.fse_coverage_kind, "contract")

    # ------------------------------------------------------------------ invoice on completion
    def test_invoice_on_completion_is_queued_after_the_technicians_commit(self):
        self.company.fse_invoice_on_completion = True
        cron = self.env.ref("field_service_erp_billing.ir_cron_fse_invoice_queued")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        order = self._order(labor_line_ids=[self._labor(2.0, self.tech)])
        order.with_user(self.tech).action_start()
        order.with_user(self.tech).action_complete()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.invoice_ids, "nothing is invoiced inside the technician's request")
        self.assertTrue(order.fse_invoice_queued)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self._run_queued_invoicing()
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertAlmostEqual(order.invoice_ids.amount_untaxed, 160.0)
        self.assertEqual(order.invoice_ids.state, "draft")
        self.assertFalse(order.fse_invoice_queued)

    def test_invoicing_failure_leaves_the_job_done_with_an_activity(self):
        self.company.fse_invoice_on_completion = True
        gasket = self.env["product.product"].create({"name": "Gasket", "list_price": 5, "is_storable": True})
        gasket.categ_id = self.env["product.category"].create({"name": "No accounts"})
        gasket.categ_id.property_account_income_categ_id = False
        gasket.product_tmpl_id.with_company(self.company).property_account_income_id = False
        self.company.income_account_id = False
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(gasket, warehouse.lot_stock_id, 5)
        order = self._order(
            labor_line_ids=[self._labor(1.0, self.tech)],
            part_line_ids=[Command.create({"product_id": gasket.id, "quantity": 1})],
        )
        order.with_user(self.tech).action_start()
        order.with_user(self.tech).action_complete()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.move_ids.mapped("state"), ["done"])
        invoices_before = self.env["account.move"].search_count([])
        self._run_queued_invoicing()
        self.assertEqual(self.env["account.move"].search_count([]), invoices_before)
        self.assertEqual((order.state, order.move_ids.state, order.invoice_status), ("done", "done", "to_invoice"))
        activity_type = self.env.ref("field_service_erp_billing.mail_activity_type_fse_invoicing_failed")
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activity), 1)
        self.assertIn(f"Work order {order.name}", activity.note)
        self.assertIn("has no income account", activity.note)
        self.assertEqual(activity.user_id, activity_type.default_user_id)
        self.assertFalse(order.fse_invoice_queued)
        # A second run does not pile up activities.
        order._fse_write_system({"fse_invoice_queued": True})
        self._run_queued_invoicing()
        self.assertEqual(len(order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 1)

    # ------------------------------------------------------------------ one place per rule
    def test_labor_cost_is_stored_at_the_rate_of_its_day(self):
        self.tech.fse_hourly_cost = 30.0
        order = self._order(labor_line_ids=[self._labor(1.5, self.tech)])
        line = order.labor_line_ids
        self.assertEqual(line.cost_amount, 45.0)
        self.tech.fse_hourly_cost = 50.0
        line.invalidate_recordset()
        self.assertEqual(line.cost_amount, 45.0, "a later rate leaves recorded time alone")

    def test_returns_are_signed_once_on_the_moves(self):
        order = self._done_order(hours=1.0, parts=3)
        consumption = order.move_ids
        self.assertEqual((consumption.fse_signed_qty, consumption.fse_signed_value), (3.0, 30.0))
        self.assertEqual(order.parts_cost, 30.0)
        order.with_user(self.dispatcher).action_reset_draft()
        giving_back = order.move_ids - consumption
        self.assertTrue(giving_back.origin_returned_move_id)
        self.assertEqual((giving_back.fse_signed_qty, giving_back.fse_signed_value), (-3.0, -30.0))
        self.assertEqual((order.parts_cost, order.part_line_ids.qty_consumed), (0.0, 0.0))
        rows = self.env["fse.report.consumption"].search([("order_id", "=", order.id)])
        self.assertEqual((sum(rows.mapped("quantity")), sum(rows.mapped("cost"))), (0.0, 0.0))
