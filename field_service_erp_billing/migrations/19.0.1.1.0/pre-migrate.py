"""19.0.1.1.0: labor and part lines get a coverage kind (warranty, contract, planned visit,
set by hand), which replaces comparing the coverage reason with the contract's label.

Filled here in SQL before the ORM sees the new column: computed by the ORM on upgrade, the
shared compute would recompute the percentage and reason of every existing line too,
overwriting coverage the back office had set by hand. The old reasons were written in the
language of whoever created the line; those written in another language than English are
taken as set by hand (which only means the contract's allowances leave them alone)."""

from odoo.tools import SQL


def migrate(cr, version):
    for table in ("fse_work_order_labor", "fse_work_order_part"):
        cr.execute(SQL("ALTER TABLE %s ADD COLUMN IF NOT EXISTS coverage_kind varchar", SQL.identifier(table)))
        cr.execute(
            SQL(
                """
                UPDATE %(table)s line
                   SET coverage_kind = CASE
                           WHEN line.coverage_reason IS NULL OR line.coverage_reason = '' THEN NULL
                           WHEN line.coverage_reason LIKE 'Warranty until %%' THEN 'warranty'
                           WHEN line.coverage_reason = 'Contract ' || c.name || ': planned visit included'
                               THEN 'contract_visit'
                           WHEN line.coverage_reason = 'Contract ' || c.name THEN 'contract'
                           ELSE 'manual' END
                  FROM fse_work_order wo
                  LEFT JOIN fse_contract c ON c.id = wo.contract_id
                 WHERE wo.id = line.order_id
                """,
                table=SQL.identifier(table),
            )
        )
