from odoo import models

from .fse_work_order import DISPATCHER_GROUP, TECHNICIAN_GROUP


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Technicians land on My Day: the web client opens the session's home action, and a
        technician without a home action of his own (set on his user) gets My Day rather
        than Discuss. Dispatchers and everybody else keep Odoo's default."""
        info = super().session_info()
        user = self.env.user
        if not info.get("home_action_id") and user.has_group(TECHNICIAN_GROUP) and not user.has_group(DISPATCHER_GROUP):
            action = self.env.ref("field_service_erp.action_fse_work_order_my_day", raise_if_not_found=False)
            if action:
                info["home_action_id"] = action.id
        return info
