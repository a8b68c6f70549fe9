import base64
from contextlib import contextmanager

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .test_stock_consumption import FseStockCommon

# A 1x1 PNG: a signature.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a600"
        "00000049454e44ae426082"
    )
)


class _Undo(Exception):
    """Raised inside a savepoint to undo a write that succeeded."""


@tagged("post_install", "-at_install")
class TestWritePolicy(FseStockCommon):
    """Every stored field of every model a technician touches, written by a technician on
    their own open order: exactly the declared whitelist goes through, everything else is
    refused by the policy (so a field added later is closed until someone opens it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order(
            part_line_ids=[Command.create({"product_id": cls.filter.id, "quantity": 1})],
            labor_line_ids=[cls._labor(1.0, cls.tech)],
        )
        cls.check = cls.env["fse.work.order.check"].create({"order_id": cls.order.id, "name": "Test the valve"})
        cls.photo = cls.env["fse.work.order.photo"].create({"order_id": cls.order.id, "kind": "before", "image": PIXEL})
        cls.order.action_start()
        cls.order.signed_by = "Jane Customer"  # a signature needs its signer's name
        cls.part = cls.order.part_line_ids
        cls.labor = cls.order.labor_line_ids
        cls.reading = cls.env["fse.meter.reading"].create(
            {"installation_id": cls.installation.id, "value": 100, "date": "2026-03-01"}
        )

    @contextmanager
    def _refused(self, exception, pattern):
        """assertRaises (which rolls the savepoint back) with the message checked too."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _samples(self):
        """A valid value for each field a technician may write, per model."""
        return {
            self.order: {
                "resolution": "<p>Replaced the seal</p>",
                "signature": PIXEL,
                "signed_by": "Jane Customer",
                "part_line_ids": [Command.create({"product_id": self.belt.id, "quantity": 1})],
                "labor_line_ids": [Command.create({"technician_id": self.tech.id, "hours": 0.5})],
                "check_ids": [Command.update(self.check.id, {"done": True})],
                "photo_ids": [Command.create({"kind": "after", "image": PIXEL})],
            },
            self.part: {
                "sequence": 5,
                "product_id": self.belt.id,
                "quantity": 2,
                "product_uom_id": self.belt.uom_id.id,
                "lot_id": False,
                "location_id": self.van.id,
                "replaced_component_id": False,
                "note": "worn out",
            },
            self.labor: {
                "date": "2026-03-03",
                "date_start": "2026-03-03 08:00:00",
                "labor_type": "travel",
                "hours": 2.0,
                "name": "Drive to site",
            },
            self.check: {"done": True},
            self.photo: {"kind": "after", "image": PIXEL, "caption": "The worn seal"},
            self.reading: {"date": "2026-03-02", "value": 120},
        }

    def _writable_by(self, user, record, samples):
        """The stored fields of `record` that `user` manages to write (each in a savepoint)."""
        written = set()
        for name, field in record._fields.items():
            if not field.store or name in ("id", *models_magic()):
                continue
            value = samples.get(name, False)
            try:
                with self.env.cr.savepoint():
                    record.with_user(user).write({name: value})
                    self.env.flush_all()
                    raise _Undo
            except _Undo:
                written.add(name)
            except AccessError as error:
                # The refusal must be the policy's (naming the field), not some other failure.
                self.assertIn(f"({name})", str(error), f"{record._name}.{name}: {error}")
            finally:
                self.env.invalidate_all()
        return written

    def test_technician_writes_exactly_the_whitelist(self):
        for record, samples in self._samples().items():
            with self.subTest(model=record._name):
                expected = {n for n in record._fse_technician_fields() if record._fields[n].store}
                self.assertEqual(set(samples), expected, "a sample value per whitelisted field")
                self.assertEqual(self._writable_by(self.tech, record, samples), expected)

    def test_system_fields_are_refused_to_everyone_but_the_models_own_methods(self):
        manager = new_test_user(self.env, login="fse_policy_manager", groups="field_service_erp.group_fse_manager")
        for record in self._samples():
            system = {n for n, f in record._fields.items() if f.store and f.readonly} - {"id", *models_magic()}
            self.assertTrue(system, record._name)
            for name in sorted(system):
                with self.subTest(model=record._name, field=name):
                    with self._refused(AccessError, rf"\({name}\)"):
                        record.with_user(manager).write({name: False})
        self.assertEqual(self.order.state, "in_progress")
        self.assertEqual(self.part.qty_consumed, 0)

    def test_state_changes_only_through_the_transitions(self):
        for user in (self.tech, self.dispatcher):
            with self._refused(AccessError, r"\(state\)"):
                self.order.with_user(user).write({"state": "done"})
            with self._refused(AccessError, r"\(state\)"):
                self.env["fse.work.order"].with_user(user).create(
                    {"partner_id": self.customer.id, "state": "done", "technician_id": self.tech.id}
                )
        # A forged default in the context is dropped, not obeyed.
        created = (
            self.env["fse.work.order"]
            .with_user(self.dispatcher)
            .with_context(default_state="done", default_date_done="2026-03-01 10:00:00")
            .create({"partner_id": self.customer.id})
        )
        self.assertEqual((created.state, created.date_done), ("draft", False))
        self.assertEqual(self.order.state, "in_progress")

    def test_technicians_do_not_cancel_or_reopen(self):
        with self.assertRaises(AccessError):
            self.order.with_user(self.tech).action_cancel()
        self.order.with_user(self.tech).action_complete()
        with self.assertRaises(AccessError):
            self.order.with_user(self.tech).action_reset_draft()
        self.assertEqual(self.order.state, "done")
        # The back office reopens through the documented path, which gives the parts back.
        self.order.with_user(self.dispatcher).action_reset_draft()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self._qty(self.filter, self.van), 5)

    def test_done_order_is_closed_to_everyone(self):
        self.order.with_user(self.tech).action_complete()
        for user in (self.tech, self.dispatcher):
            for vals in ({"description": "<p>changed</p>"}, {"partner_id": self.customer.id}):
                with self.assertRaises(UserError):  # AccessError for technicians, a UserError to all
                    self.order.with_user(user).write(vals)
        with self.assertRaises(UserError):
            self.part.with_user(self.dispatcher).write({"quantity": 3})
        self.assertEqual(self.part.qty_consumed, 1)

    def test_technician_books_only_own_time(self):
        with self._refused(AccessError, "your own time"):
            self.env["fse.work.order.labor"].with_user(self.tech).create(
                {"order_id": self.order.id, "technician_id": self.tech_b.id, "hours": 3}
            )
        other = self._order(technician_id=self.tech_b.id)
        with self.assertRaises(AccessError):
            self.labor.with_user(self.tech).write({"order_id": other.id})
        self.env.invalidate_all()
        self.assertEqual(self.labor.order_id, self.order)
        self.assertEqual(self.order.labor_hours, 1.0)
        self.assertFalse(other.labor_line_ids)

    def test_references_stay_consistent(self):
        # A lot of another product.
        with self.assertRaises(ValidationError):
            self.part.with_user(self.tech).write({"lot_id": self.sensor_lot.id})
        # A unit of another kind (hours for a part counted in units).
        with self.assertRaises(ValidationError):
            self.part.with_user(self.tech).write({"product_uom_id": self.env.ref("uom.product_uom_hour").id})
        # A component of another customer's machine.
        other_customer = self.env["res.partner"].create({"name": "Other Customer", "is_company": True})
        other_machine = self.env["fse.installation"].create(
            {"partner_id": other_customer.id, "product_id": self.machine_product.id}
        )
        other_component = self.env["fse.installation"].create(
            {"partner_id": other_customer.id, "product_id": self.valve.id, "parent_id": other_machine.id}
        )
        with self.assertRaises(ValidationError):
            self.part.with_user(self.tech).write({"replaced_component_id": other_component.id})
        # A component of another customer than its machine.
        with self.assertRaises(ValidationError):
            self.env["fse.installation"].create(
                {"partner_id": self.customer.id, "product_id": self.valve.id, "parent_id": other_machine.id}
            )
        # A blank signer.
        with self.assertRaises(ValidationError):
            self.order.with_user(self.tech).write({"signed_by": "   "})
        self.assertFalse(self.part.lot_id)
        self.assertFalse(self.part.replaced_component_id)
        self.assertEqual(self.order.signed_by, "Jane Customer")  # the blank name was refused


def models_magic():
    """Fields every model has, written by the ORM itself."""
    return ("create_uid", "create_date", "write_uid", "write_date")
