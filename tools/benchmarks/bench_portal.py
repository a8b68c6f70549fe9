"""The customer portal's pages at the volume the issue names, through real HTTP requests.

Starts an Odoo server on the benchmark database (one thread, no cron), logs in as the portal
users of gen_portal_data.py and asks each page: the first call (the page's templates are
compiled then) and RUNS more, of which the median and the fastest are shown (the fastest is
the least disturbed by other processes on a shared machine). The time and the query count are
the server's own, read from its request log line (Odoo appends "queries, SQL time, other
time" to each werkzeug line): no network, no client parsing.

Rows:
* the pages of the customer with 5,000 orders and 1,000 machines (portal_bench_main), and the
  query count of the same pages for the customer with 500 orders and 100 machines
  (portal_bench_small): equal counts mean that a page's queries do not grow with the volume;
* the reference measured in the same run: Odoo's own invoice list (/my/invoices) and the
  home counters without ours (the JSON call of /my with only the counters of Odoo's tiles).

Checks (the script fails otherwise): every page answers 200 with its content; the home
counters are the customer's own numbers (computed here in SQL from the visibility rules,
whatever the other customers hold); the far list page lists orders.

Run through `tools/bench.sh portal`, or
`python tools/benchmarks/bench_portal.py --config <odoo.conf> --db <database> [--port 8489]`
with the Python of Odoo's environment.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2
import requests

RUNS = 9
LIMIT_MS = 150
USERS = ("portal_bench_main", "portal_bench_small")
LOG_LINE = re.compile(r'werkzeug: .*"(?:GET|POST) (\S+) HTTP/[\d.]+" (\d+) - (\d+) ([\d.]+) ([\d.]+)')


def start_server(args, logfile):
    command = [
        sys.executable, "-m", "odoo", "server", "-c", args.config, "-d", args.db,
        f"--db-filter=^{args.db}$", f"--http-port={args.port}", "--workers=0", "--max-cron-threads=0",
        f"--logfile={logfile}", "--log-level=warn", "--log-handler=werkzeug:INFO",
    ]  # fmt: skip
    return subprocess.Popen(command)


def wait_for_server(url):
    for _attempt in range(120):
        try:
            if requests.get(f"{url}/web/health", timeout=30).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit("The Odoo server did not start.")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class LogReader:
    """The server's request lines, read as they come."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def next_request(self, path):
        """(queries, ms) of the next logged request to `path`."""
        for _attempt in range(1000):
            with open(self.path, encoding="utf-8", errors="replace") as log:
                log.seek(self.offset)
                while True:
                    line = log.readline()
                    if not line.endswith("\n"):
                        break
                    self.offset = log.tell()
                    match = LOG_LINE.search(line)
                    if match and match.group(1).split("?")[0] == path:
                        return int(match.group(3)), 1000 * (float(match.group(4)) + float(match.group(5)))
            time.sleep(0.01)
        raise SystemExit(f"No server log line for {path}.")


class Portal:
    def __init__(self, url, log, login):
        self.url, self.log = url, log
        self.session = requests.Session()
        page = self.session.get(f"{url}/web/login", timeout=300).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = self.session.post(
            f"{url}/web/login",
            data={"login": login, "password": login, "csrf_token": csrf, "redirect": "/my"},
            timeout=300,
        )
        if "/web/login" in answer.url:
            raise SystemExit(f"{login} could not log in.")
        self.log.next_request("/web/login")
        self.log.next_request("/web/login")
        self.log.next_request("/my")

    def get(self, path):
        answer = self.session.get(self.url + path, timeout=300, allow_redirects=False)
        queries, ms = self.log.next_request(path)
        return answer, queries, ms

    def counters(self, names):
        answer = self.session.post(
            f"{self.url}/my/counters",
            json={"jsonrpc": "2.0", "method": "call", "params": {"counters": names}},
            timeout=300,
        )
        queries, ms = self.log.next_request("/my/counters")
        return answer, queries, ms

    def measure(self, call):
        """First call, then RUNS more: (answer, first ms, [ms of the others], queries of each call)."""
        answer, queries, first = call()
        counts, times = [queries], []
        for _run in range(RUNS):
            answer, queries, ms = call()
            counts.append(queries)
            times.append(ms)
        return answer, first, times, counts


