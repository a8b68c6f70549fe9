from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Dispatchers only, like the button it drives: the compute searches installations, which
    # Inventory users without field-service rights may not read.
    fse_installable_count = fields.Integer(
        compute="_compute_fse_installable_count",
        groups="field_service_erp.group_fse_dispatcher",
        help="Serial numbers delivered to the customer by this transfer that are not installed yet.",
    )

    def _fse_installable_move_lines(self):
        """Done move lines that delivered a serial-numbered product to a customer and whose
        serial is not on an active installation yet."""
        lines = self.move_line_ids.filtered(
            lambda ml: ml.picking_id.state == "done"
            and ml.location_dest_id.usage == "customer"
            and ml.lot_id
            and ml.product_id.tracking == "serial"
        )
        if not lines:
            return lines
        installed = (
            self.env["fse.installation"].search([("lot_id", "in", lines.lot_id.ids), ("state", "=", "active")]).lot_id
        )
        return lines.filtered(lambda ml: ml.lot_id not in installed)

    @api.depends("state", "move_line_ids.lot_id")
    def _compute_fse_installable_count(self):
        for picking in self:
            picking.fse_installable_count = len(picking._fse_installable_move_lines())

    def action_fse_create_installations(self):
        """Turn the delivered serial numbers into installations at the delivery address."""
        lines = self._fse_installable_move_lines()
        if not lines:
            raise UserError(self.env._("This transfer delivered no serial number that is not installed yet."))
        installations = self.env["fse.installation"].create(
            [self._fse_prepare_installation_vals(line) for line in lines]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Installations"),
            "res_model": "fse.installation",
            "view_mode": "list,form",
            "domain": [("id", "in", installations.ids)],
        }

    @api.model
    def _fse_prepare_installation_vals(self, move_line):
        picking = move_line.picking_id
        site = picking.partner_id
        installed_on = fields.Date.to_date(picking.date_done) or fields.Date.context_today(self)
        months = move_line.product_id.fse_warranty_months
        return {
            "partner_id": site.commercial_partner_id.id,
            "site_partner_id": site.id,
            "product_id": move_line.product_id.id,
            "lot_id": move_line.lot_id.id,
            "installation_date": installed_on,
            "warranty_end_date": installed_on + relativedelta(months=months) if months else False,
            "company_id": picking.company_id.id,
        }

    @api.model
    def get_empty_list_help(self, help_message):
        # Van Transfers: the action's own help. Stock's invites to create transfers and to
        # install barcode scanning, which technicians cannot do.
        if self.env.context.get("fse_van_transfers"):
            return help_message
        return super().get_empty_list_help(help_message)

    def action_fse_validate_van_transfer(self):
        """A technician confirms a transfer to or from their own van (a pick-up from the
        warehouse, a return of unused parts) as prepared by the back office: the reserved
        quantities move, nothing else. Technicians have no Inventory rights, so this is the
        one way their van's stock changes besides their work orders."""
        user = self.env.user
        inventory_user = self.env.su or user.has_group("stock.group_stock_user")
        for picking in self:
            # sudo: every move of the transfer counts, also those the technician's record
            # rules hide (all of them are validated below).
            moves = picking.sudo().move_ids
            own_van = all(user in (move.location_id | move.location_dest_id).fse_technician_id for move in moves)
            if not (inventory_user or (moves and own_van)):
                raise AccessError(self.env._("%s is not a transfer to or from your van.", picking.name))
            if picking.state != "assigned":
                raise UserError(
                    self.env._("%s is not ready: the back office must prepare it before it is confirmed.", picking.name)
                )
            if not inventory_user:
                picking._fse_check_as_prepared()
        self.check_access("read")
        # Validating needs Inventory rights the technician does not have; the checks above
        # limit it to prepared transfers of their own van, with the reserved quantities.
        pickings = self.sudo()
        for move in pickings.move_ids:
            move.picked = True
        pickings.with_context(skip_backorder=True, cancel_backorder=False)._action_done()
        return True

    def _fse_check_as_prepared(self):
        """A technician confirms the transfer the back office prepared, nothing else. Odoo lets
        every internal user write move lines, but not moves: so each move line must belong to
        one of the transfer's moves, carry its product between the move's own locations, and
        no move may carry more than its demand."""
        self.ensure_one()
        picking = self.sudo()  # sudo: all its moves and lines, whatever the record rules show
        for line in picking.move_line_ids:
            move = line.move_id
            if (
                move not in picking.move_ids
                or line.product_id != move.product_id
                or not line.location_id._child_of(move.location_id)
                or not line.location_dest_id._child_of(move.location_dest_id)
            ):
                raise AccessError(
                    self.env._(
                        "%(picking)s was changed after the back office prepared it (%(product)s from %(from_location)s "
                        "to %(to_location)s): ask the back office to prepare it again.",
                        picking=self.name,
                        product=line.product_id.display_name,
                        from_location=line.location_id.display_name,
                        to_location=line.location_dest_id.display_name,
                    )
                )
        for move in picking.move_ids:
            if move.product_uom.compare(move.quantity, move.product_uom_qty) > 0:
                raise AccessError(
                    self.env._(
                        "%(picking)s would move %(quantity)s %(uom)s of %(product)s, more than the %(demand)s "
                        "the back office prepared.",
                        picking=self.name,
                        quantity=move.quantity,
                        uom=move.product_uom.name,
                        product=move.product_id.display_name,
                        demand=move.product_uom_qty,
                    )
                )
