"""Take the screenshots of docs/ from a running Field Service ERP (tools/run.sh).

    python tools/docs_screenshots.py [--url http://localhost:8069] [--db field_service_demo]

Logs in over JSON-RPC, hands the session cookie to headless Chromium through the DevTools
protocol (websocket-client, from requirements-test.txt), opens each page and saves a PNG in
docs/images/. Pages are given as Odoo URLs, so they follow the menus a user clicks.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar

import websocket

DESKTOP = (1440, 900)


def session_id(url, db, login, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = {"jsonrpc": "2.0", "method": "call", "params": {"db": db, "login": login, "password": password}}
    request = urllib.request.Request(
        f"{url}/web/session/authenticate", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    answer = json.loads(opener.open(request).read())
    if answer.get("error"):
        raise SystemExit(f"login {login} failed: {answer['error']['data']['message']}")
    return next(cookie.value for cookie in jar if cookie.name == "session_id")


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="fse-shots-")
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=9333",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(50):
            try:
                targets = json.loads(urllib.request.urlopen("http://127.0.0.1:9333/json").read())
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.counter = 0

    def call(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def shot(self, url, path, size, wait=4.0, clicks=()):
        """Open url, click the given CSS selectors in turn ('selector::text' picks the element
        containing text), and save a PNG."""
        width, height = size
        self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 500
        )
        self.call("Page.navigate", url=url)
        time.sleep(wait)
        for click in clicks:
            selector, _sep, text = click.partition("::")
            script = (
                "(el => { if (el) { el.scrollIntoView(); el.click(); } })("
                f"[...document.querySelectorAll({json.dumps(selector)})]"
                f".find(e => e.textContent.includes({json.dumps(text)})))"
            )
            self.call("Runtime.evaluate", expression=script)
            time.sleep(1.5)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print("saved", path)

    def close(self):
        self.process.terminate()
        shutil.rmtree(self.profile, ignore_errors=True)


PHONE = (390, 844)


def find_id(url, sid, model, domain):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": model, "method": "search", "args": [domain], "kwargs": {"limit": 1}},
    }
    request = urllib.request.Request(
        f"{url}/web/dataset/call_kw",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json", "Cookie": f"session_id={sid}"},
    )
    return json.loads(urllib.request.urlopen(request).read())["result"][0]


def portal_shots(browser, url, db, out):
    """The customer's pages of docs/portal.md, as the demo customer Grace (St. Mary Hospital)."""
    admin = session_id(url, db, "admin", "admin")
    planned = find_id(
        url, admin, "fse.work.order", [("partner_id.name", "=", "St. Mary Hospital"), ("state", "=", "scheduled")]
    )
    done = find_id(
        url, admin, "fse.work.order", [("partner_id.name", "=", "St. Mary Hospital"), ("state", "=", "done")]
    )
    requested = find_id(url, admin, "fse.work.order", [("portal_requested", "=", True)])
    machine = find_id(url, admin, "fse.installation", [("name", "=", "Compressor XR-200 #04")])
    contract = find_id(url, admin, "fse.contract", [("partner_id.name", "=", "St. Mary Hospital")])
    estimate = find_id(url, admin, "fse.work.order", [("estimate_ids.state", "=", "sent")])
    # The back office's side of the estimate, as the dispatcher.
    dispatcher = session_id(url, db, "dispatcher", "dispatcher")
    browser.call("Network.setCookie", name="session_id", value=dispatcher, url=url)
    browser.shot(
        f"{url}/odoo/fse.work.order/{estimate}",
        os.path.join(out, "estimate-back-office.png"),
        DESKTOP,
        wait=15,  # the first page of the web client also loads its assets
        clicks=(".o_notebook .nav-link::Estimate",),
    )
    sid = session_id(url, db, "customer", "customer")
    browser.call("Network.setCookie", name="session_id", value=sid, url=url)
    pages = [
        ("portal-home", "/my", DESKTOP),
        ("portal-visits", "/my/work_orders", DESKTOP),
        ("portal-visit-planned", f"/my/work_orders/{planned}", DESKTOP),
        ("portal-visit-requested", f"/my/work_orders/{requested}", DESKTOP),
        ("portal-visit-done", f"/my/work_orders/{done}", DESKTOP),
        ("portal-machine", f"/my/installations/{machine}", DESKTOP),
        ("portal-request", "/my/request", DESKTOP),
        ("portal-contract", f"/my/contracts/{contract}", DESKTOP),
        ("portal-estimate", f"/my/work_orders/{estimate}#fse_portal_order_estimate", DESKTOP),
        ("portal-phone-estimate", f"/my/work_orders/{estimate}#fse_portal_order_estimate", PHONE),
        ("portal-phone-visits", "/my/work_orders", PHONE),
        ("portal-phone-visit-planned", f"/my/work_orders/{planned}", PHONE),
        ("portal-phone-machine", f"/my/installations/{machine}", PHONE),
    ]
    for name, path, size in pages:
        browser.shot(f"{url}{path}", os.path.join(out, f"{name}.png"), size, wait=3)


