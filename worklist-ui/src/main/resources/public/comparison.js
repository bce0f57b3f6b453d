// cxr-triage model comparison page: one candidate version against the active version, for
// administrators. Plain JavaScript; charts are inline SVG built with DOM calls (the
// Content-Security-Policy allows no inline script or style); every number is also text.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 420;
const HEIGHT = 170;
const MARGIN = { left: 30, right: 8, top: 16, bottom: 24 };
const $ = (id) => document.getElementById(id);

async function api(path) {
  const response = await fetch("/api" + path, { credentials: "same-origin", headers: { "X-Requested-With": "cxr-triage" } });
  if (response.status === 401 || response.status === 403) {
    const why = response.status === 403 ? ((await response.json().catch(() => ({}))).error || "") : "";
    notice(response.status === 401 ? ["Sign in on the ", link("/", "administrator's page"), " first, then come back here."]
      : why.startsWith("set your own password")
        ? ["The comparison lists studies, so it needs a password of your own: set it on the ", link("/", "administrator's page"),
          " (your password was set for you), then come back here."]
        : ["Only administrators compare model versions. ", link("/", "Back")]);
    throw new Error("not allowed");
  }
  return response;
}

function notice(parts) {
  $("comparison-notice").replaceChildren(...parts);
  $("comparison-notice").hidden = false;
  $("comparison").hidden = true;
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

async function start() {
  const params = new URLSearchParams(location.search);
  const model = params.get("model");
  const version = params.get("version");
  if (!model || !version) {
    notice(["Open this page from a shadow or canary version on the ", link("/", "administrator's page"), "."]);
    return;
  }
  try {
    await api("/me");
    const response = await api(`/admin/models/${encodeURIComponent(model)}/${encodeURIComponent(version)}/comparison`);
    const body = await response.json();
    if (!response.ok) {
      notice([body.error || `HTTP ${response.status}`]);
      return;
    }
    render(body);
  } catch (e) {
    // the notice says what to do
  }
}

function render(c) {
  const v = c.version;
  const active = c.activeVersions.length ? c.activeVersions.join(", ") : "none yet";
  $("comparison-title").textContent = `${v.modelId} ${v.version} (${v.state}) against the active version (${active})`;
  document.title = `Comparison ${v.modelId} ${v.version} - cxr-triage`;
  $("comparison-version").replaceChildren(`${v.state} since ${time(v.since)}`
    + (v.state === "canary" ? `, share ${v.share}` : "") + `; calibration ${v.calibrationVersions}; `, flag(v),
    `; SHA-256 ${v.sha256.slice(0, 12)}`);
  $("comparison-bounds").textContent = `${c.pairs} pair(s) compared: the latest ${c.pairs} of ${c.pairsAvailable} studies`
    + ` scored by both (at most ${c.maxPairs} are compared).`;
  renderAgreement(c.findings);
  renderDisagreements(c);
  renderDistributions(c.findings);
  renderSignals(c);
  $("comparison").hidden = false;
  $("comparison-notice").hidden = true;
}

function flag(v) {
  const span = document.createElement("span");
  span.className = v.siteCalibrated ? "" : "flag";
  span.textContent = v.siteCalibration;
  return span;
}

function renderAgreement(findings) {
  $("agreement").tBodies[0].replaceChildren(...findings.map((f) => {
    const tr = document.createElement("tr");
    tr.dataset.finding = f.finding;
    const agreement = f.agreement == null ? "no pairs"
      : `${f.bothPositive + f.bothNegative}/${f.pairs} = ${f.agreement.toFixed(3)} (${f.lower.toFixed(3)}–${f.upper.toFixed(3)})`;
    tr.append(header(f.display), count(f.bothPositive, "bothPositive"), count(f.candidateOnly, "candidateOnly"),
      count(f.activeOnly, "activeOnly"), count(f.bothNegative, "bothNegative"), count(f.pairs, "pairs"), cell(agreement));
    return tr;
  }));
}

function renderDisagreements(c) {
  const listed = new Set(c.disagreements.map((d) => d.studyInstanceUid)).size;
  $("disagreements-note").textContent = c.disagreeingStudies === 0 ? "The two versions agree on every finding of every pair."
    : `${c.disagreeingStudies} disagreeing study(ies) among the pairs; the newest ${listed} are listed (at most`
      + ` ${c.maxStudiesListed}), one row per finding on which the verdicts differ.`;
  $("disagreements").tBodies[0].replaceChildren(...c.disagreements.map((d) => {
    const tr = document.createElement("tr");
    tr.dataset.study = d.studyInstanceUid;
    tr.dataset.finding = d.finding;
    const uid = cell(d.studyInstanceUid);
    uid.className = "mono";
    const open = document.createElement("td");
    open.append(link(d.worklistLink, "Worklist item"));
    open.lastChild.setAttribute("aria-label", `Worklist item of accession ${d.accessionNumber || d.studyInstanceUid}`);
    tr.append(cell(d.accessionNumber), cell(d.studyDate), uid, cell(d.display), verdict(d.candidateProbability, d.candidatePositive),
      verdict(d.activeProbability, d.activePositive), open);
    return tr;
  }));
}

function verdict(probability, positive) {
  const td = cell(`${probability.toFixed(3)} ${positive ? "positive" : "negative"}`);
  if (positive) td.className = "positive";
  return td;
}

function renderDistributions(findings) {
  $("distributions").replaceChildren(...findings.map((f) => {
    const figure = document.createElement("figure");
    figure.dataset.finding = f.finding;
    const caption = document.createElement("figcaption");
    caption.id = `hist-${f.finding}`;
    caption.textContent = `${f.display}: ${f.pairs} pair(s)`;
    const legend = document.createElement("div");
    legend.className = "legend";
    legend.append(key("candidate", "Candidate"), key("active", "Active"));
    figure.append(caption, histogram(f, caption.id), legend, histogramTable(f));
    return figure;
  }));
}

function key(kind, text) {
  const span = document.createElement("span");
  span.className = `key-${kind}`;
  span.textContent = text;
  return span;
}

function histogram(f, labelledBy) {
  const svg = element("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-labelledby": labelledBy });
  const max = Math.max(1, ...f.candidateHistogram, ...f.activeHistogram);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / f.candidateHistogram.length;
  const bar = (slot - 6) / 2;
  svg.append(element("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom,
    class: "chart-axis" }));
  f.candidateHistogram.forEach((_, i) => {
    [["candidate", f.candidateHistogram[i]], ["active", f.activeHistogram[i]]].forEach(([side, n], s) => {
      const h = (n / max) * plotHeight;
      const x = MARGIN.left + i * slot + 3 + s * bar;
      const y = HEIGHT - MARGIN.bottom - h;
      svg.append(element("rect", { x, y, width: bar - 1, height: h, class: `hist-${side}` }));
      if (n > 0) svg.append(text(x + bar / 2, y - 3, String(n), "hist-count", "middle"));
    });
    svg.append(text(MARGIN.left + i * slot + slot / 2, HEIGHT - 8, (i / 10).toFixed(1), "chart-label", "middle"));
  });
  svg.append(text(MARGIN.left - 4, MARGIN.top + 4, String(max), "chart-label", "end"));
  return svg;
}

