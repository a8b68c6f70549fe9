"""Technicians never see prices or costs: the one rule, for the screens and the API alike.

A field-service technician with no back-office role reads no sales price, cost or stock
value of a part: not in our screens (which never show them), and not over JSON-RPC or
JSON-2, where Odoo's own rights would let any internal user with stock-move read rights
(which technicians need for their van transfers) read them. Users with a role that works
with prices (dispatcher, Inventory, Invoicing, Sales, Purchase) and everybody who is no
technician keep Odoo's rights, unchanged."""

# The price and cost fields hidden from technicians, per model.
PRICE_FIELDS = {
    "product.template": {"list_price", "standard_price"},
    "product.product": {"list_price", "lst_price", "standard_price", "price_extra", "avg_cost", "total_value"},
    "stock.move": {"value", "value_manual", "remaining_value", "price_unit", "standard_price"},
}
TECHNICIAN_GROUP = "field_service_erp.group_fse_technician"
# Roles that work with prices: a technician who also has one of them sees prices as that role.
PRICE_ROLES = (
    "field_service_erp.group_fse_dispatcher",
    "stock.group_stock_user",
    "account.group_account_invoice",
    "account.group_account_readonly",
    "sales_team.group_sale_salesman",
    "purchase.group_purchase_user",
)


def fse_price_hidden(record):
    """Whether the current user may not read the price fields of `record`'s model. The
    models' _has_field_access asks it only for those fields (PRICE_FIELDS), so that every
    other field read stays Odoo's."""
    return not record.env.su and record.env.user._fse_hides_prices()
