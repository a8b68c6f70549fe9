from . import res_company
from . import res_config_settings
from . import fse_billing_rule
from . import account_move
from . import account_move_line
from . import fse_work_order_labor
from . import fse_work_order_part
from . import fse_work_order
