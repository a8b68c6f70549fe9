import { registry } from "@web/core/registry";

// The dispatcher opens a work order with a sent estimate and reads its Estimate tab (a form
// whose view expressions the web client must be able to evaluate).
registry.category("web_tour.tours").add("fse_estimate_back_office", {
    steps: () => [
        {
            content: "The work order form is open",
            trigger: ".o_form_view .o_field_widget[name='name']",
        },
        {
            content: "Open the Estimate tab",
            trigger: ".o_notebook .nav-link:contains('Estimate')",
            run: "click",
        },
        {
            content: "The estimate is shown with its lines",
            trigger: ".o_form_view div[name='fse_estimate_id']:contains('EST/')",
        },
        {
            content: "and the list of all the order's estimates",
            trigger: ".o_form_view div[name='estimate_ids'] .o_data_row",
        },
    ],
});
