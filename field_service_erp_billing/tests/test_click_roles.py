import logging
import re
import time

from odoo.tests import HttpCase, new_test_user, tagged

_logger = logging.getLogger(__name__)

CLICKBOT = "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader').startClickEverywhere(%r);"
CLICKBOT_DONE = "clickbot test succeeded"
FSE_APP = "field_service_erp.menu_fse_root"
INVOICING_APP = "account.menu_finance"


@tagged("post_install", "-at_install")
class TestClickRoles(HttpCase):
    """Odoo's click-everywhere bot, logged in through the browser as each documented role:
    it opens every menu of the app the role sees, every view of each menu and every filter,
    and fails on any error dialog or traceback. The test then checks that the bot clicked
    exactly the menus that role is meant to see.

    An invoicing user without any field-service right clicks through Odoo's Invoicing app,
    to prove the add-ons do not break Odoo's own invoicing screens for him."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env.ref("base.user_admin")
        cls.dispatcher = cls.env.ref("field_service_erp.demo_user_dispatcher")
        cls.technician = cls.env.ref("field_service_erp.demo_user_tech_tom")
        cls.invoicing_user = new_test_user(
            cls.env,
            login="fse_click_invoicing",
            name="Click Invoicing User",
            groups="account.group_account_invoice",
        )
        users = cls.manager | cls.dispatcher | cls.technician | cls.invoicing_user
        if "tour_enabled" in users._fields:
            users.tour_enabled = False  # no onboarding tour in the way of the bot

    def _leaf_menus(self, user, app_xmlid):
        """xml ids of the menus of an app that the navbar shows `user` as clickable items."""
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        apps = {menus[menu_id]["xmlid"]: menus[menu_id] for menu_id in menus["root"]["children"]}
        if app_xmlid not in apps:
            return None
        leaves, todo = set(), list(apps[app_xmlid]["children"])
        while todo:
            menu = menus[todo.pop()]
            if menu["children"]:
                todo += menu["children"]
            else:
                leaves.add(menu["xmlid"])
        return leaves

    def _click_everywhere(self, user, app_xmlid):
        """Run the clickbot on one app as `user` (logged in through the browser); return the
        xml ids of the menus it tested (the app's own entry excluded) and its filter count."""
        expected = self._leaf_menus(user, app_xmlid)
        self.assertTrue(expected, f"{user.login} should see menus in {app_xmlid}")
        browser_logger = f"{self._logger.name}.browser"
        start = time.monotonic()
        # logging.INFO, not "INFO": Odoo names its RUNBOT level (25) "INFO" too.
        with self.assertLogs(browser_logger, logging.INFO) as logs:
            try:
                self.browser_js(
                    "/odoo",
                    CLICKBOT % app_xmlid,
                    "odoo.isReady === true",
                    login=user.login,
                    timeout=300,
                    success_signal=CLICKBOT_DONE,
                )
            except AssertionError as error:
                tail = "\n".join(logs.output[-15:])
                raise AssertionError(f"clickbot as {user.login} on {app_xmlid} failed: {error}\n{tail}") from None
        _logger.info("clickbot as %s on %s took %.0f s", user.login, app_xmlid, time.monotonic() - start)
        messages = [record.getMessage() for record in logs.records]
        tested = {m.group(1) for msg in messages if (m := re.match(r"Testing menu .* (\S+\.\S+)$", msg))}
        self.assertIn(app_xmlid, tested, "the bot opened the app itself")
        tested.discard(app_xmlid)
        self.assertEqual(tested, expected, f"the bot clicked every menu {user.login} sees, and only those")
        filters = sum(int(n) for msg in messages for n in re.findall(r"^Successfully tested (\d+) filters$", msg))
        self.assertIn(CLICKBOT_DONE, messages)
        return tested, filters

    def test_manager_clicks_everywhere(self):
        tested, filters = self._click_everywhere(self.manager, FSE_APP)
        self.assertTrue(
            {
                "field_service_erp.menu_fse_work_order_dispatch",
                "field_service_erp.menu_fse_settings",
                "field_service_erp.menu_fse_technicians",
                "field_service_erp_billing.menu_fse_work_order_to_invoice",
                "field_service_erp_billing.menu_fse_report_revenue",
                "field_service_erp_billing.menu_fse_billing_rule",
            }
            <= tested
        )
        self.assertGreater(filters, 20)

    def test_dispatcher_clicks_everywhere(self):
        tested, filters = self._click_everywhere(self.dispatcher, FSE_APP)
        self.assertIn("field_service_erp.menu_fse_work_order_dispatch", tested)
        self.assertIn("field_service_erp.menu_fse_contract", tested)
        self.assertIn("field_service_erp_billing.menu_fse_report_revenue", tested)
        # No configuration, and no billing without invoicing rights.
        self.assertNotIn("field_service_erp.menu_fse_technicians", tested)
        self.assertNotIn("field_service_erp_billing.menu_fse_work_order_to_invoice", tested)
        self.assertGreater(filters, 10)

    def test_technician_clicks_everywhere(self):
        tested, filters = self._click_everywhere(self.technician, FSE_APP)
        self.assertEqual(
            tested,
            {
                "field_service_erp.menu_fse_work_order_my_day",
                "field_service_erp.menu_fse_work_order_mine",
                "field_service_erp.menu_fse_my_van",
                "field_service_erp.menu_fse_van_transfer",
                "field_service_erp.menu_fse_installation",
                "field_service_erp.menu_fse_meter_reading",
            },
        )
        self.assertGreater(filters, 0)

    def test_invoicing_user_clicks_through_invoicing(self):
        self.assertFalse(self.invoicing_user.has_group("field_service_erp.group_fse_technician"))
        self.assertIsNone(self._leaf_menus(self.invoicing_user, FSE_APP), "no Field Service app for him")
        tested, filters = self._click_everywhere(self.invoicing_user, INVOICING_APP)
        self.assertIn("account.menu_action_move_out_invoice_type", tested)
        self.assertGreater(filters, 10)
