from contextlib import contextmanager
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .test_contract import FseContractCommon
from .test_write_policy import models_magic


@tagged("post_install", "-at_install")
class TestBackOfficePolicy(FseContractCommon):
    """The records only the back office writes (machines, contracts and their covered
    machines, preventive plans and their kits): a dispatcher or manager edits them, but what
    the model itself keeps (contract state, renewal count, a plan's next visit, a machine's
    decommission date and hierarchy path) changes only through the records' own actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="fse_bo_manager", groups="field_service_erp.group_fse_manager")
        cls.kit_product = cls.env["product.product"].create({"name": "Kit Filter", "type": "consu"})
        cls.plan = cls.env["fse.maintenance.plan"].create(
            {
                "name": "Quarterly",
                "contract_id": cls.contract.id,
                "start_date": "2026-01-05",
                "interval_type": "month",
                "interval_number": 3,
                "part_ids": [Command.create({"product_id": cls.kit_product.id, "quantity": 2})],
            }
        )

    @contextmanager
    def _refused(self, pattern):
        """assertRaises (which rolls the savepoint back) with the policy's message checked."""
        with self.assertRaises(AccessError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _records(self):
        return (
            self.installation,
            self.contract,
            self.contract.coverage_ids,
            self.plan,
            self.plan.part_ids,
        )

    def _snapshot(self, record, names):
        self.env.invalidate_all()
        return {name: record[name] for name in names}

    def test_system_fields_are_refused_to_the_back_office(self):
        for record in self._records():
            system = {n for n, f in record._fields.items() if f.readonly and (f.store or f.related)}
            system -= {"id", *models_magic()}
            self.assertTrue(system, record._name)
            before = self._snapshot(record, system)
            for user in (self.dispatcher, self.manager):
                for name in sorted(system):
                    with self.subTest(model=record._name, field=name, user=user.login):
                        with self._refused(rf"\({name}\)"):
                            record.with_user(user).write({name: False})
            self.assertEqual(self._snapshot(record, system), before, record._name)

    def test_contract_state_moves_only_through_its_actions(self):
        draft = self._contract(date(2027, 1, 1), machines=self.env["fse.installation"])
        with self._refused(r"\(state\)"):
            draft.with_user(self.dispatcher).write({"state": "running"})
        with self._refused(r"\(state\)"):
            self.env["fse.contract"].with_user(self.dispatcher).create(
                {"partner_id": self.customer.id, "date_start": "2027-01-01", "state": "running"}
            )
        # A forged default is dropped: the contract starts as a draft.
        created = (
            self.env["fse.contract"]
            .with_user(self.dispatcher)
            .with_context(default_state="running", default_renewal_count=5)
            .create({"partner_id": self.customer.id, "date_start": "2027-01-01"})
        )
        self.assertEqual((created.state, created.renewal_count), ("draft", 0))
        self.assertEqual(draft.state, "draft")
        # The action keeps its own rule (no machine, no confirmation) whoever calls it...
        with self.assertRaises(UserError) as caught:
            draft.with_user(self.dispatcher).action_confirm()
        self.assertIn("Add the machines", str(caught.exception))
        self.assertEqual(draft.state, "draft")
        # ...and does the job for the dispatcher once the rule holds.
        self.contract.with_user(self.dispatcher).action_cancel()
        self.assertEqual(self.contract.state, "cancelled")
        self.contract.with_user(self.dispatcher).action_reset_draft()
        self.assertEqual((self.contract.state, self.contract.date_cancelled), ("draft", False))

    def test_actions_check_the_callers_rights(self):
        with self.assertRaises(AccessError):
            self.contract.with_user(self.tech).action_cancel()
        self.assertEqual(self.contract.state, "running")

    def test_plan_schedule_follows_its_settings_only(self):
        due = (self.plan.next_occurrence, self.plan.next_date)
        with self._refused(r"\(next_date\)"):
            self.plan.with_user(self.dispatcher).write({"next_date": "2030-01-01"})
        self.assertEqual((self.plan.next_occurrence, self.plan.next_date), due)
        # Changing the interval reschedules, as the dispatcher.
        self.plan.with_user(self.dispatcher).write({"interval_number": 1})
        self.assertEqual(self.plan.next_date, self.plan._due_date(self.plan.next_occurrence))

    def test_machine_decommission_dates_itself(self):
        with self._refused(r"\(decommission_date\)"):
            self.installation.with_user(self.dispatcher).write({"decommission_date": "2020-01-01"})
        self.assertFalse(self.installation.decommission_date)
        self.installation.with_user(self.dispatcher).action_decommission()
        self.assertEqual(self.installation.state, "decommissioned")
        self.assertTrue(self.installation.decommission_date)

    def test_technicians_run_no_back_office_action(self):
        orders_before = self.env["fse.work.order"].search_count([])
        with self.assertRaises(AccessError):
            self.plan.with_user(self.tech).action_generate_now()
        self.assertEqual(self.env["fse.work.order"].search_count([]), orders_before)
        vans_before = self.env["stock.location"].search_count([("fse_technician_id", "!=", False)])
        with self.assertRaises(AccessError):
            self.tech.with_user(self.tech).action_fse_create_van()
        with self.assertRaises(AccessError):
            self.tech_b.with_user(self.tech).action_fse_create_van()
        self.assertEqual(self.env["stock.location"].search_count([("fse_technician_id", "!=", False)]), vans_before)
        # The dispatcher sets the van up.
        self.tech_b.with_user(self.dispatcher).action_fse_create_van()
        self.assertTrue(self.tech_b.fse_van_location_id)
