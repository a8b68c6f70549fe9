import {
    Component,
    onMounted,
    onPatched,
    onWillStart,
    onWillUnmount,
    useExternalListener,
    useRef,
    useState,
} from "@odoo/owl";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { RPCError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { useSetupAction } from "@web/search/action_hook";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import {
    CARD_HEIGHT,
    CARD_MIN_WIDTH,
    DAY_START_HOUR,
    LANE_NAME_WIDTH,
    MIN_HOUR_WIDTH,
    SNAP_MINUTES,
    TimeScale,
    VISIBLE_HOURS,
    buildRange,
    formatTime,
    layoutLanes,
    prepareCard,
    rangeLabel,
    snap,
    toMs,
    toServer,
} from "./board_utils";
import { FseBoardLane } from "./lane";
import { FseBoardQueue } from "./queue";

const { DateTime } = luxon;
const MODEL = "fse.work.order";
const HOUR = 3600 * 1000;
// A press that moves less than this is a click (opens the order), not a drag.
const DRAG_THRESHOLD = 4;
const AUTOSCROLL_EDGE = 40;
const SMALL_NAME_WIDTH = 112;

/**
 * The Dispatch Board: technicians' lanes on a day or week timeline, and the queue of orders
 * to plan. The server decides everything (fse_board_data / _plan / _undo); the board draws
 * what it answers, one call per drop, and redraws from the server after each change.
 */
export class FseDispatchBoard extends Component {
    static template = "field_service_erp.FseDispatchBoard";
    static components = { Layout, FseBoardLane, FseBoardQueue };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.actionService = useService("action");
        this.dialog = useService("dialog");
        this.ui = useService("ui");
        this.rootRef = useRef("root");
        this.timelineRef = useRef("timeline");
        this.keepLast = new KeepLast();

        const saved = this.props.state || {};
        // An action may open the board on a day and scale (context fse_board_date / _scale).
        const context = this.props.action?.context || {};
        this.state = useState({
            scale: saved.scale || context.fse_board_scale || "day",
            anchor: saved.anchor || context.fse_board_date || DateTime.local().toISODate(),
            teamId: saved.teamId || false,
            skillId: saved.skillId || false,
            companyId: saved.companyId || false,
            search: saved.search || "",
            version: 0,
            tick: 0,
            busy: false,
        });
        useSetupAction({
            getLocalState: () => ({
                scale: this.state.scale,
                anchor: this.state.anchor,
                teamId: this.state.teamId,
                skillId: this.state.skillId,
                companyId: this.state.companyId,
                search: this.state.search,
            }),
        });

        // Not reactive on purpose: rebuilt as a whole per load, rendered through state.version.
        this.data = { lanes: [], teams: [], skills: [], companies: [] };
        this.loadError = null; // the last load's refusal, shown on an empty board
        this.orders = [];
        this.queue = [];
        this.view = { scale: this.state.scale, lanes: [], header: [], width: 0, nameWidth: this.nameWidth };
        // The range last loaded and drawn (this.range is the one the buttons chose).
        this.drawnRange = null;
        this.press = null;

        onWillStart(() => this.load());
        useExternalListener(window, "pointermove", this.onWindowPointerMove);
        useExternalListener(window, "pointerup", this.onWindowPointerUp);
        useExternalListener(window, "pointercancel", () => this.cancelDrag());
        useExternalListener(window, "keydown", (ev) => ev.key === "Escape" && this.cancelDrag());
        onPatched(() => this.scrollToNow());
        onMounted(() => {
            this.scrollToNow();
            this.resizeObserver = new ResizeObserver(() => this.onResize());
            this.resizeObserver.observe(this.timelineRef.el);
            this.nowTimer = setInterval(() => this.state.tick++, 60 * 1000);
        });
        onWillUnmount(() => {
            this.resizeObserver?.disconnect();
            clearInterval(this.nowTimer);
            this.cancelDrag();
        });
    }

    // ------------------------------------------------------------------
    // Data
    // ------------------------------------------------------------------

    get range() {
        return buildRange(DateTime.fromISO(this.state.anchor), this.state.scale);
    }

    get rangeLabel() {
        return rangeLabel(this.range);
    }

    get filters() {
        const ids = (id) => (id ? [id] : []);
        return {
            team_ids: ids(this.state.teamId),
            skill_ids: ids(this.state.skillId),
            company_ids: ids(this.state.companyId),
            search: this.state.search,
        };
    }

    async load() {
        const range = this.range;
        let data;
        try {
            data = await this.keepLast.add(
                this.orm.call(MODEL, "fse_board_data", [range.start, range.stop, this.filters])
            );
        } catch (error) {
            // Said where the lanes would be too: the notification fades, the empty board stays.
            this.loadError = error instanceof RPCError ? error.data?.message || error.message : null;
            if (!this.drawnRange) {
                this.drawnRange = range; // first load: draw an empty board rather than nothing
                this.relayout();
            }
            this.notifyError(error);
            return;
        }
        this.loadError = null;
        if (this.drawnRange?.start !== range.start || this.drawnRange?.scale !== range.scale) {
            this.scrollPending = true; // a new range: show its "now" (or its start) once drawn
        }
        this.drawnRange = range;
        this.data = data;
        this.serverNow = toMs(data.now);
        this.loadedAt = Date.now();
        this.orders = data.orders.map(prepareCard);
        this.queue = data.queue.map(prepareCard);
        this.relayout();
    }

    /** Positions from the prepared cards: cheap (no date parsing), redone on resize. */
    relayout() {
        const range = this.drawnRange;
        this.hourWidth = this.hourWidthFor(range.scale);
        const scale = new TimeScale(range, this.hourWidth);
        this.scale = scale;
        this.view = {
            scale: range.scale,
            width: scale.width,
            lanes: layoutLanes(this.data.lanes, this.orders, scale, range.scale),
            header: this.buildHeader(range, scale),
            nameWidth: this.nameWidth,
            colWidth: range.scale === "day" ? scale.hourWidth : scale.dayWidth,
        };
        this.state.version++;
    }

    buildHeader(range, scale) {
        if (range.scale === "day") {
            const day = range.days[0];
            const hours = [];
            for (let h = 0; h < VISIBLE_HOURS; h++) {
                const ms = day.date.set({ hour: DAY_START_HOUR + h }).toMillis();
                hours.push({
                    key: h,
                    left: scale.x(ms),
                    width: scale.hourWidth,
                    label: DateTime.fromMillis(ms).toLocaleString({ hour: "numeric" }),
                });
            }
            return hours;
        }
        const step = scale.hourWidth >= 20 ? 2 : 4;
        return range.days.map((day, index) => {
            const ticks = [];
            for (let h = step; h < VISIBLE_HOURS; h += step) {
                ticks.push({
                    key: h,
                    left: h * scale.hourWidth,
                    label: day.date.set({ hour: DAY_START_HOUR + h }).toLocaleString({ hour: "numeric" }),
                });
            }
            return {
                key: day.key,
                left: index * scale.dayWidth,
                width: scale.dayWidth,
                label: day.date.toLocaleString({ weekday: "short", day: "numeric", month: "short" }),
                isToday: day.isToday,
                isWeekend: day.isWeekend,
                iso: day.key,
                ticks,
            };
        });
    }

    /** The width of an hour: the timeline fills its room, down to a minimum (then it scrolls). */
    hourWidthFor(scaleName) {
        const available = this.timelineRef.el?.clientWidth ?? window.innerWidth - (this.ui.isSmall ? 0 : 300);
        const room = available - this.nameWidth - 2;
        const days = scaleName === "week" ? 7 : 1;
        return Math.max(MIN_HOUR_WIDTH[scaleName], Math.floor((room / (VISIBLE_HOURS * days)) * 100) / 100);
    }

    onResize() {
        if (!this.drawnRange) {
            return;
        }
        const width = this.hourWidthFor(this.drawnRange.scale);
        if (Math.abs(width - this.hourWidth) > 0.2 || this.view.nameWidth !== this.nameWidth) {
            this.relayout();
        }
    }

    /** The sticky column of names: narrower on a phone, where every pixel of timeline counts. */
    get nameWidth() {
        return this.ui.isSmall ? SMALL_NAME_WIDTH : LANE_NAME_WIDTH;
    }

    get nowX() {
        void this.state.tick; // re-read each minute
        if (!this.scale || this.serverNow === null || this.serverNow === undefined) {
            return null;
        }
        const now = this.serverNow + (Date.now() - this.loadedAt);
        const days = this.drawnRange.days;
        if (now < days[0].visStart || now > days[days.length - 1].visEnd) {
            return null;
        }
        return this.scale.x(now);
    }

    scrollToNow() {
        const el = this.timelineRef.el;
        if (!this.scrollPending || !el) {
            return;
        }
        this.scrollPending = false;
        const now = this.nowX;
        el.scrollLeft = now === null ? 0 : Math.max(now - (el.clientWidth - this.view.nameWidth) / 3, 0);
    }

    get gridStyle() {
        const view = this.view;
        return `width: ${view.nameWidth + view.width}px; --fse-col-w: ${view.colWidth}px; --fse-name-w: ${view.nameWidth}px;`;
    }

    notifyError(error) {
        if (error instanceof RPCError) {
            this.notification.add(error.data?.message || error.message, { type: "danger" });
            return;
        }
        throw error;
    }

    // ------------------------------------------------------------------
    // Control panel
    // ------------------------------------------------------------------

    setScale(scale) {
        if (scale !== this.state.scale) {
            this.state.scale = scale;
            this.load();
        }
    }

    shift(step) {
        const unit = this.state.scale === "week" ? "weeks" : "days";
        this.state.anchor = DateTime.fromISO(this.state.anchor).plus({ [unit]: step }).toISODate();
        this.load();
    }

    today() {
        this.state.anchor = DateTime.local().toISODate();
        this.load();
    }

    openDay(iso) {
        this.state.anchor = iso;
        this.setScale("day");
    }

    onFilter(key, ev) {
        this.state[key] = Number(ev.target.value) || false;
        this.load();
    }

    onSearch(search) {
        if (search !== this.state.search) {
            this.state.search = search;
            this.load();
        }
    }

    openCalendar() {
        this.actionService.doAction("field_service_erp.action_fse_work_order_dispatch");
    }

    openCard(card) {
        this.actionService.doAction(
            {
                type: "ir.actions.act_window",
                res_model: MODEL,
                res_id: card.id,
                name: card.name,
                views: [[false, "form"]],
                target: "new",
            },
            { onClose: () => this.load() }
        );
    }

    // ------------------------------------------------------------------
    // Drag and drop (pointer events on window, so that hoot's drag in tours works too)
    // ------------------------------------------------------------------

    onCardPointerDown(ev, card, mode) {
        if (ev.button !== 0 || this.drag) {
            return;
        }
        const el = ev.currentTarget.closest(".o_fse_board_card");
        const rect = el.getBoundingClientRect();
        const fromQueue = Boolean(el.closest(".o_fse_board_queue"));
        this.press = {
            card,
            mode,
            el,
            fromQueue,
            x0: ev.clientX,
            y0: ev.clientY,
            // Lane cards keep the grip point under the pointer; queue cards start at the pointer.
            grabX: fromQueue ? 0 : ev.clientX - rect.left,
            grabY: Math.min(ev.clientY - rect.top, CARD_HEIGHT[this.view.scale] / 2),
            track: el.closest(".o_fse_board_track"),
            moved: false,
            started: false,
        };
    }

    onWindowPointerMove(ev) {
        const press = this.press;
        if (!press) {
            return;
        }
        if (!press.started) {
            if (Math.hypot(ev.clientX - press.x0, ev.clientY - press.y0) < DRAG_THRESHOLD) {
                return;
            }
            press.moved = true;
            if (!press.card.movable || this.state.busy) {
                return;
            }
            this.startDrag(press);
        }
        this.updateDrag(ev);
    }

    async onWindowPointerUp(ev) {
        const press = this.press;
        this.press = null;
        if (!press) {
            return;
        }
        if (!press.started) {
            if (!press.moved && press.el.contains(ev.target)) {
                this.openCard(press.card);
            }
            return;
        }
        const drop = this.dropTarget(press, ev);
        this.endDrag(press);
        if (drop) {
            await this.plan(press.card, drop);
        }
    }

    startDrag(press) {
        press.started = true;
        this.drag = press;
        document.body.classList.add("o_fse_board_dragging");
        press.el.classList.add("o_fse_board_drag_source");
        if (press.mode === "resize") {
            press.originalWidth = press.el.style.width;
        } else {
            const ghost = press.el.cloneNode(true);
            ghost.classList.remove("o_fse_board_drag_source", "o_fse_board_queue_card");
            ghost.classList.add("o_fse_board_ghost");
            ghost.removeAttribute("data-order-id");
            const height = CARD_HEIGHT[this.view.scale];
            const width = press.fromQueue
                ? Math.max((press.card.hours || 1) * this.hourWidth, CARD_MIN_WIDTH)
                : press.el.getBoundingClientRect().width;
            Object.assign(ghost.style, { width: `${width}px`, height: `${height}px`, left: "0", top: "0" });
            this.rootRef.el.appendChild(ghost);
            press.ghost = ghost;
        }
        const hint = document.createElement("div");
        hint.className = "o_fse_board_hint";
        this.rootRef.el.appendChild(hint);
        press.hint = hint;
    }

    updateDrag(ev) {
        const press = this.drag;
        if (press.ghost) {
            press.ghost.style.transform = `translate(${ev.clientX - press.grabX}px, ${ev.clientY - press.grabY}px)`;
        }
        const drop = this.dropTarget(press, ev);
        const lane = drop ? drop.laneEl : null;
        if (press.overLane !== lane) {
            press.overLane?.classList.remove("o_fse_board_lane_over");
            lane?.classList.add("o_fse_board_lane_over");
            press.overLane = lane;
        }
        if (drop && press.mode === "resize") {
            press.el.style.width = `${Math.max(this.scale.x(drop.end) - this.scale.x(drop.start), CARD_MIN_WIDTH)}px`;
        }
        press.hint.textContent = drop
            ? press.mode === "resize"
                ? `→ ${formatTime(drop.end)}`
                : `${DateTime.fromMillis(drop.start).toLocaleString({ weekday: "short" })} ${formatTime(drop.start)}`
            : "";
        press.hint.style.display = drop ? "" : "none";
        press.hint.style.transform = `translate(${ev.clientX + 14}px, ${ev.clientY + 16}px)`;
        this.autoScroll(ev);
    }

    autoScroll(ev) {
        const el = this.timelineRef.el;
        const rect = el.getBoundingClientRect();
        if (ev.clientY < rect.top || ev.clientY > rect.bottom) {
            return;
        }
        if (ev.clientX > rect.right - AUTOSCROLL_EDGE && ev.clientX < rect.right) {
            el.scrollLeft += 20;
        } else if (ev.clientX < rect.left + this.nameWidth + AUTOSCROLL_EDGE && ev.clientX > rect.left + this.nameWidth) {
            el.scrollLeft -= 20;
        }
        if (ev.clientY > rect.bottom - AUTOSCROLL_EDGE) {
            el.scrollTop += 20;
        } else if (ev.clientY < rect.top + AUTOSCROLL_EDGE) {
            el.scrollTop -= 20;
        }
    }

    /**
     * Where the press would land: technician and times (ms). Uses the event's target (a real
     * pointer hits through the ghost, which ignores pointer events; hoot dispatches on the
     * element the tour names), and the x of the pointer on the lane's track.
     */
    dropTarget(press, ev) {
        const card = press.card;
        if (press.mode === "resize") {
            const rect = press.track.getBoundingClientRect();
            const minEnd = card.startMs + SNAP_MINUTES * 60 * 1000;
            const end = Math.max(snap(this.scale.time(ev.clientX - rect.left)), minEnd);
            return { technicianId: card.technicianId, start: card.startMs, end, laneEl: press.track.parentElement };
        }
        const laneEl = ev.target instanceof Element ? ev.target.closest(".o_fse_board_lane") : null;
        if (!laneEl) {
            return null;
        }
        const track = laneEl.querySelector(".o_fse_board_track");
        const rect = track.getBoundingClientRect();
        const start = snap(this.scale.time(ev.clientX - rect.left - press.grabX));
        const keep = !press.fromQueue && card.startMs !== null;
        return {
            laneEl,
            technicianId: Number(laneEl.dataset.technicianId),
            start,
            end: keep ? start + (card.endMs - card.startMs) : false,
        };
    }

    endDrag(press) {
        press.ghost?.remove();
        press.hint?.remove();
        press.overLane?.classList.remove("o_fse_board_lane_over");
        press.el.classList.remove("o_fse_board_drag_source");
        if (press.mode === "resize") {
            press.el.style.width = press.originalWidth;
        }
        document.body.classList.remove("o_fse_board_dragging");
        this.drag = null;
    }

    cancelDrag() {
        if (this.drag) {
            this.endDrag(this.drag);
        }
        this.press = null;
    }

    // ------------------------------------------------------------------
    // Server calls
    // ------------------------------------------------------------------

    /** Shows the card at its new place until the server answers (then redraws from it). */
    placePending(card, drop) {
        const moved = {
            ...card,
            technicianId: drop.technicianId,
            startMs: drop.start,
            endMs: drop.end || drop.start + (card.hours || 1) * HOUR,
            pending: true,
        };
        this.orders = [...this.orders.filter((c) => c.id !== card.id), moved];
        this.queue = this.queue.filter((c) => c.id !== card.id);
        this.relayout();
    }

    async plan(card, drop) {
        const args = [card.id, drop.technicianId, toServer(drop.start), drop.end ? toServer(drop.end) : false];
        this.state.busy = true;
        this.placePending(card, drop);
        try {
            // Where this board showed the order: the server refuses the drop when a colleague
            // has moved it since, instead of silently undoing his plan.
            const seen = { technician_id: card.raw.technician_id, start: card.raw.start, end: card.raw.end };
            let result = await this.orm.call(MODEL, "fse_board_plan", args, { confirm: false, seen });
            if (result.status === "confirm") {
                if (!(await this.confirmConflicts(card, result.conflicts))) {
                    return;
                }
                result = await this.orm.call(MODEL, "fse_board_plan", args, { confirm: true, seen });
            }
            if (result.status === "done" && result.undo) {
                this.notifyDone(result);
            }
        } catch (error) {
            this.notifyError(error);
        } finally {
            this.state.busy = false;
            await this.load();
        }
    }

    confirmConflicts(card, conflicts) {
        return new Promise((resolve) => {
            this.dialog.add(
                ConfirmationDialog,
                {
                    title: _t("Schedule %(order)s anyway?", { order: card.name }),
                    body: (conflicts || []).map((c) => `• ${c.message}`).join("\n"),
                    confirmLabel: _t("Schedule anyway"),
                    confirm: () => resolve(true),
                    cancel: () => resolve(false),
                },
                { onClose: () => resolve(false) }
            );
        });
    }

    notifyDone(result) {
        const close = this.notification.add(result.message, {
            type: "success",
            buttons: [
                {
                    name: _t("Undo"),
                    icon: "fa-undo",
                    primary: true,
                    onClick: () => {
                        close();
                        this.undo(result.undo);
                    },
                },
            ],
        });
    }

    async undo(undo) {
        this.state.busy = true;
        try {
            await this.orm.call(MODEL, "fse_board_undo", [undo]);
            this.notification.add(_t("Change undone."), { type: "info" });
        } catch (error) {
            this.notifyError(error);
        } finally {
            this.state.busy = false;
            await this.load();
        }
    }
}

registry.category("actions").add("fse_dispatch_board", FseDispatchBoard);
