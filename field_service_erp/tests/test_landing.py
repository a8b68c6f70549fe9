from datetime import datetime, time, timedelta

import pytz
from lxml import etree
from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import FseCommon


@tagged("post_install", "-at_install")
class TestLandingPages(FseCommon):
    """The Field Service app opens on the page of the user's role, as the login does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="land_manager", groups="field_service_erp.group_fse_manager")
        cls.accountant = new_test_user(cls.env, login="land_accountant", groups="account.group_account_invoice")
        cls.app_action = cls.env.ref("field_service_erp.action_fse_landing_page")
        cls.my_day = cls.env.ref("field_service_erp.action_fse_work_order_my_day")
        cls.board = cls.env.ref("field_service_erp.action_fse_dispatch_board", raise_if_not_found=False) or cls.env.ref(
            "field_service_erp.action_fse_work_order_dispatch"
        )
        cls.overview = cls.env.ref("field_service_erp.action_fse_report_overview")

    def _open_app(self, user):
        """What opening the app does in the web client: the app menu's action, run as the user."""
        root = self.env.ref("field_service_erp.menu_fse_root")
        menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
        self.assertEqual(menus[root.id]["actionID"], self.app_action.id)
        self.assertEqual(menus[root.id]["actionModel"], "ir.actions.server")
        return self.env["ir.actions.server"].browse(menus[root.id]["actionID"]).with_user(user).run()

    def test_app_opens_on_the_role_page(self):
        for user, expected in (
            (self.tech, self.my_day),
            (self.dispatcher, self.board),
            (self.manager, self.overview),
        ):
            with self.subTest(user=user.login):
                action = self._open_app(user)
                self.assertEqual((action["type"], action["id"]), (expected.type, expected.id))

    def test_own_home_action_is_for_login_only(self):
        self.tech.action_id = self.env.ref("field_service_erp.action_fse_work_order_mine").id
        self.assertEqual(self._open_app(self.tech)["id"], self.my_day.id)

    def test_no_field_service_no_app(self):
        root = self.env.ref("field_service_erp.menu_fse_root")
        self.assertNotIn(root.id, self.env["ir.ui.menu"].with_user(self.accountant).load_web_menus(False))
        with self.assertRaises(AccessError):
            self.app_action.with_user(self.accountant).run()
        with self.assertRaises(AccessError):
            self.env["res.users"].with_user(self.accountant).action_fse_landing_page()


