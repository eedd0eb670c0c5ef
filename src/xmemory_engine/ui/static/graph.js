// The records and relations around one record, drawn with Cytoscape.js (vendored, MIT).
// Click a record to centre the graph on it; double-click to open it.

import { api } from "./api.js";
import { h, setCrumbs, show } from "./dom.js";
import cytoscape from "./vendor/cytoscape.esm.min.js";

const PALETTE = ["#3b6ea8", "#b5573b", "#4c8c4a", "#8a5aa8", "#a8873b", "#3b9aa8", "#a83b6e"];

export async function renderGraph(main, inst, xuid, params) {
  const base = `#/i/${encodeURIComponent(inst.id)}`;
  const depth = Math.min(3, Math.max(1, Number.parseInt(params.get("depth") || "1", 10) || 1));
  const graph = await api.graph(inst.id, xuid, depth);
  const center = graph.nodes.find((n) => n.xuid === xuid);
  const types = [...new Set(graph.nodes.map((n) => n.object_type))];
  const colour = (type) => PALETTE[types.indexOf(type) % PALETTE.length];
  const record = `${base}/r/${encodeURIComponent(center.object_type)}/${encodeURIComponent(xuid)}`;
  setCrumbs([inst.name, base], [center.object_type, `${base}/t/${encodeURIComponent(center.object_type)}`], [center.name, record], ["graph"]);
  const canvas = h("div", { id: "graph", class: "graph", role: "img", "aria-label": `records around ${center.name}` });
  show(
    main,
    h("h1", {}, `Around ${center.name}`),
    h(
      "p",
      { class: "muted" },
      `${graph.nodes.length} records, ${graph.edges.length} relations within ${depth} step${depth > 1 ? "s" : ""}`,
      graph.truncated ? " (more left out)" : "",
      " · depth ",
      [1, 2, 3].map((d) => (d === depth ? h("strong", {}, ` ${d} `) : h("a", { href: `${base}/g/${encodeURIComponent(xuid)}?depth=${d}` }, ` ${d} `))),
      " · ",
      h("a", { href: record }, "open the record"),
    ),
    h("p", { class: "legend" }, types.map((t) => h("span", { class: "chip", style: `--chip: ${colour(t)}` }, t))),
    canvas,
  );
  const cy = cytoscape({
    container: canvas,
    elements: [
      ...graph.nodes.map((n) => ({ data: { id: n.xuid, label: n.name, type: n.object_type, colour: colour(n.object_type), center: n.xuid === xuid ? 1 : 0, level: n.level } })),
      ...graph.edges.map((e) => ({ data: { id: e.xuid, source: e.source, target: e.target, label: e.relation_type } })),
    ],
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "background-color": "data(colour)",
          color: "#1d1d1f",
          "font-size": 13,
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-background-color": "#fff",
          "text-background-opacity": 0.85,
          "text-background-padding": 2,
          width: 22,
          height: 22,
        },
      },
      { selector: "node[center = 1]", style: { width: 34, height: 34, "border-width": 3, "border-color": "#1d1d1f" } },
      {
        selector: "edge",
        style: {
          label: "data(label)",
          "font-size": 11,
          color: "#555",
          width: 1.5,
          "line-color": "#9aa4b2",
          "target-arrow-color": "#9aa4b2",
          "target-arrow-shape": "triangle",
          "curve-style": "bezier",
          "text-rotation": "autorotate",
          "text-background-color": "#fff",
          "text-background-opacity": 0.8,
        },
      },
    ],
    // Rings by distance from the record: the same picture every time, the record in the middle.
    layout: {
      name: "concentric",
      concentric: (node) => 10 - node.data("level"),
      levelWidth: () => 1,
      minNodeSpacing: 45,
      animate: false,
      padding: 40,
    },
    maxZoom: 1.6,
    wheelSensitivity: 0.3,
  });
  cy.on("tap", "node", (event) => {
    const id = event.target.id();
    if (id !== xuid) location.hash = `${base}/g/${encodeURIComponent(id)}?depth=${depth}`;
  });
  cy.on("dbltap", "node", (event) => {
    const node = event.target;
    location.hash = `${base}/r/${encodeURIComponent(node.data("type"))}/${encodeURIComponent(node.id())}`;
  });
}
