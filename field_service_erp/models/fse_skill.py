from odoo import api, fields, models


class FseSkill(models.Model):
    """A trade or certification a job may need (electrical, refrigerant handling, a machine
    vendor's training). Technicians are users, not employees, so this small model replaces
    hr_skills (see docs/dispatch-board.md, "Skills")."""

    _name = "fse.skill"
    _description = "Field Service Skill"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    order_type_ids = fields.Many2many(
        "ir.model.fields.selection",
        "fse_skill_order_type_rel",
        string="Required For",
        # On the field's id: a path through ir.model.fields needs Settings' rights to search.
        domain=lambda self: [("field_id", "=", self.env["ir.model.fields"]._get("fse.work.order", "order_type").id)],
        help="New work orders of these types require this skill.",
    )
    # Edited from the skill's side: who may set skills may not always write users.
    technician_ids = fields.Many2many(
        "res.users",
        "fse_skill_res_users_rel",
        "skill_id",
        "user_id",
        string="Technicians",
        domain=lambda self: [("all_group_ids", "in", self.env.ref("field_service_erp.group_fse_technician").id)],
    )

    @api.model
    def _fse_skills_by_type(self):
        """{order type: skills it requires}, in one query."""
        # sudo: the requirement is configuration; whoever creates an order gets its skills.
        skills = self.sudo().search_fetch([("order_type_ids", "!=", False)], ["order_type_ids"])
        by_type = {}
        for skill in skills:
            for value in skill.order_type_ids.mapped("value"):
                by_type[value] = by_type.get(value, self.browse()) | skill.sudo(False)
        return by_type

    _name_unique = models.UniqueIndex("(name)", "A skill with this name already exists.")
