"""Two real database transactions at once, as two phones clicking at the same moment.

These tests commit: they work on their own uniquely named records in the test database
(done stock moves can never be deleted, so nothing is cleaned up beyond that)."""

import uuid

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import FseConcurrentCase


@tagged("post_install", "-at_install")
class TestConcurrency(FseConcurrentCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": f"Concurrent Customer {tag}"})
            stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
            shelf = env["stock.location"].create({"name": f"Shelf {tag}", "usage": "internal", "location_id": stock.id})
            part = env["product.product"].create({"name": f"Last Gasket {tag}", "is_storable": True})
            env["stock.quant"]._update_available_quantity(part, shelf, 1)
            self.techs = [
                new_test_user(env, login=f"tech_{i}_{tag}", groups="field_service_erp.group_fse_technician").id
                for i in (1, 2)
            ]
            orders = env["fse.work.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "technician_id": tech,
                        "part_line_ids": [
                            Command.create({"product_id": part.id, "quantity": 1, "location_id": shelf.id})
                        ],
                    }
                    for tech in self.techs
                ]
            )
            orders.check_ids.unlink()  # checklists of the database are not this test's subject
            orders.action_start()
            self.order_ids, self.part_id, self.shelf_id = orders.ids, part.id, shelf.id

    def _quantity_on_shelf(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            quants = env["stock.quant"].search([("product_id", "=", self.part_id), ("location_id", "=", self.shelf_id)])
            return sum(quants.mapped("quantity"))

    def _moves(self, order_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["stock.move"].search_count([("fse_work_order_id", "=", order_id)])

    def test_two_technicians_take_the_last_unit(self):
        order_1, order_2 = self.order_ids
        first, second = self._in_parallel(
            # Parts only, no time: the technicians have confirmed completing without labor.
            lambda env: env["fse.work.order"].browse(order_1).with_context(fse_labor_confirmed=True).action_complete(),
            lambda env: env["fse.work.order"].browse(order_2).with_context(fse_labor_confirmed=True).action_complete(),
            uids=self.techs,
        )
        self.assertIsNone(first)
        self.assertIsInstance(second, UserError)
        self.assertIn("Not enough Last Gasket", str(second))
        self.assertIn("0.0 Units available", str(second))
        self.assertEqual(self._quantity_on_shelf(), 0)
        self.assertEqual(self._moves(order_1), 1)
        self.assertEqual(self._moves(order_2), 0)

    def test_double_completion_from_two_requests(self):
        order_1 = self.order_ids[0]

        def complete(env):
            return env["fse.work.order"].browse(order_1).with_context(fse_labor_confirmed=True).action_complete()

        # The same technician's phone sends the request twice.
        first, second = self._in_parallel(complete, complete, uids=(self.techs[0], self.techs[0]))
        self.assertIsNone(first)
        self.assertIsNone(second)
        self.assertEqual(self._moves(order_1), 1)
        self.assertEqual(self._quantity_on_shelf(), 0)
