"""Measure the memory page on a large instance, by hand (not a test: timings are machine's).

    python tests/ui/measure_page.py [--records 100000] [--repeat 5]

Starts `engine serve` on loopback in a temporary data directory, stores RECORDS people through
the SDK (structured writes of 10,000), then in chromium (Playwright, the system's browser):
- first paint: opening the person table from a fresh page until its 50 rows are drawn
  (and the browser's own first-contentful-paint);
- paging: from a click on a pager button or a sort header until the new rows are drawn, for
  the next page, the last page, a sort on an indexed field, a sort on a field without an
  index, and a search.
Prints the medians (ms) of `--repeat` runs as a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from xmemory import ObjectMutation, SchemaType, XmemoryClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from engine_server import engine_server

SCHEMA = """
objects:
  person:
    primary_key: [email]
    fields:
      name: {type: str, required: true}
      email: {type: str}
      city: {type: str}
      role: {type: str}
"""
CITIES = ("Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø")
ROLES = ("designer", "engineer", "founder", "teacher", "nurse", "pilot")


def seed(client: XmemoryClient, count: int) -> str:
    cluster = client.admin.list_clusters()[0].id
    inst = client.admin.create_instance(cluster, "large", SCHEMA, SchemaType.YML)
    for start in range(0, count, 10_000):
        batch = [
            ObjectMutation.create(
                "person",
                {"email": f"p{i:06d}@example.org"},
                {"name": f"Person {i:06d}", "city": CITIES[i % 5], "role": ROLES[i % 6]},
            )
            for i in range(start, min(count, start + 10_000))
        ]
        inst.write(structured_mutations=batch, timeout=600)
    return inst.id


# Both timings are taken inside the page (a MutationObserver's callback), so the test
# driver's own round trips are not counted.
FIRST_ROWS = """
window.__drawn = null;
new MutationObserver((_, observer) => {
  if (document.querySelector("#records tbody tr:nth-child(50)")) {
    window.__drawn = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""
AFTER_CLICK = """
async ([label, expected]) => {
  const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim().startsWith(label));
  const started = performance.now();
  const drawn = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.querySelector("#page-status")?.textContent.includes(expected)) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(document.getElementById("main"), { childList: true, subtree: true });
  });
  button.click();
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error(`no "${expected}"`)), 10000));
  return (await Promise.race([drawn, late])) - started;
}
"""
# (what is measured, the button pressed, what the page then says); {n}: the record count
STEPS = (
    ("next page", "next", "51\u2013100 of {n}"),
    ("last page", "last", "\u2013{n} of {n}"),
    ("first page", "\u00ab first", "1\u201350 of {n}"),
    ("sort by email (indexed)", "email", "1\u201350 of {n}"),
    ("sort by city (no index)", "city", "1\u201350 of {n}"),
    ("next page of the city sort", "next", "51\u2013100 of {n}"),
    ("search 'person 049990' (every text field)", "Search", "1\u20131 of 1 matching"),
)


def measure(
    url: str, instance: str, count: int, repeat: int, chromium: str
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    total = f"{count:,}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1280, "height": 860})
            context.add_init_script(FIRST_ROWS)
            page = context.new_page()
            page.goto(f"{url}/ui/#/i/{instance}/t/person")
            page.wait_for_function("window.__drawn !== null")
            times.setdefault("first paint: the table's 50 rows drawn", []).append(
                float(page.evaluate("window.__drawn"))
            )
            fcp = page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
            )
            times.setdefault("first contentful paint (browser)", []).append(float(fcp))
            for name, label, expected in STEPS:
                if label == "Search":
                    page.get_by_role("searchbox").fill("person 049990")
                took = page.evaluate(AFTER_CLICK, [label, expected.format(n=total)])
                times.setdefault(name, []).append(float(took))
            context.close()
        browser.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, engine_server(Path(tmp) / "data") as server:
        with XmemoryClient(url=server.url, timeout=600) as client:
            started = time.perf_counter()
            instance = seed(client, args.records)
            print(f"seeded {args.records:,} records in {time.perf_counter() - started:.1f} s")
        times = measure(server.url, instance, args.records, args.repeat, args.chromium)
    print("| step | median ms | min | max |\n|---|---|---|---|")
    for name, values in times.items():
        print(
            f"| {name} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
