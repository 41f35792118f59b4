// Speaker balance dashboard: plain browser JavaScript, no build step. Every number comes from the
// API with the viewer's own credentials (a pasted token, or the session of a sign-in through the
// identity provider), so the dashboard can show nothing the viewer could not read.
'use strict';

const API = '/api/v1';
const SVG_NS = 'http://www.w3.org/2000/svg';
// session: GET /auth/session's answer once signed in through the identity provider (its cookie is HttpOnly).
const state = { token: sessionStorage.getItem('sa-token') || '', roles: [], session: null };
const REPORT_READERS = ['monitor', 'committee', 'admin'];
const MENTORSHIP_COORDINATORS = ['mentorship-coordinator', 'admin'];
const $ = (id) => document.getElementById(id);

async function api(path, params = {}, { method = 'GET', body } = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null));
  const headers = { Accept: 'application/json' };
  // A pasted token wins; otherwise the session cookie goes along, and writes carry its CSRF token.
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  else if (state.session && method !== 'GET') headers['X-CSRF-Token'] = state.session.csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${API}${path}${query.size ? `?${query}` : ''}`, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${path}: ${answer.detail || response.statusText} (${response.status})`);
  return answer;
}

function el(tag, attrs = {}, ...children) {
  const node = tag === 'svg' || ['g', 'rect', 'line', 'text', 'path', 'circle', 'polyline', 'title'].includes(tag)
    ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) node.setAttribute(k, String(v));
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

const pct = (x) => (x == null ? '' : `${(100 * x).toFixed(1)}%`);

function showError(error) {
  const box = $('error');
  box.textContent = error ? String(error.message || error) : '';
  box.hidden = !error;
}

/**
 * Horizontal bars: share with its 95% interval per value, and the baseline share as a tick.
 * rows: [{ value, label, count, share, ci95, suppressed, baseline }]
 */
function shareChart(rows, { width = 560, baselineLabel = 'membership' } = {}) {
  const labelWidth = 150;
  const barArea = width - labelWidth - 110;
  const rowHeight = 24;
  const max = Math.min(1, Math.max(0.05, ...rows.flatMap((r) => [r.ci95 ? r.ci95[1] : r.share || 0, r.baseline || 0])));
  const x = (share) => labelWidth + (share / max) * barArea;
  const height = rows.length * rowHeight + 24;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'share-chart' });
  svg.append(el('line', { class: 'axis', x1: labelWidth, x2: labelWidth, y1: 0, y2: rows.length * rowHeight }));
  rows.forEach((row, i) => {
    const y = i * rowHeight;
    const g = el('g', {
      class: 'row', 'data-value': row.value, 'data-count': row.suppressed ? 'suppressed' : row.count,
      'data-share': row.suppressed || row.share == null ? '' : row.share, 'data-baseline': row.baseline ?? '',
    });
    g.append(el('text', { x: labelWidth - 6, y: y + 16, 'text-anchor': 'end' }, row.label));
    if (row.suppressed) {
      g.append(el('text', { x: labelWidth + 6, y: y + 16, class: 'suppressed-label' }, 'suppressed'));
    } else {
      g.append(el('rect', { class: 'bar', x: labelWidth, y: y + 5, width: Math.max(0, x(row.share) - labelWidth), height: 14 }));
      if (row.ci95) {
        g.append(el('line', { class: 'ci', x1: x(row.ci95[0]), x2: x(row.ci95[1]), y1: y + 12, y2: y + 12 }));
        g.append(el('line', { class: 'ci', x1: x(row.ci95[0]), x2: x(row.ci95[0]), y1: y + 8, y2: y + 16 }));
        g.append(el('line', { class: 'ci', x1: x(row.ci95[1]), x2: x(row.ci95[1]), y1: y + 8, y2: y + 16 }));
      }
      g.append(el('text', { x: labelWidth + barArea + 8, y: y + 16, class: 'share-label' }, `${pct(row.share)} (${row.count})`));
    }
    if (row.baseline != null) {
      g.append(el('line', { class: 'baseline', x1: x(row.baseline), x2: x(row.baseline), y1: y + 2, y2: y + 22 },
        el('title', {}, `${baselineLabel} ${pct(row.baseline)}`)));
    }
    g.append(el('title', {}, row.suppressed ? `${row.label}: suppressed (small cell)`
      : `${row.label}: ${row.count} of the population, ${pct(row.share)} (95% CI ${pct(row.ci95?.[0])}-${pct(row.ci95?.[1])})`));
    svg.append(g);
  });
  svg.append(el('text', { x: labelWidth, y: rows.length * rowHeight + 16, class: 'muted' }, `0 to ${pct(max)}`));
  return svg;
}

