import { registry } from "@web/core/registry";
import { assertPortalFits, choosePhoto } from "@field_service_erp/../tests/tours/fse_tour_utils";

// The customer on the portal: report a problem on a machine with a photo, confirm a planned
// visit, rate a done one. Run at desktop and phone sizes; every page must fit the screen.
registry.category("web_tour.tours").add("fse_portal_customer", {
    steps: () => [
        {
            content: "The home page counts the customer's visits",
            trigger: ".o_portal_index_card:contains('Service Visits') [data-placeholder_count='fse_order_count']:not(:empty)",
            run: assertPortalFits,
        },
        {
            content: "Open the installed machines",
            trigger: ".o_portal_index_card a[href='/my/installations']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the bottling line",
            trigger: "a:contains('Tour Bottling Line')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The machine's page fits, with its history",
            trigger: "h5:contains('Parts Replaced')",
            run: assertPortalFits,
        },
        {
            content: "Describe the problem",
            trigger: "form.o_fse_request_form textarea[name='description']",
            run: "edit Bottles fall over at the infeed star wheel",
        },
        {
            content: "It is urgent",
            trigger: "form.o_fse_request_form select[name='urgency']",
            run: "select 2",
        },
        {
            content: "Prefer the day after tomorrow...",
            trigger: "form.o_fse_request_form input[name='window_date_1']",
            run() {
                const day = new Date(Date.now() + 2 * 24 * 3600 * 1000);
                this.anchor.value = day.toISOString().slice(0, 10);
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "...in the morning",
            trigger: "form.o_fse_request_form select[name='window_slot_1']",
            run: "select morning",
        },
        {
            content: "Add a photo",
            trigger: "form.o_fse_request_form input[name='photos']",
            run: () => choosePhoto("form.o_fse_request_form input[name='photos']"),
        },
        {
            content: "Send the request",
            trigger: "form.o_fse_request_form button[name='fse_request_send']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request is received and shows as requested",
            trigger: ".alert-success:contains('we received your request')",
            run: assertPortalFits,
        },
        {
            content: "The timeline starts at Requested",
            trigger: ".o_fse_timeline li[data-step='requested'] .fa-check-circle",
        },
        {
            content: "Back to the visits",
            trigger: ".breadcrumb a[href='/my/work_orders']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The list fits the screen",
            trigger: "a:contains('TOUR/PLANNED')",
            run: assertPortalFits,
        },
        {
            content: "Open the planned visit",
            trigger: "a:contains('TOUR/PLANNED')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Confirm it",
            trigger: "button[name='fse_confirm']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The confirmation is taken",
            trigger: ".text-success:contains('You confirmed this visit')",
            run: assertPortalFits,
        },
        {
            content: "Back to the visits",
            trigger: ".breadcrumb a[href='/my/work_orders']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the done visit",
            trigger: "a:contains('TOUR/DONE')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The report can be downloaded",
            trigger: "a:contains('Download the service report')",
            run: assertPortalFits,
        },
        {
            content: "Rate it: happy",
            trigger: "a[name='fse_rate_happy']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Say why",
            trigger: "textarea[name='feedback']",
            run: "edit Fast and tidy, thank you",
        },
        {
            content: "Send the rating",
            trigger: "button:contains('Send Feedback')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked",
            trigger: "h3:contains('Thank you for your feedback')",
            run: assertPortalFits,
        },
    ],
});
