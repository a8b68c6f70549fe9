from . import fse_work_order_estimate_accept
