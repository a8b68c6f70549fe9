import { Component } from "@odoo/owl";
import { FseBoardCard } from "./card";

/** A technician's row: name, working time, time off and his cards. */
export class FseBoardLane extends Component {
    static template = "field_service_erp.FseBoardLane";
    static components = { FseBoardCard };
    static props = {
        lane: Object,
        width: Number,
        compact: Boolean,
        onPointerDown: Function,
        onOpen: Function,
    };
}
