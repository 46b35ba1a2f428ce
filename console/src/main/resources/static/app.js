// Sluice console: plain JavaScript over the console's /api (JSON + server-sent events). No build step.
'use strict';

const $ = (id) => document.getElementById(id);
const MAX_ROWS = 500;
const COLORS = ['#2c6bed', '#c98a00', '#1f9d55', '#d64545', '#7a4ed9', '#0097a7'];
const TOPICS = ['sluice.storage.notifications', 'sluice.datasets', 'sluice.training', 'sluice.evaluations', 'sluice.deployments',
  'sluice.deployment-state', 'sluice.predictions', 'sluice.feedback', 'sluice.monitoring'];
let role = 'NONE';
let activeTab = 'live';

/** Builds an element; strings become text nodes, so nothing from events is ever parsed as HTML. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({ credentials: 'same-origin' }, options));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { message: text }; }
  if (!response.ok) {
    const message = body && (body.message || body.detail || body.error) || response.statusText;
    throw new Error(response.status + ' ' + message);
  }
  return body;
}

const time = (iso) => iso ? new Date(iso).toLocaleTimeString() : '';
const pct = (x) => x === undefined || x === null ? '–' : (100 * x).toFixed(1) + ' %';

// ---- session --------------------------------------------------------------------------------
async function refreshSession() {
  let session = { role: 'NONE', signedIn: false };
  try { session = await api('/api/session'); } catch (e) { /* stays signed out */ }
  role = session.role;
  $('role').textContent = role === 'NONE' ? 'signed out' : role + (session.signedIn ? '' : ' (anonymous)');
  $('signout').hidden = !session.signedIn;
  $('signin').hidden = session.signedIn;
  document.querySelectorAll('[data-needs=admin]').forEach(b => { b.disabled = role !== 'ADMIN'; });
  document.querySelectorAll('[data-needs=writer]').forEach(b => { b.disabled = !canWrite(); });
}
const canWrite = () => role === 'WRITER' || role === 'ADMIN';
$('signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: $('token').value }) });
    $('token').value = '';
  } catch (err) { alert('Sign-in failed: ' + err.message); }
  await refreshSession();
  refreshActive();
});
$('signout').addEventListener('click', async () => { await api('/api/session', { method: 'DELETE' }); await refreshSession(); refreshActive(); });

// ---- tabs -----------------------------------------------------------------------------------
document.querySelectorAll('#tabs button').forEach(button => button.addEventListener('click', () => show(button.dataset.tab)));
function show(tab) {
  activeTab = tab;
  document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('active', b.dataset.tab === tab));
  document.querySelectorAll('section.tab').forEach(s => { s.hidden = s.id !== tab; });
  refreshActive();
}
function refreshActive() {
  if (activeTab === 'runs') loadRuns();
  if (activeTab === 'models') loadModels();
  if (activeTab === 'training') loadTraining();
  if (activeTab === 'predict') loadModelNames();
}
setInterval(() => { if (activeTab !== 'live' && activeTab !== 'predict' && !document.hidden) refreshActive(); }, 4000);

// ---- live events ----------------------------------------------------------------------------
TOPICS.flatMap(t => [t, t + '.dlt']).forEach(t => $('f-topic').append(el('option', { value: t }, t)));
let source = null;
let paused = false;
const seen = new Set();

function about(record) {
  const e = record.event;
  if (!e) return record.deadLetterReason ? 'dead letter: ' + record.deadLetterReason : (record.value || '').slice(0, 120);
  const parts = [];
  if (e.modelName) parts.push('model ' + e.modelName + (e.modelVersion || e.version ? ' ' + (e.modelVersion || e.version) : ''));
  if (e.datasetName) parts.push('dataset ' + e.datasetName);
  if (e.reason) parts.push(e.reason);
  if (e.metrics && e.metrics.epoch !== undefined) parts.push('epoch ' + e.metrics.epoch + ', val acc ' + pct(e.metrics.validationAccuracy));
  if (e.routes) parts.push(e.routes.map(r => r.version + ' ' + r.weight + '%').join(' / '));
  if (e.outcome) parts.push(e.outcome + ' ' + (e.predictedClass || '') + ' ' + (e.latencyMicros / 1000).toFixed(1) + ' ms');
  return parts.join(' · ');
}

