import { registry } from "@web/core/registry";
import { assertNoSidewaysScroll, drawSignature } from "@field_service_erp/../tests/tours/fse_tour_utils";

// On a phone, one thumb: open the job from My Day, start it (the timer runs), add a part
// from the van's cards and the valve by its serial, tick the checklist, let the customer
// draw the signature, and complete it. No page may scroll sideways.
registry.category("web_tour.tours").add("fse_technician_phone", {
    steps: () => [
        {
            content: "My Day fits the phone",
            trigger: ".o_kanban_record:contains('Phone Bakery')",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Open the job from My Day",
            trigger: ".o_kanban_record:contains('Phone Bakery')",
            run: "click",
        },
        {
            content: "The job's form fits the phone",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start']",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Start",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start']",
            run: "click",
        },
        {
            content: "The timer runs on the form, with Pause under the thumb",
            trigger: ".o_fse_timer_box .o_fse_timer_running .o_fse_timer_clock:contains('00:00:')",
        },
        {
            content: "Pause is there",
            trigger: ".o_fse_timer_box button[name='action_timer_pause']",
            run: assertNoSidewaysScroll,
        },
        // The job lasts a little over a minute, so the timer has something to record
        // (a step may wait at most 60 s, hence two).
        {
            content: "Started: work for half a minute",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_complete']",
            run: () => new Promise((resolve) => setTimeout(resolve, 31000)),
            timeout: 40000,
        },
        {
            content: "...and another half minute: the clock has moved on",
            trigger: ".o_fse_timer_clock:contains('00:00:3'), .o_fse_timer_clock:contains('00:00:4'), .o_fse_timer_clock:contains('00:00:5')",
            run: () => new Promise((resolve) => setTimeout(resolve, 31000)),
            timeout: 40000,
        },
        {
            content: "Parts tab",
            trigger: ".o_notebook .nav-link:contains('Parts')",
            run: "click",
        },
        {
            content: "Open the serial picker",
            trigger: "div[name='scan_lot_id'] input",
            run: "click",
        },
        {
            content: "Pick the valve's serial",
            trigger: ".modal .o_kanban_record:contains('V-PHONE-1')",
            run: "click",
        },
        {
            content: "The valve is on the order",
            trigger: "div[name='part_line_ids'] .o_kanban_record:contains('V-PHONE-1')",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Checklist tab",
            trigger: ".o_notebook .nav-link:contains('Checklist')",
            run: "click",
        },
        {
            content: "Tick the check on its card",
            trigger: "div[name='check_ids'] .o_kanban_record:contains('Door seal tested') .o_field_boolean_toggle input",
            run: "click",
        },
        {
            content: "Ticked",
            trigger: "div[name='check_ids'] .o_kanban_record:contains('Door seal tested') .o_field_boolean_toggle input:checked",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Sign-off tab",
            trigger: ".o_notebook .nav-link:contains('Sign-off')",
            run: "click",
        },
        {
            content: "Signer's name",
            trigger: "div[name='signed_by'] input",
            run: "edit Jane Customer",
        },
        {
            content: "Open the signature pad",
            trigger: "div[name='signature'] .o_signature",
            run: "click",
        },
        {
            content: "The pad opens in Draw mode, with no Auto (a typed name is no signature)",
            trigger: ".modal .o_web_sign_draw_button.active",
            run() {
                if (document.querySelector(".modal .o_web_sign_auto_button")) {
                    throw new Error("the signature pad offers Auto");
                }
                assertNoSidewaysScroll();
            },
        },
        {
            content: "The customer draws the signature",
            trigger: ".modal canvas",
            run: drawSignature,
        },
        {
            content: "Adopt and sign",
            trigger: ".modal .modal-footer button.btn-primary:enabled",
            run: "click",
        },
        {
            content: "Signed",
            trigger: "div[name='signature'] img.o_signature",
        },
        {
            content: "Complete",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_complete']",
            run: "click",
        },
        {
            content: "Done: the report can be sent",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_send_report']",
            run: assertNoSidewaysScroll,
        },
    ],
});
