"""The memory page in a real browser (Debian's chromium, driven by Playwright) against real
servers on loopback: seeded through the SDK, searched, paged, a record's evidence and history
read, a field corrected, a write undone, a record deleted, each checked through the SDK. One
browser for the whole module; a screenshot of each main view is saved in docs/screenshots/
(or $XMEM_SCREENSHOTS_DIR).

Needs `pip install -e '.[test]'` (playwright) and a chromium (`apt-get install chromium`;
Playwright's own browser download is not used). `.ci/run` installs both.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from xmemory import ObjectMutation, ReadMode, RelationMutation, SchemaType, XmemoryClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_server import engine_server

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
CHROMIUM = (
    os.environ.get("XMEM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
if CHROMIUM is None:
    pytest.skip("no chromium on this machine (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow
expect = sync_api.expect
DASH = "\u2013"  # the page writes ranges as 1-50 with an en dash

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("XMEM_SCREENSHOTS_DIR") or ROOT / "docs" / "screenshots")
WAIT_MS = 15_000

SCHEMA = """
objects:
  person:
    description: someone the user knows
    primary_key: [email]
    fields:
      name: {type: str, required: true}
      email: {type: str}
      role: {type: str}
      city: {type: str}
  company:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      city: {type: str}
  project:
    primary_key: [title]
    fields:
      title: {type: str, required: true}
      status: {type: str, enum: [planned, active, done]}
relations:
  works_at:
    objects: {employee: person, employer: company}
    fields:
      since: {type: int}
  works_on:
    objects: {member: person, project: project}
  knows:
    objects: {who: person, whom: person}