function addRecord(record) {
  const id = record.topic + '/' + record.partition + '/' + record.offset;
  if (seen.has(id)) return;
  seen.add(id);
  const type = record.event ? record.event.type : (record.topic.endsWith('.dlt') ? 'dead letter' : 'raw');
  const row = el('tr', { class: 'record' + (record.topic.endsWith('.dlt') ? ' dlt' : ''), 'data-type': type },
    el('td', {}, time(record.timestamp)), el('td', {}, record.topic), el('td', {}, type), el('td', {}, record.key || ''), el('td', {}, about(record)));
  const detail = el('tr', { hidden: true }, el('td', { colspan: 5 }, detailOf(record)));
  row.addEventListener('click', () => { detail.hidden = !detail.hidden; });
  const body = $('events');
  body.prepend(detail);
  body.prepend(row);
  while (body.children.length > 2 * MAX_ROWS) body.lastChild.remove();
}

function detailOf(record) {
  const correlation = record.event && record.event.header && record.event.header.correlationId;
  return el('div', {},
    correlation ? el('p', {}, 'run ', el('a', { href: '#', onclick: (e) => { e.preventDefault(); openRun(correlation); } }, correlation)) : null,
    el('pre', {}, JSON.stringify(record, null, 2)));
}

function connect() {
  if (source) source.close();
  seen.clear();
  $('events').replaceChildren();
  const params = new URLSearchParams();
  if ($('f-topic').value) params.append('topic', $('f-topic').value);
  else if (!$('f-telemetry').checked) TOPICS.filter(t => t !== 'sluice.predictions' && t !== 'sluice.feedback').flatMap(t => [t, t + '.dlt']).forEach(t => params.append('topic', t));
  if ($('f-type').value.trim()) params.append('type', $('f-type').value.trim());
  if ($('f-model').value.trim()) params.append('model', $('f-model').value.trim());
  if ($('f-dataset').value.trim()) params.append('dataset', $('f-dataset').value.trim());
  params.append('replay', '200');
  source = new EventSource('/api/events/stream?' + params);
  source.addEventListener('record', (message) => { if (!paused) addRecord(JSON.parse(message.data)); });
  source.onopen = () => { $('stream-state').textContent = 'live'; };
  source.onerror = () => { $('stream-state').textContent = role === 'NONE' ? 'sign in to watch' : 'reconnecting…'; };
}
$('filters').addEventListener('submit', (e) => { e.preventDefault(); connect(); });
$('pause').addEventListener('click', () => { paused = !paused; $('pause').textContent = paused ? 'Resume' : 'Pause'; });

// ---- runs and timelines ---------------------------------------------------------------------
let selectedRun = null;
async function loadRuns() {
  const runs = await api('/api/runs').catch(() => []);
  $('run-list').replaceChildren(...runs.map(run => el('li', { class: run.correlationId === selectedRun ? 'selected' : '', onclick: () => openRun(run.correlationId) },
    el('strong', {}, run.datasetName || run.modelName || run.correlationId),
    run.correlationId.includes('@') ? el('span', {}, ' @' + run.correlationId.split('@').pop().slice(0, 12)) : null,
    run.modelName && run.modelName !== run.datasetName ? el('span', { class: 'muted' }, ' → ' + run.modelName) : null, el('br'),
    el('span', { class: 'muted' }, time(run.lastAt) + ' · ' + run.events + ' events · last ' + run.lastType))));
  if (selectedRun) loadTimeline(selectedRun);
}
function openRun(correlationId) {
  selectedRun = correlationId;
  show('runs');
}
const GOOD = ['DatasetReady', 'TrainingCompleted', 'ModelApproved', 'CanaryHealthy', 'ModelPromoted', 'TrafficShifted'];
const BAD = ['DatasetRejected', 'TrainingFailed', 'ModelRejected', 'CanaryDegraded', 'RolledBack', 'DriftDetected'];
async function loadTimeline(correlationId) {
  $('timeline-title').textContent = 'Timeline of ' + correlationId;
  let events;
  try { events = await api('/api/timeline/' + encodeURIComponent(correlationId)); } catch (e) { $('timeline').replaceChildren(el('li', {}, e.message)); return; }
  const byId = new Map(events.map(r => [r.event.header.eventId, r]));
  const depth = (r, n = 0) => { const cause = byId.get(r.event.header.causationId); return cause && n < 20 ? depth(cause, n + 1) + 1 : 0; };
  const start = new Date(events[0].event.header.occurredAt).getTime();
  $('timeline').replaceChildren(...events.map(r => {
    const e = r.event;
    const cause = byId.get(e.header.causationId);
    const item = el('li', { class: GOOD.includes(e.type) ? 'good' : BAD.includes(e.type) ? 'bad' : '', style: 'margin-left:' + (1.5 * depth(r)) + 'rem' },
      el('strong', {}, e.type), ' ', el('span', { class: 'muted' }, '+' + ((new Date(e.header.occurredAt).getTime() - start) / 1000).toFixed(1) + ' s · '
        + e.header.producer + (cause ? ' · caused by ' + cause.event.type : '')), el('br'), about(r));
    const pre = el('pre', { hidden: true }, JSON.stringify(r, null, 2));
    item.append(pre);
    item.addEventListener('click', () => { pre.hidden = !pre.hidden; });
    return item;
  }));
}

