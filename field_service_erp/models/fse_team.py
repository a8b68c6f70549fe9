from odoo import fields, models


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
