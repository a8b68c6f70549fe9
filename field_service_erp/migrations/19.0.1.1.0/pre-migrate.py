"""19.0.1.1.0: work orders get a stored service date (the day their work counts for).

Filled here in SQL, with the same rule as `fse.work.order._fse_service_date` (completed, else
scheduled, else reported; in the technician's time zone), before the ORM sees the new
column: computed by the ORM on upgrade, it would recompute the coverage of every existing
line that depends on it, overwriting coverage the back office had set by hand."""


def migrate(cr, version):
    cr.execute("ALTER TABLE fse_work_order ADD COLUMN IF NOT EXISTS service_date date")
    cr.execute(
        """
        UPDATE fse_work_order wo
           SET service_date = (COALESCE(src.date_done, src.scheduled_start, src.date_reported, src.create_date)
                               AT TIME ZONE 'UTC'
                               AT TIME ZONE COALESCE(NULLIF(tp.tz, ''), NULLIF(cp.tz, ''), 'UTC'))::date
          FROM fse_work_order src
          JOIN res_company c ON c.id = src.company_id
          JOIN res_partner cp ON cp.id = c.partner_id
          LEFT JOIN res_users tu ON tu.id = src.technician_id
          LEFT JOIN res_partner tp ON tp.id = tu.partner_id
         WHERE src.id = wo.id
        """
    )
