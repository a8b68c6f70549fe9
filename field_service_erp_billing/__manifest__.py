{
    "name": "Field Service ERP Billing",
    "summary": "Draft customer invoices from completed work orders: coverage, billing rules, never twice",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "author": "Field Service ERP",
    "website": "https://github.com/field-service-erp/field-service-erp",
    "license": "LGPL-3",
    "depends": ["field_service_erp", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/fse_billing_rules.xml",
        "data/ir_cron_data.xml",
        "views/fse_billing_rule_views.xml",
        "views/fse_work_order_views.xml",
        "views/fse_contract_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/fse_billing_menus.xml",
    ],
    "demo": [
        "demo/fse_billing_demo.xml",
    ],
}
