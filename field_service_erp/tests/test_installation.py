from psycopg2.errors import UniqueViolation

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import FseCommon


@tagged("post_install", "-at_install")
class TestInstallation(FseCommon):
    def test_name_defaults_to_model_and_serial(self):
        self.assertEqual(self.installation.name, "Test Compressor / SN-0001")
        self.assertEqual(self.installation.state, "active")

    def test_contact_as_customer_becomes_site_of_commercial_entity(self):
        lot = self.env["stock.lot"].create({"name": "SN-0002", "product_id": self.machine_product.id})
        inst = self.env["fse.installation"].create(
            {
                "partner_id": self.site.id,
                "product_id": self.machine_product.id,
                "lot_id": lot.id,
            }
        )
        self.assertEqual(inst.partner_id, self.customer)
        self.assertEqual(inst.site_partner_id, self.site)

    def test_serial_installed_only_once_while_active(self):
        with self.assertRaisesRegex(ValidationError, "SN-0001 is already installed"):
            self.env["fse.installation"].create(
                {
                    "partner_id": self.customer.id,
                    "product_id": self.machine_product.id,
                    "lot_id": self.serial.id,
                }
            )
        # Once the first machine is decommissioned, the serial may be installed again.
        self.installation.action_decommission()
        self.assertEqual(self.installation.state, "decommissioned")
        self.assertTrue(self.installation.decommission_date)
        again = self.env["fse.installation"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.machine_product.id,
                "lot_id": self.serial.id,
            }
        )
        self.assertEqual(again.lot_id, self.serial)
        # ...and the old one cannot be reactivated while the serial is in use.
        with self.assertRaisesRegex(ValidationError, "already installed on Test Compressor / SN-0001"):
            self.installation.action_reactivate()
        # Nor can another machine take it.
        lot = self.env["stock.lot"].create({"name": "SN-0009", "product_id": self.machine_product.id})
        third = self.env["fse.installation"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.machine_product.id,
                "lot_id": lot.id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "SN-0001 is already installed"):
            third.lot_id = self.serial

    def test_database_refuses_a_second_active_serial(self):
        """The unique index holds even when the Python check is bypassed (concurrent imports)."""
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                "INSERT INTO fse_installation (name, partner_id, company_id, lot_id, state, active)"
                " VALUES ('dup', %s, %s, %s, 'active', true)",
                [self.customer.id, self.company.id, self.serial.id],
            )

    def test_serial_must_match_model(self):
        other = self.env["product.product"].create({"name": "Other", "type": "consu", "tracking": "serial"})
        with self.assertRaisesRegex(ValidationError, "belongs to Test Compressor"):
            self.installation.product_id = other

    def test_site_must_belong_to_customer(self):
        stranger = self.env["res.partner"].create({"name": "Somebody Else"})
        with self.assertRaisesRegex(ValidationError, "is not an address of the customer"):
            self.installation.site_partner_id = stranger

    def test_components_hierarchy_and_no_cycle(self):
        component = self.env["fse.installation"].create(
            {
                "name": "Motor",
                "partner_id": self.customer.id,
                "parent_id": self.installation.id,
            }
        )
        self.assertEqual(self.installation.child_ids, component)
        self.assertEqual(
            self.env["fse.installation"].search([("id", "child_of", self.installation.id)]),
            self.installation | component,
        )
        with self.assertRaisesRegex(UserError, "Recursion"):
            self.installation.parent_id = component

    def test_warranty_cannot_end_before_installation(self):
        with self.assertRaises(ValidationError):
            self.installation.warranty_end_date = "2024-12-31"

    def test_under_warranty_search(self):
        self.installation.warranty_end_date = "2099-01-01"
        self.assertIn(self.installation, self.env["fse.installation"].search([("under_warranty", "=", True)]))
        self.installation.warranty_end_date = "2025-02-01"
        self.assertFalse(self.installation.under_warranty)
        self.assertIn(self.installation, self.env["fse.installation"].search([("under_warranty", "=", False)]))

    def test_service_history_counts_orders(self):
        self._order()
        self._order(order_type="preventive")
        self.assertEqual(self.installation.work_order_count, 2)
        action = self.installation.action_view_work_orders()
        self.assertEqual(self.env["fse.work.order"].search_count(action["domain"]), 2)

    def test_form_fills_site_from_customer(self):
        with Form(self.env["fse.installation"]) as form:
            form.name = "Boiler"
            form.partner_id = self.customer
            self.assertEqual(form.site_partner_id, self.site)
