"""Before and after photos as part of the job: required per order type where the company
says so, policed like the checklist (a technician's own open orders only, nothing changes on
a closed order), and printed on the service report."""

import base64
import io
from contextlib import contextmanager

from PIL import Image

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FseCommon, FseJson2Mixin


def png(colour):
    """A small real PNG (base64), so that the image field's resizing has something to read."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


BEFORE, AFTER = png((200, 60, 20)), png((40, 160, 60))


class FsePhotoCommon(FseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.installation_type = cls.env["ir.model.fields.selection"].search(
            [
                ("field_id.model", "=", "fse.work.order"),
                ("field_id.name", "=", "order_type"),
                ("value", "=", "installation"),
            ]
        )
        cls.company.fse_photo_type_ids = cls.installation_type
        cls.manager = new_test_user(
            cls.env, login="fse_photo_manager", name="Service Manager", groups="field_service_erp.group_fse_manager"
        )

    @classmethod
    def _photo(cls, order, kind="before", image=None, caption=False):
        return cls.env["fse.work.order.photo"].create(
            {
                "order_id": order.id,
                "kind": kind,
                "image": image or (BEFORE if kind == "before" else AFTER),
                "caption": caption,
            }
        )

    @classmethod
    def _done_order_with_photos(cls, **vals):
        order = cls._order(order_type="installation", labor_line_ids=[cls._labor(1.0, cls.tech)], **vals)
        cls._photo(order, "before", caption="Empty plant room")
        cls._photo(order, "after", caption="Machine running")
        order.action_start()
        order.action_complete()
        return order


@tagged("post_install", "-at_install")
class TestWorkOrderPhotos(FsePhotoCommon):
    @contextmanager
    def _refused(self, exception, fragment):
        """assertRaises rolls its savepoint back (assertRaisesRegex does not): what the call
        wrote before raising is undone, as in a real request, and the message is checked."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(fragment, str(caught.exception))

    def test_completion_needs_a_before_and_an_after_photo(self):
        order = self._order(order_type="installation", labor_line_ids=[self._labor(1.0, self.tech)])
        order.with_user(self.tech).action_start()
        with self._refused(UserError, "Add a before and an after photo"):
            order.with_user(self.tech).action_complete()
        self.assertEqual(order.state, "in_progress")
        # Two before photos are still no after photo.
        order.with_user(self.tech).write(
            {
                "photo_ids": [
                    Command.create({"kind": "before", "image": BEFORE, "caption": "Crate on site"}),
                    Command.create({"kind": "before", "image": BEFORE}),
                ]
            }
        )
        with self._refused(UserError, "Add a before and an after photo"):
            order.with_user(self.tech).action_complete()
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(order.date_done)
        order.with_user(self.tech).write({"photo_ids": [Command.create({"kind": "after", "image": AFTER})]})
        order.with_user(self.tech).action_complete()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.photo_count, 3)

    def test_other_types_complete_without_photos(self):
        repair = self._order(order_type="corrective", labor_line_ids=[self._labor(1.0, self.tech)])
        repair.with_user(self.tech).action_start()
        repair.with_user(self.tech).action_complete()
        self.assertEqual(repair.state, "done")
        # Without the setting, an installation needs none either.
        self.company.fse_photo_type_ids = False
        order = self._order(order_type="installation", labor_line_ids=[self._labor(1.0, self.tech)])
        order.action_start()
        order.action_complete()
        self.assertEqual(order.state, "done")

    def test_technician_records_photos_of_own_open_order(self):
        order = self._order()
        photo = (
            self.env["fse.work.order.photo"]
            .with_user(self.tech)
            .create({"order_id": order.id, "kind": "before", "image": BEFORE, "caption": "Leak at the seal"})
        )
        self.assertRecordValues(
            photo,
            [{"order_id": order.id, "kind": "before", "caption": "Leak at the seal", "taken_by_id": self.tech.id}],
        )
        self.assertTrue(photo.taken_on)
        self.assertTrue(photo.image_256)
        self.assertEqual(photo.company_id, order.company_id)
        photo.with_user(self.tech).caption = "Oil leak at the drive seal"
        self.assertEqual(photo.caption, "Oil leak at the drive seal")
        photo.with_user(self.tech).unlink()
        self.assertFalse(order.photo_ids)

    def test_a_photo_needs_its_image(self):
        order = self._order()
        Photo = self.env["fse.work.order.photo"].with_user(self.tech)
        with self._refused(ValidationError, "needs its image"):
            Photo.create({"order_id": order.id, "kind": "before", "caption": "No picture"})
        photo = self._photo(order)
        with self._refused(ValidationError, "needs its image"):
            photo.with_user(self.tech).image = False
        # A picture, not a document carrying markup (Odoo's image field keeps SVG as it is).
        svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')
        for image in (svg, base64.b64encode(b"<html><body>not a photo</body></html>")):
            with self._refused(ValidationError, "JPEG, PNG or WebP"):
                Photo.create({"order_id": order.id, "kind": "after", "image": image})
            with self._refused(ValidationError, "JPEG, PNG or WebP"):
                photo.with_user(self.tech).image = image
        self.assertEqual(order.photo_ids, photo)
        self.assertTrue(photo.image)

    def test_technician_cannot_forge_who_and_when(self):
        order = self._order()
        Photo = self.env["fse.work.order.photo"].with_user(self.tech)
        for forged in ({"taken_by_id": self.tech_b.id}, {"taken_on": "2020-01-01 08:00:00"}):
            with self.subTest(forged), self._refused(AccessError, "cannot be written directly"):
                Photo.create({"order_id": order.id, "kind": "before", "image": BEFORE, **forged})
        photo = self._photo(order)
        with self._refused(AccessError, "cannot be written directly"):
            photo.with_user(self.tech).write({"taken_by_id": self.tech_b.id})
        self.assertEqual(photo.taken_by_id, self.env.user)
        self.assertEqual(order.photo_ids, photo)

    def test_technician_cannot_touch_a_colleague_s_order(self):
        order_b = self._order(technician_id=self.tech_b.id)
        photo_b = self._photo(order_b)
        Photo = self.env["fse.work.order.photo"].with_user(self.tech)
        with self.assertRaises(AccessError):
            Photo.create({"order_id": order_b.id, "kind": "after", "image": AFTER})
        self.assertFalse(Photo.search([]))
        with self.assertRaises(AccessError):
            photo_b.with_user(self.tech).unlink()
        self.assertEqual(order_b.photo_ids, photo_b)

    def test_nobody_changes_the_photos_of_a_closed_order(self):
        """The report the customer received is the record: not even the manager changes the
        photos of a done order (resetting it to draft, a tracked step, reopens them)."""
        order = self._done_order_with_photos()
        before = order.photo_ids.filtered(lambda p: p.kind == "before")
        # assertRaisesRegex keeps what a call wrote before raising: each is refused before it writes.
        for user in (self.tech, self.dispatcher, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "can no longer be changed"):
                    self.env["fse.work.order.photo"].with_user(user).create(
                        {"order_id": order.id, "kind": "after", "image": AFTER}
                    )
                with self.assertRaisesRegex(UserError, "can no longer be changed"):
                    order.with_user(user).write({"photo_ids": [Command.create({"kind": "after", "image": AFTER})]})
                with self.assertRaisesRegex(UserError, "can no longer be changed"):
                    before.with_user(user).caption = "Retouched"
                with self.assertRaisesRegex(UserError, "can no longer be changed"):
                    before.with_user(user).unlink()
        self.env.invalidate_all()
        self.assertEqual(len(order.photo_ids), 2)
        self.assertEqual(before.caption, "Empty plant room")
        # Reopened by the back office, the photos can be corrected.
        order.with_user(self.dispatcher).action_reset_draft()
        before.with_user(self.manager).caption = "Empty plant room, floor marked out"
        self.assertEqual(before.caption, "Empty plant room, floor marked out")

    def test_portal_and_other_users_cannot_read_photos(self):
        order = self._order()
        order.action_schedule()  # the customer sees a planned order, not a back-office draft
        self._photo(order, caption="Customer's plant room")
        portal = new_test_user(self.env, login="fse_photo_portal", groups="base.group_portal")
        portal.partner_id.parent_id = self.customer
        clerk = new_test_user(self.env, login="fse_photo_clerk", groups="base.group_user")
        for user in (portal, clerk):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["fse.work.order.photo"].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.env["fse.work.order.photo"].with_user(user).create(
                        {"order_id": order.id, "kind": "before", "image": BEFORE}
                    )
        # The portal user reads their own order, but not its photos.
        self.assertEqual(order.with_user(portal).name, order.name)
        with self.assertRaises(AccessError):
            order.with_user(portal).photo_ids.mapped("caption")
        self.assertEqual(len(order.photo_ids), 1)

    def test_photos_confined_to_the_user_s_companies(self):
        order = self._order()
        self._photo(order)
        company_2 = self.env["res.company"].create({"name": "FSE Photo Second Company"})
        other_dispatcher = new_test_user(
            self.env,
            login="fse_photo_other_dispatcher",
            groups="field_service_erp.group_fse_dispatcher",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        self.assertFalse(self.env["fse.work.order.photo"].with_user(other_dispatcher).search([]))
        self.assertEqual(
            self.env["fse.work.order.photo"].with_user(self.dispatcher).search([("order_id", "=", order.id)]),
            order.photo_ids,
        )

    def test_service_report_shows_the_photos(self):
        order = self._done_order_with_photos()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "field_service_erp.action_report_fse_service", order.ids
        )
        html = html.decode()
        self.assertIn('name="fse_photos"', html)
        for expected in ("Photos", "Before the work", "After the work", "Empty plant room", "Machine running"):
            self.assertIn(expected, html)
        self.assertLess(html.index("Empty plant room"), html.index("Machine running"))
        for photo in order.photo_ids:
            self.assertIn(photo.image_1024.decode(), html)
        # No photo, no section.
        bare = self._order(labor_line_ids=[self._labor(1.0, self.tech)])
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "field_service_erp.action_report_fse_service", bare.ids
        )
        self.assertNotIn('name="fse_photos"', html.decode())