function histogramTable(f) {
  const table = document.createElement("table");
  table.className = "findings histogram-table";
  table.dataset.finding = f.finding;
  const caption = document.createElement("caption");
  caption.textContent = `${f.display}: studies per probability bin`;
  const head = document.createElement("tr");
  head.append(header("Bin", "col"), ...f.candidateHistogram.map((_, i) => header(`${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`,
    "col")), header("Total", "col"));
  const rows = [["candidate", "Candidate", f.candidateHistogram], ["active", "Active", f.activeHistogram]].map(([side, label, bins]) => {
    const tr = document.createElement("tr");
    tr.dataset.side = side;
    tr.append(header(label), ...bins.map((n) => count(n, "bin")), count(bins.reduce((a, b) => a + b, 0), "total"));
    return tr;
  });
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  tbody.append(...rows);
  table.append(caption, thead, tbody);
  return table;
}

function renderSignals(c) {
  $("signals-note").textContent = c.signalsNote;
  $("signals").tBodies[0].replaceChildren(...c.signals.map((s) => {
    const tr = document.createElement("tr");
    tr.dataset.signal = s.name;
    const counts = [s.count != null ? `n ${s.count}` : "", s.referenceCount != null ? `ref ${s.referenceCount}` : "",
      s.events != null ? `events ${s.events}` : ""].filter(Boolean).join(", ");
    const level = cell(s.tested ? s.level : "not tested");
    level.className = s.tested ? `level-${s.level}` : "untested";
    tr.append(cell(s.name), level, cell(`${s.kind}, ${s.against}`), cell(s.statistic == null ? "" : s.statistic.toPrecision(3)),
      cell(s.pValue == null ? "" : s.pValue.toPrecision(2)), cell(counts), cell(s.reason || ""));
    return tr;
  }));
}

function element(name, attributes) {
  const e = document.createElementNS(SVG, name);
  for (const [k, value] of Object.entries(attributes)) e.setAttribute(k, value);
  return e;
}

function text(x, y, content, className, anchor) {
  const t = element("text", { x, y, class: className, "text-anchor": anchor });
  t.textContent = content;
  return t;
}

function cell(content) {
  const td = document.createElement("td");
  td.textContent = content ?? "";
  return td;
}

function count(n, what) {
  const td = cell(String(n));
  td.dataset.count = what;
  return td;
}

function header(content, scope = "row") {
  const th = document.createElement("th");
  th.scope = scope;
  th.textContent = content;
  return th;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { hour12: false }) : "";
}

start();
