import { registry } from "@web/core/registry";

// On a phone: open the job from My Day, start it, scan the part's serial, let the customer
// sign, and complete it.
registry.category("web_tour.tours").add("fse_technician_phone", {
    steps: () => [
        {
            content: "Open the job from My Day",
            trigger: ".o_kanban_record:contains('Phone Bakery')",
            run: "click",
        },
        {
            content: "Start",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start']",
            run: "click",
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
            content: "...and another half minute",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_complete']",
            run: () => new Promise((resolve) => setTimeout(resolve, 31000)),
            timeout: 40000,
        },
        {
            content: "Parts tab",
            trigger: ".o_notebook .nav-link:contains('Parts')",
            run: "click",
        },
        {
            // On a phone the field opens Odoo's full-screen record picker (the camera button
            // beside it needs a real camera; the picker is what it falls back to).
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
            trigger: "div[name='part_line_ids'] .o_data_row:contains('V-PHONE-1')",
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
            content: "Sign with the name",
            trigger: ".modal .o_web_sign_auto_button",
            run: "click",
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
        },
    ],
});
