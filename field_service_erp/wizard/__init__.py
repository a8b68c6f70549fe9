from . import fse_work_order_complete
from . import fse_work_order_part_request
from . import fse_work_order_part_request_line
