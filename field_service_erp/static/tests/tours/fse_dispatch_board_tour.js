import { queryOne } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";

// The dispatcher plans a queued order on the board: onto Anna at 10:00, then to Ben (who lacks
// the order's skill: confirmed, the card keeps its badge), then stretched to end at 13:00.
const LANE_A = ".o_fse_board_lane:has(.o_fse_board_lane_name:contains('Board Tour Anna'))";
const LANE_B = ".o_fse_board_lane:has(.o_fse_board_lane_name:contains('Board Tour Ben'))";
const ORDER = ":contains('Board Tour Customer')";
const FIRST_HOUR = 6; // the day scale starts at 06:00 (board_utils.DAY_START_HOUR)

/** x on a lane's track of `hour` o'clock today, on the day scale. */
function trackX(lane, hour) {
    const track = queryOne(`${lane} .o_fse_board_track`);
    const grid = document.querySelector(".o_fse_board_grid");
    const hourWidth = parseFloat(getComputedStyle(grid).getPropertyValue("--fse-col-w"));
    return { track, x: (hour - FIRST_HOUR) * hourWidth };
}

function closeNotifications() {
    for (const button of document.querySelectorAll(".o_notification .o_notification_close")) {
        button.click();
    }
}

registry.category("web_tour.tours").add("fse_dispatch_board", {
    steps: () => [
        {
            content: "Day scale",
            trigger: ".o_fse_board_scale_day",
            run: "click",
        },
        {
            content: "A lane per technician",
            trigger: `${LANE_A} .o_fse_board_work`,
        },
        {
            content: "Ben's lane too",
            trigger: LANE_B,
        },
        {
            content: "The queue holds the unplanned order; drag it onto Anna at 10:00",
            trigger: `.o_fse_board_queue .o_fse_board_queue_card${ORDER}`,
            async run(helpers) {
                const { x } = trackX(LANE_A, 10);
                await helpers.drag_and_drop(`${LANE_A} .o_fse_board_track`, {
                    position: { left: x + 1, top: 10 },
                    relative: true,
                });
            },
        },
        {
            content: "Planned: the success notification offers Undo",
            trigger: ".o_notification:contains('planned for Board Tour Anna') button:contains('Undo')",
            run: closeNotifications,
        },
        {
            content: "The card is on Anna's lane, the queue no longer has it",
            trigger: `${LANE_A} .o_fse_board_lane_card${ORDER}`,
        },
        {
            content: "Drag it to Ben, same time",
            trigger: `${LANE_A} .o_fse_board_lane_card${ORDER}`,
            async run(helpers) {
                const card = this.anchor.getBoundingClientRect();
                const { track } = trackX(LANE_A, 10);
                const x = card.left + card.width / 2 - track.getBoundingClientRect().left;
                await helpers.drag_and_drop(`${LANE_B} .o_fse_board_track`, {
                    position: { left: x, top: 10 },
                    relative: true,
                });
            },
        },
        {
            content: "Ben lacks the skill: the board asks before planning",
            trigger: ".modal:contains('lacks the skill') .modal-footer .btn-primary:contains('Schedule anyway')",
            run: "click",
        },
        {
            content: "Reassigned",
            trigger: ".o_notification:contains('planned for Board Tour Ben')",
            run: closeNotifications,
        },
        {
            content: "The card on Ben's lane keeps a warning badge",
            trigger: `${LANE_B} .o_fse_board_lane_card${ORDER} .o_fse_board_conflict_badge`,
        },
        {
            content: "Stretch it to end at 13:00",
            trigger: `${LANE_B} .o_fse_board_lane_card${ORDER} .o_fse_board_resize`,
            async run(helpers) {
                const { x } = trackX(LANE_B, 13);
                await helpers.drag_and_drop(`${LANE_B} .o_fse_board_track`, {
                    position: { left: x + 1, top: 10 },
                    relative: true,
                });
            },
        },
        {
            content: "Ben's skill conflict again: confirm",
            trigger: ".modal .modal-footer .btn-primary:contains('Schedule anyway')",
            run: "click",
        },
        {
            content: "The card now lasts three hours",
            trigger: `${LANE_B} .o_fse_board_lane_card${ORDER} .o_fse_board_duration:contains('3:00')`,
        },
    ],
});
