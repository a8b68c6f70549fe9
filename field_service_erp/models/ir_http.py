from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Field-service users land on their role's page: the web client opens the session's
        home action, and a user without a home action of his own (set on his user) gets the
        page of his role (res_users.FSE_LANDING_ACTIONS) rather than Discuss. Users of no
        field-service role keep Odoo's default."""
        info = super().session_info()
        if not info.get("home_action_id"):
            action = self.env.user._fse_landing_action()
            if action:
                info["home_action_id"] = action.id
        return info
