{
    "name": "Field Service ERP",
    "summary": "Installed base, work orders, technicians and spare parts inside Odoo",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "author": "Field Service ERP",
    "website": "https://github.com/field-service-erp/field-service-erp",
    "license": "LGPL-3",
    "depends": ["stock_account", "mail"],
    "data": [
        "security/fse_security.xml",
        "security/ir.model.access.csv",
        "security/fse_rules.xml",
        "data/ir_sequence_data.xml",
        "data/product_data.xml",
        "views/fse_installation_views.xml",
        "views/fse_work_order_part_views.xml",
        "views/fse_work_order_labor_views.xml",
        "views/fse_work_order_views.xml",
        "views/res_users_views.xml",
        "views/stock_views.xml",
        "views/res_config_settings_views.xml",
        "views/fse_menus.xml",
    ],
    "demo": [
        "demo/fse_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "field_service_erp/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
