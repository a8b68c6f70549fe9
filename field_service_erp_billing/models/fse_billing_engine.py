"""The billing engine: what done work orders bill, priced, covered and grouped into draft
customer invoices. One public entry (`_fse_invoice_orders`), then the stages in the order
they run, each a method below in that same order:

  0. select       lock the orders, keep those with something to invoice, check them
  1. sources      what each order still has to bill: labor lines, part lines, the call-out
  2. quantities   labor rounding and minimum hours (the order's billing rule)
  3. prices       unit prices from the customer's pricelist, its rules read once per batch
  4. rules        the billing rule's rates (weekend, after hours), each leaving its note
  5. coverage     warranty or contract: one method (`_fse_coverage`) on the service date
  6. allowances   the contract's included hours or visits and yearly cap, usage read once
  6b. estimates   an accepted estimate fixes or caps what its order bills (one adjustment line)
  7. grouping     one invoice per customer and currency, or one per order
  8. values       invoice and invoice line values (`_fse_prepare_*` hooks)
  9. create       one account.move.create for the batch, one batch of notes

Work orders call it (their Create Invoices button, the scheduled job, Invoice on Completion);
contract fees go through its last stage (`_fse_create_invoices`); estimates price the planned
work through stages 2 to 6 (`_fse_price_estimate`). Every invoice line links
to what it bills by a typed key (`fse_source_kind` and a foreign key), and the database
refuses a second active line for the same key (see account_move_line.py)."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import format_date

# What a coverage decision says: the kind (a COVERAGE_KINDS key, or False), the share of the
# price the customer does not pay and the reason printed on the invoice line.
COVERAGE_KINDS = [
    ("warranty", "Warranty"),
    ("contract", "Contract"),
    ("contract_visit", "Planned Visit Included"),
    ("manual", "Set by Hand"),
]
NO_COVERAGE = (False, 0.0, False)
# Only the contract's percentages use its allowances (included hours or visits, yearly cap):
# warranty is the manufacturer's, planned visits are part of the fee, a hand-set coverage is
# the back office's decision.
ALLOWANCE_KINDS = ("contract",)


@dataclass
class BillItem:
    """One thing an order bills, carried through the stages; each stage fills its fields."""

    order: Any
    kind: str  # fse_source_kind: "labor", "part", "callout" or "estimate" (an adjustment)
    source: Any  # the labor line, the part line, or the order (call-out)
    product: Any
    uom: Any
    quantity: float
    cost_type: str  # the coverage rule that applies: "labor", "travel", "parts", "callout"
    label: str = ""
    notes: list = field(default_factory=list)  # how the quantity and rate were arrived at
    price_unit: float = 0.0
    coverage: tuple = NO_COVERAGE
    discount: float = 0.0
    allowance_notes: list = field(default_factory=list)  # what the contract's allowances took
    included_qty: float = 0.0
    covered_amount: float = 0.0

    @property
    def key(self):
        return (self.kind, self.source.id)


class FseBillingEngine(models.AbstractModel):
    _name = "fse.billing.engine"
    _description = "Field Service Billing Engine"

    # ------------------------------------------------------------------ entry points
    @api.model
    def _fse_invoice_orders(self, orders):
        """Draft customer invoices for what these done orders have not billed yet (all of one
        company). Safe to repeat: billed sources are skipped, and the database refuses a
        second active invoice line for the same source (concurrent runs)."""
        todo = self._fse_select(orders)
        if not todo:
            return self.env["account.move"]
        # Concurrent invoicing of orders of the same contract serializes here (allowances).
        todo.contract_id.sudo()._fse_claim_allowances()
        items = self._fse_price(todo, exclude_billed=True)
        self._fse_check_income_accounts(items)
        invoice_vals = [self._fse_prepare_invoice_vals(group, its) for group, its in self._fse_group(items)]
        return self._fse_create_invoices(
            invoice_vals,
            note=lambda invoice: self.env._("Invoice created from work orders %s.", invoice.invoice_origin),
        )

    @api.model
    def _fse_price(self, orders, exclude_billed=False):
        """Stages 1 to 6b: the priced and covered items of these orders (oldest work first),
        with the adjustments of their accepted estimates."""
        rules = self.env["fse.billing.rule"]._fse_rules_for(orders)
        items = self._fse_collect_sources(orders, rules, exclude_billed)
        self._fse_price_items(items, rules)
        return self._fse_apply_estimates(items, exclude_billed)

    @api.model
    def _fse_price_items(self, items, rules):
        """Stages 2 to 6 on items of any origin (done work, or an estimate's planned work)."""
        self._fse_apply_quantities(items, rules)
        self._fse_apply_prices(items)
        self._fse_apply_rates(items, rules)
        self._fse_apply_coverage(items)
        self._fse_apply_allowances(items)
        return items

    @api.model
    def _fse_price_estimate(self, order):
        """The items an estimate of `order` shows: its planned billable parts, its estimated
        hours of work (the company's labor product) and its billing rule's call-out, priced
        and covered by stages 2 to 6 as the invoice of the same work would be."""
        rules = self.env["fse.billing.rule"]._fse_rules_for(order)
        return self._fse_price_items(self._fse_estimate_sources(order, rules[order]), rules)

    @api.model
    def _fse_billable_keys(self, order, rule):
        """The sources `order` bills under its billing `rule`, as (kind, id) keys."""
        if not order.billable:
            return set()
        keys = {("labor", line.id) for line in order.labor_line_ids if line.billable}
        keys |= {("part", line.id) for line in order.part_line_ids if line.billable}
        if keys and rule.callout_product_id:
            keys.add(("callout", order.id))
        return keys

    # ------------------------------------------------------------------ 0. select
    @api.model
    def _fse_select(self, orders):
        """Lock the orders (concurrent runs on the same orders serialize here), and keep those
        with something to invoice, checked."""
        orders._fse_lock()
        orders.invalidate_recordset(["invoice_status"])
        self.env["account.move.line"].invalidate_model(["fse_billing_active"])
        todo = orders.filtered(lambda o: o.invoice_status == "to_invoice")
        self._fse_check_invoiceable(todo)
        return todo

    @api.model
    def _fse_check_invoiceable(self, orders):
        """What must hold before pricing: an invoice address and labor products."""
        for order in orders:
            if not order.invoice_partner_id:
                raise UserError(self.env._("Work order %s has no invoice address.", order.name))
            if any(not line.product_id for line in order.labor_line_ids if line.billable):
                raise UserError(
                    self.env._(
                        "Work order %s has labor without a labor product: set one in the Field Service settings.",
                        order.name,
                    )
                )

    # ------------------------------------------------------------------ 1. sources
    @api.model
    def _fse_collect_sources(self, orders, rules, exclude_billed=False):
        """What each billable order bills: its billable labor and part lines and, when its
        billing rule has one, the call-out fee; with `exclude_billed`, leaving out what an
        active invoice line already bills."""
        items = []
        for order in orders.filtered("billable").sorted(lambda o: (o.service_date, o.id)):
            rule = rules[order]
            billed = order.invoice_line_ids._fse_billed_keys() if exclude_billed else set()
            order_items = [
                BillItem(
                    order=order,
                    kind="labor",
                    source=line,
                    product=line.product_id,
                    uom=line.product_id.uom_id,
                    quantity=line.hours,
                    cost_type=line._fse_line_cost_type(),
                    label=line.name or "",
                    notes=[self.env._("travel")] if line.labor_type == "travel" else [],
                )
                for line in order.labor_line_ids.filtered("billable")
            ]
            order_items += [
                BillItem(
                    order=order,
                    kind="part",
                    source=line,
                    product=line.product_id,
                    uom=line.product_uom_id,
                    quantity=line.quantity,
                    cost_type="parts",
                    label=line.lot_id and self.env._("serial %s", line.lot_id.name) or "",
                )
                for line in order.part_line_ids.filtered("billable")
            ]
            if rule.callout_product_id and order_items:
                product = rule.callout_product_id
                callout = BillItem(order, "callout", order, product, product.uom_id, 1.0, "callout")
                order_items.insert(0, callout)
            items += [item for item in order_items if item.key not in billed]
        return items

    @api.model
    def _fse_estimate_sources(self, order, rule):
        """Stage 1 of an estimate: what `order` plans to bill. The estimated hours are a labor
        line that is not saved (a new record on the order, on its planned start), so that the
        billing rule's rounding, minimum and rates and the coverage apply to it as to the time
        the technician will record."""
        items = []
        product = order.company_id.fse_labor_product_id
        if order.billable and order.duration_estimate > 0:
            if not product:
                raise UserError(
                    self.env._(
                        "Work order %s: set the labor product in the Field Service settings to estimate its hours.",
                        order.name,
                    )
                )
            start = order.scheduled_start
            labor = self.env["fse.work.order.labor"].new(
                {
                    "order_id": order.id,
                    "technician_id": order.technician_id.id or self.env.uid,
                    "product_id": product.id,
                    "hours": order.duration_estimate,
                    "labor_type": "work",
                    "date": fields.Date.context_today(self, start) if start else fields.Date.context_today(self),
                    "date_start": start,
                    "name": self.env._("Estimated work"),
                }
            )
            items.append(
                BillItem(order, "labor", labor, product, product.uom_id, order.duration_estimate, "labor", labor.name)
            )
        if order.billable:
            items += [
                BillItem(
                    order, "part", line, line.product_id, line.product_uom_id, line.quantity, "parts", line.note or ""
                )
                for line in order.part_line_ids.filtered("billable")
            ]
        if rule.callout_product_id and items:
            callout = rule.callout_product_id
            items.insert(0, BillItem(order, "callout", order, callout, callout.uom_id, 1.0, "callout"))
        return items

    # ------------------------------------------------------------------ 2. quantities
    @api.model
    def _fse_apply_quantities(self, items, rules):
        """The billing rule's rounding of each labor line, then its minimum hours per order
        (added to the order's first work line)."""
        work_by_order = defaultdict(list)
        for item in items:
            if item.kind != "labor":
                continue
            rule = rules[item.order]
            if rule.rounding_minutes:
                step = rule.rounding_minutes
                rounded = math.ceil(round(item.quantity * 60 / step, 6)) * step / 60
                if rounded != item.quantity:
                    item.notes.append(self.env._("rounded up to %s min", step))
                item.quantity = rounded
            if item.source.labor_type == "work":
                work_by_order[item.order].append(item)
        for order, work in work_by_order.items():
            minimum = rules[order].min_hours
            billed = sum(item.quantity for item in work)
            if minimum and billed < minimum:
                work[0].quantity += minimum - billed
                work[0].notes.append(self.env._("minimum %s h billed", minimum))

    # ------------------------------------------------------------------ 3. prices
    @api.model
    def _fse_apply_prices(self, items):
        """Unit prices from the customer's pricelist (else the sales price) on the service
        date. The pricelist's rules are read once per pricelist and day for all the batch's
        products, not once per line."""
        pricelist_rules = {}
        products_by_pricelist = defaultdict(lambda: self.env["product.product"])
        for item in items:
            products_by_pricelist[item.order._fse_pricelist()] |= item.product
        for item in items:
            order = item.order
            pricelist = order._fse_pricelist()
            currency = order._fse_invoice_currency()
            date = order.service_date
            if not pricelist:
                price = item.product.uom_id._compute_price(item.product.lst_price, item.uom)
                item.price_unit = order.company_id.currency_id._convert(price, currency, order.company_id, date)
                continue
            if (pricelist, date) not in pricelist_rules:
                pricelist_rules[pricelist, date] = pricelist._get_applicable_rules(
                    products_by_pricelist[pricelist], date
                )
            qty_in_product_uom = item.uom._compute_quantity(item.quantity, item.product.uom_id, raise_if_failure=False)
            rule = next(
                (r for r in pricelist_rules[pricelist, date] if r._is_applicable_for(item.product, qty_in_product_uom)),
                self.env["product.pricelist.item"],
            )
            item.price_unit = rule._compute_price(item.product, item.quantity, item.uom, date=date, currency=currency)

    # ------------------------------------------------------------------ 4. billing rules
    @api.model
    def _fse_apply_rates(self, items, rules):
        """The billing rule's weekend or after-hours rate on labor, by the local time the
        work started (the technician's time zone)."""
        for item in items:
            order, rule = item.order, rules[item.order]
            # No billing rule: no rates (an empty rule reads 0.0 for each multiplier).
            if item.kind == "labor" and rule:
                line = item.source
                tz = pytz.timezone(order.technician_id.tz or self.env.user.tz or "UTC")
                local = pytz.utc.localize(line.date_start).astimezone(tz) if line.date_start else None
                weekday = (local.date() if local else line.date).weekday()
                if weekday >= 5 and rule.weekend_multiplier != 1.0:
                    item.price_unit *= rule.weekend_multiplier
                    item.notes.append(self.env._("weekend rate x%s", rule.weekend_multiplier))
                elif local and rule.after_hours_multiplier != 1.0:
                    hour = local.hour + local.minute / 60
                    if hour < rule.workday_start or hour >= rule.workday_end:
                        item.price_unit *= rule.after_hours_multiplier
                        item.notes.append(self.env._("after-hours rate x%s", rule.after_hours_multiplier))
            item.price_unit = order._fse_invoice_currency().round(item.price_unit)

    # ------------------------------------------------------------------ 5. coverage
    @api.model
    def _fse_coverage(self, order, cost_type, product=None):
        """(kind, percent covered, reason) of a cost type ("labor", "travel", "parts",
        "callout") and product on `order`, on its service date. The one coverage rule:
        warranty first (a corrective order on a machine under warranty is fully covered);
        then the contract: the preventive visits it plans are included, otherwise its
        percentages apply, except to its excluded product categories."""
        inst = order.installation_id
        day = order.service_date
        if order.order_type == "corrective" and inst.warranty_end_date and day and inst.warranty_end_date >= day:
            # Dates on invoice lines in the language's format, as the rest of the line's text.
            return "warranty", 100.0, self.env._("Warranty until %s", format_date(self.env, inst.warranty_end_date))
        contract = order.contract_id
        if not contract:
            return NO_COVERAGE
        if product and contract.excluded_categ_ids:
            excluded = {str(categ.id) for categ in contract.excluded_categ_ids}
            if excluded & set((product.categ_id.parent_path or "").strip("/").split("/")):
                return NO_COVERAGE
        planned_visit = order.plan_id.contract_id == contract and contract.preventive_included
        if cost_type in ("labor", "travel", "callout") and planned_visit:
            return "contract_visit", 100.0, self.env._("Contract %s: planned visit included", contract.name)
        percent = {
            "labor": contract.labor_coverage_percent,
            "parts": contract.parts_coverage_percent,
            "callout": 100.0 if contract.callout_covered else 0.0,
            "travel": 100.0 if contract.callout_covered else contract.labor_coverage_percent,
        }[cost_type]
        # Even at 0 %, the contract's included hours or visits may still cover the line.
        return "contract", percent, contract._fse_coverage_reason()

    @api.model
    def _fse_apply_coverage(self, items):
        """Coverage as the line's discount. Labor and part lines carry theirs (computed by
        `_fse_coverage`, a dispatcher may change it until invoiced); the call-out has no line
        and is decided here by the same method."""
        for item in items:
            if item.kind == "callout":
                item.coverage = self._fse_coverage(item.order, "callout", item.product)
            else:
                line = item.source
                item.coverage = (line.coverage_kind, line.coverage_percent, line.coverage_reason)
            item.discount = item.coverage[1]

    # ------------------------------------------------------------------ 6. allowances
    @api.model
    def _fse_apply_allowances(self, items):
        """The contracts' included hours or visits and yearly cap, oldest work first (items
        come sorted by service date), counting what earlier invoices already used (read once
        for the batch's contracts)."""
        covered_by_order = defaultdict(list)
        for item in items:
            if item.coverage[0] in ALLOWANCE_KINDS:
                covered_by_order[item.order].append(item)
        if not covered_by_order:
            return
        orders = self.env["fse.work.order"].union(*covered_by_order)
        usage = orders.contract_id._fse_allowance_usage()
        for order, covered in covered_by_order.items():
            contract = order.contract_id
            if contract.included_quantity:
                self._fse_apply_included(contract, order.service_date, covered, usage[contract])
            if contract.yearly_cap:
                self._fse_apply_cap(contract, order.service_date, covered, usage[contract])

    @api.model
    def _fse_apply_included(self, contract, day, covered, usage):
        start, end = contract._fse_allowance_window(day, contract.included_period)
        used = sum(qty for date, qty, _amount in usage if start <= date <= end)
        remaining = max(0.0, contract.included_quantity - used)
        labor = [item for item in covered if item.kind == "labor"]
        if contract.included_unit == "visits":
            if remaining < 1 or not labor:
                return
            for item in covered:
                if item.kind in ("labor", "callout"):
                    item.discount = 100.0
                    item.allowance_notes.append(
                        self.env._(
                            "Visit included in the contract (%(left)s left until %(end)s)",
                            left=f"{remaining - 1:g}",
                            end=format_date(self.env, end),
                        )
                    )
            labor[0].included_qty = 1.0
            usage.append((day, 1.0, 0.0))
            return
        for item in labor:
            hours = min(remaining, item.quantity)
            if hours <= 0:
                break
            item.discount = round((hours * 100 + (item.quantity - hours) * item.discount) / item.quantity, 2)
            item.included_qty = hours
            remaining -= hours
            usage.append((day, hours, 0.0))
            item.allowance_notes.append(
                self.env._(
                    "%(hours)s h included in the contract (%(left)s h left until %(end)s)",
                    hours=f"{hours:g}",
                    left=f"{remaining:g}",
                    end=format_date(self.env, end),
                )
            )

    @api.model
    def _fse_apply_cap(self, contract, day, covered, usage):
        start, end = contract._fse_allowance_window(day, "year")
        used = sum(amount for date, _qty, amount in usage if start <= date <= end)
        currency = contract.currency_id
        for item in covered:
            gross = item.price_unit * item.quantity
            amount = currency.round(gross * item.discount / 100)
            if used + amount > contract.yearly_cap:
                allowed = max(0.0, contract.yearly_cap - used)
                item.discount = round(allowed / gross * 100, 2) if gross else 0.0
                amount = currency.round(gross * item.discount / 100)
                item.allowance_notes.append(
                    self.env._(
                        "Yearly cap of %(cap)s reached: %(allowed)s covered",
                        cap=f"{contract.yearly_cap:.2f}",
                        allowed=f"{amount:.2f}",
                    )
                )
            item.covered_amount = amount
            used += amount
            usage.append((day, 0.0, amount))

    # ------------------------------------------------------------------ 6b. estimates
    @api.model
    def _fse_apply_estimates(self, items, exclude_billed=False):
        """The orders' accepted estimates: with a fixed price the order bills exactly the
        estimate's amount to pay, with time and materials up to the estimate at most that.
        What the items bill is left as it is (the customer sees what was done, at its price);
        one adjustment line per order, right after its items, brings the order's total to the
        estimate, counting what earlier invoices of the order billed (`exclude_billed`).
        The estimates and the amounts billed are read once for the batch."""
        if not items:
            return items
        orders = self.env["fse.work.order"].union(*(item.order for item in items))
        estimates = self.env["fse.work.order.estimate"]._fse_accepted_for(orders)
        if not estimates:
            return items
        billed = defaultdict(float)
        if exclude_billed:
            # sudo: what earlier invoices billed is accounting data; the dispatcher invoicing
            # (or the job) only reads their totals per order.
            groups = (
                self.env["account.move.line"]
                # sudo: totals of earlier invoices of the order, read for the engine only
                .sudo()
                ._read_group(
                    [("fse_work_order_id", "in", estimates.order_id.ids), ("fse_billing_active", "=", True)],
                    ["fse_work_order_id"],
                    ["price_subtotal:sum"],
                )
            )
            billed.update(dict(groups))
        result, last_of_order = [], {}
        for item in items:
            result.append(item)
            last_of_order[item.order] = len(result)
        for order, position in sorted(last_of_order.items(), key=lambda pair: -pair[1]):
            estimate = estimates.filtered(lambda e, o=order: e.order_id == o)
            if not estimate:
                continue
            currency = order._fse_invoice_currency()
            own = [item for item in result if item.order == order]
            net = sum(currency.round(i.quantity * i.price_unit * (1 - i.discount / 100)) for i in own)
            adjustment = estimate._fse_invoice_adjustment(billed[order], net, currency)
            if adjustment:
                result.insert(position, self._fse_estimate_item(estimate, adjustment))
        return result

    @api.model
    def _fse_estimate_item(self, estimate, amount):
        """The adjustment line of an accepted estimate, on the company's labor product."""
        product = estimate.order_id.company_id.fse_labor_product_id
        if not product:
            raise UserError(
                self.env._(
                    "Work order %s: set the labor product in the Field Service settings to invoice its estimate.",
                    estimate.order_id.name,
                )
            )
        item = BillItem(estimate.order_id, "estimate", estimate, product, product.uom_id, 1.0, "estimate")
        item.label = estimate._fse_invoice_label()
        item.price_unit = amount
        return item

    @api.model
    def _fse_check_income_accounts(self, items):
        """Every product billed has an income account for its order's company (read once per
        product and company)."""
        checked = set()
        for item in items:
            company = item.order.company_id
            if (item.product, company) in checked:
                continue
            accounts = item.product.product_tmpl_id.with_company(company).get_product_accounts()
            if not accounts.get("income"):
                raise UserError(
                    self.env._(
                        "Work order %(order)s: %(product)s has no income account; set one on the product "
                        "or its category.",
                        order=item.order.name,
                        product=item.product.display_name,
                    )
                )
            checked.add((item.product, company))

    # ------------------------------------------------------------------ 7. grouping
    @api.model
    def _fse_group(self, items):
        """[(orders, their items)] per invoice: one per order, or per customer and currency."""
        groups = defaultdict(list)
        for item in items:
            groups[self._fse_invoice_group_key(item.order)].append(item)
        return [(self.env["fse.work.order"].union(*(i.order for i in group)), group) for group in groups.values()]

    @api.model
    def _fse_invoice_group_key(self, order):
        if order.company_id.fse_invoice_grouping == "order":
            return (order.id,)
        return (order.invoice_partner_id.id, order._fse_invoice_currency().id)

    # ------------------------------------------------------------------ 8. values
    @api.model
    def _fse_prepare_invoice_vals(self, orders, items):
        """Header of the invoice billing `items` of `orders` (all in one group)."""
        first = orders[0]
        refs = sorted({o.customer_ref for o in orders if o.customer_ref})
        return {
            "move_type": "out_invoice",
            "partner_id": first.invoice_partner_id.id,
            "partner_shipping_id": first.site_partner_id.id if len(orders.site_partner_id) == 1 else False,
            "company_id": first.company_id.id,
            "currency_id": first._fse_invoice_currency().id,
            "invoice_origin": ", ".join(orders.mapped("name")),
            "ref": ", ".join(refs) or False,
            "invoice_line_ids": [Command.create(self._fse_prepare_invoice_line_vals(item)) for item in items],
        }

    @api.model
    def _fse_prepare_invoice_line_vals(self, item):
        """One invoice line: every rule applied is spelled out in its label, and it links to
        what it bills by its typed key."""
        order, (kind, percent, reason) = item.order, item.coverage
        if item.kind == "estimate":
            lines = [item.label]  # it says what it is: the estimate's fixed price or cap
        else:
            lines = [item.product.display_name + (f" - {item.label}" if item.label else "")]
        lines.append(order.name + (f" - {order.installation_id.display_name}" if order.installation_id else ""))
        if item.notes:
            lines.append(", ".join(item.notes))
        if percent:
            lines.append(self.env._("Covered %(percent)s%%: %(reason)s", percent=f"{percent:g}", reason=reason or ""))
        lines += item.allowance_notes
        vals = {
            "product_id": item.product.id,
            "product_uom_id": item.uom.id,
            "quantity": item.quantity,
            "price_unit": item.price_unit,
            "discount": item.discount,
            "name": "\n".join(lines),
            "fse_work_order_id": order.id,
            "fse_installation_id": order.installation_id.id,
            "fse_source_kind": item.kind,
            "fse_coverage_kind": kind,
            "fse_coverage_reason": reason,
        }
        if item.kind == "labor":
            vals["fse_labor_id"] = item.source.id
        elif item.kind == "part":
            vals["fse_part_id"] = item.source.id
        elif item.kind == "estimate":
            vals["fse_estimate_id"] = item.source.id
        if order.analytic_distribution:
            vals["analytic_distribution"] = order.analytic_distribution
        if order.contract_id:
            vals["fse_contract_id"] = order.contract_id.id
            vals["fse_coverage_date"] = order.service_date
            vals["fse_included_qty"] = item.included_qty
            vals["fse_covered_amount"] = item.covered_amount
        return vals

    # ------------------------------------------------------------------ 9. create
    @api.model
    def _fse_create_invoices(self, invoice_vals, note):
        """Create the draft invoices of a batch at once, each with a note in its chatter
        (`note(invoice)`), logged in one batch. Odoo's own per-invoice creation message (a
        message_post with its notification, seven queries an invoice) is left out for these
        batch-created drafts: the note says where each came from. The sales journal is looked
        up once per company and currency rather than once per invoice, with Odoo's own rule."""
        journals = {}
        for vals in invoice_vals:
            if vals.get("journal_id"):
                continue
            key = (vals["company_id"], vals.get("currency_id"), vals["move_type"])
            if key not in journals:
                draft = self.env["account.move"].new({"move_type": key[2], "company_id": key[0], "currency_id": key[1]})
                journals[key] = draft._search_default_journal().id
            vals["journal_id"] = journals[key]
        invoices = (
            self.env["account.move"]
            .with_context(default_move_type="out_invoice", mail_create_nolog=True)
            .create(invoice_vals)
        )
        # The caller has just created these invoices, so may write on them.
        invoices._message_log_batch(bodies={invoice.id: note(invoice) for invoice in invoices})
        return invoices