function filters() {
  return { conferenceId: $('conference').value, from: $('from').value, to: $('to').value };
}

async function renderBalance(container) {
  const dimension = container.dataset.dimension;
  const f = filters();
  const population = $('population').value;
  // Authors, like the membership, are counted as on one day and not per conference.
  const asked = population === 'authors' ? { to: f.to } : f;
  const [report, members] = await Promise.all([
    api('/reports/balance', { population, dimension, ...asked }),
    api('/reports/balance', { population: 'members', dimension, to: f.to }),
  ]);
  const baseline = new Map((members.groups[0]?.cells || []).map((c) => [c.value, c.suppressed ? null : c.share]));
  const group = report.groups[0] || { cells: [], total: 0 };
  const rows = group.cells.map((c) => ({ ...c, label: c.name || c.value, baseline: baseline.get(c.value) }));
  container.replaceChildren(
    el('p', { class: 'muted total', 'data-total': group.total }, `${group.total} in the population`),
    rows.length ? shareChart(rows) : el('p', { class: 'muted' }, 'Nothing to show for these filters.'),
    ...(report.disclosure?.perturbed
      ? [el('p', { class: 'muted disclosure' }, `Counts carry random noise (about ±${report.disclosure.noiseStdDev} per quarter) to protect individuals, `
        + `and cover whole quarters up to ${report.disclosure.period.to}.`)]
      : []),
  );
}

function table(headers, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) =>
      (c instanceof Node ? el('td', {}, c) : el('td', { class: typeof c === 'number' ? 'num' : '' }, c ?? '')))))));
}

/** What a panel counts, said under it: the conference (or all), the period, and the quarters for gender counts. */
function covers(report) {
  const select = $('conference');
  const conference = report.filters?.conferenceId ? select.options[select.selectedIndex]?.text || 'one conference' : 'all conferences';
  const period = report.filters?.from ? `${report.filters.from} to ${report.filters.to}` : `up to ${report.filters?.to}`;
  const quarters = report.disclosure?.perturbed
    ? ` Gender counts: whole quarters ${report.disclosure.period.from ? `from ${report.disclosure.period.from} ` : ''}to ${report.disclosure.period.to}, with noise.`
    : '';
  return el('p', { class: 'muted covers' }, `Covers ${conference}, ${period}.${quarters}`);
}

const readings = (lines) => el('ul', { class: 'readings' }, (lines || []).map((line) => el('li', {}, line)));

const cellText = (cell) => (cell == null ? '' : cell.suppressed ? el('span', { class: 'suppressed' }, 'suppressed')
  : cell.share == null ? '–' : `${cell.count} (${pct(cell.share)})`);

async function renderFunnel() {
  const report = await api('/reports/funnel', { dimension: $('funnel-dimension').value, ...filters() });
  const stages = Object.keys(report.totals);
  const rows = report.values.map((v) => [v.name || v.value, ...stages.map((stage) => cellText(v.stages.find((c) => c.stage === stage)))]);
  $('funnel').replaceChildren(table(['', ...stages.map((stage) => `${stage} (${report.totals[stage]})`)], rows),
    readings(report.readings), covers(report));
}

