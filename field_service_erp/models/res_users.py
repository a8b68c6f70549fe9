from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from .fse_price_policy import PRICE_ROLES, TECHNICIAN_GROUP

# The page each field-service role opens on, most senior role first: a user gets the first
# role he holds, and that role's first action that exists (the dispatch board falls back on
# the calendar board while the board is not installed).
FSE_LANDING_ACTIONS = (
    ("field_service_erp.group_fse_manager", ("field_service_erp.action_fse_report_overview",)),
    (
        "field_service_erp.group_fse_dispatcher",
        ("field_service_erp.action_fse_dispatch_board", "field_service_erp.action_fse_work_order_dispatch"),
    ),
    ("field_service_erp.group_fse_technician", ("field_service_erp.action_fse_work_order_my_day",)),
)


class ResUsers(models.Model):
    _inherit = "res.users"

    fse_work_order_ids = fields.One2many("fse.work.order", "technician_id", string="Assigned Work Orders")
    fse_hourly_cost = fields.Float(
        string="Technician cost per hour",
        digits="Product Price",
        groups="field_service_erp.group_fse_dispatcher",
        help="What an hour of this technician costs the company, in the company currency "
        "(wages and overheads). Contract profitability values labor hours at this rate.",
    )
    fse_team_ids = fields.Many2many(
        "fse.team", "fse_team_res_users_rel", "user_id", "team_id", string="Field Service Teams"
    )
    fse_skill_ids = fields.Many2many(
        "fse.skill", "fse_skill_res_users_rel", "user_id", "skill_id", string="Field Service Skills"
    )
    fse_van_location_id = fields.Many2one(
        "stock.location",
        string="Van Location",
        compute="_compute_fse_van_location_id",
        help="The technician's van stock in the current company.",
    )

    def _compute_fse_van_location_id(self):
        vans = (
            self.env["stock.location"]
            # sudo: a technician's van, whatever locations the reader may see.
            .sudo()
            ._read_group(
                [("fse_technician_id", "in", self.ids), ("company_id", "=", self.env.company.id)],
                ["fse_technician_id"],
                ["id:max"],
            )
        )
        van_by_user = dict(vans)
        for user in self:
            user.fse_van_location_id = van_by_user.get(user, False)

    def action_fse_create_van(self):
        """Create WH/Vans/<technician> in the current company's first warehouse."""
        if not self.env.su and not self.env.user.has_group("field_service_erp.group_fse_dispatcher"):
            raise AccessError(self.env._("Only a dispatcher can set up technicians' vans."))
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], order="sequence, id", limit=1
        )
        if not warehouse:
            raise UserError(self.env._("The company %s has no warehouse to attach vans to.", self.env.company.name))
        parent = warehouse._fse_vans_location()
        Location = self.env["stock.location"].sudo()  # dispatchers set vans up; see _fse_vans_location
        for user in self.filtered(lambda u: not u.fse_van_location_id):
            Location.create(
                {
                    "name": user.name,
                    "usage": "internal",
                    "location_id": parent.id,
                    "fse_technician_id": user.id,
                }
            )
        self.invalidate_recordset(["fse_van_location_id"])
        return True

    def action_fse_create_resource(self):
        """Give technicians of the current company without one a resource in it, on its working
        hours (other users of the selection are left alone): the dispatch board reads his hours
        and time off from it (with Employees installed, an employee's resource already is one)."""
        if not self.env.su and not self.env.user.has_group("field_service_erp.group_fse_dispatcher"):
            raise AccessError(self.env._("Only a dispatcher can set up technicians' working hours."))
        company = self.env.company
        # sudo: resources are Settings' records; dispatchers only create technicians' own.
        Resource = self.env["resource.resource"].sudo()
        have = Resource.search([("user_id", "in", self.ids), ("company_id", "=", company.id)]).user_id
        # Active internal technicians who work for the company, in one batch (has_group() would
        # ask per user).
        technicians = (
            # sudo: their companies may include some the dispatcher is not in; only membership is asked.
            self.sudo()
            .filtered_domain(
                [
                    ("all_group_ids", "in", self.env.ref(TECHNICIAN_GROUP).id),
                    ("active", "=", True),
                    ("share", "=", False),
                    ("company_ids", "in", company.id),
                ]
            )
            .sudo(False)
        )
        Resource.create(
            [
                {
                    "name": user.name,
                    "user_id": user.id,
                    "company_id": company.id,
                    "calendar_id": company.resource_calendar_id.id,
                    "tz": user.tz or company.resource_calendar_id.tz or "UTC",
                }
                for user in technicians - have
            ]
        )
        skipped = len(self - technicians)
        message = self.env._("%(count)s technician(s) now have working hours.", count=len(technicians - have))
        if skipped:
            message += " " + self.env._(
                "%(count)s other user(s) skipped: not a technician of %(company)s.", count=skipped, company=company.name
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "info"},
        }

    @tools.ormcache("self.id")
    def _fse_hides_prices(self):
        """A technician without a back-office role reads no price or cost (fse_price_policy).
        Asked on every read of a price field: cached per user, and cleared with Odoo's own
        group caches when the user's groups change."""
        self.ensure_one()
        group_ids = set(self._get_group_ids())
        technician = self.env.ref(TECHNICIAN_GROUP, raise_if_not_found=False)
        if not technician or technician.id not in group_ids:
            return False
        roles = (self.env.ref(xmlid, raise_if_not_found=False) for xmlid in PRICE_ROLES)
        return not any(role and role.id in group_ids for role in roles)

    def _fse_landing_action(self):
        """The action of the user's field-service role (FSE_LANDING_ACTIONS), an empty
        recordset for users of no field-service role."""
        self.ensure_one()
        for group, xmlids in FSE_LANDING_ACTIONS:
            if self.has_group(group):
                for xmlid in xmlids:
                    action = self.env.ref(xmlid, raise_if_not_found=False)
                    if action:
                        return action
                break
        return self.env["ir.actions.actions"]

    @api.model
    def action_fse_landing_page(self):
        """The Field Service app's first page: the page of the current user's role."""
        action = self.env.user._fse_landing_action()
        if not action:
            raise AccessError(self.env._("Field Service is for field-service users only."))
        return action._get_action_dict()

    def action_fse_my_van(self):
        """Open the on-hand quantities of the user's van.

        The menu is there for every field-service user, dispatchers and managers included,
        who often drive no van: they get the same (empty) list explaining how a van is set up,
        not an error dialog."""
        self.ensure_one()
        van = self.fse_van_location_id
        # What the van holds, read-only: counts and corrections are Inventory users' work.
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("My Van: %s", van.display_name) if van else self.env._("My Van"),
            "res_model": "stock.quant",
            "view_mode": "list,kanban",
            "views": [
                (self.env.ref("field_service_erp.view_stock_quant_list_fse_van").id, "list"),
                (self.env.ref("field_service_erp.view_stock_quant_kanban_fse_van").id, "kanban"),
            ],
            "mobile_view_mode": "kanban",  # cards on a phone, the list on a desktop
            "domain": [("location_id", "child_of", van.id)] if van else [("id", "in", [])],
            "context": {"create": False, "edit": False, "delete": False},
        }
        if not van:
            action["help"] = Markup("<p class='o_view_nocontent_empty_folder'>%s</p><p>%s</p>") % (
                self.env._("%s has no van location yet.", self.name),
                self.env._(
                    "A Field Service manager creates it: Field Service ‣ Configuration ‣ "
                    "Technicians, select the technician, then Actions ‣ Create Van Location."
                ),
            )
        return action
