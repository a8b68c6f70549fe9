from odoo import models
from odoo.tools import SQL


class FseRowLock(models.AbstractModel):
    """The row lock of the field-service records that people and scheduled actions change
    at the same time (work orders, contracts, preventive plans). See docs/contracts.md,
    "Concurrent runs"."""

    _name = "fse.row.lock"
    _description = "Field Service Row Lock"

    # FOR NO KEY UPDATE instead of FOR UPDATE: the lock does not make a transaction that
    # only refers to the row (a foreign key to it, e.g. a new work order of a plan) wait.
    _fse_lock_no_key = False

    def _fse_lock(self, skip_locked=False):
        """Lock these rows for this transaction and return the records locked: two people,
        or a person and a scheduled action, acting on the same record serialize here, and
        the second one sees what the first one committed (or is retried by the server on a
        serialization error). The cache of the locked records is invalidated, so they are
        read again as the lock found them.

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
        # request, a scheduled action the batch), so it is not logged as an error.
        self.env.cr.execute(query, log_exceptions=False)
        locked = self
        if skip_locked:
            ids = {row[0] for row in self.env.cr.fetchall()}
            locked = self.browse([id_ for id_ in self._ids if id_ in ids])
        locked.invalidate_recordset()
        return locked
