from odoo.fields import Command

from odoo.addons.field_service_erp.tests.common import FseCommon


class FseBillingCommon(FseCommon):
    """FseCommon plus priced products with a 15% sales tax, stock for the part, and a helper
    that makes a done order with labor and parts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "Test VAT 15%",
                "amount": 15.0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.labor_product.write({"list_price": 80.0, "taxes_id": [Command.set(cls.tax.ids)]})
        cls.filter = cls.env["product.product"].create(
            {
                "name": "Filter",
                "is_storable": True,
                "list_price": 25.0,
                "standard_price": 10.0,
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.filter, warehouse.lot_stock_id, 100)
        cls.customer.property_product_pricelist = False
        # Start from no billing rule at all (demo data may hold some).
        cls.env["fse.billing.rule"].search([]).active = False
        # Warranty over: by default orders are fully billable.
        cls.installation.warranty_end_date = "2025-06-30"

    @classmethod
    def _done_order(cls, hours=1.5, parts=2, **vals):
        lines = {}
        if hours:
            lines["labor_line_ids"] = [cls._labor(hours, cls.tech)]
        if parts:
            lines["part_line_ids"] = [Command.create({"product_id": cls.filter.id, "quantity": parts})]
        order = cls._order(**lines, **vals)
        order.action_start()
        # Parts only (hours=0) is on purpose: completed without labor, confirmed.
        order.with_context(fse_labor_confirmed=not hours).action_complete()
        return order
