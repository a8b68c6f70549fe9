"""19.0.1.1.0: invoice lines link to what they bill by typed keys instead of a string.

Before, a line carried `fse_source_ref` ("labor,<id>", "part,<id>" or "callout,<order id>")
and "never twice" was a unique index on it. Now the line has a kind (`fse_source_kind`) and a
foreign key, and one partial unique index per kind of key. This step fills the kinds and keys
from the old strings and from the contract links, then drops the old column (and its index).
The labor and part keys of lines whose source was deleted stay empty, as before."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'account_move_line' AND column_name = 'fse_source_ref'"
    )
    if not cr.fetchone():
        return
    # Work order sources: the kind is the part before the comma; the key, after it, is kept
    # only while the labor or part line still exists.
    cr.execute(
        """
        UPDATE account_move_line aml
           SET fse_source_kind = split_part(aml.fse_source_ref, ',', 1),
               fse_labor_id = CASE WHEN split_part(aml.fse_source_ref, ',', 1) = 'labor'
                                   THEN (SELECT l.id FROM fse_work_order_labor l
                                          WHERE l.id = split_part(aml.fse_source_ref, ',', 2)::int)
                                   ELSE aml.fse_labor_id END,
               fse_part_id = CASE WHEN split_part(aml.fse_source_ref, ',', 1) = 'part'
                                  THEN (SELECT p.id FROM fse_work_order_part p
                                         WHERE p.id = split_part(aml.fse_source_ref, ',', 2)::int)
                                  ELSE aml.fse_part_id END
         WHERE aml.fse_source_ref IS NOT NULL
           AND split_part(aml.fse_source_ref, ',', 1) IN ('labor', 'part', 'callout')
        """
    )
    _logger.info("Typed billing links: %s work order invoice lines converted", cr.rowcount)
    # Contract fees: the first line billing a fee, machine and period is the fee; later lines
    # for the same key are the corrections that followed machines joining or leaving.
    cr.execute(
        """
        WITH ranked AS (
            SELECT id, row_number() OVER (
                       PARTITION BY fse_contract_period_id, fse_contract_line_id, COALESCE(fse_installation_id, 0)
                       ORDER BY id) AS rank
              FROM account_move_line
             WHERE fse_contract_line_id IS NOT NULL AND fse_source_kind IS NULL
        )
        UPDATE account_move_line aml
           SET fse_source_kind = CASE WHEN ranked.rank = 1 AND aml.fse_contract_period_id IS NOT NULL
                                      THEN 'contract_fee' ELSE 'contract_adjustment' END
          FROM ranked
         WHERE ranked.id = aml.id
        """
    )
    _logger.info("Typed billing links: %s contract fee invoice lines converted", cr.rowcount)
    # The coverage kind of a line billed under a contract's percentages was told, before, by a
    # flag: kept as the contract kind.
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'account_move_line' "
        "AND column_name = 'fse_contract_covered'"
    )
    if cr.fetchone():
        cr.execute(
            "UPDATE account_move_line SET fse_coverage_kind = 'contract' "
            "WHERE fse_contract_covered AND fse_coverage_kind IS NULL"
        )
        cr.execute("ALTER TABLE account_move_line DROP COLUMN fse_contract_covered")
    cr.execute("ALTER TABLE account_move_line DROP COLUMN fse_source_ref")
