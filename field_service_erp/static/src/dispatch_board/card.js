import { Component } from "@odoo/owl";

/**
 * One work order: in a lane (absolutely placed by the board's layout) or in the queue.
 * Pointer handling is the board's: the card only reports where a press started.
 */
export class FseBoardCard extends Component {
    static template = "field_service_erp.FseBoardCard";
    static props = {
        card: Object,
        style: { type: String, optional: true },
        compact: { type: Boolean, optional: true },
        inQueue: { type: Boolean, optional: true },
        onPointerDown: Function,
        onOpen: Function,
    };

    onPointerDown(ev, mode = "move") {
        this.props.onPointerDown(ev, this.props.card, mode);
    }

    /** A card is a button (role="button"): Enter and Space open it. */
    onKeydown(ev) {
        if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault(); // Space would scroll the queue
            this.props.onOpen(this.props.card);
        }
    }
}
