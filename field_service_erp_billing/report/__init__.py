from . import fse_report_revenue
from . import fse_report_utilisation
