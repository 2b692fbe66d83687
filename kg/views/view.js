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

  // Communities of a large view start closed: one labelled node each, standing where its
  // members are; opening one puts its members back and the edges that run to them.
  const groups = new Map(data.groups.map((g) => [g.id, g]));
  const groupOf = new Map();
  for (const g of data.groups) for (const m of g.members) groupOf.set(m, g.id);
  const openGroups = new Set();
  const hubs = data.nodes.filter((n) => n.hub).sort((a, b) => b.degree - a.degree);
  for (const n of hubs) n.label = "";  // drawn by labelLandmarks at every zoom instead
  function groupNode(g) {
    return { id: g.id, label: "", shape: "dot", size: g.size, x: g.x, y: g.y, type: "Group", borderWidth: 2,
             color: { background: "rgba(170,185,205,0.28)", border: "#8a94a6",
                      highlight: { background: "rgba(120,150,200,0.35)", border: "#4e79a7" },
                      hover: { background: "rgba(120,150,200,0.35)", border: "#4e79a7" } } };
  }
  const endpoint = (id) => { const g = groupOf.get(id); return g && !openGroups.has(g) ? g : id; };
  function shownEdgeRecords() {
    const shown = [], linked = new Map();
    for (const e of data.edges) {
      const a = endpoint(e.from), b = endpoint(e.to);
      if (a === e.from && b === e.to) shown.push(e);
      else if (a !== b) {
        const key = a < b ? a + "\u0000" + b : b + "\u0000" + a;
        linked.set(key, (linked.get(key) || 0) + 1);
      }
    }
    for (const [key, count] of linked) {
      const [a, b] = key.split("\u0000");
      shown.push({ id: "linked:" + key, from: a, to: b, relation: "linked", title: count + " edges",
                   width: Math.min(6, 1 + Math.log2(count)), color: { color: "#b8c0cc" }, arrows: { to: { enabled: false } } });
    }
    return shown;
  }

  const nodes = new vis.DataSet(data.nodes.filter((n) => !groupOf.has(n.id)).concat(data.groups.map(groupNode)));
  const edges = new vis.DataSet(shownEdgeRecords());
  const nodeView = new vis.DataView(nodes, { filter: (n) => !hiddenTypes.has(n.type) });
  const edgeView = new vis.DataView(edges, { filter: (e) => !hiddenRelations.has(e.relation) });
  const panel = document.getElementById("panel");
  if (data.focus) panel.hidden = false;  // before the network measures its canvas: the focus page fits beside the panel
  const network = new vis.Network(document.getElementById("graph"), { nodes: nodeView, edges: edgeView }, data.options);
  // First view: the communities and landmarks with their neighbours, not the scattered pairs
  // around them; a view with neither (a focus page, a timeline) fits everything.
  function firstView() {
    const ids = new Set(data.groups.map((g) => g.id));
    for (const n of hubs) {
      ids.add(n.id);
      if (!data.groups.length) for (const e of edgesOf.get(n.id)) { ids.add(e.from); ids.add(e.to); }
    }
    return [...ids].filter((id) => !groupOf.has(id) || openGroups.has(groupOf.get(id)));  // members of closed groups are not drawn
  }
  if (hubs.length || data.groups.length) {
    network.fit({ nodes: firstView(), animation: false });
    network.moveTo({ scale: network.getScale() * 0.85, animation: false });  // room for the names drawn beside the nodes
  } else {
    network.fit({ animation: false });
  }

  function setGroups(ids, open) {
    const changing = ids.filter((id) => openGroups.has(id) !== open);
    if (!changing.length) return;
    const members = [];
    for (const id of changing) {
      if (open) openGroups.add(id); else openGroups.delete(id);
      for (const m of groups.get(id).members) members.push(m);
    }
    if (open) {
      nodes.remove(changing);
      nodes.add(members.map((m) => byId.get(m)));
    } else {
      nodes.remove(members);
      nodes.add(changing.map((id) => groupNode(groups.get(id))));
    }
    edges.clear();
    edges.add(shownEdgeRecords());
    for (const button of document.querySelectorAll("#groups button")) button.setAttribute("aria-pressed", String(openGroups.has(button.dataset.id)));
  }
  function openGroup(id) {
    setGroups([id], true);
    network.fit({ nodes: groups.get(id).members.filter((m) => network.body.nodes[m]), animation: false });
  }

  const state = {
    ready: false, readyAt: null, network: network,
    shownNodes: () => Object.keys(network.getPositions()).length,  // what the network drew, after filters
    shownEdges: () => network.body.edgeIndices.length,
    groups: () => data.groups.map((g) => ({ id: g.id, label: g.label, members: g.members, open: openGroups.has(g.id) })),
    openAll: () => setGroups([...groups.keys()], true),
    openGroup: openGroup,
    landmarks: [],  // the labels labelLandmarks drew last frame, in DOM pixels
  };
  window.kgView = state;
  network.once("afterDrawing", () => {
    state.ready = true;
    state.readyAt = performance.now();
    document.body.dataset.ready = "true";
  });

  // Labels that keep their size at every zoom: closed groups, then the best-connected nodes,
  // each drawn only where it overlaps no label already drawn.
  function labelLandmarks(ctx) {
    const ratio = network.canvas.pixelRatio || 1;
    const scale = network.getScale();
    const items = [];  // [id, text, font, above the node?]
    for (const n of hubs) items.push([n.id, n.name.length > 40 ? n.name.slice(0, 39) + "…" : n.name, "700 14px", false]);
    for (const g of data.groups) if (!openGroups.has(g.id)) items.push([g.id, g.label, "italic 600 13px", true]);
    const taken = [];
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (const [id, text, font, above] of items) {
      const node = network.body.nodes[id];
      if (!node || hiddenTypes.has(byId.has(id) ? byId.get(id).type : "Group")) continue;
      const at = network.canvasToDOM({ x: node.x, y: node.y });
      const radius = Math.max(4, (node.shape.radius || node.options.size || 10) * scale);
      ctx.font = font + " system-ui, sans-serif";
      const width = ctx.measureText(text).width;
      // a group's name inside its circle under the top edge when the circle is large enough, else above it
      const top = !above ? at.y + radius + 2 : radius >= 40 ? at.y - radius + 8 : at.y - radius - 20;
      const box = { left: at.x - width / 2 - 2, right: at.x + width / 2 + 2, top: top, bottom: top + 20 };
      if (taken.some((t) => box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom)) continue;
      taken.push(box);
      ctx.lineWidth = 4;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(text, at.x, box.top + 2);
      ctx.fillStyle = "#1d2733";
      ctx.fillText(text, at.x, box.top + 2);
    }
    ctx.restore();
    state.landmarks = taken;
  }
  if (data.groups.length || hubs.length) network.on("afterDrawing", labelLandmarks);

  // A timeline's axis: one line and date per tick, under the nodes.
  if (data.axis.length) {
    network.on("beforeDrawing", (ctx) => {
      const ratio = network.canvas.pixelRatio || 1;
      const height = network.canvas.frame.canvas.clientHeight;
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.font = "600 12px system-ui, sans-serif";
      ctx.textAlign = "center";
      for (const tick of data.axis) {
        const x = network.canvasToDOM({ x: tick.x, y: 0 }).x;
        ctx.strokeStyle = "#e4e7eb";
        ctx.beginPath(); ctx.moveTo(x, 22); ctx.lineTo(x, height); ctx.stroke();
        ctx.fillStyle = "#55606e";
        ctx.fillText(tick.label, x, 16);
      }
      ctx.restore();
    });
  }

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

  if (data.groups.length) {
    document.getElementById("group-legend").hidden = false;
    document.getElementById("groups").append(...data.groups.map((g) => {
      const button = el("button", { type: "button", textContent: g.label });
      button.dataset.id = g.id;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", () => (openGroups.has(g.id) ? setGroups([g.id], false) : openGroup(g.id)));
      return el("li", {}, button);
    }));
  }

  // Size by degree or by citations.
  document.getElementById("size-by").addEventListener("change", (event) => {
    const key = event.target.value;
    for (const n of data.nodes) n.value = n[key];  // members of a closed group get theirs when it opens
    nodes.update(data.nodes.filter((n) => nodes.get(n.id)).map((n) => ({ id: n.id, value: n[key] })));
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
    if (groupOf.has(id)) setGroups([groupOf.get(id)], true);
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
  const details = document.getElementById("details");
  document.getElementById("close").addEventListener("click", () => { panel.hidden = true; network.unselectAll(); });
  network.on("click", (params) => {
    if (!params.nodes.length) return;
    if (groups.has(params.nodes[0])) openGroup(params.nodes[0]);
    else showPanel(params.nodes[0]);
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
    if (n.firstListed) meta.push("first listed " + n.firstListed);
    if (meta.length) parts.push(el("p", { textContent: meta.join(" · ") }));
    if (n.abstract) parts.push(el("p", { className: "abstract", textContent: n.abstract }));
    if (n.aliases.length) parts.push(el("h3", { textContent: "Also known as" }), el("p", { textContent: n.aliases.join(", ") }));
    const urls = [];
    if (n.type === "Repository") urls.push(n.id);
    for (const e of edgesOf.get(id)) if (e.relation === "releasesCode" && e.from === id) urls.push(e.to);
    urls.push(...n.links);
    if (urls.length) parts.push(el("h3", { textContent: "Links" }), el("ul", {}, ...urls.map((u) => el("li", {}, link(u)))));
    if (n.introducedBy && n.introducedBy.length) {
      parts.push(el("h3", { textContent: "Introduced by" }), el("ul", {}, ...n.introducedBy.map((p) =>
        el("li", { className: "introduced" }, p.title, el("small", { textContent: " · listed " + p.date })))));
    }
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
