import { registry } from "@web/core/registry";
import { assertNoSidewaysScroll, drawSignature } from "@field_service_erp/../tests/tours/fse_tour_utils";

// The customer opens the order the estimate e-mail links to, reads the estimate (its lines,
// coverage, totals and how it is invoiced), and accepts it with their name and a drawn
// signature. Run at desktop size and on a phone, where nothing may scroll sideways.
function approveEstimateSteps() {
    return [
        {
            content: "The estimate waits for the customer's answer",
            trigger: ".o_fse_portal_estimate:contains(Waiting for your answer)",
        },
        {
            content: "Its lines, totals and invoicing mode are shown",
            trigger: ".o_fse_portal_estimate .o_fse_estimate_total:contains(210.00)",
            run() {
                if (!document.querySelector(".o_fse_portal_estimate .o_fse_estimate_mode")) {
                    throw new Error("the estimate does not say how it is invoiced");
                }
                assertNoSidewaysScroll();
            },
        },
        {
            content: "Accept & Sign",
            trigger: ".o_fse_portal_estimate .o_fse_estimate_accept",
            run: "click",
        },
        {
            content: "The customer writes their name",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Grace Tour",
        },
        {
            content: "and draws the signature",
            trigger: ".modal .o_web_sign_draw_button",
            run: "click",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run() {
                drawSignature();
                assertNoSidewaysScroll();
            },
        },
        {
            content: "Send the acceptance",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page says the estimate is accepted, by whom",
            trigger: ".o_fse_portal_estimate .o_fse_estimate_signed:contains(Grace Tour)",
            run() {
                assertNoSidewaysScroll();
            },
        },
    ];
}

registry.category("web_tour.tours").add("fse_estimate_portal_approve", { steps: approveEstimateSteps });
registry.category("web_tour.tours").add("fse_estimate_portal_approve_phone", { steps: approveEstimateSteps });
