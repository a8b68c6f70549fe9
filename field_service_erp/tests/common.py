import threading
import time
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, TransactionCase, get_db_name, new_test_user
from odoo.tools import mute_logger


class FseJson2Mixin:
    """Odoo 19's JSON-2 API in an HttpCase, as a phone app or a script calls it: each user
    with an API key of their own."""

    @classmethod
    def _json2_keys(cls, *users):
        """{user: API key} (keys of at most a day, as the users would create them)."""
        expiry = fields.Datetime.now() + timedelta(hours=12)
        return {
            user: cls.env["res.users.apikeys"].with_user(user)._generate("rpc", "fse test", expiry) for user in users
        }

    def _json2_call(self, key, model, method, **params):
        """POST /json/2/<model>/<method> with the key; returns (HTTP status, decoded body)."""
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/json/2/{model}/{method}",
                json=params,
                method="POST",
                headers={"Authorization": f"bearer {key}", "X-Odoo-Database": get_db_name()},
                timeout=30,
            )
        return response.status_code, response.json()


class FseCommon(TransactionCase):
    """A small service company: one customer with a site, a serial-numbered machine,
    two technicians and a dispatcher."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # Start from no checklist templates (demo data may hold some).
        cls.env["fse.checklist.item"].search([]).active = False
        # ...and from no required photos (the demo requires them on installations).
        cls.company.fse_photo_type_ids = False
        cls.customer = cls.env["res.partner"].create({"name": "Test Customer NV", "is_company": True})
        cls.site = cls.env["res.partner"].create(
            {
                "name": "Test Customer, Plant 1",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "street": "Industrieweg 1",
            }
        )
        cls.machine_product = cls.env["product.product"].create(
            {
                "name": "Test Compressor",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        cls.serial = cls.env["stock.lot"].create({"name": "SN-0001", "product_id": cls.machine_product.id})
        cls.installation = cls.env["fse.installation"].create(
            {
                "partner_id": cls.customer.id,
                "site_partner_id": cls.site.id,
                "product_id": cls.machine_product.id,
                "lot_id": cls.serial.id,
                "installation_date": "2025-01-15",
                "warranty_end_date": "2027-01-15",
            }
        )
        cls.tech = new_test_user(
            cls.env,
            login="fse_tech_a",
            name="Tech A",
            groups="field_service_erp.group_fse_technician",
        )
        cls.tech_b = new_test_user(
            cls.env,
            login="fse_tech_b",
            name="Tech B",
            groups="field_service_erp.group_fse_technician",
        )
        cls.dispatcher = new_test_user(
            cls.env,
            login="fse_dispatcher",
            name="Dispatcher",
            groups="field_service_erp.group_fse_dispatcher",
        )
        cls.labor_product = cls.env["product.product"].create(
            {
                "name": "Test Labor",
                "type": "service",
                "uom_id": cls.env.ref("uom.product_uom_hour").id,
                "list_price": 80.0,
            }
        )
        cls.company.fse_labor_product_id = cls.labor_product
        cls.start = datetime(2026, 3, 2, 8, 0)

    @classmethod
    def _order(cls, **vals):
        values = {
            "partner_id": cls.customer.id,
            "installation_id": cls.installation.id,
            "order_type": "corrective",
            "technician_id": cls.tech.id,
            "scheduled_start": cls.start,
            "scheduled_end": cls.start + timedelta(hours=2),
        }
        values.update(vals)
        return cls.env["fse.work.order"].create(values)

    @staticmethod
    def _labor(hours, technician, day="2026-03-02"):
        return Command.create({"technician_id": technician.id, "hours": hours, "date": day})


class FseConcurrentCase(BaseCase):
    """Two real database transactions at once, as two phones or two back-office users
    clicking at the same moment. Tests of this kind commit their own records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def _in_parallel(self, first, second, uids=(SUPERUSER_ID, SUPERUSER_ID)):
        """Run first(env) and second(env) in two transactions; the first holds its locks
        for a second after its work, while the second starts and must wait for it.
        Each runs inside Odoo's own retry-on-serialization-failure loop, as an RPC would.
        Returns what each raised (None when it committed)."""
        first_worked = threading.Event()
        outcome = {}

        def run(name, func, uid, hold):
            def work(env):
                result = func(env)
                if hold:  # keep the transaction (and its row locks) open a while
                    first_worked.set()
                    time.sleep(1.0)
                return result

            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, uid, {})
                    retrying(lambda: work(env), env)  # commits, as an RPC request does
                outcome[name] = None
            except Exception as exc:
                outcome[name] = exc
            finally:
                first_worked.set()

        t1 = threading.Thread(target=run, args=("first", first, uids[0], True))
        t2 = threading.Thread(target=run, args=("second", second, uids[1], False))
        t1.start()
        first_worked.wait(30)
        t2.start()
        t1.join(60)
        t2.join(60)
        return outcome["first"], outcome["second"]
