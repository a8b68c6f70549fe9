from datetime import datetime, timedelta

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class FseCommon(TransactionCase):
    """A small service company: one customer with a site, a serial-numbered machine,
    two technicians and a dispatcher."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create({"name": "Test Customer NV", "is_company": True})
        cls.site = cls.env["res.partner"].create(
            {
                "name": "Test Customer, Plant 1",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "street": "Industrieweg 1",
            }
        )
        cls.machine_product = cls.env["product.product"].create(
            {
                "name": "Test Compressor",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        cls.serial = cls.env["stock.lot"].create({"name": "SN-0001", "product_id": cls.machine_product.id})
        cls.installation = cls.env["fse.installation"].create(
            {
                "partner_id": cls.customer.id,
                "site_partner_id": cls.site.id,
                "product_id": cls.machine_product.id,
                "lot_id": cls.serial.id,
                "installation_date": "2025-01-15",
                "warranty_end_date": "2027-01-15",
            }
        )
        cls.tech = new_test_user(
            cls.env,
            login="fse_tech_a",
            name="Tech A",
            groups="field_service_erp.group_fse_technician",
        )
        cls.tech_b = new_test_user(
            cls.env,
            login="fse_tech_b",
            name="Tech B",
            groups="field_service_erp.group_fse_technician",
        )
        cls.dispatcher = new_test_user(
            cls.env,
            login="fse_dispatcher",
            name="Dispatcher",
            groups="field_service_erp.group_fse_dispatcher",
        )
        cls.labor_product = cls.env["product.product"].create(
            {
                "name": "Test Labor",
                "type": "service",
                "uom_id": cls.env.ref("uom.product_uom_hour").id,
                "list_price": 80.0,
            }
        )
        cls.company.fse_labor_product_id = cls.labor_product
        cls.start = datetime(2026, 3, 2, 8, 0)

    @classmethod
    def _order(cls, **vals):
        values = {
            "partner_id": cls.customer.id,
            "installation_id": cls.installation.id,
            "order_type": "corrective",
            "technician_id": cls.tech.id,
            "scheduled_start": cls.start,
            "scheduled_end": cls.start + timedelta(hours=2),
        }
        values.update(vals)
        return cls.env["fse.work.order"].create(values)

    @staticmethod
    def _labor(hours, technician, day="2026-03-02"):
        return Command.create({"technician_id": technician.id, "hours": hours, "date": day})
