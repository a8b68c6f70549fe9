from collections import defaultdict
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import format_datetime

from .fse_work_order import DISPATCHER_GROUP, TECHNICIAN_GROUP

# A card is "at risk" when its SLA deadline is this close, or when it is planned to start after it.
SLA_RISK_HOURS = 2
# What the queue shows at most; the search narrows it.
QUEUE_LIMIT = 200
# Soonest SLA first, then the most urgent, then the preventive visit due first, then the
# oldest call.
QUEUE_ORDER = "sla_deadline asc nulls last, priority desc nulls last, plan_due_date asc nulls last, date_reported, id"
# The longest stretch a board call covers: the range it shows, or one drop (a longer job is
# planned in the form). Working time is computed at most this far around the range.
MAX_SPAN = timedelta(days=42)
# The times the board accepts: nobody plans outside them, and time zone shifts would overflow.
FIRST_MOMENT, LAST_MOMENT = datetime(1900, 1, 1), datetime(2999, 12, 31)
# Orders the board may move: a started job stays where the technician is doing it.
MOVABLE_STATES = ("draft", "scheduled")
# The conflict rules, in the order the board lists them. A blocking conflict refuses the
# drop; the others are shown and accepted once the dispatcher confirms.
CONFLICT_BLOCKING = {
    "company": True,
    "overlap": False,
    "time_off": False,
    "outside_hours": False,
    "skill": False,
    "team": False,
}