async function renderTrends() {
  const population = $('population').value;
  const f = filters();
  const snapshot = population === 'members' || population === 'authors';
  // Each year against that year's membership (on 31 December), not today's.
  const report = await api('/reports/trends', {
    dimension: $('trend-dimension').value, population,
    ...(snapshot ? { compareTo: population === 'authors' ? 'members' : undefined } : { conferenceId: f.conferenceId, compareTo: 'members' }),
  });
  const years = report.years.map((y) => y.key);
  const values = [...new Map(report.years.flatMap((y) => y.cells.map((c) => [c.value, c.name || c.value]))).entries()];
  const yearCell = (cell) => (cell && !cell.suppressed && cell.baselineShare != null && cell.share != null
    ? el('span', { class: cell.significant ? 'flag' : '' }, `${cell.count} (${pct(cell.share)}; members ${pct(cell.baselineShare)})`)
    : cellText(cell));
  const rows = values.map(([value, label]) => [label, ...report.years.map((y) => yearCell(y.cells.find((c) => c.value === value)))]);
  $('trends').replaceChildren(report.years.length
    ? table(['', ...years.map((y) => `${y} (${report.years.find((g) => g.key === y).total})`)], rows)
    : el('p', { class: 'muted' }, 'No data yet.'), readings(report.readings), covers(report),
    el('p', { class: 'muted' }, `A year is ${report.yearOf}.${report.comparison ? ` Compared: ${report.comparison.compared}.` : ''}`));
}

async function renderEquity() {
  const f = filters();
  const report = await api('/reports/equity', { from: f.from, to: f.to, conferenceId: f.conferenceId });
  const rows = report.strata.filter((s) => s.nominations > 0).flatMap((s) => s.cells.map((c) => [
    s.careerStage, c.gender,
    c.suppressed ? el('span', { class: 'suppressed' }, 'suppressed') : `${c.allocations ?? ''} / ${c.nominations ?? ''}`,
    c.rate == null ? '' : `${pct(c.rate)} [${pct(c.ci95[0])}, ${pct(c.ci95[1])}]`,
  ]));
  const test = report.test;
  $('equity').replaceChildren(
    table(['Career stage', 'Gender', 'Allocated / nominated', 'Allocation rate (95% CI)'], rows),
    el('p', { class: 'reading' }, test.reading),
    covers(report),
    el('p', { class: 'cmh muted' }, test.shown
      ? `${test.comparison}: common odds ratio ${test.oddsRatio.toFixed(2)} (95% CI ${test.ci95[0].toFixed(2)} to ${test.ci95[1].toFixed(2)}), `
        + `chi-square ${test.chiSquare.toFixed(2)}, p = ${test.pValue.toFixed(3)}. ${test.name}.`
      : `${test.name}: not shown (${test.reason}).`),
  );
}

const DECLINE_KINDS = ['funding', 'travel', 'schedule', 'family', 'other', 'unstated'];

/** One row's declines by kind of reason as a stacked bar; hidden counts leave a hatched gap. */
function declineBar(byCategory, declined, width = 220) {
  const svg = el('svg', { viewBox: `0 0 ${width} 16`, width, height: 16, role: 'img', class: 'decline-bar' });
  if (!declined) return svg;
  let x = 0;
  for (const kind of DECLINE_KINDS) {
    const n = byCategory[kind];
    if (n == null) continue;
    const w = (n / declined) * width;
    if (w > 0) svg.append(el('rect', { class: `kind-${kind}`, x, y: 2, width: w, height: 12 }, el('title', {}, `${kind}: ${n}`)));
    x += w;
  }
  if (x < width - 0.5) svg.append(el('rect', { class: 'kind-hidden', x, y: 2, width: width - x, height: 12 }, el('title', {}, 'hidden: small counts')));
  return svg;
}

