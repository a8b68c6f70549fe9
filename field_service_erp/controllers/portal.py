import uuid

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import format_date

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class FsePortal(CustomerPortal):
    """The customer's side under /my: their visits (follow, confirm or move a planned one,
    download the report, rate a done one), their machines (history, request a visit), their
    service contracts. Thin callers: the rules live in the models (fse_work_order_customer.py);
    searches run with the customer's rights (record rules: their own company's records), and
    what is shown of a record found that way is read as superuser, as portal users read no
    serials, products or users."""

    _items_per_page = 20

    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        counted = {
            "fse_order_count": ("fse.work.order", []),
            "fse_installation_count": ("fse.installation", [("state", "=", "active")]),
            "fse_contract_count": ("fse.contract", [("state", "in", ("running", "expired"))]),
        }
        for counter, (model, domain) in counted.items():
            if counter in counters:
                Model = request.env[model]
                values[counter] = Model.search_count(domain) if Model.has_access("read") else 0
        return values

    # ------------------------------------------------------------------ visits
    @http.route(["/my/work_orders", "/my/work_orders/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_work_orders(self, page=1, **kw):
        Order = request.env["fse.work.order"]
        total = Order.search_count([])
        pager = portal_pager(url="/my/work_orders", total=total, page=page, step=self._items_per_page)
        orders = Order.search(
            [], order="date_reported desc, id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_fse_orders_history"] = orders.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: found with the customer's rights; shown with serials and products they cannot read
                "orders": orders.sudo(),
                "pager": pager,
                "page_name": "fse_work_orders",
                "default_url": "/my/work_orders",
            }
        )
        return request.render("field_service_erp.portal_my_work_orders", values)

    def _fse_order_access(self, order_id, access_token):
        """The order as superuser when the caller may see it (their company's and shown to the
        customer, or its access token), else None."""
        try:
            order_sudo = self._document_check_access("fse.work.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return None
        # A token opens only what the customer may see: not the back office's drafts.
        return order_sudo if order_sudo.portal_visible else None

    @http.route(["/my/work_orders/<int:order_id>"], type="http", auth="public", website=True)
    def portal_work_order_page(self, order_id, access_token=None, report_type=None, download=False, **kw):
        order_sudo = self._fse_order_access(order_id, access_token)
        if not order_sudo:
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
            {
                "order": order_sudo,
                "page_name": "fse_work_order",
                "fse_message": kw.get("message") in ("requested", "answered") and kw["message"],
                # The outcome of the customer's last answer, kept in their session (not the URL).
                "fse_error": request.session.pop("fse_portal_error", None),
            },
            "my_fse_orders_history",
            False,
        )
        return request.render("field_service_erp.portal_work_order_page", values)

    @http.route(["/my/work_orders/<int:order_id>/confirm"], type="http", auth="public", methods=["POST"], website=True)
    def portal_work_order_confirm(self, order_id, access_token=None, **kw):
        return self._fse_answer(order_id, access_token, lambda order, partner: order._fse_customer_confirm(partner))

    @http.route(
        ["/my/work_orders/<int:order_id>/reschedule"], type="http", auth="public", methods=["POST"], website=True
    )
    def portal_work_order_reschedule(self, order_id, access_token=None, reason=None, **kw):
        return self._fse_answer(
            order_id, access_token, lambda order, partner: order._fse_customer_reschedule(partner, reason)
        )

    def _fse_answer(self, order_id, access_token, answer):
        """Run the customer's answer to a planned visit; back to its page with the outcome."""
        order_sudo = self._fse_order_access(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        # With a token and no login, the answer is the customer's (the order's contact).
        partner = request.env.user.partner_id
        if request.env.user._is_public():
            partner = order_sudo.request_partner_id or order_sudo.partner_id
        try:
            answer(order_sudo, partner)
        except (UserError, ValidationError) as error:
            request.env.cr.rollback()
            request.session["fse_portal_error"] = error.args[0]
            return request.redirect(order_sudo.get_portal_url())
        return request.redirect(order_sudo.get_portal_url(query_string="&message=answered"))

    # ------------------------------------------------------------------ machines
    @http.route(["/my/installations", "/my/installations/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_installations(self, page=1, **kw):
        Installation = request.env["fse.installation"]
        domain = [("state", "=", "active")]
        pager = portal_pager(
            url="/my/installations", total=Installation.search_count(domain), page=page, step=self._items_per_page
        )
        installations = Installation.search(domain, limit=self._items_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        # sudo: found with the customer's rights; shown with serials and products they cannot read
        values.update({"installations": installations.sudo(), "pager": pager, "page_name": "fse_installations"})
        return request.render("field_service_erp.portal_my_installations", values)

    @http.route(["/my/installations/<int:installation_id>"], type="http", auth="user", website=True)
    def portal_installation_page(self, installation_id, **kw):
        # With the customer's rights: another customer's machine is not found.
        installation = request.env["fse.installation"].search([("id", "=", installation_id)])
        if not installation:
            return request.redirect("/my/installations")
        orders = request.env["fse.work.order"].search([("installation_id", "=", installation.id)])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: found with the customer's rights; shown with serials and products they cannot read
                "installation": installation.sudo(),
                # sudo: found with the customer's rights; shown with serials and products they cannot read
                "orders": orders.sudo(),
                # sudo: found with the customer's rights; shown with serials and products they cannot read
                "parts": orders.sudo()._fse_portal_parts_replaced(),
                "page_name": "fse_installation",
                "request_values": self._fse_request_defaults(installation_id=installation.id),
            }
        )
        return request.render("field_service_erp.portal_installation_page", values)

    # ------------------------------------------------------------------ service requests
    def _fse_request_defaults(self, **values):
        values.setdefault("request_key", uuid.uuid4().hex)
        return values

    @http.route(["/my/request"], type="http", auth="user", website=True, methods=["GET"])
    def portal_request_form(self, installation_id=None, **kw):
        return self._fse_render_request_form(self._fse_request_defaults(installation_id=installation_id))

    def _fse_render_request_form(self, request_values, error=None):
        partner = request.env.user.partner_id.commercial_partner_id
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "fse_request",
                # The customer's machines (their rights) and sites (their own company's addresses).
                "installations": request.env["fse.installation"].search([("state", "=", "active")]).sudo(),
                "sites": request.env["fse.work.order"]._fse_customer_sites(partner),
                "request_values": request_values,
                "error": error,
            }
        )
        return request.render("field_service_erp.portal_request_form", values)

    @http.route(["/my/request"], type="http", auth="user", website=True, methods=["POST"])
    def portal_request_submit(self, **post):
        files = request.httprequest.files.getlist("photos")
        values = {
            "description": post.get("description"),
            "urgency": post.get("urgency"),
            "installation_id": post.get("installation_id") or False,
            "site_id": post.get("site_id") or False,
            "request_key": post.get("request_key"),
            "windows": [(post.get(f"window_date_{i}"), post.get(f"window_slot_{i}") or "any") for i in (1, 2, 3)],
            "photos": [(f.filename or "photo", f.read()) for f in files if f and f.filename],
        }
        try:
            order = request.env["fse.work.order"]._fse_create_customer_request(values)
        except (UserError, ValidationError) as error:
            request.env.cr.rollback()
            form = {k: post.get(k) for k in post if k != "csrf_token"}
            return self._fse_render_request_form(form, error=error.args[0])
        # sudo: the customer's new order, to build its portal link
        return request.redirect(order.sudo().get_portal_url(query_string="&message=requested"))

    # ------------------------------------------------------------------ contracts
    @http.route(["/my/contracts", "/my/contracts/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_contracts(self, page=1, **kw):
        Contract = request.env["fse.contract"]
        domain = [("state", "in", ("running", "expired"))]
        pager = portal_pager(
            url="/my/contracts", total=Contract.search_count(domain), page=page, step=self._items_per_page
        )
        contracts = Contract.search(
            domain, order="date_start desc, id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        # sudo: found with the customer's rights; shown with serials and products they cannot read
        values.update({"contracts": contracts.sudo(), "pager": pager, "page_name": "fse_contracts"})
        return request.render("field_service_erp.portal_my_contracts", values)

    @http.route(["/my/contracts/<int:contract_id>"], type="http", auth="user", website=True)
    def portal_contract_page(self, contract_id, **kw):
        contract = request.env["fse.contract"].search(
            [("id", "=", contract_id), ("state", "in", ("running", "expired"))]
        )
        if not contract:
            return request.redirect("/my/contracts")
        Order = request.env["fse.work.order"]
        # The next open visits and the latest done ones: a contract's history grows with the years.
        planned = [("contract_id", "=", contract.id), ("state", "in", ("draft", "scheduled", "in_progress"))]
        done = [("contract_id", "=", contract.id), ("state", "=", "done")]
        # sudo: found with the customer's rights; shown with serials and products they cannot read
        coverage = contract.sudo().coverage_ids
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: found with the customer's rights; shown with serials and products they cannot read
                "contract": contract.sudo(),
                # The coverage dates, formatted once each: a contract may cover a thousand
                # machines, mostly from the same day (a date's t-field per row doubled the page's time).
                "coverage_dates": {
                    day: format_date(request.env, day)
                    for day in {*coverage.mapped("date_from"), *coverage.mapped("date_to")}
                },
                # sudo: found with the customer's rights; shown with serials and products they cannot read
                "orders_done": Order.search(done, order="date_done desc, id desc", limit=self._items_per_page).sudo(),
                "orders_done_count": Order.search_count(done),
                # The next ones (those asked for and not planned yet last).
                "orders_planned": Order.search(
                    planned,
                    order="scheduled_start, date_reported desc, id desc",
                    limit=self._items_per_page,
                    # sudo: found with the customer's rights; shown with serials and products they cannot read
                ).sudo(),
                "orders_planned_count": Order.search_count(planned),
                "page_name": "fse_contract",
            }
        )
        return request.render("field_service_erp.portal_contract_page", values)