class FseDispatchBoard(models.AbstractModel):
    """The dispatch board's server side: what the board shows (lanes, working time, time off,
    cards, the unscheduled queue, conflicts) and the one planning call each drop makes.
    The work order's public methods fse_board_data/fse_board_plan/fse_board_undo call in
    here after checking the caller is a dispatcher; everything here reads and writes as
    that user, so record rules and the work order's own rules (write policy, locked states,
    transition table) apply as in the form."""

    _name = "fse.dispatch.board"
    _description = "Field Service Dispatch Board"

    # ------------------------------------------------------------------ data
    @api.model
    def _get_data(self, start, end, filters):
        start, end = self._parse_range(start, end)
        filters = self._parse_filters(filters)
        technicians = self._lanes_technicians(filters)
        Order = self.env["fse.work.order"]
        orders = Order.search_fetch(
            [
                ("technician_id", "in", technicians.ids),
                ("state", "!=", "cancel"),
                ("scheduled_start", "<", end),
                ("scheduled_end", ">", start),
            ],
            self._card_fields(),
            order="scheduled_start, id",
        )
        # Sorted in the query, so that the limit keeps the most pressing orders.
        queue = Order.search_fetch(
            self._queue_domain(filters), self._card_fields(), limit=QUEUE_LIMIT, order=QUEUE_ORDER
        )
        # Conflicts are planning warnings: a started or finished job is history, not a plan.
        slots = [
            (order, order.technician_id, order.scheduled_start, order.scheduled_end)
            for order in orders
            if order.state in MOVABLE_STATES
        ]
        # One working-time computation serves the lanes and the conflicts (orders may run
        # over the edges of the range, not for ever: an order planned over months in the form
        # is judged on the stretch around the range).
        low = max(min([start, *(slot[2] for slot in slots)]), start - MAX_SPAN)
        high = min(max([end, *(slot[3] for slot in slots)]), end + MAX_SPAN)
        availability = self._availability(technicians, low, high)
        conflicts = self._conflicts(slots, availability)
        cards = self._cards(orders | queue, conflicts)
        companies = self.env.companies
        return {
            "lanes": [self._lane(technician, availability[technician]) for technician in technicians],
            "orders": [cards[order] for order in orders],
            "queue": [cards[order] for order in queue],
            "teams": [{"id": t.id, "name": t.display_name} for t in self.env["fse.team"].search([])],
            "skills": [{"id": s.id, "name": s.display_name} for s in self.env["fse.skill"].search([])],
            "companies": [{"id": c.id, "name": c.name} for c in companies],
            "now": fields.Datetime.to_string(fields.Datetime.now()),
        }

    @api.model
    def _parse_range(self, start, end):
        start, end = self._moment(start), self._moment(end)
        if not start or not end or end <= start or end - start > MAX_SPAN:
            raise UserError(self.env._("The board shows a range of up to six weeks; give a start before its end."))
        return start, end

    @api.model
    def _parse_filters(self, filters):
        """The filters a client sent, checked once for all the board's queries: companies
        among the context's (Odoo keeps those to the user's own), the teams and skills he may
        read (None: no filter), a text. Skill ids that are no skill leave no lane (a lane
        needs every skill of the filter); a team he may not read has no member for him."""
        filters = filters or {}
        if not isinstance(filters, dict) or not isinstance(filters.get("search") or "", str):
            raise UserError(self.env._("The board's filters are ids of companies, teams and skills, and a text."))
        company_ids = self._filter_ids(filters, "company_ids")
        team_ids = self._filter_ids(filters, "team_ids")
        skill_ids = self._filter_ids(filters, "skill_ids")
        Skill = self.env["fse.skill"].with_context(active_test=False)
        skills = Skill.search([("id", "in", list(skill_ids))]) if skill_ids else None
        return {
            "search": (filters.get("search") or "").strip(),
            "companies": self.env.companies.filtered(lambda c: c.id in company_ids)
            if company_ids
            else self.env.companies,
            "teams": self.env["fse.team"].search([("id", "in", list(team_ids))]) if team_ids else None,
            "skills": skills,
            "unknown_skill": skills is not None and len(skills) < len(skill_ids),
        }

    def _filter_ids(self, filters, key):
        ids = filters.get(key) or []
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise UserError(self.env._("The board's filters are ids of companies, teams and skills, and a text."))
        return set(ids)

    @api.model
    def _lanes_technicians(self, filters):
        """The lanes: technicians of the chosen companies (the user's, by default), teams and skills."""
        domain = Domain("all_group_ids", "in", self.env.ref(TECHNICIAN_GROUP).id) & Domain("share", "=", False)
        domain &= Domain("company_ids", "in", filters["companies"].ids)
        # Dispatchers are technicians too (the group implies it) but plan rather than drive:
        # they get a lane only once they are in a team.
        # (all_group_ids cannot be searched with a negation; the group's members can.)
        # sudo: who is a dispatcher, to leave them out; nothing of the group is shown.
        dispatchers = self.env.ref(DISPATCHER_GROUP).sudo().all_user_ids
        domain &= Domain("id", "not in", dispatchers.ids) | Domain("fse_team_ids", "!=", False)
        if filters["teams"] is not None:
            domain &= Domain("fse_team_ids", "in", filters["teams"].ids)
        if filters["unknown_skill"]:
            return self.env["res.users"]
        for skill in filters["skills"] or ():
            domain &= Domain("fse_skill_ids", "in", skill.ids)
        return self.env["res.users"].search_fetch(domain, ["name", "tz", "company_id", "company_ids"], order="name, id")

    @api.model
    def _queue_domain(self, filters):
        domain = Domain("state", "in", MOVABLE_STATES) & (
            Domain("technician_id", "=", False) | Domain("scheduled_start", "=", False)
        )
        domain &= Domain("company_id", "in", filters["companies"].ids)
        if filters["teams"] is not None:
            domain &= Domain("team_id", "in", filters["teams"].ids) | Domain("team_id", "=", False)
        text = filters["search"]
        if text:
            domain &= Domain.OR(
                Domain(name, "ilike", text)
                for name in (
                    "name",
                    "partner_id",
                    "site_partner_id.city",
                    "installation_id.name",
                    "installation_id.lot_id.name",
                )
            )
        return domain

    @api.model
    def _card_fields(self):
        return [
            "name",
            "partner_id",
            "site_partner_id",
            "installation_id",
            "order_type",
            "state",
            "technician_id",
            "team_id",
            "company_id",
            "skill_ids",
            "scheduled_start",
            "scheduled_end",
            "duration_estimate",
            "sla_deadline",
            "sla_status",
            "date_started",
            "date_reported",
            "plan_due_date",
            "priority",
            "parts_waiting",
        ]

    # ------------------------------------------------------------------ working time
    @api.model
    def _availability(self, technicians, start, end):
        """{technician: (work, leaves)} between start and end (naive UTC): `work` the
        intervals of his working hours less time off, `leaves` [(start, end, reason)].
        His hours are those of his resource (Employees, or Configuration ‣ Technicians),
        else his company's; one batch per calendar, whatever the number of technicians."""
        # Working hours and time off of the technicians, read for planning only.
        Resource = self.env["resource.resource"].sudo()  # sudo: employees read only their own time off
        resources = Resource.search([("user_id", "in", technicians.ids)], order="company_id, id")
        resource_of = {}
        for resource in resources:
            technician = resource.user_id
            if technician not in resource_of or resource.company_id == technician.company_id:
                resource_of[technician] = resource
        by_calendar = defaultdict(list)
        for technician in technicians:
            resource = resource_of.get(technician, Resource)
            # sudo: the company's default working hours, for a technician without his own.
            calendar = resource.calendar_id or technician.company_id.sudo().resource_calendar_id
            by_calendar[calendar].append((technician, resource))
        start_utc, end_utc = pytz.utc.localize(start), pytz.utc.localize(end)
        result = {}
        for calendar, members in by_calendar.items():
            if not calendar:
                for technician, _resource in members:
                    result[technician] = ([], [])
                continue
            own = calendar.env["resource.resource"].union(*(res for _t, res in members if res))
            work = calendar._work_intervals_batch(start_utc, end_utc, resources=own)
            leaves = calendar._leave_intervals_batch(start_utc, end_utc, resources=own)
            for technician, resource in members:
                result[technician] = (
                    [(self._naive(a), self._naive(b)) for a, b, _meta in work[resource.id]],
                    [(self._naive(a), self._naive(b), self._leave_reason(meta)) for a, b, meta in leaves[resource.id]],
                )
        return result

    @staticmethod
    def _naive(moment):
        return moment.astimezone(pytz.utc).replace(tzinfo=None)

    def _leave_reason(self, leaves):
        """A public holiday says its name; a technician's own time off only says "Time off":
        the reason is between him and his manager."""
        public = leaves.filtered(lambda leave: not leave.resource_id)
        return public[:1].name or self.env._("Time off")

    def _lane(self, technician, availability):
        work, leaves = availability
        return {
            "id": technician.id,
            "name": technician.name,
            "team_names": technician.fse_team_ids.mapped("display_name"),
            "skill_names": technician.fse_skill_ids.mapped("display_name"),
            "company_names": technician.company_ids.mapped("name"),
            "work": [[self._str(a), self._str(b)] for a, b in work],
            "leaves": [[self._str(a), self._str(b), reason] for a, b, reason in leaves],
        }

    @staticmethod
    def _str(moment):
        return fields.Datetime.to_string(moment) if moment else False

    # ------------------------------------------------------------------ conflicts
    @api.model
    def _conflicts(self, slots, availability=None):
        """{order: [conflict]} of `slots`, [(order, technician, start, end)]: the order placed
        with that technician at that time. The same rules judge the cards on the board and a
        drop before it is saved; the queries are per batch, not per slot. `availability`:
        the technicians' working time over the slots, when the caller has it already."""
        slots = [slot for slot in slots if slot[1] and slot[2] and slot[3]]
        if not slots:
            return {}
        technicians = self.env["res.users"].union(*(slot[1] for slot in slots))
        low = min(slot[2] for slot in slots)
        high = max(slot[3] for slot in slots)
        busy = defaultdict(list)
        for other in self._busy_orders(technicians, low, high):
            busy[other.technician_id].append(other)
        if availability is None:
            availability = self._availability(technicians, low, high)
        result = {}
        for order, technician, start, end in slots:
            work, leaves = availability[technician]
            found = [
                self._conflict(code, message)
                for code, message in self._slot_conflicts(order, technician, start, end, busy[technician], work, leaves)
            ]
            if found:
                result[order] = found
        return result

    def _slot_conflicts(self, order, technician, start, end, busy, work, leaves):
        """(code, message) of each rule the slot breaks, in the board's order (CONFLICT_BLOCKING).
        `busy`: the technician's other orders around the slot; `work`, `leaves`: his time."""
        name = technician.name
        # sudo: the companies he works for, some maybe not the dispatcher's; none is shown.
        if order.company_id.id not in technician.sudo().company_ids.ids:
            yield (
                "company",
                self.env._(
                    "%(technician)s does not work for %(company)s.", technician=name, company=order.company_id.name
                ),
            )
        overlapping = [
            other for other in busy if other != order and other.scheduled_start < end and other.scheduled_end > start
        ]
        if overlapping:
            yield (
                "overlap",
                self.env._(
                    "%(technician)s already has %(orders)s at that time.",
                    technician=name,
                    orders=", ".join(other.name for other in overlapping[:3]),
                ),
            )
        off = [leave for leave in leaves if leave[0] < end and leave[1] > start]
        if off:
            yield "time_off", self.env._("%(technician)s is off: %(reason)s.", technician=name, reason=off[0][2])
        elif not self._covered(start, end, work):
            yield "outside_hours", self.env._("Outside the working hours of %(technician)s.", technician=name)
        missing = order.skill_ids - technician.fse_skill_ids
        if missing:
            yield (
                "skill",
                self.env._(
                    "%(technician)s lacks the skill %(skills)s.",
                    technician=name,
                    skills=", ".join(missing.mapped("display_name")),
                ),
            )
        if order.team_id and technician not in order.team_id.member_ids:
            yield (
                "team",
                self.env._(
                    "%(technician)s is not in the team %(team)s.", technician=name, team=order.team_id.display_name
                ),
            )

    @api.model
    def _busy_orders(self, technicians, low, high):
        # A technician's other jobs count for overlaps even in a company or team the dispatcher
        # cannot see; only their reference is shown.
        return (
            self.env["fse.work.order"]
            .sudo()  # sudo: see above, overlaps across companies and teams
            .search_fetch(
                [
                    ("technician_id", "in", technicians.ids),
                    ("state", "!=", "cancel"),
                    ("scheduled_start", "<", high),
                    ("scheduled_end", ">", low),
                ],
                ["name", "technician_id", "scheduled_start", "scheduled_end"],
            )
        )

    @staticmethod
    def _covered(start, end, work):
        """Whether [start, end) lies within the union of the (sorted) work intervals."""
        cursor = start
        for a, b in sorted(work):
            if a > cursor:
                break
            cursor = max(cursor, b)
            if cursor >= end:
                return True
        return cursor >= end

    @staticmethod
    def _conflict(code, message):
        return {"code": code, "message": message, "blocking": CONFLICT_BLOCKING[code]}

    # ------------------------------------------------------------------ cards
    @api.model
    def _cards(self, orders, conflicts):
        now = fields.Datetime.now()
        type_labels = dict(orders._fields["order_type"]._description_selection(self.env))
        state_labels = dict(orders._fields["state"]._description_selection(self.env))
        priority_labels = dict(orders._fields["priority"]._description_selection(self.env))
        return {
            order: {
                "id": order.id,
                "name": order.name,
                "partner": order.partner_id.display_name or "",
                "city": (order.site_partner_id or order.partner_id).city or "",
                "machine": order.installation_id.name or "",
                "serial": order.installation_id.lot_id.name or "",
                "order_type": order.order_type,
                "order_type_label": type_labels.get(order.order_type, ""),
                "state": order.state,
                "state_label": state_labels.get(order.state, ""),
                "technician_id": order.technician_id.id,
                "start": self._str(order.scheduled_start),
                "end": self._str(order.scheduled_end),
                "hours": self._planned_hours(order),
                "sla_deadline": self._str(order.sla_deadline),
                "sla_level": self._sla_level(order, now),
                "priority": order.priority,
                "priority_label": priority_labels.get(order.priority, ""),
                "parts_waiting": order.parts_waiting,
                "movable": order.state in MOVABLE_STATES,
                "conflicts": conflicts.get(order, []),
            }
            for order in orders
        }

    @staticmethod
    def _planned_hours(order):
        if order.scheduled_start and order.scheduled_end:
            return (order.scheduled_end - order.scheduled_start).total_seconds() / 3600
        return order.duration_estimate or 1.0

    @staticmethod
    def _sla_level(order, now):
        """none, ok, risk (deadline close, or planned to start after it) or breached."""
        if not order.sla_deadline or order.sla_status in ("none", "on_time"):
            return "none" if not order.sla_deadline else "ok"
        if order.sla_status == "late" or order.sla_deadline < now:
            return "breached"
        if order.sla_deadline - now < timedelta(hours=SLA_RISK_HOURS) or (
            order.scheduled_start and order.scheduled_start > order.sla_deadline
        ):
            return "risk"
        return "ok"

    # ------------------------------------------------------------------ planning
    @api.model
    def _plan(self, order, technician, start, end, confirm, seen=None):
        """Put `order` with `technician` from start to end (end: from the estimate): the one
        server call of a drop. Conflicts not confirmed write nothing and are returned for the
        dispatcher to confirm; blocking ones raise. `seen`: the order's technician, start and
        end as the board showed them; when a colleague has moved it since, the drop is
        refused rather than silently undoing his plan. The same drop twice (a double click,
        a retry) plans once."""
        order.check_access("write")
        order._fse_lock()
        self._check_movable(order)
        technician = self._check_technician(technician)
        start = self._moment(start)
        if not start:
            raise UserError(self.env._("Drop work order %(name)s at a time.", name=order.name))
        end = self._moment(end) if end else start + timedelta(hours=order.duration_estimate or 1.0)
        self._check_span(order, start, end)
        target = self._slot(technician, start, end)
        current = self._slot(order.technician_id, order.scheduled_start, order.scheduled_end)
        if current == target and order.state == "scheduled":
            return {"status": "done", "card": self._card(order), "undo": False, "message": ""}
        if seen is not None and self._slot_from(seen) != current:
            raise UserError(
                self.env._(
                    "Work order %(name)s was planned by someone else meanwhile; the board now shows it as it is.",
                    name=order.name,
                )
            )
        conflicts = self._conflicts([(order, technician, start, end)]).get(order, [])
        blocking = [c for c in conflicts if c["blocking"]]
        if blocking:
            raise UserError(blocking[0]["message"])
        if conflicts and not confirm:
            return {"status": "confirm", "conflicts": conflicts}
        undo = {"order_id": order.id, "state": order.state, **current, "planned": target}
        order.write({"technician_id": technician.id, "scheduled_start": start, "scheduled_end": end})
        if order.state == "draft":
            order.action_schedule()
        message = self.env._(
            "%(name)s planned for %(technician)s, %(start)s.",
            name=order.name,
            technician=technician.name,
            start=format_datetime(self.env, start, dt_format="short"),
        )
        if conflicts:
            order.message_post(
                body=self.env._(
                    "Planned from the dispatch board despite: %(conflicts)s",
                    conflicts=" ".join(c["message"] for c in conflicts),
                )
            )
        return {"status": "done", "card": self._card(order), "undo": undo, "message": message}

    @api.model
    def _undo(self, undo):
        """Put an order back where a drop found it (the undo of a notification), unless it
        was moved again since."""
        order_id = undo.get("order_id") if isinstance(undo, dict) else None
        order = self.env["fse.work.order"].browse(order_id if isinstance(order_id, int) else []).exists()
        if not order:
            raise UserError(self.env._("This work order no longer exists."))
        order.check_access("write")
        order._fse_lock()
        self._check_movable(order)
        current = self._slot(order.technician_id, order.scheduled_start, order.scheduled_end)
        if self._slot_from(undo.get("planned")) != current:
            raise UserError(
                self.env._("Work order %(name)s was moved again since; there is nothing to undo.", name=order.name)
            )
        previous = self._slot_from(undo)
        technician_id = previous["technician_id"]
        vals = {
            "technician_id": self._check_technician(technician_id).id if technician_id else False,
            "scheduled_start": self._moment(previous["start"]) or False,
            "scheduled_end": self._moment(previous["end"]) or False,
        }
        if vals["scheduled_start"] and vals["scheduled_end"]:
            self._check_span(order, vals["scheduled_start"], vals["scheduled_end"])
        if undo.get("state") == "draft" and order.state == "scheduled":
            order.action_reset_draft()
        order.write(vals)
        return {"status": "done", "card": self._card(order)}

    def _moment(self, value):
        """A UTC date and time the board sent ("YYYY-MM-DD HH:MM:SS"), or None."""
        if not value:
            return None
        try:
            moment = fields.Datetime.to_datetime(value)
        except (TypeError, ValueError):
            raise UserError(self.env._("%(value)s is not a date and time.", value=value)) from None
        if not FIRST_MOMENT <= moment <= LAST_MOMENT:
            raise UserError(
                self.env._(
                    "%(moment)s is not a date the board plans on (%(first)s to %(last)s).",
                    moment=value,
                    first=FIRST_MOMENT.year,
                    last=LAST_MOMENT.year,
                )
            )
        return moment

    def _check_span(self, order, start, end):
        """Where a drop or an undo puts an order: an end after the start, a visit of at most
        MAX_SPAN (the board's own range)."""
        if end <= start:
            raise UserError(self.env._("Work order %(name)s must end after it starts.", name=order.name))
        if end - start > MAX_SPAN:
            raise UserError(
                self.env._(
                    "Work order %(name)s would last over six weeks: plan so long a job in its form.", name=order.name
                )
            )

    def _slot(self, technician, start, end):
        """An order's place on the board, as the board's calls carry it."""
        return {"technician_id": technician.id or False, "start": self._str(start), "end": self._str(end)}

    def _slot_from(self, values):
        """The same, from what a client sent (ids and times normalised)."""
        values = values or {}
        technician_id = values.get("technician_id") or False if isinstance(values, dict) else None
        if technician_id is not False and (not isinstance(technician_id, int) or isinstance(technician_id, bool)):
            raise UserError(self.env._("The board sent a place it does not know: a technician and two times."))
        start, end = self._moment(values.get("start")), self._moment(values.get("end"))
        return {
            "technician_id": technician_id or False,
            "start": self._str(start),
            "end": self._str(end),
        }

    def _check_movable(self, order):
        if order.state not in MOVABLE_STATES:
            raise UserError(
                self.env._(
                    "Work order %(name)s is %(state)s: only draft and scheduled orders are planned on the board.",
                    name=order.name,
                    state=order._fse_state_label(),
                )
            )

    def _check_technician(self, technician_id):
        if not isinstance(technician_id, int) or isinstance(technician_id, bool):
            raise UserError(self.env._("Drop the order on a technician's lane."))
        technician = self.env["res.users"].browse(technician_id).exists()
        if not technician or not technician.active or technician.share or not technician.has_group(TECHNICIAN_GROUP):
            raise UserError(self.env._("Drop the order on a technician's lane."))
        return technician

    def _card(self, order):
        slot = [(order, order.technician_id, order.scheduled_start, order.scheduled_end)]
        return self._cards(order, self._conflicts(slot))[order]