async function renderDeclines() {
  const f = filters();
  const report = await api('/reports/declines', { dimension: $('declines-dimension').value, ...f });
  const hidden = el('span', { class: 'suppressed' }, 'suppressed');
  const rows = report.values.map((v) => [
    v.name || v.value,
    v.invitations ?? hidden.cloneNode(true),
    v.declined ?? hidden.cloneNode(true),
    v.declineRate ? `${pct(v.declineRate.share)} [${pct(v.declineRate.ci95[0])}, ${pct(v.declineRate.ci95[1])}]` : '',
    declineBar(v.byCategory, v.declined),
    v.test && v.test.pValueAdjusted < 0.05 ? el('span', { class: 'flag' }, v.test.z > 0 ? 'more often' : 'less often') : '',
  ]);
  const all = report.totals;
  rows.push([el('strong', {}, 'All'), all.invitations, all.declined,
    all.invitations ? pct(all.declined / all.invitations) : '', declineBar(all.byCategory, all.declined), '']);
  $('declines').replaceChildren(
    table(['', 'Invitations', 'Declined', 'Decline rate (95% CI)', 'Kind of reason', 'Against the rest'], rows),
    el('p', { class: 'legend decline-legend' }, ...DECLINE_KINDS.map((kind) => el('span', { class: `key kind-${kind}` }, kind))),
    readings(report.readings), covers(report),
    ...(report.suppressed ? [el('p', { class: 'muted' }, `Counts below ${report.minimumCellCount}, and those that would give them away, are hidden.`)] : []),
  );
}

/** The proportionality review: each level against the level below it, with the readings and the trend of the top level. */
async function renderLeadership() {
  const report = await api('/reports/leadership', { dimension: $('leadership-dimension').value, on: $('to').value });
  if (!report.levels.length) {
    $('leadership').replaceChildren(el('p', { class: 'muted' }, 'No leadership positions on record.'));
    return;
  }
  const levels = report.againstLevelBelow.map((group) => {
    const baseline = group.baseline === 'members' ? 'the membership' : `${group.baseline} holders`;
    const rows = group.cells.map((c) => ({ ...c, label: c.name || c.value, baseline: c.baselineShare }));
    return el('div', { class: 'level', 'data-level': group.key },
      el('h3', {}, `${group.key}: ${group.total ?? 'suppressed'} holders, against ${baseline}`),
      shareChart(rows, { baselineLabel: baseline }));
  });
  const top = report.trend.levels[0];
  const values = [...new Map(top.years.flatMap((y) => y.cells.map((c) => [c.value, c.name || c.value]))).entries()];
  const years = top.years.slice(-8);
  const trend = table([`${top.level} by year`, ...years.map((y) => `${y.key} (${y.total ?? '–'})`)],
    values.map(([value, label]) => [label, ...years.map((y) => cellText(y.cells.find((c) => c.value === value)))]));
  $('leadership').replaceChildren(
    el('div', { class: 'levels' }, levels),
    readings(report.readings),
    trend,
    el('p', { class: 'muted' }, `Holders on ${report.on}; ${report.comparison.correction}.`
      + (report.disclosure?.perturbed ? ` Gender counts carry noise (about ±${report.disclosure.noiseStdDev}) and are taken on the last ended quarter end.` : '')),
  );
}

async function renderProgramme() {
  const id = $('conference').value;
  if (!id) {
    $('programme').replaceChildren(el('p', { class: 'muted' }, 'Choose a conference.'));
    return;
  }
  const programme = await api(`/conferences/${id}/programme`);
  const venue = [programme.conference.city, programme.conference.country, programme.conference.timeZone].filter(Boolean).join(', ');
  const rows = programme.slots.flatMap((slot) => (slot.allocations.length ? slot.allocations : [null]).map((a) => [
    slot.title, slot.talkType,
    slot.startsLocal ? `${slot.startsLocal}${slot.durationMinutes ? `, ${slot.durationMinutes} min` : ''}` : el('span', { class: 'muted' }, 'not scheduled'),
    slot.room || '',
    a ? a.name || a.memberName : el('span', { class: 'muted' }, 'open'),
    a ? el('span', {}, el('span', { class: `status-${a.status}` }, a.status),
      ...(a.respondBy ? [' ', el('span', { class: 'respond-by' }, `respond by ${a.respondBy.slice(0, 16).replace('T', ' ')} UTC`)] : []))
      : '',
    `${slot.seats}`,
  ]));
  $('programme').replaceChildren(
    ...(venue ? [el('p', { class: 'muted' }, `Venue: ${venue}`)] : []),
    table(['Slot', 'Type', 'When (venue time)', 'Room', 'Speaker', 'Status', 'Seats'], rows),
  );
}