// ---- deployments ----------------------------------------------------------------------------
async function loadModels() {
  const models = await api('/api/models').catch(() => []);
  if (!models.length) { $('model-list').replaceChildren(el('p', { class: 'muted' }, 'No models yet.')); return; }
  $('model-list').replaceChildren(...models.map(modelCard));
  await refreshSession();
}
function modelCard(m) {
  const state = m.deployment && m.deployment.event;
  const routes = state ? state.routes : [];
  return el('div', { class: 'card' },
    el('h2', {}, m.modelName, ' ', state ? el('span', { class: 'badge' }, state.phase) : null,
      state ? el('span', { class: 'muted' }, ' step ' + (state.stepIndex + 1) + ' of ' + state.steps.length + ' (' + state.steps.join(' → ') + ' %) · ' + state.reason) : null),
    routes.length ? el('table', { class: 'routes' }, el('tbody', {}, routes.map(r => el('tr', {},
      el('td', {}, r.version), el('td', {}, r.role), el('td', {}, r.weight + ' %'),
      el('td', { class: 'bar' }, el('div', { class: 'weight ' + r.role, style: 'width:' + r.weight + '%' })))))) : el('p', { class: 'muted' }, 'Not deployed.'),
    el('div', { class: 'actions' }, ['promote', 'rollback', 'pause', 'resume'].map(action =>
      el('button', { 'data-needs': 'admin', disabled: role !== 'ADMIN', title: role === 'ADMIN' ? action : 'sign in as admin', onclick: () => steer(m.modelName, action) }, action))),
    trafficChart(m.traffic, Object.fromEntries(routes.map(r => [r.version, r.role.toLowerCase()]))),
    el('h3', {}, 'Last verdicts'),
    m.verdicts.length ? el('table', {}, el('tbody', {}, m.verdicts.slice(0, 8).flatMap(verdictRows))) : el('p', { class: 'muted' }, 'No verdicts yet.'),
    registrySection(m),
    el('h3', {}, 'Evaluated versions'),
    m.versions.length ? el('table', {}, el('tbody', {}, m.versions.slice().reverse().map(v => el('tr', {},
      el('td', {}, v.event.modelVersion), el('td', {}, el('span', { class: 'badge ' + (v.event.type === 'ModelApproved' ? 'good' : 'bad') }, v.event.type),
        blockOf(m, v.event.modelVersion) ? el('span', { class: 'badge bad', title: 'blocked by ' + blockOf(m, v.event.modelVersion).actor + ': ' + blockOf(m, v.event.modelVersion).reason }, 'blocked') : null),
      el('td', {}, 'accuracy ' + pct(v.event.metrics && v.event.metrics.accuracy)),
      el('td', {}, v.event.confusionMatrixUri ? el('a', { href: '/api/artifact?uri=' + encodeURIComponent(v.event.confusionMatrixUri), target: '_blank' }, 'confusion matrix') : ''),
      el('td', {}, el('a', { href: '#', onclick: (e) => { e.preventDefault(); openRun(v.event.header.correlationId); } }, 'timeline')))))) : el('p', { class: 'muted' }, 'None yet.'));
}
/** The registry's aliases (who set them and why), blocked versions, and the writer's buttons to change them. */
function registrySection(m) {
  const reg = m.registry && m.registry.event;
  const aliases = reg ? reg.aliases : [];
  const blocked = reg ? reg.versions.filter(v => v.blocked) : [];
  const button = (label, title, onclick) => el('button', { 'data-needs': 'writer', disabled: !canWrite(), title: canWrite() ? title : 'sign in as writer', onclick }, label);
  return el('div', { class: 'registry' },
    el('h3', {}, 'Registry'),
    el('p', { class: 'aliases' }, 'Aliases: ', aliases.length ? aliases.map(a => el('span', { class: 'badge alias', title: 'set by ' + a.set.actor + ' at ' + time(a.set.at) + ': ' + a.set.reason }, a.alias + ' → ' + a.version))
      : el('span', { class: 'muted' }, 'none set (champion follows the routing table)')),
    blocked.length ? el('p', { class: 'blocked' }, 'Blocked: ', blocked.map(v => el('span', { class: 'badge bad', title: 'by ' + v.blocked.actor + ': ' + v.blocked.reason }, v.version))) : null,
    el('div', { class: 'actions' },
      button('set alias', 'point an alias at a version (champion pins it)', () => setAlias(m.modelName)),
      button('block version', 'never deploy a version', () => blockVersion(m.modelName))));
}
const blockOf = (m, version) => { const v = m.registry && m.registry.event.versions.find(x => x.version === version); return v ? v.blocked : null; };
async function registryCommand(model, path, body) {
  try {
    await api('/api/registry/' + encodeURIComponent(model) + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch (e) { alert('registry change failed: ' + e.message); }
  loadModels();
}
function setAlias(model) {
  const alias = prompt('Alias for ' + model + ' (champion pins the champion):', 'champion');
  if (!alias) return;
  const version = prompt(alias + ' → which version?');
  if (!version) return;
  const reason = prompt('Why?', '');
  if (reason === null) return;
  registryCommand(model, '/aliases/' + encodeURIComponent(alias), { version, reason });
}
function blockVersion(model) {
  const version = prompt('Block which version of ' + model + '? It will never be deployed.');
  if (!version) return;
  const reason = prompt('Why is ' + version + ' blocked?');
  if (!reason) return;
  registryCommand(model, '/versions/' + encodeURIComponent(version) + '/block', { reason });
}

/** A verdict and, on click, its evidence: every check with statistic, threshold and sample sizes. */
function verdictRows(v) {
  const num = (x) => x === null || x === undefined ? '–' : Number(x).toPrecision(4);
  const checks = el('table', {}, el('thead', {}, el('tr', {}, ['metric', 'canary', 'baseline', 'samples', 'statistic', 'threshold', 'decision', 'why'].map(h => el('th', {}, h)))),
    el('tbody', {}, (v.event.checks || []).map(c => el('tr', {}, el('td', {}, c.metric), el('td', {}, num(c.candidateValue)), el('td', {}, num(c.baselineValue)),
      el('td', {}, c.candidateSamples + ' / ' + c.baselineSamples), el('td', {}, num(c.statistic)), el('td', {}, num(c.threshold)),
      el('td', {}, c.decision), el('td', {}, c.reason)))));
  const evidence = el('tr', { hidden: true }, el('td', { colspan: 5 }, checks, el('pre', {}, JSON.stringify(v.event.window, null, 2))));
  const row = el('tr', { class: 'record', title: 'show the evidence', onclick: () => { evidence.hidden = !evidence.hidden; } },
    el('td', {}, time(v.event.header.occurredAt)), el('td', {}, el('span', { class: 'badge ' + verdictClass(v.event.type) }, v.event.type)),
    el('td', {}, (v.event.canaryVersion || v.event.modelVersion || '') + (v.event.stepIndex !== undefined ? ' step ' + (v.event.stepIndex + 1) : '')),
    el('td', {}, v.event.reason), el('td', {}, (v.event.checks || []).map(c => c.metric + ' ' + c.decision).join(', ')));
  return [row, evidence];
}
const verdictClass = (type) => type === 'CanaryHealthy' ? 'good' : type === 'CanaryDegraded' || type === 'DriftDetected' ? 'bad' : 'warn';
async function steer(model, action) {
  const reason = prompt(action + ' ' + model + ': reason?', 'operator ' + action);
  if (reason === null) return;
  try {
    await api('/api/deployments/' + encodeURIComponent(model) + '/' + action, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason }) });
  } catch (e) { alert(action + ' failed: ' + e.message); }
  loadModels();
}

