"""How long the dispatch board takes to show the benchmark week in headless Chromium: from
opening the board (week scale, the week of bench_board.py) to every card of the week drawn,
the server call included. The first run is the first in a fresh browser profile. Run by
`tools/bench.sh board` against a server it starts.

    python tools/benchmarks/bench_board_render.py --url http://localhost:8479 --db fse_bench_board
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from docs_screenshots import DESKTOP, Browser, session_id

RUNS = 5
OPEN_BOARD = """
new Promise((resolve) => {
    const env = odoo.__WOWL_DEBUG__.root.env;
    const started = performance.now();
    env.services.action.doAction({
        type: "ir.actions.client",
        tag: "fse_dispatch_board",
        context: { fse_board_date: "2027-03-01", fse_board_scale: "week" },
    }, { clearBreadcrumbs: true });
    const wait = () => {
        const cards = document.querySelectorAll(".o_fse_board_lane_card").length;
        if (cards >= %(cards)d) {
            requestAnimationFrame(() => resolve(JSON.stringify({ ms: performance.now() - started, cards })));
        } else if (performance.now() - started > 30000) {
            resolve(JSON.stringify({ ms: null, cards }));
        } else {
            requestAnimationFrame(wait);
        }
    };
    wait();
})
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--cards", type=int, default=1000)
    args = parser.parse_args()
    browser = Browser()
    try:
        sid = session_id(args.url, args.db, "board_dispatcher", "board_dispatcher")
        browser.call("Network.enable")
        browser.call("Network.setCookie", name="session_id", value=sid, url=args.url)
        width, height = DESKTOP
        browser.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
        )
        times = []
        for _run in range(RUNS + 1):
            # A fresh web client each time (the dispatcher lands on the board of today's week,
            # which has no order in the benchmark database), then the benchmark week.
            browser.call("Page.navigate", url=f"{args.url}/odoo")
            time.sleep(6)
            result = browser.call(
                "Runtime.evaluate", expression=OPEN_BOARD % {"cards": args.cards}, awaitPromise=True, returnByValue=True
            )
            answer = json.loads(result["result"]["value"])
            if answer["ms"] is None:
                raise SystemExit(f"the board drew {answer['cards']} cards of {args.cards} in 30 s")
            times.append(answer["ms"])
        print()
        print("| render in headless Chromium (1440x900, week scale) | cards | first: ms | median of 5: ms |")
        print("|---|---:|---:|---:|")
        print(
            f"| open the board until every card is drawn | {args.cards} | {times[0]:.0f} "
            f"| {statistics.median(times[1:]):.0f} |"
        )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