/** Admins: how much mail the service wrote and where it stands (without SMTP_URL it is all held here). */
async function renderOutbox() {
  const outbox = await api('/outbox', { limit: 5 });
  const counts = Object.entries(outbox.counts).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`).join(', ');
  $('outbox').replaceChildren(
    el('p', { id: 'outbox-total' }, `${outbox.total} mails${counts ? ` (${counts})` : ''}`
      + (outbox.smtpConfigured ? '' : ' - SMTP_URL is unset, so mail is kept here: GET /api/v1/outbox')),
    table(['Written', 'Kind', 'To', 'Subject', 'Status'], outbox.items.map((m) => [
      m.createdAt.slice(0, 16).replace('T', ' '), m.kind, m.recipients.join(', '), m.subject,
      // With SMTP configured, a held mail (written while it was not) or a failed one can be sent from here.
      outbox.smtpConfigured && (m.status === 'held' || m.status === 'failed')
        ? el('span', {}, `${m.status} `, el('button', { type: 'button', class: 'send-mail', 'data-mail': m.id }, 'Send'))
        : m.status,
    ])),
  );
  for (const button of document.querySelectorAll('#outbox button.send-mail')) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api(`/outbox/${button.dataset.mail}/send`, {}, { method: 'POST', body: {} });
        await renderOutbox();
      } catch (error) {
        showError(error);
      }
    });
  }
}

/** Redraws the report panels; `ready: false` leaves marking the page ready to the caller. */
async function refresh({ ready = true } = {}) {
  showError(null);
  const tasks = [...document.querySelectorAll('.chart[data-dimension]')].map(renderBalance);
  tasks.push(renderFunnel(), renderTrends(), renderEquity(), renderDeclines(), renderLeadership(), renderProgramme());
  if (state.roles.includes('admin')) tasks.push(renderOutbox());
  const results = await Promise.allSettled(tasks);
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) showError(failed.map((r) => r.reason.message).join('\n'));
  if (ready) document.body.dataset.ready = 'true';
}

// ---- A member's own page -------------------------------------------------------------------

const num = (x, digits = 2) => (x == null ? '' : Number(x).toFixed(digits));

async function renderMe() {
  const [record, eligibility, talks, invitations, nominations] = await Promise.all([
    api('/me'), api('/me/eligibility'), api('/me/talks', { limit: 50 }), api('/me/invitations', { limit: 50 }),
    api('/me/nominations', { limit: 50 }),
  ]);
  $('me').hidden = false;
  $('me-title').textContent = `My page: ${record.name}`;
  const stages = record.careerStages.map((s) => `${s.careerStage} from ${s.validFrom}`).join(', ');
  const affiliations = record.affiliations.map((a) => `${a.instituteName} (${a.region}) from ${a.validFrom}`).join(', ');
  $('me-record').replaceChildren(el('h3', {}, 'My record'), el('dl', {},
    el('dt', {}, 'Institute'), el('dd', {}, `${record.institute.name} (${record.region})`),
    el('dt', {}, 'Career stage'), el('dd', {}, record.careerStage),
    el('dt', {}, 'Stage history'), el('dd', {}, stages),
    el('dt', {}, 'Affiliations'), el('dd', {}, affiliations),
    el('dt', {}, 'Contact e-mail'), el('dd', {}, record.email || '–'),
    el('dt', {}, 'Gender (self-declared)'), el('dd', { id: 'me-gender' }, record.gender),
  ));

  const b = eligibility.breakdown;
  $('me-eligibility').replaceChildren(el('h3', {}, 'My eligibility'),
    el('p', { class: 'score', 'data-score': eligibility.score },
      `Score ${num(eligibility.score, 3)} = career bonus ${num(b.bonus)} (${b.careerStage}) − talk load ${num(b.talkLoad, 3)}`),
    el('p', { class: 'muted' }, `Rank policy version ${eligibility.policyVersion}, as of ${eligibility.asOf}. `
      + 'Each counted talk weighs type × tier × 0.5^(age / half-life); the higher the score, the more eligible.'),
    b.talks.length
      ? table(['Conference', 'Date', 'Type', 'Tier', 'Age (years)', 'Decay', 'Counts'], b.talks.map((t) => [
        t.conferenceName, t.date, t.talkType, t.tier, num(t.ageYears, 1), num(t.decay, 3), num(t.contribution, 3)]))
      : el('p', { class: 'muted' }, 'No talks within the window: nothing lowers your score.'));

  const invitationRows = invitations.items.map((inv) => [
    inv.slotTitle, `${inv.conference} (${inv.conferenceStartDate})`, inv.talkType,
    el('span', {}, el('span', { class: `status-${inv.status}`, 'data-invitation-status': inv.id }, inv.status),
      ...(inv.respondBy && inv.status === 'invited'
        ? [' ', el('span', { class: 'respond-by' }, `answer by ${inv.respondBy.slice(0, 16).replace('T', ' ')} UTC`)] : [])),
    inv.answers.length ? el('span', { class: 'answers' },
      el('button', { type: 'button', class: 'accept', 'data-invitation': inv.id }, 'Accept'),
      el('input', { class: 'reason', 'data-invitation': inv.id, placeholder: 'reason (optional, committee only)', size: 28 }),
      el('select', { class: 'category', 'data-invitation': inv.id, 'aria-label': 'kind of reason' },
        el('option', { value: '' }, 'kind: not said'), ...['funding', 'travel', 'schedule', 'family', 'other'].map((k) => el('option', { value: k }, k))),
      el('button', { type: 'button', class: 'decline', 'data-invitation': inv.id }, 'Decline')) : '',
  ]);
  $('me-invitations').replaceChildren(el('h3', {}, 'My invitations'), invitations.items.length
    ? table(['Slot', 'Conference', 'Type', 'Status', ''], invitationRows)
    : el('p', { class: 'muted' }, 'No invitations.'));
  for (const button of $('me-invitations').querySelectorAll('button[data-invitation]')) {
    button.addEventListener('click', () => void answerInvitation(button.dataset.invitation, button.classList.contains('accept')));
  }

  const withReason = nominations.items.some((n) => n.reason !== undefined);
  $('me-nominations').replaceChildren(el('h3', {}, 'Nominations of me'), nominations.items.length
    ? table(['Slot', 'Conference', 'Status', 'Nominated', ...(withReason ? ['Reason'] : [])],
      nominations.items.map((n) => [n.slotTitle, `${n.conference} (${n.conferenceStartDate})`, n.status, n.createdAt.slice(0, 10),
        ...(withReason ? [n.reason ?? ''] : [])]))
    : el('p', { class: 'muted' }, 'No nominations.'));

  // The mentorship programme: my pairings once a round is published (nothing to show: no panel).
  const mentorship = await api('/me/mentorship').catch(() => ({ pairs: [] }));
  $('me-mentorship').hidden = mentorship.pairs.length === 0;
  $('me-mentorship').replaceChildren(el('h3', {}, 'My mentorship'), table(['Year', 'I am', 'With', 'Institute', 'E-mail', 'For'],
    mentorship.pairs.map((p) => [String(p.year), p.myRole, p.partnerName, p.partnerInstitute, p.partnerEmail || '', p.kinds.join(', ')])));

  $('me-talks').replaceChildren(el('h3', {}, `My talks (${talks.total})`), talks.items.length
    ? table(['Date', 'Conference', 'Tier', 'Type', 'Title', 'Stage then'], talks.items.map((t) => [
      t.date, t.conference, t.tier, t.talkType, t.title || '', t.careerStage]))
    : el('p', { class: 'muted' }, 'No talks recorded yet.'));
}

// ---- The mentorship programme (coordinators and admins) ------------------------------------

async function openMentorship() {
  const rounds = await api('/mentorship/rounds', { limit: 50 });
  $('mentorship').hidden = false;
  if (!rounds.items.length) {
    $('mentorship-summary').replaceChildren(el('p', { class: 'muted' }, 'No round yet: POST /api/v1/mentorship/rounds opens one.'));
    return;
  }
  $('mentorship-round').replaceChildren(...rounds.items.map((r) =>
    el('option', { value: r.id }, `${r.year} (${r.status === 'open' ? 'open' : 'published'})`)));
  await renderMentorship();
}

/** The round's report (counts as the privacy rules publish them) and its matching, when there is one. */
async function renderMentorship() {
  const id = $('mentorship-round').value;
  const [round, report, regions] = await Promise.all([
    api(`/mentorship/rounds/${id}`), api('/reports/mentorship', { roundId: id }), api('/regions').catch(() => []),
  ]);
  const regionName = new Map(regions.map((r) => [r.code, r.name]));
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const matching = report.matching.solved ? await api(`/mentorship/rounds/${id}/matching`) : null;
  const m = report.matching;
  const c = report.continuation;
  const roles = report.byRole;
  const facts = [
    ['Sign-up', `${round.signUpOpens} to ${round.signUpCloses}${round.signUpOpen ? ' (open now)' : ''}; matching on ${round.matchingOn}`],
    ['Participants', `${report.participants}: ${roles.mentee} mentees, ${roles.mentor} mentors, ${roles.both} both`],
    ['Matching', m.solved
      ? `${plural(m.pairs, 'pair')} (${m.published ? 'published' : 'proposed, awaiting review'}); ${plural(m.matchedMentees, 'mentee')} matched, `
        + `${m.unmatchedMentees} unmatched; ${plural(m.mentorsWithoutMentee, 'mentor')} without a mentee`
      : 'not solved yet'],
    ['Continuation', c.previousPairs
      ? `${c.continued} of last round's ${c.previousPairs} pairs continue (${pct(c.rate)}); both asked in ${c.bothAsked}`
      : 'no published round before this one'],
  ];
  $('mentorship-summary').replaceChildren(el('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [
    el('dt', {}, k), el('dd', { 'data-fact': k.toLowerCase() }, v)])));
  const bars = (dimension) => {
    const group = report.groups.find((g) => g.dimension === dimension);
    const rows = group.cells.filter((cell) => cell.suppressed || cell.count > 0)
      .map((cell) => ({ ...cell, label: dimension === 'region' ? regionName.get(cell.value) || cell.value : cell.value }));
    return rows.length ? shareChart(rows, { width: 520 }) : el('p', { class: 'muted' }, 'Nobody yet.');
  };
  $('mentorship-stage').replaceChildren(bars('careerStage'));
  $('mentorship-region').replaceChildren(bars('region'));
  const unmatched = (matching?.unmatched || []).filter((u) => u.as === 'mentee');
  $('mentorship-unmatched').replaceChildren(
    el('h3', {}, `Mentees without a mentor (${unmatched.length})`),
    unmatched.length
      ? table(['Mentee', 'Why'], unmatched.slice(0, 15).map((u) => [u.name || u.memberId, u.reason]))
      : el('p', { class: 'muted' }, matching ? 'Every mentee has a mentor.' : 'The round has not been matched yet.'),
    ...(unmatched.length > 15 ? [el('p', { class: 'muted' }, `and ${unmatched.length - 15} more: GET /api/v1/mentorship/rounds/${id}/matching`)] : []),
  );
}