def technician_shots(browser, url, db, out):
    """The phone screens of docs/technician-guide.md, as the demo technician Tom."""
    sid = session_id(url, db, "tech", "tech")
    browser.call("Network.setCookie", name="session_id", value=sid, url=url)
    running = find_id(url, sid, "fse.work.order", [("state", "=", "in_progress")])
    waiting = find_id(url, sid, "fse.work.order", [("parts_waiting", "=", True)])
    done = find_id(url, sid, "fse.work.order", [("state", "=", "done"), ("photo_ids", "!=", False)])
    my_day = f"{url}/odoo/action-field_service_erp.action_fse_work_order_my_day"

    def phone(name, path, clicks=(), wait=5):
        browser.shot(path, os.path.join(out, f"{name}.png"), PHONE, wait=wait, clicks=clicks)

    phone("phone-home", f"{url}/odoo", wait=10)  # login lands on My Day
    phone("phone-my-day", my_day)
    phone("phone-order", f"{my_day}/{running}")
    phone("phone-parts", f"{my_day}/{running}", clicks=[".o_notebook .nav-link::Parts"])
    phone(
        "phone-part-picker",
        f"{my_day}/{running}",
        clicks=[".o_notebook .nav-link::Parts", "div[name='scan_product_id'] input"],
    )
    phone("phone-labor", f"{my_day}/{running}", clicks=[".o_notebook .nav-link::Labor", ".o-kanban-button-new"])
    phone(
        "phone-signature",
        f"{my_day}/{running}",
        clicks=[".o_notebook .nav-link::Sign-off", "div[name='signature'] .o_signature"],
    )
    phone("phone-request-parts", f"{my_day}/{running}", clicks=["button[name='action_fse_request_parts']"])
    phone("phone-waiting", f"{my_day}/{waiting}")
    phone(
        "phone-photos",
        f"{url}/odoo/action-field_service_erp.action_fse_work_order_mine/{done}",
        clicks=[".o_notebook .nav-link::Photos"],
    )
    phone("phone-van-stock", f"{url}/odoo/action-field_service_erp.action_fse_my_van")
    phone("phone-service-report", f"{url}/report/html/field_service_erp.report_fse_service/{done}")


def contract_shots(browser, url, db, out):
    """The screens of docs/contracts.md, as the demo administrator."""
    sid = session_id(url, db, "admin", "admin")
    browser.call("Network.setCookie", name="session_id", value=sid, url=url)
    contract = find_id(url, sid, "fse.contract", [("state", "=", "running")])
    base = f"{url}/odoo/action-field_service_erp.action_fse_contract"
    browser.shot(f"{base}/{contract}", os.path.join(out, "contract-form.png"), DESKTOP, wait=5)
    browser.shot(
        f"{base}/{contract}",
        os.path.join(out, "contract-billing.png"),
        DESKTOP,
        wait=5,
        clicks=("a[name='billing']",),
    )
    call = find_id(url, sid, "fse.work.order", [("sla_deadline", "!=", False)])
    browser.shot(
        f"{url}/odoo/action-field_service_erp.action_fse_work_order/{call}",
        os.path.join(out, "order-sla.png"),
        DESKTOP,
        wait=5,
    )


