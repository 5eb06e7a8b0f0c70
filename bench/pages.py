"""Page weight and load time of every resident page on a slow phone connection (issue 19).

Loads the demo into a scratch SQLite database, serves the app on a local port, and opens each
page a resident uses in Debian's Chromium through Playwright, with the network throttled to
DevTools' "Fast 3G" profile (562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up) and the
browser's cache empty (a first visit) or holding what that first visit left (a second). For
each page it reports the bytes transferred (as sent, compressed where the server
compresses), the time until the page's text is drawn (first contentful paint), and the time
until the page has finished loading, charts drawn included (the load event, then every
chart's SVG present).

    python -m bench.pages [--runs 3] [--out docs/page-weight.md]

Goals (issue 19): every resident page under 1 MB transferred and drawn within 3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

FAST_3G = {"offline": False, "latency": 562.5,
           "downloadThroughput": 1.44e6 / 8 * 0.9, "uploadThroughput": 675e3 / 8 * 0.9}
CHROMIUM = os.environ.get("RESIDENCY_CHROMIUM", "/usr/bin/chromium")
RESIDENT = "r4.ir@demo.example"
# (name, path under the program, a chart to wait for or "")
PAGES = [
    ("Your programs", "/", ""),
    ("My schedule", "/programs/{pid}/my/schedule", ""),
    ("Who else is on my rotation", "/programs/{pid}/my/program-schedule", ""),
    ("My cases", "/programs/{pid}/my/cases", ""),
    ("My progress", "/programs/{pid}/my/progress", ".curve svg polyline"),
    ("My requests", "/programs/{pid}/my/requests", ""),
    ("Account", "/account", ""),
]


def _serve(folder: Path):
    """The demo app on a free local port: (base URL, server)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from web import create_app
    from web.demo import load_demo
    from web.extensions import db

    app = create_app({"SECRET_KEY": "page weight", "WTF_CSRF_TIME_LIMIT": None,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'pages.db'}"})
    with app.app_context():
        upgrade()
        programs, _logins = load_demo(time_limit=20)
        pid = programs[0].id          # the Duke-style program; its residents sign in
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", pid, server


def _measure(page, client, url: str, chart: str) -> dict[str, float]:
    """One visit: bytes received over the network, first paint and fully loaded (s)."""
    received: dict[str, float] = {}

    def finished(event: dict[str, Any]) -> None:
        received[event["requestId"]] = event.get("encodedDataLength", 0)

    client.on("Network.loadingFinished", finished)
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    if chart:
        page.wait_for_selector(chart, timeout=60_000)
    loaded = time.perf_counter() - started
    paint = page.evaluate("""() => {
        const p = performance.getEntriesByName("first-contentful-paint")[0];
        return p ? p.startTime / 1000 : null; }""")
    page.wait_for_timeout(200)  # the last loadingFinished events
    client.remove_listener("Network.loadingFinished", finished)
    return {"bytes": sum(received.values()), "paint": paint or loaded, "loaded": loaded}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="docs/page-weight.md",
                        help="markdown file to write ('-' for none)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from web.demo import PASSWORD

    folder = Path(tempfile.mkdtemp(prefix="pages-"))
    base, pid, server = _serve(folder)
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox", "--disable-gpu"])
            for run in range(args.runs):
                context = browser.new_context(viewport={"width": 390, "height": 844},
                                              is_mobile=True, has_touch=True)
                page = context.new_page()
                page.goto(f"{base}/login")
                page.get_by_label("E-mail").fill(RESIDENT)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_label("Password").press("Enter")
                page.wait_for_url(f"{base}/")
                client = context.new_cdp_session(page)
                client.send("Network.enable")
                client.send("Network.emulateNetworkConditions", FAST_3G)
                for name, path, chart in PAGES:
                    client.send("Network.clearBrowserCache")
                    for visit in ("first visit", "second visit"):
                        found = _measure(page, client, base + path.format(pid=pid), chart)
                        results.setdefault((name, visit), []).append(found)
                        print(f"run {run + 1} {visit:<12} {name:<28} "
                              f"{found['bytes'] / 1024:7.0f} KB  paint {found['paint']:.2f} s"
                              f"  loaded {found['loaded']:.2f} s", file=sys.stderr)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    text = report(results, args.runs)
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"written to {args.out}", file=sys.stderr)
    worst = max(statistics.median(r["bytes"] for r in runs) for runs in results.values())
    slowest = max(statistics.median(r["loaded"] for r in runs) for runs in results.values())
    return 0 if worst < 1024 * 1024 and slowest <= 3.0 else 1


def report(results: dict[tuple[str, str], list[dict[str, float]]], runs: int) -> str:
    from bench.run import machine, revision

    lines = [
        "# Resident pages on a phone: weight and load time",
        "",
        "Each page a resident uses, opened in Chromium (390 x 844, mobile) over DevTools' "
        "*Fast 3G* profile (562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up), signed in "
        "as a demo resident. *First visit*: the browser's cache emptied before the page; "
        "*second visit*: the same page again, with what the first visit cached. *KB* = bytes "
        "received (compressed as sent); *drawn* = first contentful paint; *loaded* = the load "
        "event and, on My progress, every chart drawn. Medians of "
        f"{runs} run(s). Goals: under 1 MB and within 3 s.",
        "",
        f"- Machine: {machine()}; code {revision()}",
        "- Reproduce: `python -m bench.pages`",
        "",
        "| page | visit | KB | drawn (s) | loaded (s) |",
        "|---|---|---:|---:|---:|",
    ]
    for (name, visit), found in sorted(results.items(), key=lambda kv: (kv[0][1],
                                                                         _order(kv[0][0]))):
        kb = statistics.median(r["bytes"] for r in found) / 1024
        lines.append(f"| {name} | {visit} | {kb:.0f}"
                     f" | {statistics.median(r['paint'] for r in found):.2f}"
                     f" | {statistics.median(r['loaded'] for r in found):.2f} |")
    return "\n".join(lines) + "\n"


def _order(name: str) -> int:
    return [p[0] for p in PAGES].index(name)


if __name__ == "__main__":
    sys.exit(main())
