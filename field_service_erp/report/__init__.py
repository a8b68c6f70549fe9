from . import fse_report_common
from . import fse_report_consumption
from . import fse_report_utilisation
from . import fse_report_installation
