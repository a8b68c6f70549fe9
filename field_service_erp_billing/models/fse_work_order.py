import logging
import math
from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

_logger = logging.getLogger(__name__)
# The order's billing decisions, which the back office may review on a done order until it is invoiced.
ORDER_BILLING_FIELDS = {"billable", "billing_approved", "customer_ref", "invoice_partner_id", "analytic_distribution"}


class FseWorkOrder(models.Model):
    _name = "fse.work.order"
    _inherit = ["fse.work.order", "analytic.mixin"]

    billable = fields.Boolean(
        default=True,
        tracking=True,
        help="Bill this order's labor and parts. Lines can still be switched off one by one.",
    )
    invoice_partner_id = fields.Many2one(
        "res.partner",
        string="Invoice Address",
        compute="_compute_invoice_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    customer_ref = fields.Char(
        string="Customer PO", index="btree_not_null", help="The customer's purchase order reference."
    )
    billing_approved = fields.Boolean(
        string="Approved for Invoicing",
        copy=False,
        tracking=True,
        help="Set by the back office when the company requires approval before invoicing.",
    )
    invoice_line_ids = fields.One2many("account.move.line", "fse_work_order_id", string="Invoice Lines", readonly=True)
    invoice_ids = fields.Many2many("account.move", string="Invoices", compute="_compute_invoice_ids")
    invoice_count = fields.Integer(compute="_compute_invoice_ids")
    invoice_status = fields.Selection(
        [("no", "Nothing to Invoice"), ("to_invoice", "To Invoice"), ("invoiced", "Invoiced")],
        compute="_compute_invoice_status",
        store=True,
        index=True,
        copy=False,
    )
    amount_to_invoice = fields.Monetary(
        compute="_compute_amount_to_invoice",
        currency_field="currency_id",
        help="Untaxed amount the next invoice will bill for this order (before it is created).",
        groups="field_service_erp.group_fse_dispatcher",
    )

    # ------------------------------------------------------------------ computes
    @api.depends("contract_id.analytic_account_id")
    def _compute_analytic_distribution(self):
        """Orders under a contract post to its analytic account (revenue, parts, labor)."""
        for order in self:
            account = order.contract_id.analytic_account_id
            if account:
                order.analytic_distribution = {str(account.id): 100}

    @api.depends("partner_id")
    def _compute_invoice_partner_id(self):
        for order in self:
            order.invoice_partner_id = (
                order.partner_id.address_get(["invoice"])["invoice"] if order.partner_id else False
            )

    @api.depends("invoice_line_ids.move_id")
    def _compute_invoice_ids(self):
        for order in self:
            order.invoice_ids = order.invoice_line_ids.move_id
            order.invoice_count = len(order.invoice_ids)

    @api.depends(
        "state",
        "billable",
        "billing_approved",
        "company_id.fse_invoice_requires_approval",
        "labor_line_ids.billable",
        "part_line_ids.billable",
        "invoice_line_ids.fse_billing_active",
    )
    def _compute_invoice_status(self):
        rules = self.env["fse.billing.rule"]._fse_rules_for(self)  # one search for the batch
        for order in self:
            expected = order._fse_billable_refs(rules[order])
            if order.state != "done" or not expected:
                order.invoice_status = "no"
                continue
            billed = set(order.invoice_line_ids.filtered("fse_billing_active").mapped("fse_source_ref"))
            if expected <= billed:
                order.invoice_status = "invoiced"
            elif order.company_id.fse_invoice_requires_approval and not order.billing_approved:
                order.invoice_status = "no"
            else:
                order.invoice_status = "to_invoice"

    def _compute_amount_to_invoice(self):
        rules = self.env["fse.billing.rule"]._fse_rules_for(self)  # one search for the batch
        vals_by_order = {
            order: order._fse_invoice_line_vals(rule=rules[order]) for order in self if order.state == "done"
        }
        self._fse_apply_contract_allowances(vals_by_order)
        for order in self:
            order.amount_to_invoice = sum(
                v["quantity"] * v["price_unit"] * (1 - v.get("discount", 0.0) / 100)
                for v in vals_by_order.get(order, [])
            )

    @api.model
    def _fse_fields_editable_when_locked(self):
        """The back office reviews a done order's billing until it is invoiced."""
        return super()._fse_fields_editable_when_locked() | ORDER_BILLING_FIELDS

    def write(self, vals):
        if not self.env.su and set(vals) & ORDER_BILLING_FIELDS:
            # Whether the order is billed is read as superuser: invoice lines are accounting data.
            invoiced = self.filtered(lambda o: o.sudo().invoice_line_ids.filtered("fse_billing_active"))
            if invoiced:
                raise UserError(
                    self.env._("Work order %s is already invoiced: its billing can no longer change.", invoiced[0].name)
                )
        return super().write(vals)

    # ------------------------------------------------------------------ coverage
    def _fse_coverage(self, cost_type, product=None):
        """(percent covered, reason) for a cost type ("labor", "travel", "parts", "callout") and product.
        Warranty first: a corrective order on a machine under warranty at the order's date is
        fully covered. Then the contract: preventive visits it plans are included; otherwise
        its percentages, except for excluded product categories. Included hours or visits and
        the yearly cap are applied when invoicing (_fse_apply_contract_allowances)."""
        self.ensure_one()
        inst = self.installation_id
        when = (self.date_done or self.scheduled_start or fields.Datetime.now()).date()
        if self.order_type == "corrective" and inst.warranty_end_date and inst.warranty_end_date >= when:
            return 100.0, self.env._("Warranty until %s", inst.warranty_end_date.strftime("%Y-%m-%d"))
        contract = self.contract_id
        if not contract:
            return 0.0, False
        if product and contract.excluded_categ_ids:
            excluded = {str(categ.id) for categ in contract.excluded_categ_ids}
            if excluded & set((product.categ_id.parent_path or "").strip("/").split("/")):
                return 0.0, False
        planned_visit = self.plan_id.contract_id == contract and contract.preventive_included
        if cost_type in ("labor", "travel", "callout") and planned_visit:
            return 100.0, self.env._("Contract %s: planned visit included", contract.name)
        percent = {
            "labor": contract.labor_coverage_percent,
            "parts": contract.parts_coverage_percent,
            "callout": 100.0 if contract.callout_covered else 0.0,
            "travel": 100.0 if contract.callout_covered else contract.labor_coverage_percent,
        }[cost_type]
        return percent, contract._fse_coverage_reason()

    def _fse_apply_contract_allowances(self, vals_by_order):
        """Apply the contracts' included hours or visits and yearly cap to the invoice line
        values of these orders (a {order: [vals]} dict changed in place), oldest work first,
        counting what earlier invoices already used."""
        orders = self.browse([o.id for o, vals in vals_by_order.items() if o.contract_id and vals])
        if not orders:
            return
        usage = orders.contract_id._fse_allowance_usage()
        for order in orders.sorted(lambda o: (o.date_done or fields.Datetime.now(), o.id)):
            contract = order.contract_id
            day = (order.date_done or fields.Datetime.now()).date()
            covered = [v for v in vals_by_order[order] if v.get("fse_contract_covered")]
            if contract.included_quantity and covered:
                self._fse_apply_included(contract, day, covered, usage[contract])
            if contract.yearly_cap:
                self._fse_apply_cap(contract, day, covered, usage[contract])

    def _fse_apply_included(self, contract, day, covered, usage):
        start, end = contract._fse_allowance_window(day, contract.included_period)
        used = sum(qty for date, qty, _amount in usage if start <= date <= end)
        remaining = max(0.0, contract.included_quantity - used)
        labor = [v for v in covered if v.get("fse_labor_id")]
        if contract.included_unit == "visits":
            if remaining < 1 or not labor:
                return
            for vals in covered:
                if vals.get("fse_labor_id") or vals["fse_source_ref"].startswith("callout,"):
                    vals["discount"] = 100.0
                    vals["name"] += "\n" + self.env._(
                        "Visit included in the contract (%(left)s left until %(end)s)",
                        left=f"{remaining - 1:g}",
                        end=fields.Date.to_string(end),
                    )
            labor[0]["fse_included_qty"] = 1.0
            usage.append((day, 1.0, 0.0))
            return
        for vals in labor:
            hours = min(remaining, vals["quantity"])
            if hours <= 0:
                break
            quantity = vals["quantity"]
            vals["discount"] = round((hours * 100 + (quantity - hours) * vals.get("discount", 0.0)) / quantity, 2)
            vals["fse_included_qty"] = hours
            remaining -= hours
            usage.append((day, hours, 0.0))
            vals["name"] += "\n" + self.env._(
                "%(hours)s h included in the contract (%(left)s h left until %(end)s)",
                hours=f"{hours:g}",
                left=f"{remaining:g}",
                end=fields.Date.to_string(end),
            )

    def _fse_apply_cap(self, contract, day, covered, usage):
        start, end = contract._fse_allowance_window(day, "year")
        used = sum(amount for date, _qty, amount in usage if start <= date <= end)
        currency = contract.currency_id
        for vals in covered:
            gross = vals["price_unit"] * vals["quantity"]
            amount = currency.round(gross * vals.get("discount", 0.0) / 100)
            if used + amount > contract.yearly_cap:
                allowed = max(0.0, contract.yearly_cap - used)
                vals["discount"] = round(allowed / gross * 100, 2) if gross else 0.0
                amount = currency.round(gross * vals["discount"] / 100)
                vals["name"] += "\n" + self.env._(
                    "Yearly cap of %(cap)s reached: %(allowed)s covered",
                    cap=f"{contract.yearly_cap:.2f}",
                    allowed=f"{amount:.2f}",
                )
            vals["fse_covered_amount"] = amount
            used += amount
            usage.append((day, 0.0, amount))

    # ------------------------------------------------------------------ pricing engine
    def _fse_billable_refs(self, rule):
        """The sources this order bills: one ref per billable labor and part line, and the
        call-out fee when its billing `rule` has one."""
        self.ensure_one()
        if not self.billable:
            return set()
        refs = {f"labor,{line.id}" for line in self.labor_line_ids if line.billable}
        refs |= {f"part,{line.id}" for line in self.part_line_ids if line.billable}
        if refs and rule.callout_product_id:
            refs.add(f"callout,{self.id}")
        return refs

    def _fse_invoice_items(self, rule):
        """What this order bills, before prices: a list of dicts with the source, product,
        quantity, unit, rate multiplier, coverage and the notes that explain them."""
        self.ensure_one()
        items = []
        tz = pytz.timezone(self.technician_id.tz or self.env.user.tz or "UTC")
        work_items = []
        for line in self.labor_line_ids.filtered("billable"):
            hours, notes, rate = line.hours, [], 1.0
            if rule.rounding_minutes:
                rounded = math.ceil(round(hours * 60 / rule.rounding_minutes, 6)) * rule.rounding_minutes / 60
                if rounded != hours:
                    notes.append(self.env._("rounded up to %s min", rule.rounding_minutes))
                hours = rounded
            local = pytz.utc.localize(line.date_start).astimezone(tz) if line.date_start else None
            weekday = (local.date() if local else line.date).weekday()
            if weekday >= 5 and rule.weekend_multiplier != 1.0:
                rate = rule.weekend_multiplier
                notes.append(self.env._("weekend rate x%s", rule.weekend_multiplier))
            elif local and rule.after_hours_multiplier != 1.0:
                hour = local.hour + local.minute / 60
                if hour < rule.workday_start or hour >= rule.workday_end:
                    rate = rule.after_hours_multiplier
                    notes.append(self.env._("after-hours rate x%s", rule.after_hours_multiplier))
            if line.labor_type == "travel":
                notes.insert(0, self.env._("travel"))
            item = {
                "kind": "labor",
                "source": line,
                "product": line.product_id,
                "quantity": hours,
                "uom": line.product_id.uom_id,
                "rate": rate,
                "notes": notes,
                "coverage": (line.coverage_percent, line.coverage_reason),
                "label": line.name,
            }
            items.append(item)
            if line.labor_type == "work":
                work_items.append(item)
        if rule.min_hours and work_items:
            billed = sum(item["quantity"] for item in work_items)
            if billed < rule.min_hours:
                work_items[0]["quantity"] += rule.min_hours - billed
                work_items[0]["notes"].append(self.env._("minimum %s h billed", rule.min_hours))
        for line in self.part_line_ids.filtered("billable"):
            items.append(
                {
                    "kind": "part",
                    "source": line,
                    "product": line.product_id,
                    "quantity": line.quantity,
                    "uom": line.product_uom_id,
                    "rate": 1.0,
                    "notes": [],
                    "coverage": (line.coverage_percent, line.coverage_reason),
                    "label": line.lot_id and self.env._("serial %s", line.lot_id.name),
                }
            )
        if rule.callout_product_id and items:
            items.insert(
                0,
                {
                    "kind": "callout",
                    "source": self,
                    "product": rule.callout_product_id,
                    "quantity": 1.0,
                    "uom": rule.callout_product_id.uom_id,
                    "rate": 1.0,
                    "notes": [],
                    "coverage": self._fse_coverage("callout", rule.callout_product_id),
                    "label": False,
                },
            )
        return items

    def _fse_invoice_line_vals(self, rule, exclude_refs=frozenset()):
        """Invoice line values for everything this order still has to bill under its billing
        `rule` (callers look rules up once per batch with fse.billing.rule._fse_rules_for)."""
        self.ensure_one()
        if not self.billable:
            return []
        pricelist = self._fse_pricelist()
        currency = pricelist.currency_id or self.company_id.currency_id
        date = (self.date_done or fields.Datetime.now()).date()
        vals_list = []
        for item in self._fse_invoice_items(rule):
            ref = f"{item['kind']},{item['source'].id}"
            if ref in exclude_refs:
                continue
            vals_list.append(self._fse_prepare_invoice_line_vals(item, ref, pricelist, currency, date))
        return vals_list

    def _fse_pricelist(self):
        self.ensure_one()
        partner = self.invoice_partner_id or self.partner_id
        return (
            partner.with_company(self.company_id).property_product_pricelist
            if ("property_product_pricelist" in partner._fields)
            else self.env["product.pricelist"]
        )

    def _fse_prepare_invoice_line_vals(self, item, ref, pricelist, currency, date):
        """One invoice line: price from the pricelist (else the sales price), times the
        rate; coverage as a discount; every rule applied is spelled out in the label."""
        product, uom, quantity = item["product"], item["uom"], item["quantity"]
        if pricelist:
            price = pricelist._get_product_price(product, quantity, currency=currency, uom=uom, date=date)
        else:
            price = product.uom_id._compute_price(product.lst_price, uom)
            price = self.company_id.currency_id._convert(price, currency, self.company_id, date)
        percent, reason = item["coverage"]
        lines = [product.display_name]
        if item["label"]:
            lines[0] += f" - {item['label']}"
        reference = self.name + (f" - {self.installation_id.display_name}" if self.installation_id else "")
        lines.append(reference)
        if item["notes"]:
            lines.append(", ".join(item["notes"]))
        if percent:
            lines.append(self.env._("Covered %(percent)s%%: %(reason)s", percent=f"{percent:g}", reason=reason or ""))
        vals = {
            "product_id": product.id,
            "product_uom_id": uom.id,
            "quantity": quantity,
            "price_unit": currency.round(price * item["rate"]),
            "discount": percent,
            "name": "\n".join(lines),
            "fse_work_order_id": self.id,
            "fse_installation_id": self.installation_id.id,
            "fse_source_ref": ref,
        }
        if item["kind"] == "labor":
            vals["fse_labor_id"] = item["source"].id
        elif item["kind"] == "part":
            vals["fse_part_id"] = item["source"].id
        if self.analytic_distribution:
            vals["analytic_distribution"] = self.analytic_distribution
        if self.contract_id:
            vals["fse_contract_id"] = self.contract_id.id
            vals["fse_coverage_date"] = date
            vals["fse_contract_covered"] = reason == self.contract_id._fse_coverage_reason()
        return vals

    def _fse_invoice_group_key(self):
        self.ensure_one()
        pricelist = self._fse_pricelist()
        currency = pricelist.currency_id or self.company_id.currency_id
        if self.company_id.fse_invoice_grouping == "order":
            return (self.id,)
        return (self.invoice_partner_id.id, currency.id)

    def _fse_prepare_invoice_vals(self, orders, line_vals):
        """Header of the invoice billing `orders` (all in one group)."""
        first = orders[0]
        pricelist = first._fse_pricelist()
        refs = sorted({o.customer_ref for o in orders if o.customer_ref})
        return {
            "move_type": "out_invoice",
            "partner_id": first.invoice_partner_id.id,
            "partner_shipping_id": first.site_partner_id.id if len(orders.site_partner_id) == 1 else False,
            "company_id": first.company_id.id,
            "currency_id": (pricelist.currency_id or first.company_id.currency_id).id,
            "invoice_origin": ", ".join(orders.mapped("name")),
            "ref": ", ".join(refs) or False,
            "invoice_line_ids": [Command.create(vals) for vals in line_vals],
        }

    # ------------------------------------------------------------------ invoicing
    def _fse_check_invoiceable(self):
        """What must hold before pricing: an invoice address and labor products."""
        for order in self:
            if not order.invoice_partner_id:
                raise UserError(self.env._("Work order %s has no invoice address.", order.name))
            for line in order.labor_line_ids.filtered("billable"):
                if not line.product_id:
                    raise UserError(
                        self.env._(
                            "Work order %s has labor without a labor product: set one in the Field Service settings.",
                            order.name,
                        )
                    )

    def _fse_check_income_accounts(self, line_vals_by_order):
        for order, vals_list in line_vals_by_order.items():
            for vals in vals_list:
                product = self.env["product.product"].browse(vals["product_id"])
                accounts = product.product_tmpl_id.with_company(order.company_id).get_product_accounts()
                if not accounts.get("income"):
                    raise UserError(
                        self.env._(
                            "Work order %(order)s: %(product)s has no income account; set one on the product "
                            "or its category.",
                            order=order.name,
                            product=product.display_name,
                        )
                    )

    def action_create_invoices(self):
        """Draft customer invoices for these done orders, for what they have not billed yet.
        Safe to repeat: billed lines are skipped, and the database refuses a second active
        invoice line for the same source (concurrent runs)."""
        self._fse_check_action_rights("field_service_erp.group_fse_dispatcher")
        not_done = self.filtered(lambda o: o.state != "done")
        if not_done:
            raise UserError(self.env._("Work order %s is not done and cannot be invoiced yet.", not_done[0].name))
        companies = self.company_id
        if len(companies) > 1:
            raise UserError(
                self.env._(
                    "Work orders of several companies (%s) cannot be invoiced together; invoice them per company.",
                    ", ".join(companies.mapped("name")),
                )
            )
        self._fse_lock()  # concurrent runs on the same orders serialize here
        self.invalidate_recordset(["invoice_status"])
        self.env["account.move.line"].invalidate_model(["fse_billing_active"])
        todo = self.filtered(lambda o: o.invoice_status == "to_invoice")
        if not todo:
            return self.env["account.move"]
        todo._fse_check_invoiceable()
        line_vals_by_order = {}
        rules = self.env["fse.billing.rule"]._fse_rules_for(todo)
        for order in todo:
            billed = set(order.invoice_line_ids.filtered("fse_billing_active").mapped("fse_source_ref"))
            line_vals_by_order[order] = order._fse_invoice_line_vals(rules[order], exclude_refs=billed)
        todo.contract_id.sudo()._fse_claim_allowances()  # concurrent invoicing serializes here
        todo._fse_apply_contract_allowances(line_vals_by_order)
        todo._fse_check_income_accounts(line_vals_by_order)
        groups = defaultdict(lambda: self.env["fse.work.order"])
        for order in todo:
            if line_vals_by_order[order]:
                groups[order._fse_invoice_group_key()] |= order
        invoice_vals = [
            self._fse_prepare_invoice_vals(orders, [v for o in orders for v in line_vals_by_order[o]])
            for orders in groups.values()
        ]
        invoices = self.env["account.move"].with_context(default_move_type="out_invoice").create(invoice_vals)
        # One batch of notes (a message_post each would cost a query per invoice for non-superusers);
        # the caller has just created these invoices, so may write on them.
        invoices._message_log_batch(
            bodies={
                invoice.id: self.env._("Created from work orders %s.", invoice.invoice_origin) for invoice in invoices
            }
        )
        return invoices

    def action_create_invoices_open(self):
        """Button: create the invoices and show them."""
        invoices = self.action_create_invoices()
        if not invoices:
            raise UserError(self.env._("There is nothing left to invoice on these work orders."))
        return invoices._get_records_action(name=self.env._("Invoices"))

    def action_approve_billing(self):
        self._fse_check_action_rights("field_service_erp.group_fse_dispatcher")
        self.filtered(lambda o: o.state == "done").write({"billing_approved": True})
        return True

    def action_view_invoices(self):
        self.ensure_one()
        return self.invoice_ids._get_records_action(name=self.env._("Invoices"))

    def _fse_after_complete(self):
        res = super()._fse_after_complete()
        self._fse_post_labor_costs()
        auto = self.filtered(lambda o: o.company_id.fse_invoice_on_completion and o.invoice_status == "to_invoice")
        for company_orders in auto.grouped("company_id").values():
            # The technician completing the job has no invoicing rights; creating the draft
            # invoice is the company's own automatic step, so it runs as superuser.
            company_orders.sudo().with_company(company_orders.company_id).action_create_invoices()
        return res

    def _fse_before_reopen_or_cancel(self):
        res = super()._fse_before_reopen_or_cancel()
        # Analytic cost lines are bookkeeping derived from the labor lines; they go with them.
        self.labor_line_ids.analytic_line_ids.sudo().unlink()
        return res

    def _fse_post_labor_costs(self):
        """Post the labor of these done orders as analytic costs on their distribution (the
        contract's account): hours x the technician's cost per hour, one set of lines per
        labor line, replaced if the order is completed again."""
        Account = self.env["account.analytic.account"]
        vals_list, links = [], []
        for order in self.filtered("analytic_distribution"):
            for line in order.labor_line_ids:
                # The cost rate is a manager's field; completing the order is the technician's
                # own act, so the rate is read as superuser.
                cost = line.hours * line.technician_id.sudo().fse_hourly_cost
                if not cost:
                    continue
                new = Account._perform_analytic_distribution(
                    order.analytic_distribution,
                    -cost,
                    line.hours,
                    # sudo: the labor's analytic lines are accounting records technicians cannot read.
                    line.analytic_line_ids.sudo(),
                    line,
                )
                vals_list.extend(new)
                links.extend([line] * len(new))
        # Analytic lines are accounting records technicians cannot write themselves.
        created = self.env["account.analytic.line"].sudo().create(vals_list)
        for line, analytic in zip(links, created, strict=True):
            # sudo: analytic_line_ids is a system field, linked by the labor cost posting.
            line.sudo().analytic_line_ids |= analytic

    @api.model
    def _cron_create_invoices(self, batch_size=100, done_before=None, domain=None, on_failure=None):
        """Invoice done orders (done before `done_before`, default today; of those in `domain`
        if given) in batches, committing after each one: a crash loses at most a batch, and a
        re-run finishes the job. An order that cannot be invoiced (missing account, ...) is
        logged, given to `on_failure(order, error)` if given, and left for a person.

        Safe beside other runs and people's clicks (the batch runner, `_fse_run_batches`): an
        order, or the contract whose allowances it uses, that another transaction holds is
        skipped, not waited for; a batch whose rows changed since it was read is undone and
        read again (a few times, then its orders are skipped). The run goes on with the other
        orders and schedules itself again shortly for the skipped ones."""
        from odoo.fields import Domain

        to_invoice = Domain("invoice_status", "=", "to_invoice") & Domain(
            "date_done", "<", done_before or fields.Date.today()
        )
        if domain:
            to_invoice &= Domain(domain)

        def lock_contracts(orders):
            """The run's own lock on the orders' contracts (their allowances), whoever runs it:
            the orders whose contract another transaction holds are left out."""
            contracts = orders.contract_id.sudo()._fse_lock(skip_locked=True)
            return orders.filtered(lambda o: not o.contract_id or o.contract_id in contracts)

        self._fse_run_batches(
            to_invoice,
            lambda orders: orders.action_create_invoices(),
            batch_size=batch_size,
            cron_xmlid="field_service_erp_billing.ir_cron_fse_create_invoices",
            lock=lock_contracts,
            on_failure=on_failure,
        )
        return True
