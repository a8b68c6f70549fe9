import { registry } from "@web/core/registry";
import { assertCards, assertNoSidewaysScroll } from "@field_service_erp/../tests/tours/fse_tour_utils";

// At 360 px: the van's stock is a list of cards with quantities.
registry.category("web_tour.tours").add("fse_technician_van_stock", {
    steps: () => [
        {
            content: "The van's stock: one card per part, with its quantity",
            trigger: ".o_kanban_record:contains('Van Tour Hose'):contains('4.00')",
            run: () => assertCards("the van's stock"),
        },
    ],
});

// At 360 px: the pick-up the back office prepared is a card; the technician confirms it.
registry.category("web_tour.tours").add("fse_technician_van_transfer", {
    steps: () => [
        {
            content: "The prepared pick-up is a card",
            trigger: ".o_kanban_record:contains('VAN-TOUR-PICKUP')",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Open it",
            trigger: ".o_kanban_record:contains('VAN-TOUR-PICKUP')",
            run: "click",
        },
        {
            content: "The transfer fits the phone",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_fse_validate_van_transfer']",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Confirm the parts are loaded",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_fse_validate_van_transfer']",
            run: "click",
        },
        {
            content: "Confirmed: the button is gone",
            trigger: ".o_form_view:not(:has(button[name='action_fse_validate_van_transfer']))",
        },
    ],
});
