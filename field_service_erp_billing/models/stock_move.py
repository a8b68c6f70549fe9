from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_analytic_distribution(self):
        """Parts consumed on a work order cost its analytic distribution (its contract's
        account): Odoo's own stock valuation then writes the analytic cost line."""
        if self.fse_work_order_id.analytic_distribution:
            return self.fse_work_order_id.analytic_distribution
        return super()._get_analytic_distribution()
