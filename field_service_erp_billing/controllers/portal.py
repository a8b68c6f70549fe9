from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class FseEstimatePortal(CustomerPortal):
    """The customer's answer to an estimate, from the order's portal page. Thin callers: the
    access to the order is checked here (the customer's company, or the order's access token),
    everything else by the estimate's methods."""

    def _fse_estimate_of(self, order_id, estimate_id, access_token):
        """(order, estimate) as superuser once the customer's access to the order is checked;
        the estimate's own methods refuse one that is not the order's."""
        order_sudo = self._document_check_access("fse.work.order", order_id, access_token=access_token)
        # sudo: the portal's check above grants the order; the estimate is checked to be its own.
        estimate_sudo = request.env["fse.work.order.estimate"].sudo().browse(estimate_id).exists()
        if not estimate_sudo:
            raise MissingError(request.env._("This estimate does not exist."))
        return order_sudo, estimate_sudo

    @http.route(
        ["/my/work_orders/<int:order_id>/estimate/<int:estimate_id>/accept"],
        type="jsonrpc",
        auth="public",
        website=True,
    )
    def portal_estimate_accept(self, order_id, estimate_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo, estimate_sudo = self._fse_estimate_of(order_id, estimate_id, access_token)
            estimate_sudo._fse_portal_accept(order_sudo, name, signature)
        except (AccessError, MissingError):
            return {"error": request.env._("This estimate is not one of yours.")}
        except UserError as error:
            return {"error": error.args[0]}
        return {
            "force_refresh": True,
            "redirect_url": order_sudo.get_portal_url(query_string="&message=estimate_accepted"),
        }

    @http.route(
        ["/my/work_orders/<int:order_id>/estimate/<int:estimate_id>/decline"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_estimate_decline(self, order_id, estimate_id, access_token=None, decline_reason=None, **kw):
        try:
            order_sudo, estimate_sudo = self._fse_estimate_of(order_id, estimate_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            estimate_sudo._fse_portal_decline(order_sudo, decline_reason)
        except AccessError:
            return request.redirect("/my")
        except UserError:
            return request.redirect(order_sudo.get_portal_url(query_string="&message=estimate_decline_refused"))
        return request.redirect(order_sudo.get_portal_url(query_string="&message=estimate_declined"))
