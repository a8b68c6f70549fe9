import { Component, useState } from "@odoo/owl";
import { useDebounced } from "@web/core/utils/timing";
import { FseBoardCard } from "./card";

/** The orders to plan: no technician or no start, in the server's order (soonest SLA first). */
export class FseBoardQueue extends Component {
    static template = "field_service_erp.FseBoardQueue";
    static components = { FseBoardCard };
    static props = {
        cards: Array,
        search: String,
        onSearch: Function,
        onPointerDown: Function,
        onOpen: Function,
    };

    setup() {
        this.state = useState({ search: this.props.search });
        this.debouncedSearch = useDebounced(() => this.props.onSearch(this.state.search.trim()), 300);
    }

    onInput(ev) {
        this.state.search = ev.target.value;
        this.debouncedSearch();
    }
}
