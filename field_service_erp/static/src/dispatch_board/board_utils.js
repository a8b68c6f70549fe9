import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, getStartOfLocalWeek, serializeDateTime } from "@web/core/l10n/dates";

const { DateTime } = luxon;

// The hours of a day the timeline shows (local time); work outside them is drawn at the edges.
export const DAY_START_HOUR = 6;
export const DAY_END_HOUR = 22;
export const VISIBLE_HOURS = DAY_END_HOUR - DAY_START_HOUR;
export const SNAP_MINUTES = 15;
export const LANE_NAME_WIDTH = 180;
// Smallest width of an hour, per scale: below it the timeline scrolls sideways.
export const MIN_HOUR_WIDTH = { day: 56, week: 12 };
export const CARD_HEIGHT = { day: 74, week: 40 };
export const CARD_GAP = 4;
export const CARD_MIN_WIDTH = 28;

const HOUR = 3600 * 1000;
const SNAP = SNAP_MINUTES * 60 * 1000;

/** Milliseconds since the epoch of a server UTC string, or null. */
export function toMs(value) {
    return value ? deserializeDateTime(value).toMillis() : null;
}

export function toServer(ms) {
    return serializeDateTime(DateTime.fromMillis(ms));
}

export function snap(ms) {
    return Math.round(ms / SNAP) * SNAP;
}

/** "2:00 h" for 2.0 */
export function formatHours(hours) {
    const minutes = Math.round((hours || 0) * 60);
    const h = Math.floor(minutes / 60);
    const m = String(minutes % 60).padStart(2, "0");
    return _t("%(hours)s:%(minutes)s h", { hours: h, minutes: m });
}

const TIME_FORMAT = { hour: "numeric", minute: "2-digit" };

export function formatTime(ms) {
    return DateTime.fromMillis(ms).toLocaleString(TIME_FORMAT);
}

function formatDayTime(ms) {
    return DateTime.fromMillis(ms).toLocaleString({ weekday: "short", ...TIME_FORMAT });
}

/**
 * The visible range of a scale around an anchor day (luxon, local time): its days and, for
 * each, the visible window in ms. Days are local calendar days (DST-proof: built with luxon).
 */
export function buildRange(anchor, scale) {
    const first = scale === "week" ? getStartOfLocalWeek(anchor) : anchor.startOf("day");
    const count = scale === "week" ? 7 : 1;
    const days = [];
    for (let i = 0; i < count; i++) {
        const day = first.plus({ days: i });
        days.push({
            key: day.toISODate(),
            date: day,
            visStart: day.set({ hour: DAY_START_HOUR }).toMillis(),
            visEnd: day.set({ hour: DAY_END_HOUR }).toMillis(),
            isToday: day.hasSame(DateTime.local(), "day"),
            isWeekend: [6, 7].includes(day.weekday),
        });
    }
    const end = first.plus({ days: count });
    return {
        scale,
        first,
        end,
        days,
        start: serializeDateTime(first),
        stop: serializeDateTime(end),
    };
}

export function rangeLabel(range) {
    if (range.scale === "day") {
        return range.first.toLocaleString(DateTime.DATE_HUGE);
    }
    const last = range.end.minus({ days: 1 });
    const sameYear = range.first.year === last.year;
    const from = range.first.toLocaleString(
        sameYear ? { month: "short", day: "numeric" } : DateTime.DATE_MED
    );
    return `${from} – ${last.toLocaleString(DateTime.DATE_MED)}`;
}

/**
 * Maps times to pixels and back, given the range and the width of an hour.
 * Between two days' visible windows (the night) every time maps to the day boundary.
 */
export class TimeScale {
    constructor(range, hourWidth) {
        this.range = range;
        this.hourWidth = hourWidth;
        this.dayWidth = hourWidth * VISIBLE_HOURS;
        this.width = this.dayWidth * range.days.length;
    }

    x(ms) {
        const days = this.range.days;
        for (let i = 0; i < days.length; i++) {
            const day = days[i];
            if (ms <= day.visEnd) {
                const within = Math.min(Math.max((ms - day.visStart) / (day.visEnd - day.visStart), 0), 1);
                return (i + within) * this.dayWidth;
            }
        }
        return this.width;
    }

    time(x) {
        const days = this.range.days;
        const clamped = Math.min(Math.max(x, 0), this.width - 0.001);
        const index = Math.min(Math.floor(clamped / this.dayWidth), days.length - 1);
        const day = days[index];
        const within = (clamped - index * this.dayWidth) / this.dayWidth;
        return day.visStart + within * (day.visEnd - day.visStart);
    }
}

const SLA_CLASS = {
    ok: "text-bg-light border",
    risk: "text-bg-warning",
    breached: "text-bg-danger",
};
const STATE_CLASS = {
    draft: "text-bg-secondary",
    scheduled: "text-bg-info",
    in_progress: "text-bg-primary",
    done: "text-bg-success",
};

/**
 * Everything a card shows, computed once per load (no work in the templates).
 */
