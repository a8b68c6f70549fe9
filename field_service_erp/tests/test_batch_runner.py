"""The batch runner of the scheduled actions (`fse.row.lock._fse_run_batches`) on its own,
with a `process` of the test's making, on two real cursors: what another transaction holds
is skipped and retriggered, a record that fails is reported and the others kept, progress is
committed batch by batch.

These tests commit their own uniquely named records (preventive plans, the simplest model
that has the runner) and remove them afterwards; each run is restricted to them."""

import uuid

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FseConcurrentCase
from .test_cron_concurrency import PLAN_CRON, CronConcurrencyMixin


@tagged("post_install", "-at_install")
class TestBatchRunner(CronConcurrencyMixin, FseConcurrentCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]

        def create(env):
            customer = env["res.partner"].create({"name": f"Runner Customer {tag}", "is_company": True})
            machines = env["fse.installation"].create(
                [{"partner_id": customer.id, "name": f"Runner Unit {i} {tag}"} for i in range(5)]
            )
            plans = env["fse.maintenance.plan"].create(
                [
                    {"name": f"P{i}", "installation_id": machine.id, "interval_type": "week"}
                    for i, machine in enumerate(machines)
                ]
            )
            return customer.id, machines.ids, plans.ids

        self.customer_id, self.machine_ids, self.plan_ids = self._env_call(create)
        self.triggers_before = self._forget_new_triggers(PLAN_CRON)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        def remove(env):
            env["fse.maintenance.plan"].browse(self.plan_ids).unlink()
            env["fse.installation"].browse(self.machine_ids).unlink()
            env["res.partner"].browse(self.customer_id).unlink()

        self._env_call(remove)

    def _names(self):
        """The test's plans' names, as committed: a processed plan's name ends with " *"."""

        def read(env):
            return [plan.name for plan in env["fse.maintenance.plan"].browse(self.plan_ids)]

        return self._env_call(read)

    @staticmethod
    def _mark(plans):
        for plan in plans:
            plan.name += " *"
        return plans

    def _run(self, process, context=None, **kwargs):
        def run(env):
            Plan = env["fse.maintenance.plan"].with_context(**(context or {}))
            result = Plan._fse_run_batches(
                [("id", "in", self.plan_ids)], process, batch_size=2, cron_xmlid=PLAN_CRON, **kwargs
            )
            return result.ids if result is not None else None

        return run

    def _new_triggers(self):
        return self._trigger_ids(PLAN_CRON) - self.triggers_before

    def test_a_record_held_elsewhere_is_skipped_and_retriggered(self):
        held = self.plan_ids[1]  # in the first batch
        release = self._hold(lambda env: env["fse.maintenance.plan"].browse(held)._fse_lock())
        (first_run,) = self._in_threads(self._run(self._mark))
        self.assertEqual(sorted(first_run), sorted(set(self.plan_ids) - {held}), "what process returned, united")
        self.assertEqual(self._names(), ["P0 *", "P1", "P2 *", "P3 *", "P4 *"], "the others are processed, once")
        self.assertEqual(len(self._new_triggers()), 1, "the run schedules itself again for what it skipped")

        release()
        (second_run,) = self._in_threads(self._run(self._mark))
        self.assertEqual(sorted(second_run), sorted(self.plan_ids), "the domain still holds them all")
        self.assertEqual(self._names(), ["P0 * *", "P1 *", "P2 * *", "P3 * *", "P4 * *"], "P1 now too")
        self.assertEqual(len(self._new_triggers()), 1, "nothing skipped: no new trigger")

    def test_an_extra_lock_skips_what_it_leaves_out(self):
        left_out = self.plan_ids[3]
        (run,) = self._in_threads(self._run(self._mark, lock=lambda plans: plans.filtered(lambda p: p.id != left_out)))
        self.assertEqual(self._names(), ["P0 *", "P1 *", "P2 *", "P3", "P4 *"])
        self.assertNotIn(left_out, run)
        self.assertEqual(len(self._new_triggers()), 1, "what the extra lock left out is for a later run")

    def test_a_failing_record_is_reported_and_the_others_kept(self):
        bad = self.plan_ids[2]  # in the second batch, with P3
        failures = []

        def process(plans):
            self._mark(plans)  # undone with the batch when it fails
            if bad in plans.ids:
                raise UserError(plans.env._("no technician for this plan"))
            return plans

        def on_failure(plan, error):
            failures.append((plan.id, str(error)))
            # Called after the failing savepoint is rolled back: it may write, and it is kept.
            plan.name += " failed"

        (run,) = self._in_threads(self._run(process, on_failure=on_failure))
        self.assertEqual(sorted(run), sorted(set(self.plan_ids) - {bad}))
        self.assertEqual(failures, [(bad, "no technician for this plan")])
        self.assertEqual(self._names(), ["P0 *", "P1 *", "P2 failed", "P3 *", "P4 *"], "each success once")
        self.assertFalse(self._new_triggers(), "a failure is no skip: it waits for a person, not a later run")

    def test_an_error_in_on_failure_does_not_stop_the_run(self):
        bad = self.plan_ids[0]

        def process(plans):
            if bad in plans.ids:
                raise UserError(plans.env._("refused"))
            return self._mark(plans)

        def on_failure(plan, error):
            plan.name += " failed"
            raise ValueError("the report itself fails")

        with self.assertLogs("odoo.addons.field_service_erp.models.fse_row_lock", "ERROR"):
            (run,) = self._in_threads(self._run(process, on_failure=on_failure))
        self.assertEqual(sorted(run), self.plan_ids[1:])
        self.assertEqual(self._names(), ["P0", "P1 *", "P2 *", "P3 *", "P4 *"], "the report's own writes undone")

    def test_progress_is_committed_after_each_batch(self):
        cron_id, progress_id = self._env_call(
            lambda env: (
                env.ref(PLAN_CRON).id,
                env["ir.cron.progress"].create({"cron_id": env.ref(PLAN_CRON).id, "remaining": 0, "done": 0}).id,
            )
        )
        self.addCleanup(lambda: self._env_call(lambda env: env["ir.cron.progress"].browse(progress_id).unlink()))

        def progress(env):
            record = env["ir.cron.progress"].browse(progress_id)
            return record.done, record.remaining

        seen = []

        def process(plans):
            # What another transaction sees when each batch starts: the earlier batches, committed.
            seen.append((self._names(), self._env_call(progress)))
            return self._mark(plans)

        context = {"ir_cron_progress_id": progress_id, "cron_id": cron_id}
        (run,) = self._in_threads(self._run(process, context=context))
        self.assertEqual(sorted(run), sorted(self.plan_ids))
        self.assertEqual(
            seen,
            [
                (["P0", "P1", "P2", "P3", "P4"], (0, 5)),
                (["P0 *", "P1 *", "P2", "P3", "P4"], (2, 3)),
                (["P0 *", "P1 *", "P2 *", "P3 *", "P4"], (4, 1)),
            ],
        )
        self.assertEqual(self._env_call(progress), (5, 0))

    def test_a_record_still_matching_is_processed_once_per_run(self):
        calls = []

        def process(plans):
            calls.append(plans.ids)  # changes nothing: the plans still match the domain

        (run,) = self._in_threads(self._run(process))
        self.assertIsNone(run, "process returned nothing")
        self.assertEqual(calls, [self.plan_ids[:2], self.plan_ids[2:4], self.plan_ids[4:]])
