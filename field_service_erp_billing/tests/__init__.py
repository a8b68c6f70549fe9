from . import test_invoicing
from . import test_billing_rules
from . import test_invoice_concurrency
from . import test_contract_billing
from . import test_contract_concurrency
from . import test_reports
from . import test_cogs
from . import test_accountant_access
