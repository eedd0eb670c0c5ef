// The memory page: a hash router over a few views, each drawn from the engine's API.
//
//   #/                          instances
//   #/i/ID                      one instance: its schema, its types with their counts
//   #/i/ID/t/TYPE?q=&sort=...   one object type as a table (search, sort, pages)
//   #/i/ID/r/TYPE/XUID          one record: fields, sources, history, relations, episodes
//   #/i/ID/g/XUID?depth=1       the records and relations around one record
//   #/i/ID/w                    the write log, with undo

import { ApiError, api, setKey, takeKeyFromAddress } from "./api.js";
import { h, notice, setCrumbs, show, shown } from "./dom.js";
import { renderRecord } from "./record.js";
import { prefetchPage, renderTable } from "./table.js";
import { renderWrites } from "./writes.js";

const main = document.getElementById("main");
const side = document.getElementById("side");
let instances = null;

function parse(hash) {
  const [path, search = ""] = hash.replace(/^#/, "").split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

async function loadInstances(force) {
  if (!instances || force) instances = await api.instances();
  return instances;
}

function drawSide(current) {
  show(
    side,
    h("h2", {}, "Instances"),
    h(
      "ul",
      {},
      instances.map((inst) =>
        h(
          "li",
          { class: current?.id === inst.id ? "current" : null },
          h("a", { href: `#/i/${encodeURIComponent(inst.id)}` }, inst.name),
          current?.id === inst.id
            ? h(
                "ul",
                {},
                Object.keys(inst.data_schema?.objects || {}).map((type) =>
                  h("li", {}, h("a", { href: `#/i/${encodeURIComponent(inst.id)}/t/${encodeURIComponent(type)}` }, type)),
                ),
                h("li", {}, h("a", { href: `#/i/${encodeURIComponent(inst.id)}/w` }, "write log")),
              )
            : null,
        ),
      ),
    ),
  );
}

function renderHome() {
  setCrumbs();
  show(
    main,
    h("h1", {}, "Your memory"),
    h("p", { class: "muted" }, "Each instance is one memory with its own schema. Open one to see what it holds."),
    h(
      "table",
      { class: "grid" },
      h("thead", {}, h("tr", {}, h("th", {}, "instance"), h("th", {}, "description"), h("th", {}, "types"), h("th", {}, "schema"))),
      h(
        "tbody",
        {},
        instances.map((inst) =>
          h(
            "tr",
            {},
            h("td", {}, h("a", { href: `#/i/${encodeURIComponent(inst.id)}` }, inst.name)),
            h("td", {}, inst.description || ""),
            h("td", {}, Object.keys(inst.data_schema?.objects || {}).join(", ")),
            h("td", {}, `v${inst.schema_version}`),
          ),
        ),
      ),
    ),
  );
}

async function renderInstance(inst) {
  const base = `#/i/${encodeURIComponent(inst.id)}`;
  setCrumbs([inst.name]);
  const schema = inst.data_schema || { objects: {}, relations: {} };
  const counts = {};
  const types = Object.entries(schema.objects || {}).map(([type, spec]) => {
    counts[type] = h("span", { class: "count" }, "…");
    const keys = new Set(spec.primary_key || []);
    return h(
      "section",
      { class: "card" },
      h("h3", {}, h("a", { href: `${base}/t/${encodeURIComponent(type)}` }, type), " ", counts[type]),
      spec.description ? h("p", { class: "muted" }, spec.description) : null,
      h(
        "ul",
        { class: "fields" },
        Object.entries(spec.fields || {}).map(([name, field]) =>
          h(
            "li",
            {},
            h("code", {}, name),
            ` ${field.type}`,
            field.required ? " · required" : "",
            keys.has(name) ? " · key" : "",
            field.enum ? ` · one of ${field.enum.join(", ")}` : "",
          ),
        ),
      ),
    );
  });
  const relations = Object.entries(schema.relations || {}).map(([name, spec]) =>
    h(
      "li",
      {},
      h("code", {}, name),
      ": ",
      Object.entries(spec.objects || {})
        .map(([role, type]) => `${role} (${type})`)
        .join(" → "),
      Object.keys(spec.fields || {}).length ? ` · ${Object.keys(spec.fields).join(", ")}` : "",
    ),
  );
  show(
    main,
    h("h1", {}, inst.name),
    inst.description ? h("p", {}, inst.description) : null,
    h("p", { class: "muted" }, `schema version ${inst.schema_version} · `, h("a", { href: `${base}/w` }, "write log")),
    h("h2", {}, "Object types"),
    h("div", { class: "cards" }, types),
    h("h2", {}, "Relations"),
    relations.length ? h("ul", { class: "relations" }, relations) : h("p", { class: "muted" }, "none"),
  );
  // Counts after the first paint: one small indexed query per type.
  await Promise.all(
    Object.keys(counts).map(async (type) => {
      const page = await api.page(inst.id, type, { limit: 1 });
      counts[type].textContent = `${page.total.toLocaleString()} record${page.total === 1 ? "" : "s"}`;
    }),
  );
}

function askForKey(message) {
  setCrumbs();
  const input = h("input", { type: "password", name: "key", autocomplete: "current-password", "aria-label": "key" });
  show(
    main,
    h("h1", {}, "This engine needs its key"),
    h("p", {}, message),
    h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault();
          setKey(input.value.trim());
          route();
        },
      },
      input,
      h("button", { type: "submit" }, "Open"),
    ),
  );
}

async function route() {
  const { parts, params } = parse(location.hash || "#/");
  try {
    // A table's first page is asked for alongside the instances (first paint: one round trip).
    if (parts[0] === "i" && parts[2] === "t") prefetchPage(parts[1], parts[3], params);
    await loadInstances(parts.length === 0);
    const inst = parts[0] === "i" ? instances.find((i) => i.id === parts[1]) : null;
    drawSide(inst);
    if (parts.length === 0) return renderHome();
    if (!inst) {
      await loadInstances(true);
      return show(main, notice(`No instance ${shown(parts[1])} here.`));
    }
    const view = parts[2];
    if (!view) return await renderInstance(inst);
    if (view === "t") return await renderTable(main, inst, parts[3], params);
    if (view === "r") return await renderRecord(main, inst, parts[3], parts[4]);
    if (view === "g") {
      const { renderGraph } = await import("./graph.js"); // 440 KB of graph library, when asked
      return await renderGraph(main, inst, parts[3], params);
    }
    if (view === "w") return await renderWrites(main, inst, params);
    show(main, notice("Nothing lives at this address."));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return askForKey(error.message);
    show(main, notice(error.message || String(error)));
  }
}

window.addEventListener("hashchange", route);
takeKeyFromAddress();
route();
