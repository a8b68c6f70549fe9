import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

import { Component, onWillDestroy, onWillUpdateProps, useState } from "@odoo/owl";

/**
 * The work order's running timer, ticking every second: HH:MM:SS.
 *
 * The server's value (the time on the timer when the record was read) is the base; the
 * widget adds the seconds elapsed since then on this device, so a phone whose clock is
 * off still shows the right time. Paused (no `timer_running`), it shows the base alone.
 */
export class FseTimerField extends Component {
    static template = "field_service_erp.FseTimerField";
    static props = { ...standardFieldProps };

    setup() {
        this.state = useState({ now: Date.now() });
        this.base = this.readBase(this.props);
        this.interval = setInterval(() => (this.state.now = Date.now()), 1000);
        onWillUpdateProps((next) => {
            if (next.record.data[next.name] !== this.base.hours) {
                this.base = this.readBase(next);
            }
        });
        onWillDestroy(() => clearInterval(this.interval));
    }

    readBase(props) {
        return { hours: props.record.data[props.name] || 0, at: Date.now() };
    }

    get running() {
        return Boolean(this.props.record.data.timer_running);
    }

    get seconds() {
        let seconds = this.base.hours * 3600;
        if (this.running) {
            seconds += Math.max(0, (this.state.now - this.base.at) / 1000);
        }
        return Math.floor(seconds);
    }

    get display() {
        const s = this.seconds;
        const pad = (n) => String(n).padStart(2, "0");
        return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
    }

    get label() {
        return this.running ? _t("Running") : _t("Paused");
    }
}

export const fseTimerField = {
    component: FseTimerField,
    displayName: _t("Running timer"),
    supportedTypes: ["float"],
    fieldDependencies: [{ name: "timer_running", type: "boolean" }],
};

registry.category("fields").add("fse_timer", fseTimerField);
