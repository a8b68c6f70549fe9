import { registry } from "@web/core/registry";
import {
    assertNoSidewaysScroll,
    drawSignature,
    takePicture,
} from "@field_service_erp/../tests/tours/fse_tour_utils";

// On a phone, one thumb: open the job from My Day, start it (the timer runs), add a part
// from the van's cards and the valve by its serial, take the after photo, tick the
// checklist, let the customer draw the signature, and complete it. No page may scroll
// sideways.
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
            // On a phone the field opens Odoo's full-screen picker of cards: what the van
            // holds first, with its quantity, and no price.
            content: "Open the part picker",
            trigger: "div[name='scan_product_id'] input",
            run: "click",
        },
        {
            content: "The van's parts come first, with what the van holds, and no price",
            trigger: ".modal .o_kanban_record:first:contains('On hand')",
            run() {
                const cards = [...document.querySelectorAll(".modal .o_kanban_record")];
                const names = cards.map((card) => card.textContent);
                if (!names[0].includes("Phone Filter") && !names[0].includes("Phone Valve")) {
                    throw new Error(`the first card is not a van part: ${names[0]}`);
                }
                if (names.some((name) => /price/i.test(name))) {
                    throw new Error("the part picker shows a price");
                }
                assertNoSidewaysScroll();
            },
        },
        {
            content: "Pick the filter from the van's cards",
            trigger: ".modal .o_kanban_record:contains('Phone Filter')",
            run: "click",
        },
        {
            content: "The filter is on the order, as a card",
            trigger: "div[name='part_line_ids'] .o_kanban_record:contains('Phone Filter')",
            run: assertNoSidewaysScroll,
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
            content: "Photos tab",
            trigger: ".o_notebook .nav-link:contains('Photos')",
            run: "click",
        },
        {
            content: "The before photo taken on arrival is a card",
            trigger: "div[name='photo_ids'] .o_kanban_record:not(.o-kanban-button-new):contains('Before'):contains('Old valve leaking') img",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Add a photo",
            trigger: "div[name='photo_ids'] .o-kanban-button-new",
            run: "click",
        },
        {
            content: "It is the after photo",
            trigger: ".modal div[name='kind'] input[data-value='after']",
            run: "click",
        },
        {
            content: "Take the picture",
            // The file input is hidden behind the field's button, as on the phone.
            trigger: ".modal div[name='image'] input[type='file']:not(:visible)",
            run: takePicture,
        },
        {
            content: "The picture is in",
            trigger: ".modal div[name='image'] img[src^='data:image/png']",
        },
        {
            content: "Caption",
            trigger: ".modal div[name='caption'] input",
            run: "edit New valve fitted",
        },
        {
            content: "The photo's dialog fits the phone",
            trigger: ".modal div[name='caption'] input",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Save the photo",
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "The after photo is a card too",
            trigger: "div[name='photo_ids'] .o_kanban_record:contains('After'):contains('New valve fitted')",
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