@tagged("post_install", "-at_install")
class TestTodayFilter(FseCommon):
    """The search view's "Today" is the user's day and narrows the other filters."""

    TZ = "Asia/Tokyo"  # UTC+9: the user's day starts at 15:00 UTC the day before

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher.tz = cls.TZ
        cls.today = fields.Date.context_today(cls.env["fse.work.order"].with_context(tz=cls.TZ))
        yesterday, tomorrow = cls.today - timedelta(days=1), cls.today + timedelta(days=1)
        cls.today_open = cls._local_order(cls.today, 1, 2)
        cls.today_done = cls._local_order(cls.today, 10, 11)
        cls.overnight_open = cls._local_order(yesterday, 22, 26)  # still running this morning
        cls.yesterday_open = cls._local_order(yesterday, 10, 11)
        cls.yesterday_done = cls._local_order(yesterday, 13, 14)
        cls.tomorrow_open = cls._local_order(tomorrow, 0.5, 1.5)  # same UTC date as today's
        (cls.today_done | cls.yesterday_done).action_cancel()
        cls.orders = (
            cls.today_open
            | cls.today_done
            | cls.overnight_open
            | cls.yesterday_open
            | cls.yesterday_done
            | cls.tomorrow_open
        )

    @classmethod
    def _local_order(cls, day, start_hour, end_hour):
        """An order from start_hour to end_hour (may pass 24) of `day` in the user's time zone."""
        midnight = pytz.timezone(cls.TZ).localize(datetime.combine(day, time.min)).astimezone(pytz.utc)
        midnight = midnight.replace(tzinfo=None)
        return cls._order(
            scheduled_start=midnight + timedelta(hours=start_hour),
            scheduled_end=midnight + timedelta(hours=end_hour),
        )

    def _search_filters(self, *names):
        """Search as the web client does with these filters of the work order search view on:
        filters of one group (between separators or fields) are or-ed, groups and-ed."""
        Order = self.env["fse.work.order"].with_user(self.dispatcher).with_context(tz=self.TZ)
        arch = etree.fromstring(Order.get_views([(False, "search")])["views"]["search"]["arch"])
        group_of, group = {}, None
        for node in arch:
            if node.tag != "filter":
                group = None  # a separator, a field or the group-bys end the group
                continue
            group = len(group_of) if group is None else group
            group_of[node.get("name")] = group
        eval_context = {"uid": self.dispatcher.id, "context_today": lambda: self.today}
        domains = {}
        for name in names:
            node = arch.find(f"filter[@name='{name}']")
            domains.setdefault(group_of[name], []).append(Domain(safe_eval(node.get("domain"), eval_context)))
        domain = Domain.AND(Domain.OR(group) for group in domains.values())
        return Order.search(domain & Domain("id", "in", self.orders.ids))

    def test_today_is_the_users_day(self):
        self.assertEqual(self._search_filters("filter_today"), self.today_open | self.today_done | self.overnight_open)

    def test_today_and_open_are_todays_open_orders(self):
        self.assertEqual(self._search_filters("filter_today", "filter_open"), self.today_open | self.overnight_open)
        self.assertEqual(
            self._search_filters("filter_open"),
            self.today_open | self.overnight_open | self.yesterday_open | self.tomorrow_open,
        )

    def test_today_field_matches_its_search(self):
        Order = self.env["fse.work.order"].with_context(tz=self.TZ)
        today = Order.search([("id", "in", self.orders.ids), ("is_today", "=", True)])
        not_today = Order.search([("id", "in", self.orders.ids), ("is_today", "=", False)])
        self.assertEqual(today, self.today_open | self.today_done | self.overnight_open)
        self.assertEqual(not_today, self.orders - today)
        self.assertEqual(self.orders.with_context(tz=self.TZ).filtered("is_today"), today)


@tagged("post_install", "-at_install")
class TestMachineShortcuts(FseCommon):
    """From the machine to a new order, and from a serial to the machine."""

    def test_machine_found_by_serial(self):
        lot = self.env["stock.lot"].create({"name": "PLATE-778", "product_id": self.machine_product.id})
        press = self.env["fse.installation"].create(
            {
                "name": "Press, line 3",
                "partner_id": self.customer.id,
                "product_id": self.machine_product.id,
                "lot_id": lot.id,
            }
        )
        Installation = self.env["fse.installation"]
        for user in (self.tech, self.dispatcher):
            with self.subTest(user=user.login):
                found = Installation.with_user(user).name_search("PLATE-778")
                self.assertEqual([row[0] for row in found], [press.id])
        # as the order's Machine field asks: the customer's active machines
        field_domain = [("partner_id", "=?", self.customer.id), ("state", "=", "active")]
        self.assertEqual([row[0] for row in Installation.name_search("778", domain=field_domain)], [press.id])
        self.assertEqual([row[0] for row in Installation.name_search("line 3")], [press.id])

    def test_new_work_order_from_machine(self):
        action = self.installation.with_user(self.dispatcher).action_fse_new_work_order()
        self.assertEqual((action["res_model"], action["views"]), ("fse.work.order", [(False, "form")]))
        Order = self.env["fse.work.order"].with_user(self.dispatcher).with_context(**action["context"])
        with Form(Order) as form:
            form.description = "Leaks oil"
        order = form.record
        self.assertEqual(order.installation_id, self.installation)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.site_partner_id, self.site)
        self.assertEqual(order.company_id, self.installation.company_id)
        self.assertEqual(order.order_type, "corrective")
        arch = self.env["fse.installation"].with_user(self.dispatcher).get_views([(False, "form")])
        self.assertIn("action_fse_new_work_order", arch["views"]["form"]["arch"])

    def test_technician_gets_no_new_work_order_button(self):
        Order = self.env["fse.work.order"]
        count = Order.search_count([])
        arch = self.env["fse.installation"].with_user(self.tech).get_views([(False, "form")])
        self.assertNotIn("action_fse_new_work_order", arch["views"]["form"]["arch"])
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.installation.with_user(self.tech).action_fse_new_work_order()
        with self.assertRaises(AccessError), self.cr.savepoint():
            Order.with_user(self.tech).create({"installation_id": self.installation.id, "partner_id": self.customer.id})
        self.assertEqual(Order.search_count([]), count)

    def test_decommissioned_machine_takes_no_new_order(self):
        self.installation.action_decommission()
        with self.assertRaisesRegex(UserError, "decommissioned"):
            self.installation.with_user(self.dispatcher).action_fse_new_work_order()