async function answerInvitation(id, accept) {
  showError(null);
  try {
    const reason = accept ? '' : document.querySelector(`input.reason[data-invitation="${id}"]`)?.value.trim();
    const category = accept ? '' : document.querySelector(`select.category[data-invitation="${id}"]`)?.value;
    await api(`/me/invitations/${id}/${accept ? 'accept' : 'decline'}`, {}, {
      method: 'POST', body: { ...(reason ? { reason } : {}), ...(category ? { category } : {}) },
    });
    await renderMe();
  } catch (error) {
    showError(error);
  }
}

/** A nominator's own nominations: status per nominee, with counts per status on top. */
async function renderNominator() {
  const page = await api('/nominations', { limit: 200 });
  const byStatus = page.items.reduce((acc, n) => ({ ...acc, [n.status]: (acc[n.status] || 0) + 1 }), {});
  $('nominator').hidden = false;
  $('nominator-list').replaceChildren(
    el('p', { id: 'nominator-summary' }, `${page.total} nominations`
      + (Object.keys(byStatus).length ? `: ${Object.entries(byStatus).map(([s, n]) => `${n} ${s}`).join(', ')}` : '')),
    page.items.length
      ? table(['Nominee', 'Slot', 'Conference', 'Status', 'Nominated on'], page.items.map((n) => [
        n.memberName, n.slotTitle, n.conferenceName, el('span', { class: `nomination-${n.status}` }, n.status), String(n.createdAt).slice(0, 10),
      ]))
      : el('p', { class: 'muted' }, 'You have not nominated anyone yet: POST /api/v1/nominations { memberId, slotId, reason }.'),
  );
}

