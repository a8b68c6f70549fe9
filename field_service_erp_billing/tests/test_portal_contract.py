from datetime import date

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FseBillingCommon


@tagged("post_install", "-at_install")
class TestPortalContractInvoices(FseBillingCommon, HttpCase):
    """A contract's page on the portal lists its posted fee invoices, to its customer only."""

    def test_fee_invoices_on_the_contract_page(self):
        fee = self.env["product.product"].create({"name": "Care Fee", "type": "service", "list_price": 100})
        contract = self.env["fse.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": date(2026, 3, 1),
                "coverage_ids": [Command.create({"installation_id": self.installation.id})],
                "line_ids": [Command.create({"product_id": fee.id, "price_unit": 100})],
            }
        )
        contract.action_confirm()
        invoices = contract._fse_bill_due_periods(date(2026, 4, 1))  # March and April, in advance
        self.assertEqual(len(invoices), 2)
        posted, draft = invoices.sorted("id")
        posted.action_post()
        contact = self.env["res.partner"].create({"name": "Portal Buyer", "parent_id": self.customer.id})
        new_test_user(
            self.env,
            login="fse_fee_cust",
            password="fse_fee_cust_pw",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        other = self.env["res.partner"].create({"name": "Other Buyer Co", "is_company": True})
        other_contact = self.env["res.partner"].create({"name": "Other Buyer", "parent_id": other.id})
        new_test_user(
            self.env,
            login="fse_fee_other",
            password="fse_fee_other_pw",
            groups="base.group_portal",
            partner_id=other_contact.id,
        )

        self.authenticate("fse_fee_cust", "fse_fee_cust_pw")
        page = self.url_open(f"/my/contracts/{contract.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(posted.name, page.text)
        self.assertIn("Fee Invoices", page.text)
        self.assertEqual(page.text.count("/my/invoices/"), 1, "the draft is not shown")
        self.assertNotIn(str(draft.amount_total), page.text.split("Fee Invoices")[0][-50:])
        self.authenticate("fse_fee_other", "fse_fee_other_pw")
        refused = self.url_open(f"/my/contracts/{contract.id}", allow_redirects=False)
        self.assertEqual(refused.status_code, 303)
