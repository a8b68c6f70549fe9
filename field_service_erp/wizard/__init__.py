from . import fse_work_order_complete