"""
CROWD = 120  # enough people for three pages of 50


def person(email: str, name: str, **values: Any) -> ObjectMutation:
    return ObjectMutation.create("person", {"email": email}, {"name": name, **values})


def seed(client: XmemoryClient) -> str:
    """A small team with a history, and a crowd to page through; the instance id."""
    cluster = client.admin.list_clusters()[0].id
    inst = client.admin.create_instance(cluster, "team", SCHEMA, SchemaType.YML)
    ann = {"email": "ann.lee@acme.io"}
    inst.write(
        structured_mutations=[
            person("ann.lee@acme.io", "Ann Lee", role="designer", city="Oslo"),
            ObjectMutation.create("company", {"name": "Acme"}, {"city": "Oslo"}),
            RelationMutation.create("works_at", {"employee": ann, "employer": {"name": "Acme"}}),
        ],
        source_text="Ann Lee is a designer at Acme in Oslo; her email is ann.lee@acme.io.",
        occurred_at="2026-03-02",
    )
    inst.write(
        structured_mutations=[
            person("bo.chen@acme.io", "Bo Chen", role="engineer"),
            person("cy.diaz@globex.io", "Cy Diaz", role="founder"),
            ObjectMutation.create("company", {"name": "Globex"}, {"city": "Bergen"}),
            ObjectMutation.create("project", {"title": "Atlas"}, {"status": "active"}),
            RelationMutation.create(
                "works_at", {"employee": {"email": "bo.chen@acme.io"}, "employer": {"name": "Acme"}}
            ),
            RelationMutation.create(
                "works_at",
                {"employee": {"email": "cy.diaz@globex.io"}, "employer": {"name": "Globex"}},
            ),
            RelationMutation.create("works_on", {"member": ann, "project": {"title": "Atlas"}}),
            RelationMutation.create(
                "works_on", {"member": {"email": "bo.chen@acme.io"}, "project": {"title": "Atlas"}}
            ),
            RelationMutation.create("knows", {"who": ann, "whom": {"email": "cy.diaz@globex.io"}}),
        ],
        source_text="Bo Chen is an engineer at Acme and works with Ann on Atlas. "
        "Ann knows Cy Diaz, who founded Globex in Bergen.",
    )
    inst.write(
        structured_mutations=[ObjectMutation.update("person", ann, {"role": "design lead"})],
        source_text="Ann was promoted to design lead last week.",
    )
    inst.write(
        structured_mutations=[
            person(f"member{i:03d}@crowd.io", f"Member {i:03d}", city="Trondheim")
            for i in range(CROWD)
        ],
        source_text="The Trondheim meetup's attendee list.",
    )
    return inst.id


def stored_role(client: XmemoryClient, instance_id: str, email: str) -> Any:
    result = client.instance(instance_id).read(
        "role",
        read_mode=ReadMode.RAW_TABLES,
        sql=f"SELECT role FROM person WHERE email = '{email}'",
    )
    rows = result.reader_result["rows"]
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`engine serve` on loopback (its /ui/ route), seeded; (url, instance id)."""
    with engine_server(tmp_path_factory.mktemp("ui") / "data") as server:
        with XmemoryClient(url=server.url) as client:
            instance_id = seed(client)
        yield server.url, instance_id


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_see_search_correct_undo_and_delete(engine: tuple[str, str], page: Any) -> None:
    url, instance_id = engine
    page.goto(f"{url}/ui/")
    expect(page.locator("main h1")).to_have_text("Your memory")
    page.get_by_role("link", name="team").first.click()

    # The instance: its schema, each type with its count.
    expect(page.locator("main h1")).to_have_text("team")
    expect(page.locator(".card", has_text="person")).to_contain_text(f"{CROWD + 3} records")
    expect(page.locator("ul.relations")).to_contain_text("employee (person) → employer (company)")
    shot(page, "instance")

    # The table: pages of 50, then a search.
    page.locator("aside").get_by_role("link", name="person").click()
    status = page.locator("#page-status")
    expect(status).to_contain_text(f"1{DASH}50 of {CROWD + 3}")
    page.get_by_role("button", name=re.compile("^next")).click()
    expect(status).to_contain_text(f"51{DASH}100 of {CROWD + 3}")
    page.get_by_role("button", name=re.compile("^last")).click()
    expect(status).to_contain_text(f"101{DASH}{CROWD + 3} of {CROWD + 3}")
    page.get_by_role("button", name=re.compile("^name")).click()  # sort by name
    expect(page.locator("#records tbody tr").first).to_contain_text("Ann Lee")
    shot(page, "table")
    page.get_by_role("searchbox").fill("ann")
    page.get_by_role("button", name="Search").click()
    expect(status).to_contain_text(f"1{DASH}1 of 1")

    # One record: its sources and history.
    page.get_by_role("link", name="Ann Lee").click()
    expect(page.locator("main h1")).to_contain_text("Ann Lee")
    role = page.locator('#fields tr[data-field="role"]')
    expect(role.locator("td.value")).to_have_text("design lead")
    expect(role).to_contain_text("Ann was promoted to design lead last week.")
    role.locator("summary").click()
    expect(role.locator("details.history")).to_contain_text("designer")
    expect(role.locator("details.history")).to_contain_text(
        "Ann Lee is a designer at Acme in Oslo; her email is ann.lee@acme.io."
    )
    expect(page.locator("ul.relations")).to_contain_text("employer: Acme")
    expect(page.locator("#episodes li")).to_have_count(3)
    shot(page, "record")

    # Correct a field: one structured write, seen through the SDK and as history.
    role.get_by_role("button", name="correct").click()
    role.get_by_label("new role").fill("head of design")
    role.get_by_role("button", name="Save").click()
    expect(page.locator("#status")).to_contain_text("Saved: role is now head of design")
    with XmemoryClient(url=url) as client:
        assert stored_role(client, instance_id, "ann.lee@acme.io") == "head of design"
    role = page.locator('#fields tr[data-field="role"]')
    expect(role).to_contain_text("Corrected by hand on the memory page")
    expect(role.locator("summary")).to_have_text("2 earlier values")

    # The relation graph around her.
    page.get_by_role("link", name="Graph").click()
    expect(page.locator("main h1")).to_have_text("Around Ann Lee")
    expect(page.locator("main")).to_contain_text("4 records, 3 relations within 1 step")
    page.get_by_role("link", name="2", exact=True).click()
    expect(page.locator("main")).to_contain_text("6 records, 6 relations within 2 steps")
    expect(page.locator("#graph canvas").first).to_be_attached()
    page.wait_for_timeout(300)  # the layout settles before the picture is taken
    shot(page, "graph")

    # The write log: the correction on top, undone through the same write path.
    page.locator("aside").get_by_role("link", name="write log").click()
    newest = page.locator("#writes tbody tr").first
    expect(newest).to_contain_text("Corrected by hand on the memory page")
    expect(newest).to_contain_text("completed")
    shot(page, "writes")
    newest.get_by_role("button", name="undo…").click()
    newest.get_by_role("button", name="Undo it").click()
    expect(page.locator("#status")).to_contain_text("Undone by write")
    with XmemoryClient(url=url) as client:
        assert stored_role(client, instance_id, "ann.lee@acme.io") == "design lead"

    # Delete a record.
    page.goto(f"{url}/ui/#/i/{instance_id}/t/person?q=member+007")
    page.get_by_role("link", name="Member 007").click()
    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator("main h1")).to_have_text("person")
    with XmemoryClient(url=url) as client:
        left = client.instance(instance_id).read(
            "count",
            read_mode=ReadMode.RAW_TABLES,
            sql="SELECT count(*) FROM person WHERE email = 'member007@crowd.io'",
        )
        assert left.reader_result["rows"] == [[0]]


