import { registry } from "@web/core/registry";

// A small PNG standing for the phone camera's picture.
const AFTER_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

// On a phone: the installation's before photo is on the job; the technician adds the after
// photo (the image field's file input, which the phone offers to fill from its camera) and
// completes the job, which needs both.
registry.category("web_tour.tours").add("fse_technician_phone_photo", {
    steps: () => [
        {
            content: "Open the job from My Day",
            trigger: ".o_kanban_record:contains('Photo Bakery')",
            run: "click",
        },
        {
            content: "Photos tab",
            trigger: ".o_notebook .nav-link:contains('Photos')",
            run: "click",
        },
        {
            content: "The before photo is a card: thumbnail, kind and caption",
            trigger: "div[name='photo_ids'] .o_kanban_record:not(.o-kanban-button-new):contains('Before'):contains('Empty plant room') img",
        },
        {
            content: "Add a photo",
            trigger: "div[name='photo_ids'] .o-kanban-button-new:contains('Add Photo')",
            run: "click",
        },
        {
            content: "It is an after photo",
            trigger: ".modal div[name='kind'] input[data-value='after']",
            run: "click",
        },
        {
            content: "Take the picture",
            // The file input is hidden behind the field's button, as on the phone.
            trigger: ".modal div[name='image'] input[type='file']:not(:visible)",
            async run({ anchor }) {
                const blob = await (await fetch(`data:image/png;base64,${AFTER_PNG}`)).blob();
                const transfer = new DataTransfer();
                transfer.items.add(new File([blob], "after.png", { type: "image/png" }));
                anchor.files = transfer.files;
                anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The picture is in",
            trigger: ".modal div[name='image'] img[src^='data:image/png']",
        },
        {
            content: "Caption",
            trigger: ".modal div[name='caption'] input",
            run: "edit Machine running",
        },
        {
            content: "Save the photo",
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "The after photo is a card too",
            trigger: "div[name='photo_ids'] .o_kanban_record:contains('After'):contains('Machine running')",
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
