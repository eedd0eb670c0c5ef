// One record: each field with the sentence it came from and its earlier values, its
// relations, every episode about it; correct a field or delete the record, each as one
// structured write with a sentence saying it was done by hand here.

import { api } from "./api.js";
import { h, notice, setCrumbs, show, shown, when } from "./dom.js";

function objectMutation(type, action, body) {
  return { object_mutation: { object_type: type, [action]: body } };
}

// The value typed into the form, as the field's type wants it; an Error says what is wrong.
function parseValue(field, raw) {
  const text = raw.trim();
  if (field.type === "bool") return text === "true";
  if (field.type === "int") {
    if (!/^[-+]?\d+$/.test(text)) throw new Error(`${field.field} takes a whole number`);
    return Number.parseInt(text, 10);
  }
  if (field.type === "float") {
    const value = Number(text);
    if (text === "" || !Number.isFinite(value)) throw new Error(`${field.field} takes a number`);
    return value;
  }
  if (text === "") throw new Error(`${field.field} cannot be empty; clear it instead`);
  return field.type === "str" ? raw : text;
}

function editor(field) {
  const current = field.value;
  if (field.enum)
    return h("select", { name: "value" }, field.enum.map((v) => h("option", { value: v, selected: v === current }, v)));
  if (field.type === "bool")
    return h("select", { name: "value" }, ["true", "false"].map((v) => h("option", { value: v, selected: String(current) === v }, v)));
  const type = { int: "number", float: "number", date: "date" }[field.type] || "text";
  return h("input", {
    name: "value",
    type,
    step: field.type === "float" ? "any" : null,
    value: current ?? "",
    "aria-label": `new ${field.field}`,
  });
}

function source(item) {
  if (!item) return h("span", { class: "muted" }, "—");
  return h(
    "div",
    { class: "said" },
    item.said ? h("q", {}, item.said) : h("span", { class: "muted" }, "(no sentence kept)"),
    h("div", { class: "muted small" }, when(item.from)),
  );
}

function history(field) {
  if (!field.history.length) return null;
  return h(
    "details",
    { class: "history" },
    h("summary", {}, `${field.history.length} earlier value${field.history.length > 1 ? "s" : ""}`),
    h(
      "ol",
      {},
      field.history.map((old) =>
        h(
          "li",
          {},
          h("strong", {}, shown(old.value)),
          old.said ? [" — ", h("q", {}, old.said)] : "",
          h("div", { class: "muted small" }, `${when(old.from)} → ${when(old.until)}`),
        ),
      ),
    ),
  );
}

