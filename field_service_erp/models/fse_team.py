from odoo import api, fields, models


class FseTeam(models.Model):
    """A group of technicians (a region, a trade) that reports filter and group by."""

    _name = "fse.team"
    _description = "Field Service Team"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    member_ids = fields.Many2many(
        "res.users",
        "fse_team_res_users_rel",
        "team_id",
        "user_id",
        string="Technicians",
        domain=lambda self: [("all_group_ids", "in", self.env.ref("field_service_erp.group_fse_technician").id)],
    )

    _name_company_unique = models.UniqueIndex("(name, company_id)", "A team name must be unique in its company.")


class FseWorkOrder(models.Model):
    _inherit = "fse.work.order"

    team_id = fields.Many2one(
        "fse.team",
        index="btree_not_null",
        check_company=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Defaults to the technician's team in the order's company.",
    )

    @api.depends("technician_id", "company_id")
    def _compute_team_id(self):
        orders = self.filtered("technician_id")
        teams = (
            self.env["fse.team"]
            .sudo()
            .search(
                [("member_ids", "in", orders.technician_id.ids), ("company_id", "in", orders.company_id.ids)],
                order="sequence, id",
            )
        )
        for order in self:
            if not order.technician_id or order.technician_id in order.team_id.member_ids:
                order.team_id = order.team_id
                continue
            order.team_id = next(
                (t for t in teams if t.company_id == order.company_id and order.technician_id in t.member_ids),
                False,
            )
