from . import test_installation
from . import test_work_order_lifecycle
from . import test_security
from . import test_stock_consumption
from . import test_concurrency
from . import test_tours
from . import test_signoff_report
from . import test_reports
