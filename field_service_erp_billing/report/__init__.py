from . import fse_report_revenue
from . import fse_report_utilisation
from . import fse_report_contract
