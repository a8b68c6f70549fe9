import { registry } from "@web/core/registry";
import { assertNoSidewaysScroll } from "@field_service_erp/../tests/tours/fse_tour_utils";

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
