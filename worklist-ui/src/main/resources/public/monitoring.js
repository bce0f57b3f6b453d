// cxr-triage monitoring page: plain JavaScript, charts as inline SVG built with DOM calls (the
// Content-Security-Policy allows no inline script or style), nothing fetched from elsewhere.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 560;
const HEIGHT = 190;
const MARGIN = { left: 46, right: 12, top: 14, bottom: 26 };
const ROUTES = ["scored", "unreliable", "suspended", "not-scored", "error"];
const $ = (id) => document.getElementById(id);
const state = { permissions: new Set(), days: 30 };

async function api(path, options = {}) {
  const response = await fetch("/api" + path, {
    credentials: "same-origin",
    headers: { "X-Requested-With": "cxr-triage", ...(options.body ? { "Content-Type": "application/json" } : {}) },
    ...options,
  });
  if (response.status === 401 || response.status === 403) {
    const notice = $("monitor-notice");
    notice.replaceChildren();
    if (response.status === 401) {
      notice.append("Sign in on the ", link("/", "worklist page"), " first, then come back here.");
    } else {
      notice.append("Your role does not include monitoring (administrators, compliance officers and integrations have it). ",
        link("/", "Back to the worklist"));
    }
    notice.hidden = false;
    $("monitor").hidden = true;
    throw new Error("not allowed");
  }
  return response;
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

async function start() {
  try {
    const me = await (await api("/me")).json();
    state.permissions = new Set(me.permissions);
    await load();
    setInterval(() => load().catch(() => {}), 30000);
  } catch (e) {
    // the notice says what to do
  }
}

async function load() {
  const monitoring = await (await api("/monitoring")).json();
  const history = await (await api(`/monitoring/history?days=${state.days}`)).json();
  $("monitor").hidden = false;
  $("monitor-notice").hidden = true;
  renderStatus(monitoring);
  renderSignals(monitoring);
  renderPerformance(monitoring);
  renderSubgroups(monitoring);
  renderCharts(history);
  renderEvents(history);
}

function renderStatus(m) {
  const badge = $("status-badge");
  badge.textContent = m.status;
  badge.className = `badge ${m.status}`;
  $("status-since").textContent = `since ${time(m.since)}; last evaluated ${m.evaluatedAt ? time(m.evaluatedAt) : "not yet"}`
    + (m.evaluationMillis == null ? "" : ` in ${m.evaluationMillis} ms`) + `; stop rule: ${m.stopRule}`;
  $("status-reasons").replaceChildren(...m.reasons.map((reason) => item("li", reason)));
  const triage = $("ai-triage");
  triage.textContent = m.suspended ? `AI triage suspended: ${m.suspensionReason}. Scores are shown but raise no priority.`
    : "AI triage active: the AI may raise priority.";
  triage.className = m.suspended ? "suspended" : "";
  const ack = m.acknowledgement;
  $("acknowledgement").textContent = ack ? `Acknowledged by ${ack.by} at ${time(ack.at)}: ${ack.reason}`
    + ` (covers ${ack.signals.join(", ")})` : "";
  $("acknowledge-form").hidden = !(m.status === "alarm" && !ack && state.permissions.has("MONITORING_ACKNOWLEDGE"));
  const w = m.window;
  $("window").textContent = !w ? "Not evaluated yet." : `Window ${time(w.from)} to ${time(w.to)}: ${w.studies} studies, `
    + `${w.scored} scored by ${m.model.id} ${m.model.version}, ${w.notScored} not scored`
    + (w.otherModels ? `, ${w.otherModels} by other model versions` : "")
    + `; at least ${w.minStudies} needed. Reference profile ${m.model.profileVersion || "none"}`
    + (m.model.profileStudies ? ` (${m.model.profileStudies} studies)` : "")
    + `; baseline ${w.baselineStudies} studies before the window. ${m.comparisons} tests share the false-alarm budget.`;
}

function renderSignals(m) {
  $("signals-caption").textContent = "Each monitored quantity now. A test warns at p < "
    + `${m.thresholds ? m.thresholds.warningAlpha : "?"} / ${m.comparisons} and alarms at p < `
    + `${m.thresholds ? m.thresholds.alarmAlpha : "?"} / ${m.comparisons} (Bonferroni), only with a large enough effect.`;
  $("signals").tBodies[0].replaceChildren(...m.signals.map((s) => {
    const tr = document.createElement("tr");
    tr.dataset.signal = s.name;
    const counts = [s.count != null ? `n ${s.count}` : "", s.referenceCount != null ? `ref ${s.referenceCount}` : "",
      s.events != null ? `events ${s.events}` : ""].filter(Boolean).join(", ");
    const limits = [s.interval ? `CI ${range(s.interval)}` : "", s.warningLimits ? `warn ${range(s.warningLimits)}` : "",
      s.alarmLimits ? `alarm ${range(s.alarmLimits)}` : ""].filter(Boolean).join("; ");
    tr.append(cell(s.name), cell(s.tested ? s.level : "not tested", s.tested ? `level-${s.level}` : "untested"),
      cell(`${s.kind}, ${s.against}`), cell(number(s.statistic)), cell(s.pValue == null ? "" : s.pValue.toPrecision(2)),
      cell(number(s.effect)), cell(counts), cell(limits), cell(s.reason || ""));
    return tr;
  }));
}

function renderPerformance(m) {
  const p = m.performance;
  if (!p) {
    return;
  }
  const c = p.cusum;
  $("cusum").textContent = `${p.feedbacks} findings with feedback; agreement ${proportion(p.agreement)}. Disagreement CUSUM `
    + `S = ${number(c.statistic)} against h = ${number(c.warningLimits ? c.warningLimits.upper : null)} (in-control rate `
    + `${number(c.referenceRate)}): ${c.tested ? c.level : "no feedback yet"}.`;
  $("performance").tBodies[0].replaceChildren(...p.findings.map((f) => {
    const tr = document.createElement("tr");
    tr.append(cell(f.finding), cell(proportion(f.agreement)), cell(proportion(f.positivePredictiveValue)),
      cell(proportion(f.disagreedNegatives)),
      cell(Object.entries(f.disagreementReasons).map(([reason, n]) => `${reason} ${n}`).join(", ")));
    return tr;
  }));
}

function renderSubgroups(m) {
  $("subgroups").tBodies[0].replaceChildren(...m.subgroups.map((g) => {
    const tr = document.createElement("tr");
    tr.append(cell(g.dimension), cell(g.group), cell(g.studies), cell(g.unreliable), cell(g.positive), cell(proportion(g.agreement)));
    return tr;
  }));
}

function renderEvents(h) {
  $("events").tBodies[0].replaceChildren(...h.events.slice().reverse().map((e) => {
    const tr = document.createElement("tr");
    tr.append(cell(time(e.at)), cell(e.kind), cell(e.from === e.to ? e.to : `${e.from} → ${e.to}`), cell(e.actor),
      cell(e.details || ""));
    return tr;
  }));
}

function renderCharts(h) {
  const days = h.days.map((d) => d.day);
  const scoredOf = (d) => (d.routing.scored || 0) + (d.routing.unreliable || 0) + (d.routing.suspended || 0);
  const maxStudies = Math.max(1, ...h.days.map((d) => d.studies));
  chart($("chart-studies"), {
    days, yMax: niceMax(maxStudies), format: (v) => Math.round(v).toString(), label: "Studies per day",
    bars: h.days.map((d) => ROUTES.map((route) => ({ key: route, value: d.routing[route] || 0 }))),
    legend: ROUTES.map((route) => ({ key: `key-${route}`, text: route })),
  });
  chart($("chart-unreliable"), {
    days, yMax: 1, format: percent, label: "Unreliable rate per day",
    series: [{ values: h.days.map((d) => (scoredOf(d) ? (d.routing.unreliable || 0) / scoredOf(d) : null)) }],
    legend: [{ key: "key-0", text: "unreliable / scored" }],
  });
  const drift = [["scoreDrift", "scores (KS D)"], ["inputDrift", "inputs (KS D)"], ["headerDrift", "header values (share moved)"]];
  chart($("chart-drift"), {
    days, yMax: 1, format: (v) => v.toFixed(1), label: "Largest drift statistic per day",
    series: drift.map(([key]) => ({ values: h.days.map((d) => d[key]) })), status: h.days.map((d) => d.worstStatus),
    legend: drift.map(([, text], i) => ({ key: `key-${i}`, text })),
  });
  chart($("chart-agreement"), {
    days, yMax: 1, format: percent, label: "Agreement per day",
    series: [{ values: h.days.map((d) => d.feedbacks.rate) }],
    band: { lower: h.days.map((d) => d.feedbacks.lower), upper: h.days.map((d) => d.feedbacks.upper) },
    legend: [{ key: "key-0", text: "agreed / feedback" }, { key: "key-band", text: "Wilson 95 %" }],
  });
  const findings = [...new Set([...Object.keys(h.referenceRates), ...h.days.flatMap((d) => Object.keys(d.positives))])].sort();
  $("chart-positive").replaceChildren(...findings.map((finding) => {
    const figure = document.createElement("figure");
    figure.dataset.finding = finding;
    figure.append(item("figcaption", finding));
    const rates = h.days.map((d) => d.positives[finding] || null);
    chart(figure, {
      days, yMax: 1, format: percent, label: `Positive rate of ${finding} per day`,
      series: [{ values: rates.map((r) => (r ? r.rate : null)) }],
      band: { lower: rates.map((r) => (r ? r.bandLower : null)), upper: rates.map((r) => (r ? r.bandUpper : null)) },
      reference: h.referenceRates[finding],
      legend: [{ key: "key-0", text: "positive / scored" }, { key: "key-band", text: "reference band" }],
    });
    return figure;
  }));
}

/** Draws one chart into the figure, replacing the one before: lines with points, a band, stacked bars. */
function chart(figure, options) {
  figure.querySelectorAll("svg, .legend").forEach((old) => old.remove());
  const { days, yMax, format } = options;
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": options.label });
  el("title", {}, svg).textContent = options.label;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = plotWidth / Math.max(1, days.length);
  const x = (i) => MARGIN.left + step * (i + 0.5);
  const y = (v) => MARGIN.top + plotHeight - Math.min(1, Math.max(0, v / yMax)) * plotHeight;
  for (const v of [0, yMax / 2, yMax]) {
    el("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(v), y2: y(v), class: "chart-grid" }, svg);
    el("text", { x: MARGIN.left - 6, y: y(v) + 4, "text-anchor": "end", class: "chart-label" }, svg).textContent = format(v);
  }
  for (const i of [0, Math.floor((days.length - 1) / 2), days.length - 1]) {
    el("text", { x: x(i), y: HEIGHT - 8, "text-anchor": "middle", class: "chart-label" }, svg).textContent = days[i].slice(5);
  }
  if (options.status) {
    options.status.forEach((status, i) => {
      if (status) {
        el("rect", { x: x(i) - step / 2, y: 2, width: Math.max(1, step - 1), height: 6, class: `status-${status}` }, svg)
          .appendChild(el("title")).textContent = `${days[i]}: ${status}`;
      }
    });
  }
  if (options.band) {
    segments(options.band.lower.map((low, i) => (low == null || options.band.upper[i] == null ? null : i))).forEach((run) => {
      const points = run.map((i) => `${x(i)},${y(options.band.upper[i])}`)
        .concat(run.slice().reverse().map((i) => `${x(i)},${y(options.band.lower[i])}`));
      el("polygon", { points: points.join(" "), class: "chart-band" }, svg);
    });
  }
  if (options.reference != null) {
    el("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(options.reference), y2: y(options.reference),
      class: "chart-reference" }, svg);
  }
  if (options.bars) {
    options.bars.forEach((stack, i) => {
      let top = 0;
      for (const { key, value } of stack) {
        if (value > 0) {
          const rect = el("rect", { x: x(i) - step * 0.35, y: y(top + value), width: step * 0.7, height: y(top) - y(top + value),
            class: `bar-${key}` }, svg);
          el("title", {}, rect).textContent = `${days[i]}: ${value} ${key}`;
          top += value;
        }
      }
    });
  }
  (options.series || []).forEach((series, s) => {
    segments(series.values.map((v, i) => (v == null ? null : i))).forEach((run) => {
      if (run.length > 1) {
        el("polyline", { points: run.map((i) => `${x(i)},${y(series.values[i])}`).join(" "), class: `chart-line series-${s}` }, svg);
      }
      for (const i of run) {
        el("circle", { cx: x(i), cy: y(series.values[i]), r: 3, class: `chart-point series-${s}` }, svg)
          .appendChild(el("title")).textContent = `${days[i]}: ${format(series.values[i])}`;
      }
    });
  });
  el("line", { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotHeight, class: "chart-axis" }, svg);
  el("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: MARGIN.top + plotHeight, y2: MARGIN.top + plotHeight,
    class: "chart-axis" }, svg);
  figure.appendChild(svg);
  const legend = document.createElement("div");
  legend.className = "legend";
  legend.append(...(options.legend || []).map(({ key, text }) => item("span", text, key)));
  figure.appendChild(legend);
}

