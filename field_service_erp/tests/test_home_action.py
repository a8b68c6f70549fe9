import json
import re

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestHomeAction(HttpCase):
    """Where the web client opens after login: each field-service role on its page, everybody
    else where Odoo sends them, and a home action set on a user always wins."""

    def _home_action(self, login):
        self.authenticate(login, login)
        response = self.url_open(
            "/web/session/get_session_info",
            data='{"jsonrpc": "2.0", "method": "call", "params": {}}',
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]["home_action_id"]

    def test_technicians_land_on_my_day(self):
        my_day = self.env.ref("field_service_erp.action_fse_work_order_my_day")
        new_test_user(self.env, login="home_tech", groups="field_service_erp.group_fse_technician")
        own = new_test_user(self.env, login="home_tech_own", groups="field_service_erp.group_fse_technician")
        own.action_id = self.env.ref("field_service_erp.action_fse_work_order_mine").id
        new_test_user(self.env, login="home_stock", groups="stock.group_stock_user")
        self.assertEqual(self._home_action("home_tech"), my_day.id)
        self.assertEqual(self._home_action("home_tech_own"), own.action_id.id)
        self.assertFalse(self._home_action("home_stock"))

    def test_back_office_lands_on_its_page(self):
        board = self.env.ref("field_service_erp.action_fse_dispatch_board", raise_if_not_found=False)
        board = board or self.env.ref("field_service_erp.action_fse_work_order_dispatch")
        overview = self.env.ref("field_service_erp.action_fse_report_overview")
        new_test_user(self.env, login="home_dispatcher", groups="field_service_erp.group_fse_dispatcher")
        new_test_user(self.env, login="home_manager", groups="field_service_erp.group_fse_manager")
        own = new_test_user(self.env, login="home_manager_own", groups="field_service_erp.group_fse_manager")
        own.action_id = self.env.ref("field_service_erp.action_fse_work_order").id
        self.assertEqual(self._home_action("home_dispatcher"), board.id)
        self.assertEqual(self._home_action("home_manager"), overview.id)
        self.assertEqual(self._home_action("home_manager_own"), own.action_id.id)

    def test_others_keep_odoos_default(self):
        """An accountant without a field-service role lands where Odoo sends him (Discuss):
        no home action in his session."""
        new_test_user(self.env, login="home_accountant", groups="account.group_account_invoice")
        self.assertFalse(self._home_action("home_accountant"))

    def test_links_to_a_page_keep_odoos_fallback(self):
        """The web client falls back to the home action when a link names a page it cannot
        restore (Odoo's own Inventory link /odoo/stock.quant?menu_id=...): there the session
        carries no role page, so Odoo opens that menu's app as without our add-ons; the bare
        /odoo still lands on the role's page."""
        new_test_user(
            self.env, login="home_manager_link", groups="field_service_erp.group_fse_manager,stock.group_stock_user"
        )
        overview = self.env.ref("field_service_erp.action_fse_report_overview")
        menu = self.env.ref("stock.menu_action_inventory_tree")
        self.authenticate("home_manager_link", "home_manager_link")
        for url, expected in (
            ("/odoo", overview.id),
            (f"/odoo/stock.quant?menu_id={menu.id}", None),
            (f"/odoo?menu_id={menu.id}", None),
        ):
            page = self.url_open(url).text
            info = json.loads(re.search(r"odoo\.__session_info__ = (\{.*\});$", page, re.M).group(1))
            self.assertEqual(info.get("home_action_id") or None, expected, url)