/** Error rate and mean latency per version over time (10 s buckets of PredictionServed). */
function trafficChart(traffic, roles) {
  const versions = Object.keys(traffic || {});
  if (!versions.length) return el('p', { class: 'muted' }, 'No traffic yet.');
  const names = versions.map(v => roles[v] ? v + ' (' + roles[v] + ')' : v);
  const wrap = el('div', {});
  wrap.append(lineChart('error rate', versions.map(v => traffic[v].map(b => [new Date(b.start).getTime(), b.count ? b.errors / b.count : 0])), names, pct));
  wrap.append(lineChart('mean latency (ms)', versions.map(v => traffic[v].map(b => [new Date(b.start).getTime(), b.meanLatencyMillis])), names, (y) => y.toFixed(1)));
  return wrap;
}

/** A small SVG line chart: series of [x, y] points. */
function lineChart(title, series, names, format, xLabel) {
  const W = 640, H = 180, L = 50, B = 20, T = 16;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'chart'); svg.setAttribute('width', W); svg.setAttribute('height', H); svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const all = series.flat();
  if (!all.length) return svg;
  const xs = all.map(p => p[0]), ys = all.map(p => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs) || x0 + 1, y0 = Math.min(0, ...ys), y1 = Math.max(...ys) || 1;
  const sx = (x) => L + (W - L - 10) * (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0));
  const sy = (y) => H - B - (H - B - T) * (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0));
  const text = (x, y, s, anchor) => { const t = document.createElementNS(ns, 'text'); t.setAttribute('x', x); t.setAttribute('y', y); if (anchor) t.setAttribute('text-anchor', anchor); t.textContent = s; svg.append(t); };
  text(L, 12, title);
  text(L - 4, sy(y1) + 4, format(y1), 'end');
  text(L - 4, sy(y0), format(y0), 'end');
  if (xLabel) text(W - 10, H - 4, xLabel, 'end');
  series.forEach((points, i) => {
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('fill', 'none'); line.setAttribute('stroke', COLORS[i % COLORS.length]); line.setAttribute('stroke-width', '2');
    line.setAttribute('points', points.map(p => sx(p[0]) + ',' + sy(p[1])).join(' '));
    svg.append(line);
  });
  const legend = el('div', { class: 'legend' }, names.map((n, i) => el('span', {}, el('i', { style: 'background:' + COLORS[i % COLORS.length] }), n)));
  return el('div', {}, svg, legend);
}