/** Runs of consecutive non-null indices. */
function segments(indices) {
  const runs = [];
  let run = [];
  for (const i of indices) {
    if (i == null) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push(i);
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

function el(name, attributes = {}, parent = null) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, value);
  }
  if (parent) parent.appendChild(element);
  return element;
}

function item(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function cell(text, className) {
  return item("td", text == null ? "" : String(text), className);
}

function niceMax(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= value);
}

function number(v) {
  return v == null ? "" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}

function percent(v) {
  return `${Math.round(v * 100)}%`;
}

function range(r) {
  return `${number(r.lower)}–${number(r.upper)}`;
}

function proportion(p) {
  return !p || !p.count ? "no feedback" : `${p.events}/${p.count} = ${number(p.rate)} (${number(p.lower)}–${number(p.upper)})`;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

$("days").addEventListener("change", () => {
  state.days = Number($("days").value);
  load().catch(() => {});
});

$("acknowledge-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await api("/monitoring/acknowledge", { method: "POST",
    body: JSON.stringify({ reason: $("acknowledge-reason").value }) });
  const answer = await response.json();
  $("acknowledge-message").textContent = response.ok ? "Acknowledged." : answer.error;
  if (response.ok) {
    $("acknowledge-reason").value = "";
    await load();
  }
});

start();
