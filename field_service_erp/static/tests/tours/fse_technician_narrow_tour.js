import { registry } from "@web/core/registry";
import { assertCards, assertNoSidewaysScroll, assertTouchTargets } from "@field_service_erp/../tests/tours/fse_tour_utils";

// At 360 px, the narrowest common phone: every page a technician opens fits the width,
// lines are cards, and a labor line is entered in its own dialog.
function tab(name) {
    return [
        {
            content: `${name} tab`,
            trigger: `.o_notebook .nav-link:contains('${name}')`,
            run: "click",
        },
        {
            content: `${name} fits the phone`,
            trigger: `.o_notebook .nav-link.active:contains('${name}')`,
            run: assertNoSidewaysScroll,
        },
    ];
}

registry.category("web_tour.tours").add("fse_technician_narrow", {
    steps: () => [
        {
            content: "My Day: overdue first, then today",
            trigger: ".o_kanban_record:first:contains('Overdue'):contains('Narrow Late Bakery')",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Today's job comes next",
            trigger: ".o_kanban_record:contains('Today'):contains('Narrow Bakery')",
            run: "click",
        },
        {
            content: "The running job fits the phone; its buttons and tabs are thumb-sized",
            trigger: ".o_fse_timer_box .o_fse_timer_clock",
            run() {
                assertNoSidewaysScroll();
                assertTouchTargets(".o_statusbar_buttons .btn");
                assertTouchTargets(".o_fse_timer_box .btn");
                assertTouchTargets(".o_notebook .nav-link");
            },
        },
        ...tab("Job"),
        ...tab("Parts"),
        {
            content: "Parts are cards, not a table",
            trigger: "div[name='part_line_ids'] .o_kanban_record:contains('Narrow Gasket With A Long Name For A Small Screen')",
            run() {
                assertCards("the part lines", "div[name='part_line_ids']");
                assertTouchTargets("div[name='part_line_ids'] .o_kanban_record");
            },
        },
        {
            content: "Open the part's card",
            trigger: "div[name='part_line_ids'] .o_kanban_record:contains('Narrow Gasket')",
            run: "click",
        },
        {
            content: "The part's dialog fits",
            trigger: ".modal div[name='quantity']",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Close it",
            trigger: ".modal .o_form_button_cancel, .modal .btn-close",
            run: "click",
        },
        ...tab("Checklist"),
        {
            content: "A check's tick is thumb-sized",
            trigger: "div[name='check_ids'] .o_kanban_record:contains('Oven door closes tight')",
            run: () => assertTouchTargets("div[name='check_ids'] .o_field_boolean_toggle .form-check"),
        },
        ...tab("Sign-off"),
        ...tab("Labor"),
        {
            content: "Add a labor line",
            trigger: "div[name='labor_line_ids'] .o-kanban-button-new, div[name='labor_line_ids'] button:contains('Add')",
            run: "click",
        },
        {
            content: "The labor line has its own dialog",
            trigger: ".modal div[name='hours'] input",
            run: "edit 1:15",
        },
        {
            content: "What was done",
            trigger: ".modal div[name='name'] input",
            run: "edit Checked the oven door",
        },
        {
            content: "The dialog fits",
            trigger: ".modal div[name='name'] input",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Save the line",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The labor line is a card",
            trigger: "div[name='labor_line_ids'] .o_kanban_record:contains('Checked the oven door')",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Save the order",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved, .o_form_view:not(:has(.o_form_button_save:visible))",
        },
    ],
});

// At 360 px: the installed base is cards, and a machine's page with all its tabs fits.
registry.category("web_tour.tours").add("fse_technician_narrow_installation", {
    steps: () => [
        {
            content: "Machines are cards, not a table",
            trigger: ".o_kanban_record:contains('Narrow Oven With A Long Model Name, Hall B')",
            run: () => assertCards("the installed base"),
        },
        {
            content: "Open the machine",
            trigger: ".o_kanban_record:contains('Narrow Oven With A Long Model Name, Hall B')",
            run: "click",
        },
        {
            content: "Its warranty is a badge, not a ribbon over the title",
            trigger: ".o_form_view .oe_title .badge:contains('Under Warranty')",
            run: assertNoSidewaysScroll,
        },
        ...tab("Components"),
        {
            content: "Its components are cards",
            trigger: "div[name='child_ids'] .o_kanban_record:contains('Narrow Door Seal')",
            run: assertNoSidewaysScroll,
        },
        ...tab("Service History"),
        {
            content: "Its history is cards",
            trigger: "div[name='work_order_ids'] .o_kanban_record",
            run: assertNoSidewaysScroll,
        },
        ...tab("Contracts"),
        ...tab("Meter"),
        ...tab("Notes"),
    ],
});