export function prepareCard(card) {
    const startMs = toMs(card.start);
    let endMs = toMs(card.end);
    if (startMs !== null && (endMs === null || endMs <= startMs)) {
        endMs = startMs + Math.max(card.hours || 1, 0.25) * HOUR;
    }
    const slaMs = toMs(card.sla_deadline);
    const machine = card.machine
        ? card.serial
            ? _t("%(machine)s (%(serial)s)", { machine: card.machine, serial: card.serial })
            : card.machine
        : "";
    const hours = startMs !== null ? (endMs - startMs) / HOUR : card.hours;
    const durationLabel = formatHours(hours);
    let slaLabel = "";
    if (slaMs !== null) {
        const sameDay = startMs !== null && DateTime.fromMillis(slaMs).hasSame(DateTime.fromMillis(startMs), "day");
        slaLabel = _t("SLA %(time)s", { time: sameDay ? formatTime(slaMs) : formatDayTime(slaMs) });
    }
    const conflictTitle = (card.conflicts || []).map((c) => c.message).join("\n");
    const place = [card.partner, card.city].filter(Boolean).join(", ");
    const tooltip = [
        card.name,
        place,
        machine,
        [card.order_type_label, durationLabel].filter(Boolean).join(" · "),
        startMs !== null ? `${formatDayTime(startMs)} – ${formatTime(endMs)}` : "",
        slaLabel,
        card.state_label,
        card.parts_waiting ? _t("Waiting for parts") : "",
        conflictTitle,
    ]
        .filter(Boolean)
        .join("\n");
    return {
        id: card.id,
        raw: card,
        technicianId: card.technician_id || false,
        startMs,
        endMs,
        hours: hours || 0,
        name: card.name,
        partner: card.partner,
        city: card.city,
        place,
        machine,
        typeLabel: card.order_type_label,
        typeClass: `o_fse_board_type_${card.order_type}`,
        stateLabel: card.state_label,
        stateClass: STATE_CLASS[card.state] || "text-bg-secondary",
        durationLabel,
        whenLabel: startMs !== null ? formatDayTime(startMs) : "",
        slaLabel,
        slaClass: SLA_CLASS[card.sla_level] || "",
        priority: Number(card.priority || 0),
        priorityLabel: _t("Priority: %(priority)s", { priority: card.priority_label }),
        partsWaiting: Boolean(card.parts_waiting),
        movable: Boolean(card.movable),
        conflictTitle,
        hasBlocking: (card.conflicts || []).some((c) => c.blocking),
        tooltip,
        pending: false,
    };
}

function intervals(list, scale) {
    const blocks = [];
    for (const [start, end, reason] of list || []) {
        const left = scale.x(toMs(start));
        const right = scale.x(toMs(end));
        if (right - left < 0.5) {
            continue;
        }
        const last = blocks[blocks.length - 1];
        if (last && !reason && Math.abs(last.left + last.width - left) < 0.5) {
            last.width = right - last.left; // touching intervals: one block
            continue;
        }
        blocks.push({ left, width: right - left, reason: reason || "" });
    }
    return blocks;
}

/**
 * Pixel layout of the lanes: each card gets left/width/top; overlapping cards go to
 * sub-rows (first row where they fit), so none hides another. O(cards x rows) per lane.
 */
export function layoutLanes(lanes, prepared, scale, scaleName) {
    const cardHeight = CARD_HEIGHT[scaleName];
    const byLane = new Map(lanes.map((lane) => [lane.id, []]));
    for (const card of prepared) {
        const list = byLane.get(card.technicianId);
        if (list && card.startMs !== null) {
            list.push(card);
        }
    }
    return lanes.map((lane) => {
        const cards = byLane.get(lane.id).sort((a, b) => a.startMs - b.startMs || a.id - b.id);
        const rowEnds = [];
        const placed = cards.map((card) => {
            const left = scale.x(card.startMs);
            const width = Math.max(scale.x(card.endMs) - left, CARD_MIN_WIDTH);
            let row = rowEnds.findIndex((end) => end <= left + 0.5);
            if (row === -1) {
                row = rowEnds.length;
                rowEnds.push(0);
            }
            rowEnds[row] = left + width;
            return {
                card,
                style: `left: ${left}px; width: ${width}px; top: ${CARD_GAP + row * (cardHeight + CARD_GAP)}px; height: ${cardHeight}px;`,
            };
        });
        const rows = Math.max(rowEnds.length, 1);
        return {
            id: lane.id,
            name: lane.name,
            teams: (lane.team_names || []).join(", "),
            skills: (lane.skill_names || []).join(", "),
            title: [lane.name, ...(lane.team_names || []), ...(lane.skill_names || []), ...(lane.company_names || [])]
                .filter(Boolean)
                .join("\n"),
            height: CARD_GAP + rows * (cardHeight + CARD_GAP),
            work: intervals(lane.work, scale),
            leaves: intervals(lane.leaves, scale).map((leave) => ({
                ...leave,
                reason: leave.reason || _t("Time off"),
            })),
            cards: placed,
            count: cards.length,
        };
    });
}