// ---- training runs, their curves and their comparison ---------------------------------------
let selectedTraining = null;
let comparing = null;                 // run ids shown side by side, or null
const ticked = new Set();             // run ids ticked for a comparison
const MAX_COMPARED = 6;
const runLabel = (r) => r.runId + (r.modelVersion ? ' (' + r.modelVersion + ')' : '');
async function loadTraining() {
  const runs = await api('/api/training').catch(() => []);
  $('training-list').replaceChildren(...runs.slice().reverse().map(r => el('li', { class: r.runId === selectedTraining && !comparing ? 'selected' : '', 'data-run': r.runId,
      onclick: () => { selectedTraining = r.runId; comparing = null; loadTraining(); } },
    el('input', { type: 'checkbox', class: 'tick', 'aria-label': 'compare ' + r.runId, checked: ticked.has(r.runId),
      onclick: (e) => { e.stopPropagation(); if (e.target.checked) ticked.add(r.runId); else ticked.delete(r.runId); compareButton(); } }),
    el('strong', {}, r.modelName || r.runId), ' ', r.modelVersion ? el('span', {}, r.modelVersion + ' ') : null,
    el('span', { class: 'badge ' + statusClass(r) }, r.verdict || r.status),
    el('br'), el('span', { class: 'muted' }, [r.datasetName && r.datasetVersion ? 'data ' + r.datasetName + '@' + String(r.datasetVersion).slice(0, 12) : null,
      r.testAccuracy !== null ? 'test acc ' + pct(r.testAccuracy) : r.validationAccuracy !== null ? 'val acc ' + pct(r.validationAccuracy) : null,
      r.epochs.length + ' epochs', r.runId].filter(Boolean).join(' · ')))));
  compareButton();
  if (comparing) return;
  $('comparison').hidden = true;
  $('curves').hidden = false;
  const run = runs.find(r => r.runId === selectedTraining) || runs[runs.length - 1];
  if (!run) { $('curves').replaceChildren(el('p', { class: 'muted' }, 'No training yet.')); return; }
  selectedTraining = run.runId;
  $('curve-title').textContent = 'Curves of ' + run.runId;
  const series = (field) => run.epochs.map(e => [e.epoch, e[field]]);
  $('curves').replaceChildren(
    lineChart('loss', [series('trainLoss'), series('validationLoss')], ['train', 'validation'], (y) => y.toFixed(3), 'epoch'),
    lineChart('accuracy', [series('trainAccuracy'), series('validationAccuracy')], ['train', 'validation'], pct, 'epoch'),
    el('pre', {}, JSON.stringify(run.last, null, 2)));
}
const statusClass = (r) => r.verdict === 'APPROVED' || (!r.verdict && r.status === 'COMPLETED') ? 'good' : r.verdict === 'REJECTED' || r.status === 'FAILED' ? 'bad' : 'warn';
function compareButton() {
  $('compare').disabled = ticked.size < 2 || ticked.size > MAX_COMPARED;
}
$('compare').addEventListener('click', () => openComparison([...ticked]));

