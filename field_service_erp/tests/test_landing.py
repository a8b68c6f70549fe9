from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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