def customer_data(db, login):
    """Ids of the pages to ask for, and the counters expected (from the visibility rules in SQL)."""
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT p.commercial_partner_id FROM res_users u JOIN res_partner p ON p.id = u.partner_id "
            "WHERE u.login = %s",
            [login],
        )
        (customer,) = cr.fetchone()
        cr.execute(
            # The newest done order not rated nor shown yet: its first call creates its rating token.
            "SELECT id FROM fse_work_order wo WHERE partner_id = %s AND state = 'done' AND portal_visible "
            "AND NOT EXISTS (SELECT 1 FROM rating_rating r WHERE r.res_model = 'fse.work.order' AND r.res_id = wo.id) "
            "ORDER BY date_done DESC, id DESC LIMIT 1",
            [customer],
        )
        (order,) = cr.fetchone()
        cr.execute(
            "SELECT installation_id FROM fse_work_order WHERE partner_id = %s AND portal_visible "
            "GROUP BY installation_id ORDER BY count(*) DESC LIMIT 1",
            [customer],
        )
        (machine,) = cr.fetchone()
        cr.execute("SELECT id FROM fse_contract WHERE partner_id = %s AND state = 'running' LIMIT 1", [customer])
        (contract,) = cr.fetchone()
        expected = {}
        cr.execute(
            "SELECT count(*) FROM fse_work_order WHERE partner_id = %s AND NOT coalesce(internal_only, FALSE) "
            "AND (state != 'draft' OR portal_requested)",
            [customer],
        )
        expected["fse_order_count"] = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM fse_installation WHERE partner_id = %s AND state = 'active' AND active", [customer]
        )
        expected["fse_installation_count"] = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM fse_contract WHERE partner_id = %s AND state IN ('running', 'expired')", [customer]
        )
        expected["fse_contract_count"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM fse_work_order WHERE installation_id = %s AND portal_visible", [machine])
        machine_orders = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM fse_work_order")
        total = cr.fetchone()[0]
    return {
        "order": order,
        "machine": machine,
        "contract": contract,
        "expected": expected,
        "machine_orders": machine_orders,
        "total": total,
    }


def check(condition, message):
    if not condition:
        raise SystemExit(f"CHECK FAILED: {message}")


def bench_user(url, log, login, data):
    portal = Portal(url, log, login)
    home = portal.session.get(f"{url}/my", timeout=300)
    log.next_request("/my")
    tiles = sorted(set(re.findall(r'data-placeholder_count="([^"]+)"', home.text)))
    ours = [t for t in tiles if t.startswith("fse_")]
    odoo_own = [t for t in tiles if not t.startswith("fse_")]
    check(len(ours) == 3, f"the home page shows the three field service tiles ({tiles})")
    far_page = max(1, data["expected"]["fse_order_count"] // 20 - 5)
    table = "o_portal_my_doc_table"
    visits = data["machine_orders"]

    def page(path):
        return lambda: portal.get(path)

    pages = [
        ("/my (home)", page("/my"), "Service Visits"),
        ("/my/counters (all tiles)", lambda: portal.counters(tiles), '"result"'),
        ("/my/work_orders", page("/my/work_orders"), table),
        (f"/my/work_orders/page/{far_page}", page(f"/my/work_orders/page/{far_page}"), table),
        ("/my/work_orders/<done>", page(f"/my/work_orders/{data['order']}"), "Download the service report"),
        ("/my/installations", page("/my/installations"), table),
        (f"/my/installations/<{visits} visits>", page(f"/my/installations/{data['machine']}"), "Parts Replaced"),
        ("/my/contracts", page("/my/contracts"), table),
        ("/my/contracts/<running>", page(f"/my/contracts/{data['contract']}"), "Covered Machines"),
        ("ref: /my/invoices (Odoo)", page("/my/invoices"), "Invoices"),
        ("ref: /my/counters (Odoo's tiles)", lambda: portal.counters(odoo_own), '"result"'),
    ]
    results = {}
    for label, call, marker in pages:
        answer, first, times, counts = portal.measure(call)
        check(answer.status_code == 200 and marker in answer.text, f"{label} for {login} answers with its content")
        results[label] = (first, times, counts)
        if label.startswith("/my/counters"):
            counters = answer.json()["result"]
            got = {key: counters.get(key) for key in data["expected"]}
            expected = json.dumps(data["expected"], sort_keys=True)
            print(f"  {login}: counters {json.dumps(got, sort_keys=True)}, expected {expected}")
            check(got == data["expected"], f"the home counters of {login} are the customer's own")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=os.environ.get("ODOO_RC"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=8489)
    args = parser.parse_args()
    args.url = f"http://127.0.0.1:{args.port}"
    data = {login: customer_data(args.db, login) for login in USERS}
    with tempfile.TemporaryDirectory() as tmp:
        logfile = os.path.join(tmp, "server.log")
        server = start_server(args, logfile)
        try:
            wait_for_server(args.url)
            log = LogReader(logfile)
            results = {login: bench_user(args.url, log, login, data[login]) for login in USERS}
        finally:
            stop_server(server)
    main_, small = (results[login] for login in USERS)
    big, little = data[USERS[0]], data[USERS[1]]
    print()
    print(
        f"Customer portal, {big['total']} work orders in the database; {USERS[0]}: "
        f"{big['expected']['fse_order_count']} orders shown, {big['expected']['fse_installation_count']} machines; "
        f"{USERS[1]}: {little['expected']['fse_order_count']} orders, "
        f"{little['expected']['fse_installation_count']} machines. "
        f"Server time in ms (first call; median and fastest of {RUNS} more), SQL queries per call."
    )
    print(f"{'':40} {'main customer':^45} {'small customer':^20}")
    row = "{:40} {:>9} {:>10} {:>7} {:>8} {:>8} {:>10} {:>9}{}"
    print(row.format("page", "first ms", "median ms", "min ms", "queries", "(first)", "median ms", "queries", ""))
    over = []
    for (label, (first, times, counts)), (_first, times_s, counts_s) in zip(main_.items(), small.values(), strict=True):
        # The steady-state count; the first call's is shown beside it (it also fills caches).
        queries, queries_s = counts[-1], counts_s[-1]
        median, median_s = statistics.median(times), statistics.median(times_s)
        flag = ""
        if not label.startswith("ref:") and (median > LIMIT_MS or queries != queries_s):
            flag = "  <-- over the limit" if median > LIMIT_MS else "  <-- grows with the volume"
            over.append(label)
        ms = (f"{first:.0f}", f"{median:.0f}", f"{min(times):.0f}")
        print(row.format(label, *ms, queries, counts[0], f"{median_s:.0f}", queries_s, flag))
        if len(set(counts[1:])) > 1:
            print(f"{'':40} (query counts of the runs: {counts})")
    print()
    print(f"Limit: {LIMIT_MS} ms median server time, same query count for both customers.")
    print("All pages within." if not over else f"Not within: {', '.join(over)}")


if __name__ == "__main__":
    main()
