// Shared steps of the technician's phone tours.

/**
 * Nothing may be wider than the phone: the page does not scroll sideways, no x2many
 * container (parts, labor, checklist, photos) is wider than its box, and no scrolling box
 * inside the page (content, form, tabs' strip, dialog, embedded list) hides content sideways.
 * A box whose overflow is visible does not scroll; what spills out of it is caught by the
 * first scrolling box around it, or by the page.
 */
export function assertNoSidewaysScroll() {
    const page = document.scrollingElement;
    if (page.scrollWidth > window.innerWidth) {
        throw new Error(`the page scrolls sideways: ${page.scrollWidth}px wide in ${window.innerWidth}px`);
    }
    const boxes = document.querySelectorAll(
        ".o_action_manager, .o_content, .o_form_view, .o_form_sheet_bg, .o_kanban_view, .o_notebook_headers, " +
            ".modal-body, .o_field_x2many, .o_list_renderer, .o-mail-Chatter-topbar"
    );
    for (const el of boxes) {
        if (el.scrollWidth <= el.clientWidth + 1) {
            continue;
        }
        const scrolls = ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
        if (scrolls || el.classList.contains("o_field_x2many")) {
            throw new Error(
                `${el.className || el.tagName} scrolls sideways: ${el.scrollWidth}px wide in ${el.clientWidth}px`
            );
        }
    }
}

/** Lines are cards on the phone: no table in `scope` (the whole page by default). */
export function assertCards(what, scope = "body") {
    if (document.querySelector(`${scope} table`)) {
        throw new Error(`${what} is a table on the phone`);
    }
    assertNoSidewaysScroll();
}

/** Draw a stroke on the signature pad of the open dialog, as a finger would. */
export function drawSignature() {
    const canvas = document.querySelector(".modal canvas");
    const box = canvas.getBoundingClientRect();
    const at = (x, y, buttons) => ({
        bubbles: true,
        cancelable: true,
        isPrimary: true,
        pointerId: 1,
        pointerType: "touch",
        button: 0,
        buttons,
        pressure: 0.5,
        clientX: box.left + x,
        clientY: box.top + y,
    });
    canvas.dispatchEvent(new PointerEvent("pointerdown", at(20, 40, 1)));
    for (let i = 1; i <= 12; i++) {
        canvas.dispatchEvent(new PointerEvent("pointermove", at(20 + i * 15, 40 + (i % 2) * 25, 1)));
    }
    canvas.dispatchEvent(new PointerEvent("pointerup", at(200, 50, 0)));
}

/** Every visible element matching `selector` is at least 44 px high (a thumb's target). */
export function assertTouchTargets(selector) {
    const targets = [...document.querySelectorAll(selector)].filter((el) => el.offsetParent);
    if (!targets.length) {
        throw new Error(`no touch target matches ${selector}`);
    }
    for (const el of targets) {
        const { height } = el.getBoundingClientRect();
        if (height < 44) {
            throw new Error(`${selector} "${el.textContent.trim()}" is ${height}px high, under 44px`);
        }
    }
}

// A small PNG standing for the phone camera's picture.
const PICTURE_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** Fill the image field's (hidden) file input as the phone's camera would. */
export async function takePicture({ anchor }) {
    const blob = await (await fetch(`data:image/png;base64,${PICTURE_PNG}`)).blob();
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], "after.png", { type: "image/png" }));
    anchor.files = transfer.files;
    anchor.dispatchEvent(new Event("change", { bubbles: true }));
}

/**
 * A portal page fits the screen: the page does not scroll sideways, and no table of it
 * hides columns behind a sideways scroll.
 */
export function assertPortalFits() {
    const page = document.scrollingElement;
    if (page.scrollWidth > window.innerWidth) {
        throw new Error(`the page scrolls sideways: ${page.scrollWidth}px wide in ${window.innerWidth}px`);
    }
    for (const el of document.querySelectorAll(".table-responsive")) {
        if (el.scrollWidth > el.clientWidth + 1) {
            throw new Error(`a table scrolls sideways: ${el.scrollWidth}px wide in ${el.clientWidth}px`);
        }
    }
}

/** Put a small PNG in the file input `selector`, as choosing a photo from the gallery does. */
export async function choosePhoto(selector, filename = "leak.png") {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 8;
    canvas.getContext("2d").fillRect(0, 0, 8, 8);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], filename, { type: "image/png" }));
    const input = document.querySelector(selector);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}