@tagged("post_install", "-at_install")
class TestScheduledEnd(FseCommon):
    """The scheduled end follows the start and the estimate, on the server (board, import, RPC)."""

    def _new(self, **vals):
        values = {
            "partner_id": self.customer.id,
            "installation_id": self.installation.id,
            "technician_id": self.tech.id,
            "scheduled_start": self.start,
        }
        return self.env["fse.work.order"].with_user(self.dispatcher).create(dict(values, **vals))

    def test_end_on_create(self):
        self.assertEqual(self._new(duration_estimate=3).scheduled_end, self.start + timedelta(hours=3))
        self.assertEqual(self._new().scheduled_end, self.start + timedelta(hours=1))
        explicit = self._new(duration_estimate=3, scheduled_end=self.start + timedelta(hours=5))
        self.assertEqual(explicit.scheduled_end, self.start + timedelta(hours=5))
        self.assertFalse(self._new(scheduled_start=False).scheduled_end)

    def test_board_moves_keep_the_estimate(self):
        order = self._new(duration_estimate=2.5)
        moved = self.start + timedelta(days=1, hours=3)
        order.write({"scheduled_start": moved})
        self.assertEqual(order.scheduled_end, moved + timedelta(hours=2.5))
        # a resize on the board: start and end in one write, the end is the user's
        order.write({"scheduled_start": moved, "scheduled_end": moved + timedelta(hours=6)})
        self.assertEqual(order.scheduled_end, moved + timedelta(hours=6))
        order.write({"duration_estimate": 4})
        self.assertEqual(order.scheduled_end, moved + timedelta(hours=4))
        self.env.flush_all()
        self.env.cr.execute("SELECT scheduled_end FROM fse_work_order WHERE id = %s", [order.id])
        self.assertEqual(self.env.cr.fetchone()[0], moved + timedelta(hours=4))

    def test_without_estimate_the_planned_duration_is_kept(self):
        short = self._new(scheduled_end=self.start + timedelta(hours=2))
        long = self._new(scheduled_end=self.start + timedelta(hours=5))
        orders = short | long
        later = self.start + timedelta(days=7)
        orders.write({"scheduled_start": later})
        self.assertEqual(short.scheduled_end, later + timedelta(hours=2))
        self.assertEqual(long.scheduled_end, later + timedelta(hours=5))
        # the estimate set back to 0: the end stays
        long.write({"duration_estimate": 3})
        long.write({"duration_estimate": 0})
        self.assertEqual(long.scheduled_end, later + timedelta(hours=3))
        # an order planned without end gets an hour
        unplanned = self._new(scheduled_start=False)
        unplanned.write({"scheduled_start": later})
        self.assertEqual(unplanned.scheduled_end, later + timedelta(hours=1))

    def test_end_before_start_is_refused(self):
        order = self._new(duration_estimate=2)
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"), self.cr.savepoint():
            order.write({"scheduled_start": self.start, "scheduled_end": self.start - timedelta(hours=1)})
            self.env.flush_all()
        order.invalidate_recordset()
        self.assertEqual(order.scheduled_end, self.start + timedelta(hours=2))

    def test_form_follows_the_estimate(self):
        with Form(self.env["fse.work.order"].with_user(self.dispatcher)) as form:
            form.installation_id = self.installation
            form.duration_estimate = 1.5
            form.scheduled_start = self.start
            self.assertEqual(form.scheduled_end, self.start + timedelta(hours=1.5))
            form.duration_estimate = 2
            self.assertEqual(form.scheduled_end, self.start + timedelta(hours=2))
        order = self._new(scheduled_end=self.start + timedelta(hours=3))
        with Form(order.with_user(self.dispatcher)) as form:
            form.scheduled_start = self.start + timedelta(days=1)
            self.assertEqual(form.scheduled_end, self.start + timedelta(days=1, hours=3))
        self.assertEqual(order.scheduled_end, self.start + timedelta(days=1, hours=3))
