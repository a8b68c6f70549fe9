from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class FsePortal(CustomerPortal):
    """Customers follow the work done on their machines: their work orders (with the signed
    service report) and their installed base, under /my."""

    _orders_per_page = 20

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Order = request.env["fse.work.order"]
        if "fse_order_count" in counters:
            values["fse_order_count"] = Order.search_count([]) if Order.has_access("read") else 0
        Installation = request.env["fse.installation"]
        if "fse_installation_count" in counters:
            values["fse_installation_count"] = (
                Installation.search_count([("state", "=", "active")]) if Installation.has_access("read") else 0
            )
        return values

    @http.route(["/my/work_orders", "/my/work_orders/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_work_orders(self, page=1, **kw):
        # Record rules confine a portal user to the orders of their own company (customer).
        Order = request.env["fse.work.order"]
        total = Order.search_count([])
        pager = portal_pager(url="/my/work_orders", total=total, page=page, step=self._orders_per_page)
        orders = Order.search(
            [], order="scheduled_start desc, id desc", limit=self._orders_per_page, offset=pager["offset"]
        )
        request.session["my_fse_orders_history"] = orders.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {"orders": orders, "pager": pager, "page_name": "fse_work_orders", "default_url": "/my/work_orders"}
        )
        return request.render("field_service_erp.portal_my_work_orders", values)

    @http.route(["/my/work_orders/<int:order_id>"], type="http", auth="public", website=True)
    def portal_work_order_page(self, order_id, access_token=None, report_type=None, download=False, **kw):
        try:
            order_sudo = self._document_check_access("fse.work.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text") and order_sudo.state == "done":
            return self._show_report(
                model=order_sudo,
                report_type=report_type,
                report_ref="field_service_erp.action_report_fse_service",
                download=download,
            )
        values = self._get_page_view_values(
            order_sudo,
            access_token,
            {"order": order_sudo, "page_name": "fse_work_order"},
            "my_fse_orders_history",
            False,
        )
        return request.render("field_service_erp.portal_work_order_page", values)

    @http.route(["/my/installations"], type="http", auth="user", website=True)
    def portal_my_installations(self, **kw):
        # The search runs with the customer's rights (their machines only); the serial numbers
        # and sites shown are read as superuser, since portal users have no Inventory access.
        installations = request.env["fse.installation"].search([("state", "=", "active")]).sudo()
        values = self._prepare_portal_layout_values()
        values.update({"installations": installations, "page_name": "fse_installations"})
        return request.render("field_service_erp.portal_my_installations", values)
