import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
# Scheduled invoicing beside other runs and people's clicks: how many times a batch whose
# rows changed under it is read again before its records are left for a later run, and
# how soon that later run comes.


def period_bounds(day, period):
    """(first day, last day) of the calendar month, quarter or year holding `day`."""
    months = PERIOD_MONTHS[period]
    start = day.replace(day=1, month=day.month - (day.month - 1) % months)
    return start, start + relativedelta(months=months, days=-1)


class FseContract(models.Model):
    _inherit = "fse.contract"

    line_ids = fields.One2many(
        "fse.contract.line",
        "contract_id",
        string="Recurring Fees",
        copy=True,
        groups="field_service_erp.group_fse_dispatcher",
    )
    billing_period = fields.Selection(
        [("month", "Monthly"), ("quarter", "Quarterly"), ("year", "Yearly")],
        default="month",
        required=True,
        tracking=True,
        groups="field_service_erp.group_fse_dispatcher",
    )
    billing_mode = fields.Selection(
        [("advance", "In Advance"), ("arrears", "In Arrears")],
        default="advance",
        required=True,
        tracking=True,
        help="In advance: each period is invoiced on its first day. In arrears: once it is over.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    invoice_partner_id = fields.Many2one(
        "res.partner",
        string="Invoice Address",
        compute="_compute_invoice_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    price_index_percent = fields.Float(
        string="Indexation on Renewal %",
        tracking=True,
        help="Fee prices grow by this percentage at each renewal.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        copy=False,
        check_company=True,
        help="Created on confirmation: recurring invoices, billed orders and their parts cost post to it.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    next_period_start = fields.Date(
        copy=False,
        readonly=True,
        index=True,
        help="First day of the next billing period not invoiced yet.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    next_invoice_date = fields.Date(
        compute="_compute_next_invoice_date",
        store=True,
        index=True,
        help="When the next period falls due (its first day in advance, the day after it in arrears).",
        # Also for invoicing users: the Invoice Due Periods button they see depends on it.
        groups="field_service_erp.group_fse_dispatcher,account.group_account_invoice",
    )
    fse_adjust_from = fields.Date(
        copy=False,
        readonly=True,
        help="Machines joined or left on or after this date in periods already invoiced: "
        "the next invoice corrects them.",
        groups="field_service_erp.group_fse_dispatcher",
    )
    period_ids = fields.One2many(
        "fse.contract.period",
        "contract_id",
        string="Billed Periods",
        readonly=True,
        groups="field_service_erp.group_fse_dispatcher",
    )
    invoice_count = fields.Integer(
        compute="_compute_invoice_count",
        groups="field_service_erp.group_fse_dispatcher,account.group_account_invoice",  # as its stat button
    )
    recurring_total = fields.Monetary(
        compute="_compute_recurring_total", string="Fee per Period", groups="field_service_erp.group_fse_dispatcher"
    )

    @api.depends("partner_id")
    def _compute_invoice_partner_id(self):
        for contract in self:
            contract.invoice_partner_id = (
                contract.partner_id.address_get(["invoice"])["invoice"] if contract.partner_id else False
            )

    @api.depends("next_period_start", "billing_period", "billing_mode", "date_end", "state")
    def _compute_next_invoice_date(self):
        for contract in self:
            start = contract.next_period_start
            if not start or contract.state == "draft" or (contract.date_end and start > contract.date_end):
                contract.next_invoice_date = False
            elif contract.billing_mode == "advance":
                contract.next_invoice_date = max(start, contract.date_start)
            else:
                end = period_bounds(start, contract.billing_period)[1]
                if contract.date_end:
                    end = min(end, contract.date_end)
                contract.next_invoice_date = end + timedelta(days=1)

    def _compute_invoice_count(self):
        counts = dict(
            self.env["fse.contract.period"]._read_group(
                [("contract_id", "in", self.ids), ("invoice_id", "!=", False)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.invoice_count = counts.get(contract, 0)

    @api.depends("line_ids.price_unit", "line_ids.quantity", "line_ids.per_machine", "coverage_ids")
    def _compute_recurring_total(self):
        for contract in self:
            machines = contract.installation_count
            contract.recurring_total = sum(
                line.price_unit * line.quantity * (machines if line.per_machine else 1) for line in contract.line_ids
            )

    # ------------------------------------------------------------------ lifecycle hooks
    def _fse_after_confirm(self):
        res = super()._fse_after_confirm()
        for contract in self:
            vals = {"next_period_start": period_bounds(contract.date_start, contract.billing_period)[0]}
            if not contract.analytic_account_id:
                vals["analytic_account_id"] = contract._fse_create_analytic_account().id
            contract._fse_write_system(vals)
        return res

    def _fse_create_analytic_account(self):
        self.ensure_one()
        plan = self.company_id._fse_contract_analytic_plan()
        return (
            self.env["account.analytic.account"]
            # sudo: billing bookkeeping read for the contract, whatever the user's invoice rights.
            .sudo()
            .create(
                {
                    "name": f"{self.name} - {self.partner_id.display_name}",
                    "code": self.name,
                    "plan_id": plan.id,
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                }
            )
        )

    def _fse_after_renew(self, old_end):
        super()._fse_after_renew(old_end)
        if not self.price_index_percent:
            return
        factor = 1 + self.price_index_percent / 100
        changes = []
        for line in self.line_ids:
            new_price = self.currency_id.round(line.price_unit * factor)
            changes.append(f"{line.name}: {line.price_unit:.2f} → {new_price:.2f}")
            line._fse_write_system({"price_unit": new_price, "last_index_percent": self.price_index_percent})
        self.message_post(
            body=self.env._(
                "Prices indexed by %(percent)s%% from %(date)s: %(changes)s",
                percent=f"{self.price_index_percent:g}",
                date=fields.Date.to_string(old_end + timedelta(days=1)),
                changes="; ".join(changes),
            )
        )

    def _fse_flag_adjust(self, day):
        """A machine joined or left on `day`: if that period is already invoiced, the next
        invoice must correct it."""
        for contract in self:
            if contract.next_period_start and day < contract.next_period_start:
                if not contract.fse_adjust_from or day < contract.fse_adjust_from:
                    contract._fse_write_system({"fse_adjust_from": day})

    # ------------------------------------------------------------------ allowances
    def _fse_allowance_window(self, day, period):
        """(first, last day) of the month, quarter or contract year holding `day`."""
        self.ensure_one()
        if period != "year":
            return period_bounds(day, period)
        years = relativedelta(day, self.date_start).years
        start = self.date_start + relativedelta(years=years)
        return start, start + relativedelta(years=1, days=-1)

    def _fse_claim_allowances(self):
        """Lock these contracts before using their allowances (included hours or visits,
        yearly cap), and mark their rows changed. Another transaction invoicing an order of
        the same contract waits here; once this one commits, it fails to serialize and is
        retried (as every request is) on a fresh snapshot that sees what this invoice used.
        The lock alone would let it go on with its older snapshot and use the hours again."""
        self._fse_lock()
        if self:
            self.env.cr.execute(SQL("UPDATE fse_contract SET id = id WHERE id = ANY(%s)", self.ids))

    def _fse_allowance_usage(self):
        """{contract: [(date, included qty, covered amount)]} already used by active invoice
        lines in the current and previous contract year (one query for the batch)."""
        usage = {contract: [] for contract in self}
        since = min(fields.Date.context_today(self), *self.mapped("date_start")) - relativedelta(years=2)
        lines = (
            self.env["account.move.line"]
            # sudo: billing bookkeeping read for the contract, whatever the user's invoice rights.
            .sudo()
            .search_read(
                [
                    ("fse_contract_id", "in", self.ids),
                    ("fse_billing_active", "=", True),
                    ("fse_coverage_date", ">=", since),
                    "|",
                    ("fse_included_qty", "!=", 0),
                    ("fse_covered_amount", "!=", 0),
                ],
                ["fse_contract_id", "fse_coverage_date", "fse_included_qty", "fse_covered_amount"],
            )
        )
        for line in lines:
            contract = self.browse(line["fse_contract_id"][0])
            usage[contract].append((line["fse_coverage_date"], line["fse_included_qty"], line["fse_covered_amount"]))
        return usage

    # ------------------------------------------------------------------ what a period bills
    def _fse_period_window(self, start, end):
        """The days of [start, end] the contract runs (empty: None)."""
        self.ensure_one()
        first = max(start, self.date_start)
        last = min(end, self.date_end) if self.date_end else end
        return (first, last) if first <= last else None

    def _fse_period_amounts(self, period_start):
        """{(contract line, machine or empty): (amount, days billed, label)} that the period
        starting on `period_start` should bill, from today's knowledge of the covered machines."""
        self.ensure_one()
        start, end = period_bounds(period_start, self.billing_period)
        period_days = (end - start).days + 1
        window = self._fse_period_window(start, end)
        amounts = {}
        if not window:
            return amounts
        no_machine = self.env["fse.installation"]
        for line in self.line_ids:
            if not line.per_machine:
                days = (window[1] - window[0]).days + 1
                amounts[(line, no_machine)] = (line._fse_prorated(days, period_days), days)
                continue
            for coverage in self.coverage_ids:
                first = max(window[0], coverage.date_from)
                last = min(window[1], coverage.date_to) if coverage.date_to else window[1]
                if first > last:
                    continue
                days = (last - first).days + 1
                key = (line, coverage.installation_id)
                amount, prev_days = amounts.get(key, (0.0, 0))
                amounts[key] = (amount + line._fse_prorated(days, period_days), prev_days + days)
        return amounts

    def _fse_due_period_starts(self, today, invoiced=frozenset()):
        """First days of the periods due on `today` and not invoiced yet (`invoiced`: first
        days of periods already invoiced after the next period, when a deleted draft
        invoice moved the next period back)."""
        self.ensure_one()
        starts = []
        start = self.next_period_start
        while start and (not self.date_end or start <= self.date_end):
            end = period_bounds(start, self.billing_period)[1]
            due = max(start, self.date_start) if self.billing_mode == "advance" else min(end, self.date_end or end)
            if due > today or (self.billing_mode == "arrears" and due >= today):
                break
            if start not in invoiced:
                starts.append(start)
            start = end + timedelta(days=1)
        return starts

    def _fse_adjustment_lines(self, billed_periods):
        """Corrections for `billed_periods` (fse.contract.period) whose machines changed after
        they were invoiced: expected amount minus what their active invoice lines billed."""
        self.ensure_one()
        if not billed_periods:
            return []
        billed = defaultdict(float)
        # sudo: invoice lines of the contract read for its allowances, whatever the user's accounting rights.
        aml = self.env["account.move.line"].sudo()
        for line in aml.search(
            [
                ("fse_contract_period_id", "in", billed_periods.ids),
                ("fse_contract_line_id", "!=", False),
                ("move_id.state", "!=", "cancel"),
            ]
        ):
            sign = -1 if line.move_id.move_type == "out_refund" else 1
            key = (line.fse_contract_period_id, line.fse_contract_line_id, line.fse_installation_id)
            billed[key] += sign * line.price_unit * line.quantity
        vals_list = []
        for period in billed_periods:
            expected = self._fse_period_amounts(period.date_start)
            keys = {(line, inst) for (p, line, inst) in billed if p == period} | set(expected)
            for line, inst in sorted(keys, key=lambda k: (k[0].id, k[1].id)):
                amount = expected.get((line, inst), (0.0, 0))[0]
                diff = self.currency_id.round(amount - billed[(period, line, inst)])
                if self.currency_id.is_zero(diff):
                    continue
                vals_list.append(self._fse_prepare_fee_line_vals(period, line, inst, diff, adjustment=True))
        return vals_list

    def _fse_prepare_fee_line_vals(self, period, line, installation, amount, adjustment=False, days=None):
        """One invoice line billing (or correcting) a contract line for a period."""
        start, end = period.date_start, period.date_end
        label = [line.name or line.product_id.display_name]
        if installation:
            label[0] += f" - {installation.display_name}"
        label.append(
            self.env._(
                "%(contract)s, period %(start)s to %(end)s",
                contract=self.name,
                start=fields.Date.to_string(start),
                end=fields.Date.to_string(end),
            )
        )
        period_days = (end - start).days + 1
        if adjustment:
            label.append(
                self.env._("Correction: machines joined or left the contract after this period was invoiced")
                if amount > 0
                else self.env._("Credit: machine left the contract after this period was invoiced")
            )
        elif days is not None and days != period_days:
            label.append(self.env._("prorated %(days)s/%(total)s days", days=days, total=period_days))
        if line.last_index_percent:
            label.append(self.env._("price indexed +%s%%", f"{line.last_index_percent:g}"))
        vals = {
            "product_id": line.product_id.id,
            "name": "\n".join(label),
            "quantity": -1.0 if amount < 0 else 1.0,
            "price_unit": abs(amount),
            "fse_source_kind": "contract_adjustment" if adjustment else "contract_fee",
            "fse_contract_id": self.id,
            "fse_contract_line_id": line.id,
            "fse_contract_period_id": period.id,
            "fse_installation_id": installation.id,
        }
        if self.analytic_account_id:
            vals["analytic_distribution"] = {str(self.analytic_account_id.id): 100}
        return vals

    def _fse_prepare_fee_invoice_vals(self, line_vals):
        self.ensure_one()
        return {
            "move_type": "out_invoice",
            "partner_id": self.invoice_partner_id.id or self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_origin": self.name,
            "fse_contract_id": self.id,
            "invoice_line_ids": [Command.create(vals) for vals in line_vals],
        }

    # ------------------------------------------------------------------ invoicing
    def _fse_bill_due_periods(self, today=None):
        """Draft invoices for every period of these contracts due on `today`: one invoice per
        contract and period (with the corrections of earlier periods on the first one), never
        two: periods are rows with a unique (contract, first day)."""
        today = today or fields.Date.context_today(self)
        # Every billing of a contract serializes on its row: a concurrent run waits, then sees
        # the periods the first one invoiced.
        self._fse_lock()
        # Period rows are the billing's own bookkeeping (no one edits them), written as superuser.
        Period = self.env["fse.contract.period"].sudo()
        contracts = self.filtered(lambda c: c.state in ("running", "expired", "cancelled"))
        # Periods already invoiced after the next one (a deleted draft moved it back): one query.
        invoiced_after = defaultdict(set)
        since = min([c.next_period_start or today for c in contracts], default=today)
        for period in Period.search([("contract_id", "in", contracts.ids), ("date_start", ">=", since)]).filtered(
            lambda p: p.date_start >= (p.contract_id.next_period_start or today)
        ):
            invoiced_after[period.contract_id].add(period.date_start)
        # First the periods of every contract (one create), then their invoices.
        plans, contract_updates = [], {}
        for contract in contracts:
            invoiced = invoiced_after[contract]
            starts = contract._fse_due_period_starts(today, invoiced)
            corrections = []
            if contract.fse_adjust_from:
                touched = Period.search(
                    [("contract_id", "=", contract.id), ("date_end", ">=", contract.fse_adjust_from)]
                )
                corrections = contract._fse_adjustment_lines(touched)
            if not starts and not corrections:
                if contract.fse_adjust_from:
                    contract_updates[contract] = {"fse_adjust_from": False}
                continue
            plans.append((contract, starts, corrections))
            update = {"fse_adjust_from": False}
            if starts:
                # The next period is the first one neither just invoiced nor invoiced before.
                done, following = set(starts) | invoiced, contract.next_period_start
                while following in done:
                    following = period_bounds(following, contract.billing_period)[1] + timedelta(days=1)
                update["next_period_start"] = following
            contract_updates[contract] = update
        new_periods = iter(
            Period.create(
                [
                    {
                        "contract_id": contract.id,
                        "date_start": start,
                        "date_end": period_bounds(start, contract.billing_period)[1],
                    }
                    for contract, starts, _corrections in plans
                    for start in starts
                ]
            )
        )
        invoices_vals, periods_vals = [], []
        for contract, starts, corrections in plans:
            for _start in starts:
                period = next(new_periods)
                line_vals = [
                    contract._fse_prepare_fee_line_vals(period, line, inst, amount, days=days)
                    for (line, inst), (amount, days) in contract._fse_period_amounts(period.date_start).items()
                    if not contract.currency_id.is_zero(amount)
                ]
                # Corrections ride on the next period's invoice; with no period left, on their own.
                if corrections:
                    line_vals, corrections = corrections + line_vals, []
                invoices_vals.append(contract._fse_prepare_fee_invoice_vals(line_vals))
                periods_vals.append(period)
            if corrections:
                total = sum(v["price_unit"] * v["quantity"] for v in corrections)
                vals = contract._fse_prepare_fee_invoice_vals(corrections)
                if total < 0:
                    # Only credits left (the contract ended): a credit note, lines turned positive.
                    vals["move_type"] = "out_refund"
                    for command in vals["invoice_line_ids"]:
                        command[2]["quantity"] = -command[2]["quantity"]
                invoices_vals.append(vals)
                periods_vals.append(None)
        # The billing engine's last stage: one create for the batch, one batch of notes.
        invoices = self.env["fse.billing.engine"]._fse_create_invoices(
            invoices_vals,
            note=lambda invoice: self.env._(
                "Invoice created for the recurring fees of contract %s.", invoice.invoice_origin
            ),
        )
        for invoice, period in zip(invoices, periods_vals, strict=True):
            if period:
                period.invoice_id = invoice
        for contract, update in contract_updates.items():
            # Billing bookkeeping on the contract (next period, corrections done): written by
            # whoever invoices, an accountant who may not edit contracts otherwise.
            contract.sudo().write(update)
        return invoices

    def action_create_invoices(self):
        """Button: invoice every period due today (and the pending corrections)."""
        self.check_access("write")  # the back office's: technicians read their jobs' contracts
        invoices = self._fse_bill_due_periods()
        if not invoices:
            raise UserError(self.env._("No period of these contracts is due for invoicing today."))
        return invoices._get_records_action(name=self.env._("Contract Invoices"))

    def action_view_invoices(self):
        self.ensure_one()
        return self.period_ids.invoice_id._get_records_action(name=self.env._("Contract Invoices"))

    @api.model
    def _cron_create_invoices(self, batch_size=100, today=None, domain=None):
        """Invoice the due periods of all contracts (or of those in `domain`), batch by batch,
        committing each batch: a crash loses nothing done and a re-run finishes the job.
        Returns the invoices created.

        Safe beside other runs and people's clicks (the batch runner, `_fse_run_batches`): a
        contract another transaction holds (a concurrent run, a person invoicing it) is
        skipped, not waited for; a batch whose contracts changed since it was read is undone
        and read again (a few times, then its contracts are skipped). The run goes on with
        the other contracts and schedules itself again shortly for the skipped ones; whoever
        bills a period first bills it alone (the contract lock and the unique period index).
        A contract that cannot be invoiced (a UserError) is logged and left for a person;
        the other contracts of its batch are invoiced."""
        today = today or fields.Date.context_today(self)
        due = Domain("next_invoice_date", "<=", today) | Domain("fse_adjust_from", "!=", False)
        if domain:
            due &= Domain(domain)
        invoices = self._fse_run_batches(
            due,
            lambda contracts: contracts._fse_bill_due_periods(today),
            batch_size=batch_size,
            cron_xmlid="field_service_erp_billing.ir_cron_fse_contract_invoices",
        )
        return invoices or self.env["account.move"]

    # ------------------------------------------------------------------ portal
    def _fse_portal_fee_invoices(self):
        """The posted fee invoices of this contract, newest first, for its page on the customer's
        portal (the contract was found with the customer's rights, so these are theirs)."""
        self.ensure_one()
        # sudo: the periods are the back office's bookkeeping, which portal users do not read.
        invoices = self.env["fse.contract.period"].sudo().search([("contract_id", "=", self.id)]).invoice_id
        return invoices.filtered(lambda inv: inv.state == "posted" and inv.move_type == "out_invoice").sorted(
            lambda inv: (inv.invoice_date or inv.date, inv.id), reverse=True
        )
