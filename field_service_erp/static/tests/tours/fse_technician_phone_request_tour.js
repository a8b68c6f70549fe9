import { registry } from "@web/core/registry";
import { assertNoSidewaysScroll } from "@field_service_erp/../tests/tours/fse_tour_utils";

// On a phone: open a job, ask the warehouse for a part the van lacks, and see the job wait.
registry.category("web_tour.tours").add("fse_technician_phone_request", {
    steps: () => [
        {
            content: "Open the job from My Day",
            trigger: ".o_kanban_record:contains('Request Bakery')",
            run: "click",
        },
        {
            content: "Request Parts, in the sheet (the header's buttons hide behind a menu)",
            trigger: ".o_form_view .o_form_sheet button[name='action_fse_request_parts']",
            run: "click",
        },
        {
            content: "The request's dialog fits the phone",
            trigger: ".modal div[name='line_ids']",
            run: assertNoSidewaysScroll,
        },
        {
            content: "Add a part to the request",
            trigger: ".modal div[name='line_ids'] .o-kanban-button-new",
            run: "click",
        },
        {
            content: "Open the part picker",
            trigger: ".modal div[name='product_id'] input",
            run: "click",
        },
        {
            content: "Pick the label sensor (the van has none)",
            trigger: ".modal .o_kanban_record:contains('Label Sensor')",
            run: "click",
        },
        {
            content: "Two of them",
            trigger: ".modal div[name='quantity'] input",
            run: "edit 2",
        },
        {
            content: "Keep the line",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The line is on the request",
            trigger: ".modal div[name='line_ids'] .o_kanban_record:contains('Label Sensor')",
        },
        {
            content: "Confirm the request",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The job waits for its parts, and the page does not scroll sideways",
            trigger: "body:not(:has(.modal)) .o_form_view .o_fse_parts_waiting:contains('Waiting for parts')",
            run: assertNoSidewaysScroll,
        },
    ],
});
