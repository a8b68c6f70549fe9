from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class FseInstallation(models.Model):
    """A machine installed at a customer site: the unit of the installed base."""

    _name = "fse.installation"
    _description = "Installed Machine"
    _inherit = ["mail.thread", "mail.activity.mixin", "fse.write.policy"]
    _order = "partner_id, name, id"
    _check_company_auto = True
    _parent_store = True
    # A machine is found by its name or by the serial on its plate.
    _rec_names_search = ["name", "lot_id.name"]

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        help="The customer's commercial entity, who owns the machine and is billed for it.",
    )
    site_partner_id = fields.Many2one(
        "res.partner",
        string="Site",
        index=True,
        compute="_compute_site_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The address where the machine stands (a delivery address of the customer).",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Model",
        index=True,
        check_company=True,
        tracking=True,
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index=True,
        check_company=True,
        tracking=True,
        domain="[('product_id', '=?', product_id)]",
    )
    installation_date = fields.Date(default=fields.Date.context_today, tracking=True)
    warranty_end_date = fields.Date(tracking=True)
    under_warranty = fields.Boolean(compute="_compute_under_warranty", search="_search_under_warranty")
    parent_id = fields.Many2one(
        "fse.installation",
        string="Part Of",
        index=True,
        ondelete="restrict",
        check_company=True,
        help="The machine this component is built into.",
    )
    parent_path = fields.Char(index=True, readonly=True)
    child_ids = fields.One2many("fse.installation", "parent_id", string="Components")
    state = fields.Selection(
        [("active", "Active"), ("decommissioned", "Decommissioned")],
        default="active",
        required=True,
        index=True,
        tracking=True,
    )
    decommission_date = fields.Date(readonly=True)
    work_order_ids = fields.One2many("fse.work.order", "installation_id", string="Service History")
    work_order_count = fields.Integer(compute="_compute_work_order_count")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    note = fields.Html()
    coverage_ids = fields.One2many("fse.contract.installation", "installation_id", string="Contract Coverage")
    contract_id = fields.Many2one(
        "fse.contract",
        compute="_compute_contract_id",
        string="Active Contract",
        help="The running contract covering it today.",
    )
    plan_ids = fields.One2many("fse.maintenance.plan", "installation_id", string="Maintenance Plans")
    meter_reading_ids = fields.One2many("fse.meter.reading", "installation_id", string="Meter Readings")
    meter_value = fields.Float(compute="_compute_meter_value", string="Meter", digits=(16, 1))

    # The database guarantees the "one active installation per serial" rule even under
    # concurrent imports; the Python constraint below gives users a readable message.
    _lot_active_unique = models.UniqueIndex(
        "(lot_id) WHERE state = 'active' AND active AND lot_id IS NOT NULL",
        "This serial number is already installed on another active installation.",
    )

    @api.depends("product_id", "lot_id")
    def _compute_name(self):
        for inst in self:
            if inst.name:
                continue
            parts = [inst.product_id.display_name, inst.lot_id.name]
            inst.name = " / ".join(p for p in parts if p) or False

    @api.depends("partner_id")
    def _compute_site_partner_id(self):
        for inst in self:
            if not inst.site_partner_id or (
                inst.site_partner_id.commercial_partner_id != inst.partner_id.commercial_partner_id
            ):
                partner = inst.partner_id
                inst.site_partner_id = partner.address_get(["delivery"])["delivery"] if partner else False

    @api.depends("warranty_end_date")
    def _compute_under_warranty(self):
        today = fields.Date.context_today(self)
        for inst in self:
            inst.under_warranty = bool(inst.warranty_end_date and inst.warranty_end_date >= today)

    def _search_under_warranty(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        positive = (operator == "=") == value
        if positive:
            return [("warranty_end_date", ">=", today)]
        return ["|", ("warranty_end_date", "=", False), ("warranty_end_date", "<", today)]

    def _compute_contract_id(self):
        covering = self.env["fse.contract"]._fse_contracts_covering(self, fields.Date.context_today(self))
        for inst in self:
            inst.contract_id = covering.get(inst, False)

    def _compute_meter_value(self):
        readings = self.env["fse.meter.reading"]._fse_last_readings(self)
        for inst in self:
            inst.meter_value = readings[inst][1].value if inst in readings else 0.0

    def _compute_work_order_count(self):
        counts = dict(
            self.env["fse.work.order"]._read_group(
                [("installation_id", "in", self.ids)], ["installation_id"], ["__count"]
            )
        )
        for inst in self:
            inst.work_order_count = counts.get(inst, 0)

    @api.model_create_multi
    def create(self, vals_list):
        self = self._fse_policy_create(vals_list)
        for vals in vals_list:
            self._normalize_partner(vals)
        self.browse()._check_serial_free([v for v in vals_list if v.get("state", "active") == "active"])
        return super().create(vals_list)

    def write(self, vals):
        self._fse_check_write_policy([vals])
        self._normalize_partner(vals)
        if vals.get("state") == "decommissioned" and "decommission_date" not in vals:
            vals["decommission_date"] = fields.Date.context_today(self)
        elif vals.get("state") == "active":
            vals["decommission_date"] = False
        if vals.get("state", "active") == "active" and vals.get("active", True):
            self.filtered(lambda i: i.state == "active" or vals.get("state") == "active")._check_serial_free([vals])
        return super().write(vals)

    def _normalize_partner(self, vals):
        """The customer is always the commercial entity; a contact given becomes the site."""
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            if partner.commercial_partner_id != partner:
                vals.setdefault("site_partner_id", partner.id)
                vals["partner_id"] = partner.commercial_partner_id.id

    def _check_serial_free(self, vals_list):
        """Refuse to (re)activate a serial that another active installation holds.
        Runs before the write, so users get this message rather than the unique index's."""
        for vals in vals_list:
            lot_id = vals.get("lot_id", self.lot_id.id if len(self) == 1 else None)
            if "lot_id" not in vals and not (vals.get("state") == "active" or vals.get("active")):
                continue
            if len(self) > 1 and "lot_id" in vals and vals["lot_id"]:
                raise ValidationError(self.env._("One serial number cannot be set on several installations."))
            lots = self.env["stock.lot"].browse(lot_id) if lot_id else self.lot_id
            if not lots:
                continue
            holders = self.search([("lot_id", "in", lots.ids), ("state", "=", "active"), ("id", "not in", self.ids)])
            if holders:
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s is already installed on %(installations)s. "
                        "Decommission that installation first.",
                        serial=holders[0].lot_id.name,
                        installations=", ".join(holders.mapped("name")),
                    )
                )

    @api.constrains("lot_id", "product_id")
    def _check_lot_product(self):
        for inst in self:
            if inst.lot_id and inst.product_id and inst.lot_id.product_id != inst.product_id:
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s belongs to %(lot_product)s, not to %(product)s.",
                        serial=inst.lot_id.name,
                        lot_product=inst.lot_id.product_id.display_name,
                        product=inst.product_id.display_name,
                    )
                )

    @api.constrains("site_partner_id", "partner_id")
    def _check_site_belongs_to_customer(self):
        for inst in self:
            if inst.site_partner_id and (
                inst.site_partner_id.commercial_partner_id != inst.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The site %(site)s is not an address of the customer %(customer)s.",
                        site=inst.site_partner_id.display_name,
                        customer=inst.partner_id.display_name,
                    )
                )

    @api.constrains("parent_id")
    def _check_parent_not_recursive(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A machine cannot be a component of itself."))

    @api.constrains("parent_id", "partner_id")
    def _check_component_customer(self):
        """A component belongs to its machine's customer (and moves with it)."""
        for inst in self:
            parent = inst.parent_id
            if parent and parent.partner_id.commercial_partner_id != inst.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(component)s cannot be a component of %(machine)s: the machine belongs to "
                        "%(owner)s, the component to %(customer)s.",
                        component=inst.display_name,
                        machine=parent.display_name,
                        owner=parent.partner_id.display_name,
                        customer=inst.partner_id.display_name,
                    )
                )
            components = inst.child_ids.filtered(
                lambda c, i=inst: c.partner_id.commercial_partner_id != i.partner_id.commercial_partner_id
            )
            if components:
                raise ValidationError(
                    self.env._(
                        "%(machine)s has components of another customer (%(component)s): move them too.",
                        machine=inst.display_name,
                        component=components[0].display_name,
                    )
                )

    @api.constrains("installation_date", "warranty_end_date")
    def _check_dates(self):
        for inst in self:
            if inst.installation_date and inst.warranty_end_date and inst.warranty_end_date < inst.installation_date:
                raise ValidationError(
                    self.env._(
                        "The warranty of %(name)s cannot end before the machine was installed.",
                        name=inst.name,
                    )
                )

    def action_decommission(self):
        self.write({"state": "decommissioned"})

    def action_reactivate(self):
        self.write({"state": "active"})

    def action_fse_new_work_order(self):
        """Button: a new corrective work order on this machine, for its customer and site
        (for those who may create orders: the back office)."""
        self.ensure_one()
        self.env["fse.work.order"].check_access("create")
        if self.state != "active":
            raise UserError(
                self.env._("%(name)s is decommissioned: it takes no new work orders.", name=self.display_name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Work Order"),
            "res_model": "fse.work.order",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_installation_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_site_partner_id": self.site_partner_id.id,
                "default_company_id": self.company_id.id,
                "default_order_type": "corrective",
            },
        }

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_erp.action_fse_work_order")
        action["domain"] = [("installation_id", "child_of", self.id)]
        action["context"] = {
            "default_installation_id": self.id,
            "default_partner_id": self.partner_id.id,
            "search_default_group_by_state": 0,
        }
        return action
