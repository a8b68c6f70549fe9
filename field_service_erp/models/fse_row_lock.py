import logging
from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .fse_cron_retry import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, note_conflict, retrigger_later

_logger = logging.getLogger(__name__)


class FseRowLock(models.AbstractModel):
    """The row lock of the field-service records that people and scheduled actions change
    at the same time (work orders, contracts, preventive plans), and the one batch runner
    of their scheduled actions. See docs/contracts.md, "Concurrent runs"."""

    _name = "fse.row.lock"
    _description = "Field Service Row Lock"

    # FOR NO KEY UPDATE instead of FOR UPDATE: the lock does not make a transaction that
    # only refers to the row (a foreign key to it, e.g. a new work order of a plan) wait.
    _fse_lock_no_key = False

    def _fse_lock(self, skip_locked=False):
        """Lock these rows for this transaction and return the records locked: two people,
        or a person and a scheduled action, acting on the same record serialize here, and
        the second one sees what the first one committed (or is retried by the server on a
        serialization error). The cached columns of the locked rows are invalidated, so they
        are read again as the lock found them.

        A person's click waits for the lock and gets every record back. Scheduled actions
        pass `skip_locked`: the records another transaction holds are left out (to be
        retried later) instead of waited for. Either way, a row changed by a transaction
        committed since this one started raises a serialization failure."""
        if not self:
            return self
        query = SQL(
            "SELECT id FROM %s WHERE id = ANY(%s) %s%s",
            SQL.identifier(self._table),
            list(self._ids),
            SQL("FOR NO KEY UPDATE") if self._fse_lock_no_key else SQL("FOR UPDATE"),
            SQL(" SKIP LOCKED") if skip_locked else SQL(),
        )
        # A serialization failure here is expected under concurrency (the server retries the
        # request, the runner the batch), so it is not logged as an error.
        self.env.cr.execute(query, log_exceptions=False)
        locked = self
        if skip_locked:
            ids = {row[0] for row in self.env.cr.fetchall()}
            locked = self.browse([id_ for id_ in self._ids if id_ in ids])
        # The row's own columns: what the lock reads again. Lines and other related records
        # are rows of their own tables (and their own locks); their cache is kept.
        locked.invalidate_recordset([name for name, field in self._fields.items() if field.column_type and field.store])
        return locked

    @api.model
    def _fse_run_batches(
        self, domain, process, *, batch_size, cron_xmlid, order="company_id, id", lock=None, on_failure=None
    ):
        """Run `process(records)` on every record of `domain`, batch by batch, committing
        after each batch: a crash loses at most the batch under way, and a re-run finishes
        the job. The scheduled actions of the add-ons (work order and contract invoicing,
        preventive visits, contract renewals and expiries) are all this loop.

        - Progress: the records left are counted and given to `ir.cron._commit_progress`
          before the first batch and after each one (it commits; a run out of time stops
          there, and the cron runs again for the rest).
        - A batch is `batch_size` records of `domain` in `order`, of one company (the first
          one's, when the model has companies): `process` gets them in that company
          (`with_company`).
        - Beside other runs and people's clicks: in a savepoint, the batch is locked with
          `_fse_lock(skip_locked=True)`, then with `lock(records)` if given (an extra lock,
          e.g. the work orders' contracts; it returns the records to keep). Records another
          transaction holds are skipped, not waited for, and the run goes on with the
          others. A batch whose rows changed since it was read (PostgreSQL's serialization
          failure, a lock or deadlock error) is undone and read again in the next
          transaction; after CRON_CONFLICT_ATTEMPTS tries its records are skipped too. A
          run that skipped anything triggers `cron_xmlid` again shortly (`retrigger_later`).
        - A UserError (ValidationError included) undoes the batch, which is then done again
          record by record, each success committed: only the records that fail are left
          out, logged, and given to `on_failure(record, error)` after their savepoint is
          rolled back (so it may write, e.g. an activity for a person; what it writes is
          committed with the run's next progress, and an error in it is logged, not
          raised). This is what the work-order invoicing did; contract billing used to
          leave the whole batch to a person, and preventive visits and renewals used to
          stop the run.
        - A record is processed at most once per run: the records processed, skipped or
          failed are not searched again (a record that still matches `domain` after
          `process` waits for the next run instead of looping this one).

        Returns what the calls of `process` returned, combined: recordsets united, other
        values added up (None is ignored); None when `process` never ran."""
        seen, skipped, conflicts = [], [], defaultdict(int)
        results = []
        Cron = self.env["ir.cron"]

        def todo():
            return Domain(domain) & Domain("id", "not in", seen + skipped)

        def attempt(records, company):
            """Lock and process `records` in a savepoint: (the records processed, what
            `process` returned). A concurrent change undoes it all (None processed); a
            UserError undoes it and is raised."""
            try:
                with self.env.cr.savepoint():
                    locked = records._fse_lock(skip_locked=True)
                    if lock and locked:
                        locked = lock(locked)
                    result = process(locked.with_company(company)) if locked else None
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                # Nothing of it is kept; the next transaction reads it afresh.
                self.env.invalidate_all()
                note_conflict(records, conflicts, skipped)
                _logger.info("%s %s changed under the run (%s), retrying", self._description, records.ids, error.pgcode)
                return records.browse(), None
            skipped.extend((records - locked).ids)
            return locked, result

        def report(record, error):
            _logger.warning("%s %s not processed: %s", self._description, record.display_name, error)
            if on_failure:
                try:
                    with self.env.cr.savepoint():
                        on_failure(record, error)
                except Exception:
                    _logger.exception("Reporting the failure of %s %s failed", self._description, record.id)
                    self.env.invalidate_all()

        remaining = self.search_count(todo())
        Cron._commit_progress(remaining=remaining)
        while remaining:
            has_company = "company_id" in self._fields
            # The companies come with the search (no query of their own before the lock).
            batch = self.search_fetch(todo(), ["company_id"] if has_company else [], limit=batch_size, order=order)
            if not batch:
                break
            company = None
            if has_company:
                company = batch[0].company_id
                batch = batch.filtered(lambda r, c=company: r.company_id == c)
            try:
                done, result = attempt(batch, company)
                results.append(result)
            except UserError:
                # One record spoils the batch: do it again record by record, keeping each success.
                self.env.invalidate_all()
                done = self.browse()
                for record in batch:
                    try:
                        locked, result = attempt(record, company)
                    except UserError as error:
                        self.env.invalidate_all()
                        seen.append(record.id)
                        report(record, error)
                        continue
                    done |= locked
                    results.append(result)
                    Cron._commit_progress()
            seen.extend(done.ids)
            remaining = self.search_count(todo())
            if not Cron._commit_progress(len(done), remaining=remaining):
                break
        if skipped:
            _logger.info("%s %s busy elsewhere: left for a later run", self._description, skipped)
            retrigger_later(self.env, cron_xmlid)
        return _combine(results)


def _combine(results):
    """What the batches returned, as one value: recordsets united, other values added up."""
    combined = None
    for result in results:
        if result is None:
            continue
        if combined is None:
            combined = result
        elif isinstance(combined, models.BaseModel):
            combined |= result
        else:
            combined += result
    return combined