ACCESS_ERROR = ("odoo.exceptions.AccessError", 403)
USER_ERROR = ("odoo.exceptions.UserError", 422)


@tagged("post_install", "-at_install")
class TestPhotosJson2(FseJson2Mixin, FsePhotoCommon, HttpCase):
    """The photo policy over HTTP, as the technician's phone or a script with his API key."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_order = cls._order(order_type="installation")
        cls.open_order.action_start()
        cls.order_b = cls._order(technician_id=cls.tech_b.id)
        cls.photo_b = cls._photo(cls.order_b, caption="Tech B's photo")
        cls.done_order = cls._done_order_with_photos()
        cls.orders = cls.open_order | cls.order_b | cls.done_order
        cls.key = cls._json2_keys(cls.tech)[cls.tech]

    def _json2(self, model, method, **params):
        return self._json2_call(self.key, model, method, **params)

    def _snapshot(self):
        self.env.invalidate_all()
        Photo = self.env["fse.work.order.photo"]
        return {
            "count": Photo.search_count([]),
            "photos": Photo.search_read(
                [("order_id", "in", self.orders.ids)],
                ["order_id", "kind", "caption", "taken_by_id", "taken_on", "image_256"],
                order="id",
            ),
            "orders": self.orders.read(["state", "date_done"]),
        }

    def test_technician_adds_a_photo_to_his_open_order(self):
        status, body = self._json2(
            "fse.work.order.photo",
            "create",
            vals_list=[
                {"order_id": self.open_order.id, "kind": "before", "image": BEFORE.decode(), "caption": "Crate"}
            ],
        )
        self.assertEqual(status, 200, body)
        photo = self.env["fse.work.order.photo"].browse(body)
        self.assertRecordValues(
            photo, [{"order_id": self.open_order.id, "kind": "before", "caption": "Crate", "taken_by_id": self.tech.id}]
        )
        # And through the order, as the phone's form saves it.
        status, body = self._json2(
            "fse.work.order",
            "write",
            ids=self.open_order.ids,
            vals={"photo_ids": [Command.create({"kind": "after", "image": AFTER.decode()})]},
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(self.open_order.photo_ids.mapped("kind")), ["after", "before"])

    def test_refused_attacks_change_nothing(self):
        done_photo = self.done_order.photo_ids[:1]
        attacks = [
            (
                "photo on a colleague's order",
                "fse.work.order.photo",
                "create",
                {"vals_list": [{"order_id": self.order_b.id, "kind": "after", "image": AFTER.decode()}]},
                ACCESS_ERROR,
                "",
            ),
            (
                "a colleague's photo deleted",
                "fse.work.order.photo",
                "unlink",
                {"ids": self.photo_b.ids},
                ACCESS_ERROR,
                "",
            ),
            (
                "a colleague's photo recaptioned",
                "fse.work.order.photo",
                "write",
                {"ids": self.photo_b.ids, "vals": {"caption": "Mine now"}},
                ACCESS_ERROR,
                "",
            ),
            (
                "photo added to a done order",
                "fse.work.order.photo",
                "create",
                {"vals_list": [{"order_id": self.done_order.id, "kind": "after", "image": AFTER.decode()}]},
                USER_ERROR,
                "can no longer be changed",
            ),
            (
                "photo added to a done order through the order",
                "fse.work.order",
                "write",
                {
                    "ids": self.done_order.ids,
                    "vals": {"photo_ids": [Command.create({"kind": "after", "image": AFTER.decode()})]},
                },
                USER_ERROR,
                "can no longer be changed",
            ),
            (
                "photo of a done order replaced",
                "fse.work.order.photo",
                "write",
                {"ids": done_photo.ids, "vals": {"image": AFTER.decode()}},
                USER_ERROR,
                "can no longer be changed",
            ),
            (
                "photo of a done order deleted",
                "fse.work.order.photo",
                "unlink",
                {"ids": done_photo.ids},
                USER_ERROR,
                "can no longer be changed",
            ),
            (
                "photo dated back",
                "fse.work.order.photo",
                "create",
                {
                    "vals_list": [
                        {
                            "order_id": self.open_order.id,
                            "kind": "before",
                            "image": BEFORE.decode(),
                            "taken_on": "2020-01-01 08:00:00",
                        }
                    ]
                },
                ACCESS_ERROR,
                "cannot be written directly",
            ),
            (
                "completed without the photos",
                "fse.work.order",
                "action_complete",
                {"ids": self.open_order.ids},
                USER_ERROR,
                "Add a before and an after photo",
            ),
        ]
        for label, model, method, params, (name, http_status), fragment in attacks:
            with self.subTest(label):
                before = self._snapshot()
                status, body = self._json2(model, method, **params)
                self.assertIsInstance(body, dict, f"the attack succeeded (HTTP {status}): {body}")
                self.assertEqual((status, body["name"]), (http_status, name), body)
                self.assertIn(fragment, body["message"])
                self.assertEqual(self._snapshot(), before)

    def test_portal_customer_sees_the_photos_only_on_the_report(self):
        portal = new_test_user(
            self.env, login="fse_photo_portal_http", password="fse_photo_portal_pw", groups="base.group_portal"
        )
        portal.partner_id.parent_id = self.customer
        with self.assertRaises(AccessError):
            self.done_order.with_user(portal).photo_ids.mapped("caption")
        self.authenticate("fse_photo_portal_http", "fse_photo_portal_pw")
        report = self.url_open(f"/my/work_orders/{self.done_order.id}?report_type=html")
        self.assertEqual(report.status_code, 200)
        for expected in ('name="fse_photos"', "Empty plant room", "Machine running"):
            self.assertIn(expected, report.text)
