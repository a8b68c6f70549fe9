from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_analytic_distribution(self):
        """Parts consumed on a work order cost its analytic distribution (its contract's
        account): Odoo's own stock valuation then writes the analytic cost line."""
        # sudo: whoever validates the move (an Inventory user without field-service rights,
        # e.g. on a return) books the order's analytic cost; only the distribution is read.
        distribution = self.fse_work_order_id.sudo().analytic_distribution
        if distribution:
            return distribution
        return super()._get_analytic_distribution()
