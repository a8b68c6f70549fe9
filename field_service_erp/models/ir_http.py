from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Field-service users land on their role's page: the web client opens the session's
        home action, and a user without a home action of his own (set on his user) gets the
        page of his role (res_users.FSE_LANDING_ACTIONS) rather than Discuss. Users of no
        field-service role keep Odoo's default.

        Only on a bare landing (/odoo): the web client also falls back to the home action when
        a link names a page it cannot restore (/odoo/stock.quant?menu_id=...), and there
        Odoo's own fallback (that menu's app) must stay, whoever the user is."""
        info = super().session_info()
        if not info.get("home_action_id") and not self._fse_is_deep_link():
            action = self.env.user._fse_landing_action()
            if action:
                info["home_action_id"] = action.id
        return info

    def _fse_is_deep_link(self):
        """Whether the web client is being opened on a given page or menu."""
        if not request:
            return False
        path = request.httprequest.path.rstrip("/")
        if path in ("", "/odoo", "/web"):
            args = request.httprequest.args
            return bool(args.get("menu_id") or args.get("action"))
        return path.startswith("/odoo/")