/** Two to six runs side by side: parameters (differences marked), one chart of their curves, metrics, confusion matrices. */
async function openComparison(ids) {
  comparing = ids;
  let runs;
  try { runs = await api('/api/training/compare?ids=' + encodeURIComponent(ids.join(','))); } catch (e) {
    $('comparison').replaceChildren(el('p', { class: 'error' }, 'Cannot compare: ' + e.message)); $('comparison').hidden = false; return;
  }
  $('curve-title').textContent = 'Comparing ' + runs.length + ' runs';
  const head = el('thead', {}, el('tr', {}, el('th', {}, ''), runs.map((r, i) => el('th', {}, el('i', { class: 'swatch', style: 'background:' + COLORS[i % COLORS.length] }), runLabel(r)))));
  const text = (v) => v === null || v === undefined ? '' : String(v);
  const names = [...new Set(runs.flatMap(r => Object.keys(r.parameters || {})))];
  const parameters = [['model', r => r.modelName], ['version', r => r.modelVersion], ['dataset', r => r.datasetName], ['dataset version', r => r.datasetVersion],
    ...names.map(n => [n, r => (r.parameters || {})[n]])];
  const parameterTable = el('table', { id: 'compare-parameters', class: 'compare' }, head.cloneNode(true), el('tbody', {}, parameters.map(([name, value]) => {
    const values = runs.map(r => text(value(r)));
    return el('tr', { class: new Set(values).size > 1 ? 'differs' : '' }, el('th', {}, name), values.map(v => el('td', {}, v)));
  })));
  const num = (x) => typeof x === 'number' ? x.toFixed(3) : '';
  const metrics = [['verdict', r => r.verdict || r.status, null], ['test accuracy', r => r.evaluation && r.evaluation.accuracy, pct, 1],
    ['macro F1', r => r.evaluation && r.evaluation.macroF1, num, 1], ['macro precision', r => r.evaluation && r.evaluation.macroPrecision, num, 1],
    ['macro recall', r => r.evaluation && r.evaluation.macroRecall, num, 1], ['MCC', r => r.evaluation && r.evaluation.mcc, num, 1],
    ['test loss', r => r.evaluation && r.evaluation.loss, num, -1], ['test samples', r => r.evaluation && r.evaluation.testSamples, text],
    ['best val accuracy', r => r.validationAccuracy, pct, 1], ['best epoch', r => r.bestEpoch, text],
    ['training time', r => r.durationMillis, (ms) => typeof ms === 'number' ? (ms / 1000).toFixed(1) + ' s' : '']];
  const metricTable = el('table', { id: 'compare-metrics', class: 'compare' }, head.cloneNode(true), el('tbody', {}, metrics.map(([name, value, format, better]) => {
    const values = runs.map(value);
    const numbers = values.filter(v => typeof v === 'number');
    const best = better && new Set(numbers).size > 1 ? (better > 0 ? Math.max(...numbers) : Math.min(...numbers)) : null;
    return el('tr', {}, el('th', {}, name), values.map(v => el('td', { class: best !== null && v === best ? 'best' : '' }, format ? format(v) : text(v))));
  })));
  const labels = runs.map(runLabel);
  const curve = (field) => runs.map(r => r.epochs.map(e => [e.epoch, e[field]]));
  $('comparison').replaceChildren(
    el('h3', {}, 'Parameters and data'), el('p', { class: 'muted' }, 'Rows that differ are highlighted.'), parameterTable,
    el('h3', {}, 'Learning curves'),
    el('div', { class: 'curves' }, lineChart('validation accuracy', curve('validationAccuracy'), labels, pct, 'epoch'),
      lineChart('validation loss', curve('validationLoss'), labels, (y) => y.toFixed(3), 'epoch')),
    el('h3', {}, 'Metrics on the test split'), metricTable,
    el('h3', {}, 'Confusion matrices'), el('p', { class: 'muted' }, 'Rows: true class; columns: predicted; shade: share of the row.'),
    el('div', { class: 'matrices' }, runs.map(confusionMatrix)));
  $('curves').hidden = true;
  $('comparison').hidden = false;
  loadTraining();
}