// Each open() counts; one overtaken by a later one (another token pasted meanwhile) stops drawing.
let openings = 0;

async function open() {
  const opening = ++openings;
  // Overtaken by a later open() (another token pasted meanwhile): stop, and leave the page to it.
  const overtaken = () => opening !== openings;
  try {
    const me = await api('/users/me');
    if (overtaken()) return;
    $('whoami').textContent = `${me.name} (${me.roles.join(', ')})`;
    state.roles = me.roles;
    // Another token may have been open before: only this one's pages show.
    for (const id of ['app', 'me', 'nominator', 'mentorship']) $(id).hidden = true;
    $('panel-outbox').hidden = !me.roles.includes('admin');
    if (me.roles.includes('member')) await renderMe();
    if (overtaken()) return;
    // A nominator who reads no reports sees their own nominations, not a page of refusals.
    if (me.roles.includes('nominator') && !me.roles.includes('committee')) await renderNominator();
    if (overtaken()) return;
    if (me.roles.some((role) => MENTORSHIP_COORDINATORS.includes(role))) await openMentorship();
    if (overtaken()) return;
    // A member who reads no reports sees only their own page.
    if (me.roles.some((role) => REPORT_READERS.includes(role))) {
      $('app').hidden = false;
      const conferences = await api('/conferences', { limit: 500 }).catch(() => ({ items: [] }));
      if (overtaken()) return;
      $('conference').replaceChildren(el('option', { value: '' }, 'All conferences'),
        ...conferences.items.map((c) => el('option', { value: c.id }, `${c.name} (${c.startDate.slice(0, 4)}, ${c.tier})`)));
      await refresh({ ready: false });
      if (overtaken()) return;
    }
  } catch (error) {
    if (overtaken()) return;
    showError(error);
  }
  document.body.dataset.ready = 'true';
}