def invoice_shots(browser, url, db, out):
    """docs/billing.md: the draft invoice of a covered work order, as the demo administrator,
    on its form and as the customer's PDF (pages turned into PNG by pdftoppm, poppler-utils)."""
    sid = session_id(url, db, "admin", "admin")
    browser.call("Network.setCookie", name="session_id", value=sid, url=url)
    invoice = find_id(
        url,
        sid,
        "account.move",
        [("invoice_line_ids.fse_work_order_id", "!=", False), ("invoice_line_ids.discount", "=", 100)],
    )
    browser.shot(
        f"{url}/odoo/action-account.action_move_out_invoice_type/{invoice}",
        os.path.join(out, "invoice-covered-form.png"),
        DESKTOP,
        wait=15,
    )
    if not shutil.which("pdftoppm"):
        print("skipped invoice-covered-pdf.png: pdftoppm not found (Debian: apt-get install poppler-utils)")
        return
    request = urllib.request.Request(
        f"{url}/report/pdf/account.report_invoice_with_payments/{invoice}", headers={"Cookie": f"session_id={sid}"}
    )
    with tempfile.TemporaryDirectory() as folder:
        pdf = os.path.join(folder, "invoice.pdf")
        with open(pdf, "wb") as file:
            file.write(urllib.request.urlopen(request).read())
        # The first A4 page at 100 dpi, from the letterhead to the footer (Debian's wkhtmltopdf).
        prefix = os.path.join(out, "invoice-covered-pdf")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "100",
                "-f",
                "1",
                "-singlefile",
                "-x",
                "0",
                "-y",
                "40",
                "-W",
                "827",
                "-H",
                "820",
                pdf,
                prefix,
            ],
            check=True,
        )
    print("saved", f"{prefix}.png")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="field_service_demo")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "docs", "images"))
    parser.add_argument("--only", default="", help="take only the screenshots whose file name contains this")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    shots = [
        # (login, password, path in Odoo, file, viewport)
        ("admin", "admin", "/odoo/action-field_service_erp.action_fse_work_order", "work-orders-list.png", DESKTOP),
        # docs/dispatch-board.md, as the demo dispatcher
        (
            "dispatcher",
            "dispatcher",
            "/odoo/action-field_service_erp.action_fse_dispatch_board",
            "board-day.png",
            DESKTOP,
        ),
        ("admin", "admin", "/odoo/action-field_service_erp.action_fse_installation", "installations.png", DESKTOP),
        (
            "admin",
            "admin",
            "/odoo/action-field_service_erp_billing.action_fse_work_order_to_invoice",
            "to-invoice.png",
            DESKTOP,
        ),
        # docs/reporting.md, as the manager
        (
            "admin",
            "admin",
            "/odoo/action-field_service_erp.action_fse_report_overview",
            "reporting-overview.png",
            DESKTOP,
        ),
        (
            "admin",
            "admin",
            "/odoo/action-field_service_erp_billing.action_fse_report_revenue",
            "reporting-revenue.png",
            DESKTOP,
        ),
        (
            "admin",
            "admin",
            "/odoo/action-field_service_erp_billing.action_fse_report_contract",
            "reporting-contracts.png",
            DESKTOP,
        ),
        (
            "admin",
            "admin",
            "/odoo/action-field_service_erp.action_fse_report_consumption",
            "reporting-consumption.png",
            DESKTOP,
        ),
        (
            "admin",
            "admin",
            "/odoo/action-field_service_erp.action_fse_report_utilisation",
            "reporting-utilisation.png",
            DESKTOP,
        ),
        (
            "admin",
            "admin",
            "/odoo/action-field_service_erp.action_fse_report_installation",
            "reporting-installed-base.png",
            DESKTOP,
        ),
    ]
    shots = [shot for shot in shots if args.only in shot[3]]
    browser = Browser()
    try:
        browser.call("Network.enable")
        warmed = False
        for login, password, path, name, size in shots:
            sid = session_id(args.url, args.db, login, password)
            browser.call("Network.setCookie", name="session_id", value=sid, url=args.url)
            if not warmed:  # the first page also loads the web client's assets
                browser.shot(f"{args.url}{path}", os.path.join(args.out, name), size, wait=10)
                warmed = True
            browser.shot(f"{args.url}{path}", os.path.join(args.out, name), size)
        if args.only in "phone-":
            technician_shots(browser, args.url, args.db, args.out)
        if args.only in "portal-":
            portal_shots(browser, args.url, args.db, args.out)
        if args.only in "contract-order-sla":
            contract_shots(browser, args.url, args.db, args.out)
        if args.only in "invoice-covered-form-pdf":
            invoice_shots(browser, args.url, args.db, args.out)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