/** A confusion matrix as a table, each cell shaded by its share of the true class's row. */
function confusionMatrix(run) {
  const m = run.evaluation && run.evaluation.confusionMatrix;
  const title = el('h4', {}, runLabel(run));
  if (!m || !m.length) return el('div', { class: 'matrix' }, title, el('p', { class: 'muted' }, 'Not evaluated.'));
  const names = run.evaluation.classNames || [];
  const name = (i) => names[i] !== undefined ? names[i] : String(i);
  return el('div', { class: 'matrix' }, title, el('table', { class: 'confusion', 'data-run': run.runId },
    el('thead', {}, el('tr', {}, el('th', {}, 'true \\ predicted'), m.map((_, j) => el('th', {}, name(j))))),
    el('tbody', {}, m.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return el('tr', {}, el('th', {}, name(i)), row.map((n, j) => el('td', { class: i === j ? 'diagonal' : '',
        style: 'background:rgba(' + (i === j ? '31,157,85' : '214,69,69') + ',' + (n / total * 0.85).toFixed(2) + ')' }, n)));
    }))));
}

// ---- predict --------------------------------------------------------------------------------
async function loadModelNames() {
  const models = await api('/api/models').catch(() => []);
  $('model-names').replaceChildren(...models.map(m => el('option', { value: m.modelName })));
}
$('predict-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData();
  if ($('p-file').files.length) form.append('file', $('p-file').files[0]);
  else if ($('p-row').value.trim()) form.append('file', new Blob([$('p-row').value.trim() + '\n'], { type: 'text/csv' }), 'row.csv');
  else { $('prediction').replaceChildren(el('p', { class: 'error' }, 'Choose a file or paste a CSV row.')); return; }
  try {
    const p = await api('/api/predict/' + encodeURIComponent($('p-model').value.trim()), { method: 'POST', body: form });
    const label = p.label || p.predictedClass || p['class'];
    let probabilities = p.probabilities || {};
    if (Array.isArray(probabilities)) probabilities = Object.fromEntries(probabilities.map((v, i) => typeof v === 'object' ? [v.label || v['class'], v.probability] : [(p.classes || [])[i] || i, v]));
    const rows = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
    $('prediction').replaceChildren(el('div', { class: 'card' },
      el('h2', {}, 'Label: ', label === undefined ? '?' : String(label)),
      el('p', {}, 'Answered by version ', el('strong', {}, p.modelVersion || p.version || '?'), p.role ? ' (' + String(p.role).toLowerCase() + ')' : '', p.requestId ? ' · request ' + p.requestId : ''),
      rows.map(([name, value]) => el('div', { class: 'prob' }, el('span', {}, name), el('div', { class: 'weight', style: 'width:' + (100 * value).toFixed(1) + '%' }), el('span', {}, pct(value)))),
      el('pre', {}, JSON.stringify(p, null, 2))));
  } catch (err) { $('prediction').replaceChildren(el('p', { class: 'error' }, 'Prediction failed: ' + err.message)); }
});

// ---- start ----------------------------------------------------------------------------------
refreshSession().then(connect);