/** Signed in through the identity provider already? The session cookie is HttpOnly: the service says. */
async function startSession() {
  const session = await fetch(`${API}/auth/session`, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : null)).catch(() => null);
  $('sign-in').hidden = !session || !session.signInAvailable || session.signedIn;
  if (!session || !session.signedIn) return false;
  state.session = session;
  $('sign-out').hidden = false;
  $('login').hidden = true;
  return true;
}

async function signOut() {
  await fetch(`${API}/auth/logout`, { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': state.session.csrfToken } });
  location.reload();
}

document.addEventListener('DOMContentLoaded', () => {
  $('token').value = state.token;
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    state.token = $('token').value.trim();
    sessionStorage.setItem('sa-token', state.token);
    // The page is ready again once this token's open() is done, not an earlier one's.
    delete document.body.dataset.ready;
    void open();
  });
  for (const id of ['conference', 'population', 'from', 'to', 'funnel-dimension', 'trend-dimension', 'declines-dimension', 'leadership-dimension']) {
    $(id).addEventListener('change', () => void refresh());
  }
  $('refresh').addEventListener('click', () => void refresh());
  $('mentorship-round').addEventListener('change', () => void renderMentorship().catch(showError));
  $('sign-out').addEventListener('click', () => void signOut());
  void startSession().then((signedIn) => {
    if (signedIn || state.token) void open();
  });
});
