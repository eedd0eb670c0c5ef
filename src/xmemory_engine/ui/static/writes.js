// The write log: every write of the instance, newest first, with its status and what it
// said; a completed write can be undone. Undo asks the engine for the mutations that reverse
// it (those nothing changed since), shows them, and sends them as a write of their own.

import { api } from "./api.js";
import { h, notice, setCrumbs, show, when } from "./dom.js";

function counts(entry) {
  const parts = Object.entries(entry.counts || {})
    .filter(([, n]) => n)
    .map(([kind, n]) => `${n} ${kind}`);
  return parts.join(", ") || "no change";
}

export async function renderWrites(main, inst, params, message) {
  const base = `#/i/${encodeURIComponent(inst.id)}`;
  setCrumbs([inst.name, base], ["write log"]);
  const before = params.get("before") || undefined;
  const entries = await api.writes(inst.id, before);
  const status = h("div", { id: "status" }, message ? notice(message, "ok") : null);
  const again = (text) => renderWrites(main, inst, params, text);

  const undo = async (entry, cell) => {
    try {
      const plan = await api.undoPlan(inst.id, entry.write_id);
      const skipped = plan.skipped.map((s) => h("li", {}, `${s.type}: ${s.reason}`));
      show(
        cell,
        h("div", {}, `${plan.mutations.length} change(s) to reverse.`),
        skipped.length ? h("ul", { class: "small" }, skipped) : null,
        plan.mutations.length
          ? h(
              "button",
              {
                type: "button",
                class: "danger",
                onclick: async () => {
                  try {
                    const done = await api.write(inst.id, plan.mutations, plan.source_text);
                    await again(`Undone by write ${done.write_id.slice(0, 8)}.`);
                  } catch (error) {
                    show(status, notice(error.message));
                  }
                },
              },
              "Undo it",
            )
          : null,
        h("button", { type: "button", onclick: () => again() }, "Cancel"),
      );
    } catch (error) {
      show(status, notice(error.message));
    }
  };

  const rows = entries.map((entry) => {
    const cell = h("td", {});
    if (entry.undoable) cell.append(h("button", { type: "button", class: "link", onclick: () => undo(entry, cell) }, "undo…"));
    return h(
      "tr",
      { dataset: { write: entry.write_id } },
      h("td", { class: "muted small" }, when(entry.created_at)),
      h("td", {}, h("span", { class: `status ${entry.status}` }, entry.status)),
      h("td", {}, entry.said ? h("q", {}, entry.said) : h("span", { class: "muted" }, "—"), entry.error ? h("div", { class: "error small" }, entry.error) : null),
      h("td", {}, counts(entry)),
      h("td", { class: "muted small" }, h("code", {}, entry.write_id.slice(0, 8))),
      cell,
    );
  });
  const oldest = entries.at(-1);
  show(
    main,
    h("h1", {}, "Write log"),
    h("p", { class: "muted" }, "Every write to this instance, newest first (the newest 1,000 with their changes)."),
    status,
    entries.length
      ? h(
          "table",
          { class: "grid", id: "writes" },
          h("thead", {}, h("tr", {}, ["when", "status", "what was said", "changes", "write", ""].map((t) => h("th", {}, t)))),
          h("tbody", {}, rows),
        )
      : notice("No writes yet.", "info"),
    h(
      "nav",
      { class: "pager" },
      before ? h("a", { class: "button", href: `${base}/w` }, "« newest") : null,
      entries.length === 50 && oldest ? h("a", { class: "button", href: `${base}/w?before=${oldest.seq}` }, "older ›") : null,
    ),
  );
}
