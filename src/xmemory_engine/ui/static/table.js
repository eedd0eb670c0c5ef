// One object type as a table: search (every word, any text field), sort by a column, pages
// of 50 fetched from the engine (LIMIT / OFFSET over an index, so page 2,000 costs what page 1
// does, give or take the index entries skipped).

import { api } from "./api.js";
import { h, notice, setCrumbs, show, shown, when } from "./dom.js";

const PAGE = 50;
const MAX_COLUMNS = 6;

function address(inst, type, params) {
  return `#/i/${encodeURIComponent(inst.id)}/t/${encodeURIComponent(type)}?${params}`;
}

let prefetched = null;

// Start fetching the page an address shows before the view is drawn; `renderTable` takes it.
export function prefetchPage(instanceId, type, params) {
  const query = pageQuery(params);
  const started = performance.now();
  prefetched = { key: JSON.stringify([instanceId, type, query]), page: api.page(instanceId, type, query), started };
  prefetched.page.catch(() => {}); // a failure is reported when the view asks for it
}

function pageQuery(params) {
  return {
    q: params.get("q") || "",
    sort: params.get("sort") || "updated_at",
    order: params.get("order") || "desc",
    offset: Math.max(0, Number.parseInt(params.get("offset") || "0", 10) || 0),
    limit: PAGE,
  };
}

export async function renderTable(main, inst, type, params) {
  const base = `#/i/${encodeURIComponent(inst.id)}`;
  setCrumbs([inst.name, base], [type]);
  const query = pageQuery(params);
  const { q: search, sort, order, offset } = query;
  const key = JSON.stringify([inst.id, type, query]);
  const ready = prefetched?.key === key ? prefetched : null;
  prefetched = null;
  const started = ready ? ready.started : performance.now();
  const page = await (ready ? ready.page : api.page(inst.id, type, query));
  const took = performance.now() - started;

  const columns = [page.name_field, ...page.fields.filter((f) => f !== page.name_field)]
    .filter(Boolean)
    .slice(0, MAX_COLUMNS);
  const moveTo = (changes) => {
    const next = new URLSearchParams({ q: search, sort, order, offset: String(offset) });
    for (const [k, v] of Object.entries(changes)) next.set(k, v);
    if (!next.get("q")) next.delete("q");
    location.hash = address(inst, type, next);
  };
  const header = (name, label) =>
    h(
      "th",
      { "aria-sort": sort === name ? (order === "asc" ? "ascending" : "descending") : null },
      h(
        "button",
        {
          class: "sort",
          type: "button",
          onclick: () => moveTo({ sort: name, order: sort === name && order === "asc" ? "desc" : "asc", offset: "0" }),
        },
        label,
        sort === name ? (order === "asc" ? " ▲" : " ▼") : "",
      ),
    );
  const input = h("input", { type: "search", name: "q", value: search, placeholder: `search ${type}`, "aria-label": "search" });
  const last = Math.max(0, Math.ceil(page.total / PAGE) - 1) * PAGE;
  const rows = page.records.map((record) =>
    h(
      "tr",
      {},
      columns.map((field, i) => {
        const text = shown(record.values[field]);
        return h(
          "td",
          {},
          i === 0
            ? h("a", { href: `${base}/r/${encodeURIComponent(type)}/${encodeURIComponent(record.xuid)}` }, text === "—" ? record.xuid.slice(0, 8) : text)
            : text,
        );
      }),
      h("td", { class: "muted" }, when(record.updated_at)),
    ),
  );
  show(
    main,
    h("h1", {}, type),
    h(
      "form",
      {
        class: "inline",
        role: "search",
        onsubmit: (event) => {
          event.preventDefault();
          moveTo({ q: input.value.trim(), offset: "0" });
        },
      },
      input,
      h("button", { type: "submit" }, "Search"),
      search ? h("a", { href: address(inst, type, new URLSearchParams({ sort, order })) }, "clear") : null,
    ),
    h(
      "p",
      { class: "muted", id: "page-status" },
      page.total
        ? `${(offset + 1).toLocaleString()}–${Math.min(offset + PAGE, page.total).toLocaleString()} of ${page.total.toLocaleString()}${page.more ? "+" : ""}`
        : "no records",
      search ? ` matching “${search}”` : "",
      ` · ${Math.round(took)} ms`,
      page.indexed ? "" : " · sorted without an index",
    ),
    page.total
      ? h(
          "table",
          { class: "grid", id: "records" },
          h("thead", {}, h("tr", {}, columns.map((c) => header(c, c)), header("updated_at", "updated"))),
          h("tbody", {}, rows),
        )
      : notice(search ? "Nothing matches this search." : "Nothing stored of this type yet.", "info"),
    h(
      "nav",
      { class: "pager", "aria-label": "pages" },
      h("button", { type: "button", disabled: offset === 0, onclick: () => moveTo({ offset: "0" }) }, "« first"),
      h("button", { type: "button", disabled: offset === 0, onclick: () => moveTo({ offset: String(Math.max(0, offset - PAGE)) }) }, "‹ previous"),
      h("button", { type: "button", disabled: offset + PAGE >= page.total, onclick: () => moveTo({ offset: String(offset + PAGE) }) }, "next ›"),
      h("button", { type: "button", disabled: offset >= last, onclick: () => moveTo({ offset: String(last) }) }, "last »"),
    ),
  );
}
