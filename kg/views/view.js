// The page's behaviour: legend and filters, search by any alias, the details panel.
// All text from the graph goes into the DOM as text (textContent), never as markup.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const edgesOf = new Map(data.nodes.map((n) => [n.id, []]));
  for (const e of data.edges) {
    edgesOf.get(e.from).push(e);
    if (e.to !== e.from) edgesOf.get(e.to).push(e);
  }
  const hiddenTypes = new Set();
  const hiddenRelations = new Set();
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const nodeView = new vis.DataView(nodes, { filter: (n) => !hiddenTypes.has(n.type) });
  const edgeView = new vis.DataView(edges, { filter: (e) => !hiddenRelations.has(e.relation) });
  const network = new vis.Network(document.getElementById("graph"), { nodes: nodeView, edges: edgeView }, data.options);
  const state = {
    ready: false, readyAt: null, network: network,
    shownNodes: () => Object.keys(network.getPositions()).length,  // what the network drew, after filters
    shownEdges: () => network.body.edgeIndices.length,
  };
  window.kgView = state;
  network.once("afterDrawing", () => {
    state.ready = true;
    state.readyAt = performance.now();
    document.body.dataset.ready = "true";
  });

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);  // strings become text nodes
    }
    return node;
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url) ? url : null;
  }

  function link(url, text) {
    const href = safeUrl(url);
    return href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", textContent: text || url }) : el("span", { textContent: url });
  }

  // Legend with a checkbox per node type and per relation.
  function legendItem(list, item, swatch, count, hidden) {
    const box = el("input", { type: "checkbox", checked: true, value: item.name });
    box.addEventListener("change", () => {
      if (box.checked) hidden.delete(item.name); else hidden.add(item.name);
      nodeView.refresh();
      edgeView.refresh();
    });
    list.append(el("li", {}, el("label", {}, box, swatch, item.name, el("span", { className: "count", textContent: String(count) }))));
  }
  const typeCount = {}, relCount = {};
  for (const n of data.nodes) typeCount[n.type] = (typeCount[n.type] || 0) + 1;
  for (const e of data.edges) relCount[e.relation] = (relCount[e.relation] || 0) + 1;
  for (const t of data.types) {
    const swatch = el("span", { className: "swatch shape-" + t.shape });
    swatch.style.background = t.color;
    legendItem(document.getElementById("types"), t, swatch, typeCount[t.name], hiddenTypes);
  }
  for (const r of data.relations) {
    const swatch = el("span", { className: "line" });
    swatch.style.background = r.color;
    legendItem(document.getElementById("relations"), r, swatch, relCount[r.name], hiddenRelations);
  }

  // Size by degree or by citations.
  document.getElementById("size-by").addEventListener("change", (event) => {
    const key = event.target.value;
    nodes.update(data.nodes.map((n) => ({ id: n.id, value: n[key] })));
  });

  // Search: the same name normalisation as KnowledgeGraph.find (case, spaces, punctuation ignored).
  const nameKey = (s) => s.toLowerCase().replace(/[^\p{L}\p{M}\p{N}+]+/gu, "");
  const index = data.nodes.map((n) => ({ id: n.id, keys: [n.name, ...n.aliases, n.id].map(nameKey) }));
  function search(text) {
    const q = nameKey(text);
    if (!q) return [];
    const ranked = [];
    for (const entry of index) {
      let rank = 3;
      for (const k of entry.keys) rank = Math.min(rank, k === q ? 0 : k.startsWith(q) ? 1 : k.includes(q) ? 2 : 3);
      if (rank < 3) ranked.push([rank, byId.get(entry.id).degree, entry.id]);
    }
    ranked.sort((a, b) => a[0] - b[0] || b[1] - a[1] || (a[2] < b[2] ? -1 : 1));
    return ranked.slice(0, 10).map((r) => r[2]);
  }
  const input = document.getElementById("search");
  const matches = document.getElementById("matches");
  function showMatches() {
    matches.replaceChildren(...search(input.value).map((id) => {
      const n = byId.get(id);
      const button = el("button", { type: "button" }, n.name, el("small", { textContent: n.type }));
      button.dataset.id = id;
      button.addEventListener("click", () => choose(id));
      return el("li", { role: "option" }, button);
    }));
  }
  input.addEventListener("input", showMatches);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = search(input.value)[0];
      if (first) choose(first);
    } else if (event.key === "Escape") {
      matches.replaceChildren();
    }
  });

  function choose(id) {
    matches.replaceChildren();
    const type = byId.get(id).type;
    if (hiddenTypes.has(type)) {  // a found node is shown even if its type was hidden
      hiddenTypes.delete(type);
      document.querySelector('#types input[value="' + CSS.escape(type) + '"]').checked = true;
      nodeView.refresh();
      edgeView.refresh();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showPanel(id);
  }

  // The details panel.
  const panel = document.getElementById("panel");
  const details = document.getElementById("details");
  document.getElementById("close").addEventListener("click", () => { panel.hidden = true; network.unselectAll(); });
  network.on("click", (params) => {
    if (params.nodes.length) showPanel(params.nodes[0]);
  });

  function evidenceQuote(ev) {
    const s = ev.sentence;
    const start = Math.max(0, Math.min(ev.start, s.length));
    const end = Math.max(start, Math.min(ev.end, s.length));
    const sentence = end > start ? [s.slice(0, start), el("mark", { textContent: s.slice(start, end) }), s.slice(end)] : [s];
    return el("blockquote", {}, ...sentence, el("small", { textContent: ev.extractor + " · confidence " + ev.confidence }));
  }

  function edgeItem(e, id) {
    const outgoing = e.from === id;
    const other = byId.get(outgoing ? e.to : e.from);
    const goto = el("button", { type: "button", className: "goto", textContent: other.name });
    goto.addEventListener("click", () => choose(other.id));
    const rel = el("span", { className: "rel", textContent: outgoing ? e.relation + " → " : "← " + e.relation + " " });
    rel.style.color = e.color;
    const item = el("li", { className: "edge" }, rel, goto);
    if (other.type === "Repository") item.append(" ", link(other.id, "open on GitHub"));
    for (const ev of e.evidence) item.append(evidenceQuote(ev));
    if (e.evidenceCount > e.evidence.length) item.append(el("small", { textContent: "+ " + (e.evidenceCount - e.evidence.length) + " more sentences" }));
    return item;
  }

  const MAX_EDGES_SHOWN = 200;
  function showPanel(id) {
    const n = byId.get(id);
    const parts = [el("h2", { textContent: n.name }), el("div", { className: "kind", textContent: n.type + " · " + n.id })];
    const meta = [];
    if (n.dates.length) meta.push("listed " + n.dates.join(", "));
    if (n.codeStatus) meta.push("code " + n.codeStatus);
    if (meta.length) parts.push(el("p", { textContent: meta.join(" · ") }));
    if (n.abstract) parts.push(el("p", { className: "abstract", textContent: n.abstract }));
    if (n.aliases.length) parts.push(el("h3", { textContent: "Also known as" }), el("p", { textContent: n.aliases.join(", ") }));
    const urls = [];
    if (n.type === "Repository") urls.push(n.id);
    for (const e of edgesOf.get(id)) if (e.relation === "releasesCode" && e.from === id) urls.push(e.to);
    urls.push(...n.links);
    if (urls.length) parts.push(el("h3", { textContent: "Links" }), el("ul", {}, ...urls.map((u) => el("li", {}, link(u)))));
    if (n.sources.length) parts.push(el("h3", { textContent: "Listed in" }), el("ul", {}, ...n.sources.map((s) => el("li", { textContent: s }))));
    const own = edgesOf.get(id);
    if (own.length) {
      parts.push(el("h3", { textContent: "Relations (" + own.length + ")" }));
      const list = el("ul", {}, ...own.slice(0, MAX_EDGES_SHOWN).map((e) => edgeItem(e, id)));
      parts.push(list);
      if (own.length > MAX_EDGES_SHOWN) parts.push(el("p", { textContent: "… and " + (own.length - MAX_EDGES_SHOWN) + " more" }));
    }
    details.replaceChildren(...parts);
    panel.hidden = false;
  }

  if (data.focus) {
    network.once("afterDrawing", () => {
      network.selectNodes([data.focus]);
      showPanel(data.focus);
    });
  }
})();
