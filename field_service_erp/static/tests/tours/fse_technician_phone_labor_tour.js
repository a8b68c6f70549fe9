import { registry } from "@web/core/registry";

// Nothing may be wider than the phone: the page, the form and the dialog only scroll down.
function assertNoSidewaysScroll() {
    const scrollers = [
        document.scrollingElement,
        ...document.querySelectorAll(".o_action_manager, .o_content, .o_form_view, .modal-body"),
    ];
    for (const el of scrollers) {
        if (el.scrollWidth > el.clientWidth + 1) {
            throw new Error(
                `${el.className || el.tagName} scrolls sideways: ${el.scrollWidth}px wide in ${el.clientWidth}px`
            );
        }
    }
}

// On a phone: the timer has run half an hour on a job where the technician already typed
// 1:30; the form shows what the timer will add (nothing), Complete says which time counts.
registry.category("web_tour.tours").add("fse_technician_phone_labor", {
    steps: () => [
        {
            content: "Open the job from My Day",
            trigger: ".o_kanban_record:contains('Labor Bakery')",
            run: "click",
        },
        {
            content: "The timer runs, and will add nothing to the 1:30 typed",
            trigger: ".o_form_view div[name='timer_hours_to_add']:contains('00:00')",
        },
        {
            content: "The timer's time is shown beside it",
            trigger: ".o_form_view div[name='timer_hours']:contains('00:3')",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Complete",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_complete']",
            run: "click",
        },
        {
            content: "Asked which time counts",
            trigger: ".modal div[name='summary']:contains('covers the timer')",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "Done: the report can be sent",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_send_report']",
        },
    ],
});
