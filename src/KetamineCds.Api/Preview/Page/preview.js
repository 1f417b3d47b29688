// The rule workbench. Every value from the server is written with textContent (never markup), except a card's
// detail, which the server renders from Markdown with raw HTML disabled and only http(s) links kept.
"use strict";

const $ = (selector) => document.querySelector(selector);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// Only web links become anchors; anything else (javascript:, data:) stays plain text.
function webLink(label, url) {
  try {
    const parsed = new URL(url, window.location.href);
    if (parsed.protocol === "https:" || parsed.protocol === "http:") {
      const anchor = element("a", label);
      anchor.href = parsed.href;
      anchor.rel = "noopener noreferrer";
      anchor.target = "_blank";
      return anchor;
    }
  } catch { /* not a URL */ }
  return element("span", label);
}

async function getJson(url, options) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    const message = body?.issue?.[0]?.diagnostics ?? `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.body = body;
    throw error;
  }
  return body;
}

function showPack(status) {
  const live = status.live;
  $("#pack").textContent =
    `Live: ${live.name}@${live.version} · hash ${live.contentHash.slice(0, 12)} · ${live.rules.length} rules · ` +
    `${live.testsPassed} tests passed · loaded ${new Date(live.loadedAt).toLocaleString()} · ` +
    `reload on change ${status.reloadOnChange ? "on" : "off"}`;
  showReload(status.lastReload);
  showRules(live.rules);
}

function showRules(rules) {
  const body = $("#rules tbody");
  body.replaceChildren();
  for (const rule of rules) {
    const row = element("tr");
    row.dataset.rule = rule.id;
    const approved = rule.approvedBy ? `${rule.approvedBy}${rule.approvedOn ? ` on ${rule.approvedOn}` : ""}` : "not recorded";
    row.append(element("td", rule.id), element("td", rule.version), element("td", rule.title), element("td", rule.lastReviewed), element("td", approved));
    body.append(row);
  }
}

const changeWords = { gained: "card gained", lost: "card lost", indicator: "indicator changed" };

async function compareWithDisk() {
  const summary = $("#diff-summary");
  const unversioned = $("#diff-unversioned");
  const body = $("#diff tbody");
  summary.textContent = "Comparing…";
  unversioned.replaceChildren();
  body.replaceChildren();
  try {
    const diff = await getJson("/admin/rules/diff");
    summary.textContent = `${diff.live} (${diff.liveHash.slice(0, 12)}) → on disk ${diff.onDisk} (${diff.onDiskHash.slice(0, 12)}): ${diff.summary}`;
    for (const problem of diff.unversioned) unversioned.append(element("li", `Would be refused: ${problem}`, "flag"));
    for (const change of diff.changes) {
      const row = element("tr");
      row.dataset.rule = change.ruleId;
      row.dataset.change = change.change;
      const what = change.change === "indicator" ? `${change.before} → ${change.after}` : `${changeWords[change.change]} (${change.after ?? change.before})`;
      row.append(element("td", change.case), element("td", change.hook), element("td", change.ruleId), element("td", what));
      body.append(row);
    }
  } catch (error) {
    summary.textContent = "";
    const errors = error.body?.errors ?? [];
    if (errors.length === 0) unversioned.append(element("li", `Could not compare: ${error.message}`, "flag"));
    for (const e of errors) unversioned.append(element("li", `${e.file}:${e.line || 1}${e.ruleId ? ` [${e.ruleId}]` : ""}: ${e.message}`, "flag"));
  }
}

async function loadHistory() {
  $("#history-error").textContent = "";
  const body = $("#history tbody");
  body.replaceChildren();
  try {
    for (const entry of await getJson("/admin/rules/history?limit=50")) {
      const row = element("tr");
      row.dataset.madeBy = entry.madeBy;
      const from = entry.oldPack ? `${entry.oldPack} (${entry.oldHash.slice(0, 12)}) → ` : "";
      row.append(element("td", new Date(entry.at).toLocaleString()), element("td", entry.replica), element("td", entry.madeBy),
        element("td", `${from}${entry.newPack} (${entry.newHash.slice(0, 12)})`), element("td", entry.impact ?? ""));
      body.append(row);
    }
  } catch (error) {
    $("#history-error").textContent = `History unavailable: ${error.message}`;
  }
}

function showReload(attempt) {
  const errors = $("#reload-errors");
  errors.replaceChildren();
  if (!attempt) {
    $("#reload-status").textContent = "No reload since start-up.";
    return;
  }
  const outcome = { swapped: "new pack live", unchanged: "no change", rejected: "REJECTED: the previous pack keeps serving" }[attempt.outcome.toLowerCase()] ?? attempt.outcome;
  $("#reload-status").textContent = `Last reload (${attempt.trigger}) at ${new Date(attempt.at).toLocaleString()}: ${outcome}` +
    (attempt.impact ? ` · impact ${attempt.impact}` : "");
  for (const error of attempt.errors ?? []) {
    errors.append(element("li", `${error.file}:${error.line || 1}${error.ruleId ? ` [${error.ruleId}]` : ""}: ${error.message}`));
  }
}

async function loadStatus() {
  try {
    showPack(await getJson("/admin/rules"));
  } catch (error) {
    $("#pack").textContent = `Could not read the live pack: ${error.message}`;
  }
}

async function reloadNow() {
  try {
    showReload(await getJson("/admin/rules/reload", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }));
  } catch (error) {
    if (error.body?.outcome) showReload(error.body);
    else $("#reload-status").textContent = `Reload failed: ${error.message}`;
  }
  await loadStatus();
  await loadHistory();
}

async function loadExamples() {
  const select = $("#example");
  for (const example of await getJson("/admin/preview/examples")) {
    const option = element("option", `${example.id} (${example.hook})`);
    option.value = example.id;
    option.dataset.hook = example.hook;
    select.append(option);
  }
  select.addEventListener("change", () => {
    const hook = select.selectedOptions[0]?.dataset.hook;
    if (hook) $("#hook").value = hook;
  });
  select.dispatchEvent(new Event("change"));
}

// The scores of a treatment course as a small line chart (inline SVG: presentation attributes, no inline style, so
// the page's Content-Security-Policy holds). Each point is labelled with its value, the axis with the dates.
function renderTrajectory(points) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  };
  const width = 360, height = 120, left = 28, right = 12, top = 14, bottom = 26;
  const values = points.map((p) => Number(p.value));
  const max = Math.max(...values), min = Math.min(0, ...values);
  const x = (i) => left + (points.length === 1 ? 0 : (i * (width - left - right)) / (points.length - 1));
  const y = (v) => top + ((max - v) * (height - top - bottom)) / (max - min || 1);
  const chart = svg("svg", { class: "trajectory", viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "aria-label": `Score trajectory: ${points.map((p) => `${p.date} ${p.value}`).join(", ")}` });
  chart.append(svg("line", { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: "#99a" }));
  chart.append(svg("polyline", { points: points.map((p, i) => `${x(i)},${y(Number(p.value))}`).join(" "), fill: "none", stroke: "#1e6fd9", "stroke-width": 2 }));
  points.forEach((p, i) => {
    const point = svg("circle", { cx: x(i), cy: y(Number(p.value)), r: 3.5, fill: "#1e6fd9" });
    point.append(svg("title", {}, `${p.label} ${p.value} on ${p.date}`));
    chart.append(point);
    chart.append(svg("text", { x: x(i), y: y(Number(p.value)) - 6, "text-anchor": "middle", "font-size": 10 }, p.value));
    chart.append(svg("text", { x: x(i), y: height - 8, "text-anchor": "middle", "font-size": 9, fill: "#555" }, p.date.slice(5)));
  });
  return chart;
}

function renderCard(preview) {
  const card = preview.card;
  const node = element("article", null, `card ${card.indicator}`);
  node.dataset.indicator = card.indicator;
  node.append(element("div", card.indicator, "indicator"));
  node.append(element("div", card.summary, "summary"));
  const detail = element("div", null, "detail");
  detail.innerHTML = preview.detailHtml; // sanitised by the server (SafeMarkdown)
  node.append(detail);
  if (preview.trajectory?.length >= 2) node.append(renderTrajectory(preview.trajectory));

  const source = element("p", "Source: ", "meta");
  source.append(card.source.url ? webLink(card.source.label, card.source.url) : element("span", card.source.label));
  node.append(source);

  if (card.suggestions?.length) {
    const list = element("ul", null, "suggestions");
    for (const suggestion of card.suggestions) {
      list.append(element("li", `${suggestion.label}${suggestion.isRecommended ? " (recommended)" : ""}`));
    }
    node.append(element("p", `Suggestions (${card.selectionBehavior ?? "any"}):`, "meta"), list);
  }
  if (card.overrideReasons?.length) {
    node.append(element("p", `Override reasons: ${card.overrideReasons.map((r) => r.display ?? r.code).join(" · ")}`, "meta"));
  }
  if (card.links?.length) {
    const links = element("p", "Links: ", "meta");
    card.links.forEach((link, index) => {
      if (index > 0) links.append(" · ");
      links.append(webLink(link.label, link.url));
    });
    node.append(links);
  }
  const rule = card.extension?.["org.ketaminecds.rule"];
  if (rule) node.append(element("p", `Rule ${rule}`, "meta"));
  return node;
}

function renderTrace(trace) {
  const body = $("#trace tbody");
  body.replaceChildren();
  const labels = { fired: "fired", silent: "silent", unknown: "could not evaluate", error: "could not evaluate (error)", superseded: "fired, shown by another tier" };
  for (const rule of trace) {
    const row = element("tr");
    row.dataset.rule = rule.ruleId;
    row.dataset.outcome = rule.outcome;
    row.append(element("td", `${rule.ruleId}@${rule.version} ${rule.title}`));
    row.append(element("td", labels[rule.outcome] ?? rule.outcome, `outcome ${rule.outcome}`));
    row.append(element("td", rule.explanation));
    const evidence = element("td", null, "evidence");
    if (rule.evidence.length) {
      const list = element("ul");
      for (const item of rule.evidence) {
        const parts = [item.label, item.value, item.date ? item.date.slice(0, 10) : null, item.note ? `(${item.note})` : null, item.reference ? `[${item.reference}]` : null];
        list.append(element("li", parts.filter((p) => p).join(" · ")));
      }
      evidence.append(list);
    }
    row.append(evidence);
    body.append(row);
  }
}

async function preview(event) {
  event.preventDefault();
  $("#preview-error").textContent = "";
  const request = { hook: $("#hook").value };
  if ($("#at").value) request.at = $("#at").value;
  if (document.querySelector("input[name=source]:checked").value === "example") {
    request.example = $("#example").value;
  } else {
    try {
      request.bundle = JSON.parse($("#bundle").value);
    } catch {
      $("#preview-error").textContent = "The pasted text is not JSON.";
      return;
    }
  }
  try {
    const result = await getJson("/admin/preview", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request) });
    const cards = $("#cards");
    cards.replaceChildren(...result.cards.map(renderCard));
    if (result.cards.length === 0) cards.append(element("p", "No cards: the EHR would show nothing."));
    $("#preview-context").textContent =
      `${result.pack} · ${result.hook} at ${result.at.slice(0, 10)}` +
      (result.draftOrder ? ` · order: ${result.draftOrder}${result.draftOrderAssumed ? " (assumed: the bundle has no draft order)" : ""}` : "");
    renderTrace(result.trace);
  } catch (error) {
    $("#preview-error").textContent = error.message;
  }
}

async function loadStatistics() {
  $("#stats-error").textContent = "";
  const body = $("#stats tbody");
  body.replaceChildren();
  try {
    const rows = await getJson(`/admin/statistics?since=${encodeURIComponent($("#since").value)}`);
    const most = Math.max(1, ...rows.map((r) => r.issued));
    for (const rule of rows) {
      const row = element("tr");
      row.dataset.rule = rule.ruleId;
      row.append(element("td", rule.ruleId));
      const issued = element("td");
      const bar = element("span", null, "bar");
      bar.style.width = `${Math.round((rule.issued / most) * 200)}px`;
      issued.append(bar, String(rule.issued));
      row.append(issued);
      row.append(element("td", String(rule.suppressed)));
      const rate = element("td");
      const rateBar = element("span", null, "bar override");
      rateBar.style.width = `${Math.round((rule.overrideRate ?? 0) * 200)}px`;
      rate.append(rateBar, rule.overrideRate === null ? "no feedback" : `${Math.round(rule.overrideRate * 100)}% (${rule.overridden} of ${rule.overridden + rule.accepted})`);
      row.append(rate);
      row.append(element("td", String(rule.ignored)));
      row.append(element("td", rule.topOverrideReasons.map((r) => `${r.display ?? r.code} (${r.count})`).join(" · ")));
      row.append(element("td", rule.flag ?? "", rule.flag ? "flag" : null));
      body.append(row);
    }
    if (rows.length === 0) body.append(element("tr")).append(element("td", "No cards shown in this period."));
  } catch (error) {
    $("#stats-error").textContent = `Statistics unavailable: ${error.message}`;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("#preview-form").addEventListener("submit", preview);
  $("#reload-button").addEventListener("click", reloadNow);
  $("#since").addEventListener("change", loadStatistics);
  $("#diff-button").addEventListener("click", compareWithDisk);
  await Promise.all([loadStatus(), loadExamples(), loadStatistics(), loadHistory()]);
  document.body.dataset.ready = "true";
});
