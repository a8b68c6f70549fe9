from . import res_company
from . import res_config_settings
from . import res_users
from . import fse_installation
from . import fse_work_order
from . import fse_work_order_part
from . import fse_work_order_labor