export async function renderRecord(main, inst, type, xuid, message) {
  const base = `#/i/${encodeURIComponent(inst.id)}`;
  const record = await api.record(inst.id, type, xuid);
  const name = shown(record.name);
  setCrumbs([inst.name, base], [type, `${base}/t/${encodeURIComponent(type)}`], [name]);
  const status = h("div", { id: "status" }, message ? notice(message, "ok") : null);
  const again = (text) => renderRecord(main, inst, type, xuid, text);
  const fail = (error) => show(status, notice(error.message || String(error)));
  const keys = new Set(record.primary_key);

  const correct = (field, cell) => {
    const input = editor(field);
    const clear = field.required ? null : h("input", { type: "checkbox", name: "clear", "aria-label": "clear the value" });
    show(
      cell,
      h(
        "form",
        {
          class: "inline edit",
          onsubmit: async (event) => {
            event.preventDefault();
            try {
              const value = clear?.checked ? null : parseValue(field, input.value);
              const said =
                value === null
                  ? `Corrected by hand on the memory page: the ${field.field} of ${type} ${name} is cleared.`
                  : `Corrected by hand on the memory page: the ${field.field} of ${type} ${name} is ${shown(value)}.`;
              const done = await api.write(
                inst.id,
                [objectMutation(type, "update", { key: { xuid }, values: { [field.field]: value } })],
                said,
              );
              await again(`Saved: ${field.field} is now ${shown(value)} (write ${done.write_id.slice(0, 8)}).`);
            } catch (error) {
              fail(error);
            }
          },
        },
        input,
        clear ? h("label", {}, clear, " clear") : null,
        h("button", { type: "submit" }, "Save"),
        h("button", { type: "button", onclick: () => again() }, "Cancel"),
      ),
    );
    input.focus();
  };

  const remove = (holder) =>
    show(
      holder,
      h("span", {}, `Delete ${type} ${name} and its ${record.relations.length} relation(s)? `),
      h(
        "button",
        {
          type: "button",
          class: "danger",
          onclick: async () => {
            try {
              await api.write(
                inst.id,
                [objectMutation(type, "delete", { key: { xuid } })],
                `Deleted by hand on the memory page: ${type} ${name}.`,
              );
              location.hash = `${base}/t/${encodeURIComponent(type)}`;
            } catch (error) {
              fail(error);
            }
          },
        },
        "Delete",
      ),
      h("button", { type: "button", onclick: () => again() }, "Cancel"),
    );

  const actions = h(
    "div",
    { class: "actions" },
    h("a", { class: "button", href: `${base}/g/${encodeURIComponent(xuid)}` }, "Graph"),
    h("button", { type: "button", class: "danger", onclick: () => remove(actions) }, "Delete…"),
  );
  const rows = record.fields.map((field) => {
    const cell = h("td", { class: "value" }, shown(field.value));
    return h(
      "tr",
      { dataset: { field: field.field } },
      h("th", { scope: "row" }, field.field, keys.has(field.field) ? h("span", { class: "muted small" }, " key") : ""),
      cell,
      h("td", {}, h("button", { type: "button", class: "link", onclick: () => correct(field, cell) }, "correct")),
      h("td", {}, source(field.source), history(field)),
    );
  });
  const relations = record.relations.map((link) => {
    const others = Object.entries(link.roles).filter(([, end]) => !end.self);
    const mine = Object.entries(link.roles).find(([, end]) => end.self)?.[0];
    return h(
      "li",
      {},
      h("code", {}, link.relation_type),
      mine ? h("span", { class: "muted" }, ` (as ${mine}) `) : " ",
      others.map(([role, end]) => [
        `${role}: `,
        h("a", { href: `${base}/r/${encodeURIComponent(end.object_type)}/${encodeURIComponent(end.xuid)}` }, shown(end.name)),
        " ",
      ]),
      Object.keys(link.values).length ? h("span", { class: "muted" }, JSON.stringify(link.values)) : "",
    );
  });
  show(
    main,
    h("h1", {}, name, " ", h("span", { class: "badge" }, type)),
    actions,
    status,
    h(
      "table",
      { class: "grid fields", id: "fields" },
      h("thead", {}, h("tr", {}, h("th", {}, "field"), h("th", {}, "value"), h("th", {}, ""), h("th", {}, "where it came from"))),
      h("tbody", {}, rows),
    ),
    h("h2", {}, "Relations"),
    relations.length ? h("ul", { class: "relations" }, relations) : h("p", { class: "muted" }, "none"),
    h("h2", {}, "What was said about it"),
    h(
      "ol",
      { class: "episodes", id: "episodes" },
      record.episodes.map((episode) =>
        h(
          "li",
          {},
          h("blockquote", {}, episode.text),
          h(
            "div",
            { class: "muted small" },
            `recorded ${when(episode.recorded_at)}`,
            episode.occurred_at ? ` · happened ${episode.occurred_at}` : "",
            ` · ${episode.kind} · write ${shown(episode.write_id).slice(0, 8)}`,
          ),
        ),
      ),
    ),
    h("p", { class: "muted small" }, `xuid ${xuid} · created ${when(record.created_at)} · updated ${when(record.updated_at)}`),
  );
}
