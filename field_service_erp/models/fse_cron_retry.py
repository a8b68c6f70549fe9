"""What the batched crons do when they meet another run or a click on the same rows: count the
conflicts of a batch (a row that conflicts too often waits for a later run) and re-trigger the
cron shortly for what the run skipped. See docs/contracts.md, "Concurrent runs"."""

from datetime import timedelta

from odoo import fields
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

__all__ = ["PG_CONCURRENCY_EXCEPTIONS_TO_RETRY", "note_conflict", "retrigger_later"]

CRON_CONFLICT_ATTEMPTS = 3
CRON_RETRY_DELAY = timedelta(minutes=1)


def note_conflict(records, conflicts, skipped):
    """A concurrent change rolled back the batch `records`: count it in `conflicts` ({id: n});
    the records that met one CRON_CONFLICT_ATTEMPTS times are added to `skipped`."""
    for record in records:
        conflicts[record.id] += 1
        if conflicts[record.id] >= CRON_CONFLICT_ATTEMPTS:
            skipped.append(record.id)


def retrigger_later(env, cron_xmlid):
    """Run the cron `cron_xmlid` again shortly, for what this run skipped, and commit."""
    cron = env.ref(cron_xmlid, raise_if_not_found=False)
    if cron:
        # Scheduling the company's own job again is no right of the user who ran it (a
        # button may run these methods too): the trigger is written as superuser.
        cron.sudo()._trigger(fields.Datetime.now() + CRON_RETRY_DELAY)
    env["ir.cron"]._commit_progress()