def test_a_bad_correction_is_refused_and_changes_nothing(
    engine: tuple[str, str], page: Any
) -> None:
    url, instance_id = engine
    page.goto(f"{url}/ui/#/i/{instance_id}/t/project")
    page.get_by_role("link", name="Atlas").click()
    status = page.locator('#fields tr[data-field="status"]')
    status.get_by_role("button", name="correct").click()
    # The enum is offered as a choice; a required field cannot be cleared.
    expect(page.locator('#fields tr[data-field="title"] input[name="clear"]')).to_have_count(0)
    assert status.locator("select option").all_inner_texts() == ["planned", "active", "done"]
    title = page.locator('#fields tr[data-field="title"]')
    title.get_by_role("button", name="correct").click()
    title.get_by_label("new title").fill("   ")
    title.get_by_role("button", name="Save").click()
    expect(page.locator("#status")).to_contain_text("title cannot be empty")
    with XmemoryClient(url=url) as client:
        rows = client.instance(instance_id).read(
            "titles", read_mode=ReadMode.RAW_TABLES, sql="SELECT title FROM project"
        )
        assert rows.reader_result["rows"] == [["Atlas"]]


def test_a_foreign_origin_or_host_is_refused(engine: tuple[str, str]) -> None:
    url, instance_id = engine
    writes = f"{url}/instances/{instance_id}/writes"
    assert httpx.get(writes, headers={"Origin": url}).status_code == 200
    foreign = httpx.get(writes, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "--allowed-origin" in foreign.text
    posted = httpx.post(
        f"{url}/instances/{instance_id}/write",
        headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
        content='{"text": "I was never said"}',
    )
    assert posted.status_code == 403
    port = url.rsplit(":", 1)[1]
    rebound = httpx.get(writes, headers={"Host": f"evil.example:{port}"})
    assert rebound.status_code == 421


@contextmanager
def page_server(data_dir: Path, *args: str) -> Iterator[str]:
    """`xmemory-mcp ui` as a subprocess; the page's address it announces."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XMEM_")}
    command = [
        sys.executable,
        "-m",
        "xmemory_mcp",
        "ui",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
    ]
    proc = subprocess.Popen(
        [*command, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    found: queue.Queue[str] = queue.Queue()
    lines: list[str] = []

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            match = re.search(r"memory page: (\S+)", line)
            if match:
                found.put(match.group(1))
        found.put("")

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        address = found.get(timeout=60)
        assert address, f"xmemory-mcp ui did not start: {''.join(lines)}"
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        reader.join(timeout=10)
        assert proc.stderr is not None
        proc.stderr.close()


def test_off_loopback_the_page_needs_its_token(tmp_path: Path, page: Any) -> None:
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "xmemory_mcp",
            "ui",
            "--host",
            "0.0.0.0",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("XMEM_")},
    )
    assert refused.returncode == 2 and "without an API key" in refused.stderr
    with page_server(tmp_path / "data", "--host", "0.0.0.0", "--auth-token", "sesame") as address:
        local = address.replace("0.0.0.0", "127.0.0.1")
        api = local.replace("/ui/", "/instances")
        assert httpx.get(api).status_code == 401
        assert httpx.get(api, headers={"Authorization": "Bearer nope"}).status_code == 401
        assert httpx.get(api, headers={"Authorization": "Bearer sesame"}).status_code == 200
        foreign = {"Authorization": "Bearer sesame", "Origin": "https://evil.example"}
        assert httpx.get(api, headers=foreign).status_code == 403
        page.goto(local)
        expect(page.locator("main h1")).to_have_text("This engine needs its key")
        page.get_by_label("key").fill("sesame")
        page.get_by_role("button", name="Open").click()
        expect(page.locator("main h1")).to_have_text("Your memory")
        expect(page.locator("main table")).to_contain_text("default")
