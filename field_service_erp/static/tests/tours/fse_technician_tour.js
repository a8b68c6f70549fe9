import { registry } from "@web/core/registry";

// A technician opens their work orders, starts the job, records their time and finishes it.
registry.category("web_tour.tours").add("fse_technician_job", {
    steps: () => [
        {
            content: "Open my order from the kanban",
            trigger: ".o_kanban_record:contains('Tour Bakery')",
            run: "click",
        },
        {
            content: "Start the job",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start']",
            run: "click",
        },
        {
            content: "The order is in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='in_progress']",
        },
        {
            content: "Open the Labor tab",
            trigger: ".o_notebook .nav-link:contains('Labor')",
            run: "click",
        },
        {
            content: "Add a labor line",
            trigger: "div[name='labor_line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Hours worked",
            trigger: "div[name='labor_line_ids'] .o_selected_row div[name='hours'] input",
            run: "edit 1:30",
        },
        {
            content: "Describe the work",
            trigger: "div[name='labor_line_ids'] .o_selected_row div[name='name'] input",
            run: "edit Replaced the door seal",
        },
        {
            content: "Finish the job",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_complete']",
            run: "click",
        },
        {
            content: "The order is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='done']",
        },
    ],
});
