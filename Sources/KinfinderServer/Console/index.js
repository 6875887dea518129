// Command centre: grid overview, live incident list, incident detail with actions.
'use strict';

(() => {
  const { t, el, api, localName, formatTime } = KF;
  const $ = (id) => document.getElementById(id);
  const LEVELS = ['micro-grid', 'community', 'street', 'district'];

  const incidents = new Map(); // id → incident (list view)
  const fresh = new Set(); // ids that arrived live, highlighted for a moment
  const cells = new Map(); // id → cell
  const cameras = new Map(); // id → camera
  const workers = new Map(); // id → worker
  let posts = [];
  let tiles = null; // the deployment's map tiles, if any
  let gridTree = [];
  let overview = null;
  let detail = null; // the selected incident with its events
  let selectedID = null;
  let stream = null;
  let timers = [];
  let overviewPending = null;

  // ---- Loading ----------------------------------------------------------------------------

  async function loadGrid() {
    const grid = await api('/api/v1/grid');
    gridTree = grid.cells || [];
    cells.clear();
    const walk = (list) => list.forEach((c) => { cells.set(c.id, c); walk(c.children || []); });
    walk(gridTree);
    cameras.clear();
    (grid.cameras || []).forEach((c) => cameras.set(c.id, c));
    workers.clear();
    (grid.workers || []).forEach((w) => workers.set(w.id, w));
    posts = grid.posts || [];
    tiles = grid.mapTiles || null;
    renderCameras();
    fillFilters();
    renderMap();
  }

  // ---- Cameras and reports ----------------------------------------------------------------

  function renderCameras() {
    const list = $('camera-list');
    const rows = [...cameras.values()].sort((a, b) => a.id.localeCompare(b.id)).map((c) => {
      const li = el('li', 'camera-row');
      li.dataset.camera = c.id;
      const state = c.state || 'unknown';
      const badge = el('span', 'badge cam-' + state, t('cam.state.' + state));
      badge.dataset.state = state;
      li.append(el('span', 'camera-name', localName(c.name)), badge);
      if (c.reason) li.title = c.reason;
      return li;
    });
    list.replaceChildren(...rows);
    if (!rows.length) list.append(el('li', 'muted', t('cam.none')));
  }

  let reportRows = [];

  async function loadReports() {
    const [open, found, withdrawn] = await Promise.all(
      ['open', 'found', 'withdrawn'].map((s) => api(`/api/v1/reports?status=${s}&limit=200`)));
    if (!KF.session()) return;
    reportRows = [...open, ...found, ...withdrawn].sort((a, b) => b.id - a.id);
    renderReports();
  }

  function renderReports() {
    const filter = $('report-filter').value;
    const words = $('report-search').value.trim().toLowerCase();
    const shown = reportRows.filter((r) => (filter === 'all' || (filter === 'open') === (r.status === 'open'))
      && (!words || `${r.name} ${r.describedAs || ''} ${r.notes || ''}`.toLowerCase().includes(words)));
    const box = $('report-list');
    box.replaceChildren(...shown.map(reportRow));
    if (!shown.length) box.append(el('p', 'empty', t('rp.none')));
  }

  function reportRow(r) {
    const row = el('article', 'report-row');
    row.dataset.id = r.id;
    row.dataset.status = r.status;
    const top = el('div', 'row-top');
    const badge = el('span', 'badge state-' + r.status, t('fam.state.' + r.status));
    top.append(el('span', 'row-name', r.name), el('span', 'row-id', '#' + r.id), badge);
    const meta = el('div', 'row-meta');
    meta.append(el('span', null, t('rp.filed', { when: formatTime(r.createdAt) })));
    if (r.lastSeenCell) meta.append(el('span', null, `${t('who.lastSeen')}: ${cellName(r.lastSeenCell)}`));
    row.append(top, el('div', 'whom-line', KF.personSummary(r, cellName, true)), meta);
    if (r.status === 'open') {
      const buttons = el('div', 'buttons');
      const close = (cls, label, style, outcome) => {
        const b = el('button', `${cls} ${style}`);
        b.type = 'button';
        KF.confirmButton(b, `report:${r.id}:${outcome}`, label, () => closeReport(r.id, outcome));
        buttons.append(b);
      };
      close('found', 'rp.found', 'good', 'found');
      close('withdraw', 'rp.withdraw', 'ghost-dark', 'withdrawn');
      row.append(buttons);
    }
    return row;
  }

  async function closeReport(id, outcome) {
    $('report-list-error').textContent = '';
    document.querySelectorAll(`#report-list .report-row[data-id="${id}"] button`).forEach((b) => { b.disabled = true; });
    try {
      await api(`/api/v1/reports/${id}/close`, { method: 'POST', body: { outcome } });
    } catch (err) {
      $('report-list-error').textContent = err.status === 409 ? t('act.conflict') : t('act.failed', { msg: err.message });
    }
    await loadReports().catch(report);
    scheduleOverview();
  }

  // Incidents the live stream updated while a list request was under way: the list may be older.
  let touchedLive = null;

  async function loadIncidents() {
    const touched = new Set();
    touchedLive = touched;
    const { incidents: list } = await api('/api/v1/incidents?limit=200');
    if (touchedLive === touched) touchedLive = null;
    if (!KF.session()) return;
    list.forEach((i) => { if (!touched.has(i.id)) incidents.set(i.id, i); });
    renderList();
  }

  async function loadOverview() {
    overview = await api('/api/v1/overview');
    renderOverview();
  }

  // Many events can arrive at once (a watch raising several incidents): reload the counts once.
  function scheduleOverview() {
    clearTimeout(overviewPending);
    overviewPending = setTimeout(() => loadOverview().catch(report), 400);
  }

  let detailReport = null; // the selected incident's report
  let theCase = null; // and its case (GET /api/v1/reports/{id}/case): every lead, the path, the reach

  async function loadDetail(id) {
    const d = await api(`/api/v1/incidents/${id}`);
    if (!KF.session()) return;
    // A behaviour alert has no report, so no case.
    const c = d.reportID == null ? null : await api(`/api/v1/reports/${d.reportID}/case`).catch((err) => { report(err); return null; });
    incidents.set(d.id, { ...d, events: undefined });
    renderList();
    if (selectedID !== id) return;
    detail = d;
    theCase = c;
    detailReport = c && c.report;
    renderDetail();
    renderMap();
    // The strip of the seconds after a sighting is stored once the camera has seen them (seconds
    // of video after the incident, longer on a busy host): look again while the incident is new.
    clearTimeout(picturesPending);
    if (!d.stripURL && Date.now() - new Date(d.createdAt).getTime() < 300000) {
      picturesPending = setTimeout(() => { if (selectedID === id) loadDetail(id).catch(report); }, 4000);
    }
  }
  let picturesPending = null;

  // ---- Map --------------------------------------------------------------------------------

  // 'case' once an incident is chosen (its case fills the map), until the operator asks for the whole area.
  let mapFocus = 'area';

  function renderMap() {
    const hasCase = !!(theCase && detail && theCase.report.id === detail.reportID && theCase.path.length);
    $('map-case').disabled = !hasCase;
    $('map-area').setAttribute('aria-pressed', String(!hasCase || mapFocus === 'area'));
    $('map-case').setAttribute('aria-pressed', String(hasCase && mapFocus === 'case'));
    const counts = new Map(((overview && overview.cells) || []).map((c) => [c.cellID, c]));
    const shownCase = theCase && detail && theCase.report.id === detail.reportID ? theCase : null;
    const focus = hasCase ? mapFocus : 'area';
    // Redrawn only when what it shows changed (live events re-render the lists many times a
    // minute; a map redrawn under a finger loses the tap): the reach grows every 10 s.
    const drawn = JSON.stringify([
      [...cameras.values()].map((c) => [c.id, c.state]), [...incidents.values()].map((i) => [i.id, i.status, i.cameraID]),
      [...counts.values()].map((c) => [c.cellID, c.open, c.overdue]), shownCase, $('incident-cell').value, selectedID, focus,
      $('map').clientWidth, KF.lang, cells.size, posts.length, shownCase && shownCase.reach ? Math.floor(Date.now() / 10000) : 0,
    ]);
    if (drawn === mapDrawn) return;
    mapDrawn = drawn;
    KFMap.draw($('map'), {
      cells: [...cells.values()], cameras: [...cameras.values()], posts, incidents: [...incidents.values()], counts,
      theCase: shownCase, chosenCell: $('incident-cell').value, selectedID, cellName,
      onCell: chooseCell, onIncident: (id) => select(id, true), focus, tiles,
    });
  }
  let mapDrawn = null;

  // A cell on the map or in the overview filters the list to it and the cells below it (again: all cells).
  function chooseCell(id) {
    $('incident-cell').value = $('incident-cell').value === id ? '' : id;
    renderList();
    renderOverview();
  }

  function report(err) {
    if (err.status !== 401 && !KF.leaving) console.error(err);
  }

  // ---- Names ------------------------------------------------------------------------------

  const cellName = (id) => (cells.has(id) ? localName(cells.get(id).name) : id);
  const cameraName = (id) => (cameras.has(id) ? localName(cameras.get(id).name) : id);
  function personName(id) {
    if (!id) return t('none');
    if (id === 'system') return t('actor.system');
    const w = workers.get(id);
    return w ? `${w.name} (${w.id})` : id;
  }
  function responsible(i) {
    const d = i.dispatch;
    if (!d) return cellName(i.cellID);
    return `${cellName(d.cellID)} · ${t('level.' + (d.level || (cells.get(d.cellID) || {}).level || ''))}`;
  }

  // ---- Overview ---------------------------------------------------------------------------

  function renderOverview() {
    const counts = new Map(((overview && overview.cells) || []).map((c) => [c.cellID, c]));
    const box = $('overview');
    box.replaceChildren(tree(gridTree, counts));
    $('total-open').textContent = overview ? overview.openIncidents : 0;
    $('total-overdue').textContent = overview ? overview.overdueIncidents : 0;
    $('total-overdue').parentElement.classList.toggle('alarm', !!(overview && overview.overdueIncidents));
    renderMap();
    const handled = $('handled');
    handled.replaceChildren();
    for (const level of LEVELS) {
      handled.append(el('dt', null, t('level.' + level)), el('dd', null, (overview && overview.handledByLevel[level]) || 0));
    }
  }

  function tree(list, counts) {
    const ul = el('ul');
    for (const c of list) {
      const n = counts.get(c.id) || { open: 0, overdue: 0 };
      const line = el('div', 'cell-line');
      line.dataset.cell = c.id;
      line.title = `${c.id} · ${t('level.' + c.level)} · ${t('cc.filterCell')}`;
      line.addEventListener('click', () => chooseCell(c.id));
      line.classList.toggle('chosen', $('incident-cell').value === c.id);
      line.classList.toggle('busy', n.open > 0);
      line.classList.toggle('late', n.overdue > 0);
      const duty = n.onDuty || 0;
      const staff = el('span', 'count duty' + (duty ? '' : ' none'), duty ? String(duty) : '∅');
      staff.title = duty ? t('cc.onDuty', { n: duty }) : t('cc.nobodyOnDuty');
      staff.setAttribute('aria-label', staff.title);
      line.append(
        el('span', 'cell-name', localName(c.name)),
        el('span', 'count open' + (n.open ? '' : ' zero'), n.open),
        el('span', 'count overdue' + (n.overdue ? '' : ' zero'), n.overdue),
        staff,
      );
      const li = el('li');
      li.append(line);
      if (c.children && c.children.length) li.append(tree(c.children, counts));
      ul.append(li);
    }
    return ul;
  }

  // ---- Incident list ----------------------------------------------------------------------

  // Whether cell `id` is `ancestor` or below it.
  function within(id, ancestor) {
    for (let c = id; c; c = cells.has(c) ? cells.get(c).parentID : null) if (c === ancestor) return true;
    return false;
  }

  function shown(i) {
    const filter = $('incident-filter').value;
    const active = i.status === 'open' || i.status === 'acknowledged';
    if (filter === 'unreviewed' ? !!i.review : !(filter === 'all' || (filter === 'active' ? active : !active))) return false;
    const cell = $('incident-cell').value, camera = $('incident-camera').value, time = $('incident-time').value;
    if (cell && !within(i.cellID, cell)) return false;
    if (camera && i.cameraID !== camera) return false;
    if (time) {
      const since = time === 'today' ? new Date(new Date().setHours(0, 0, 0, 0)).getTime() : Date.now() - Number(time) * 1000;
      if (new Date(i.seenAt).getTime() < since) return false;
    }
    return true;
  }

  // The cell and camera pickers, from the grid (kept as chosen when the grid reloads).
  function fillFilters() {
    const option = (value, text) => { const o = el('option', null, text); o.value = value; return o; };
    const cellSelect = $('incident-cell'), cameraSelect = $('incident-camera');
    const keepCell = cellSelect.value, keepCamera = cameraSelect.value;
    const cellOptions = [option('', t('cc.filter.anyCell'))];
    const walk = (list, depth) => list.forEach((c) => {
      cellOptions.push(option(c.id, '\u00a0\u00a0'.repeat(depth) + localName(c.name)));
      walk(c.children || [], depth + 1);
    });
    walk(gridTree, 0);
    cellSelect.replaceChildren(...cellOptions);
    cellSelect.value = cells.has(keepCell) ? keepCell : '';
    cameraSelect.replaceChildren(option('', t('cc.filter.anyCamera')),
      ...[...cameras.values()].sort((a, b) => a.id.localeCompare(b.id)).map((c) => option(c.id, localName(c.name))));
    cameraSelect.value = cameras.has(keepCamera) ? keepCamera : '';
  }

  function renderList() {
    const list = $('incident-list');
    const rows = [...incidents.values()].filter(shown).sort((a, b) => b.id - a.id);
    list.replaceChildren(...rows.map(row));
    if (!rows.length) list.append(el('p', 'empty', t(incidents.size ? 'cc.noneFiltered' : 'cc.none')));
    markOverdueRows();
    renderMap();
  }

  function row(i) {
    const r = el('button', 'incident-row');
    r.type = 'button';
    r.dataset.id = i.id;
    r.dataset.status = i.status;
    r.dataset.kind = i.kind || 'match';
    r.classList.toggle('selected', i.id === selectedID);
    r.classList.toggle('fresh', fresh.has(i.id));

    const top = el('span', 'row-top');
    top.append(el('span', 'row-name', KF.incidentTitle(i)), el('span', 'row-id', '#' + i.id), KF.statusBadge(i.status));

    const meta = el('span', 'row-meta');
    meta.append(
      el('span', null, `${t('f.camera')}: ${cameraName(i.cameraID)}`),
      el('span', null, formatTime(i.seenAt)),
      el('span', KF.isAlert(i) ? 'score alert-kind' : 'score', KF.incidentMeasure(i)),
    );
    if (i.review) meta.append(el('span', 'reviewed-mark', t('rv.badge')));

    const bottom = el('span', 'row-bottom');
    const who = el('span', 'row-cell', `${t('f.responsible')}: ${responsible(i)}`);
    if (i.dispatch && i.dispatch.escalations > 0) who.append(el('span', 'escalated', ` ↑${i.dispatch.escalations}`));
    const countdown = el('span');
    KF.setCountdown(countdown, i);
    bottom.append(who, countdown);

    r.append(top, meta, bottom);
    const passed = KF.passedOver(i.dispatch, cellName);
    if (passed) r.append(el('span', 'passed-over', passed));
    r.addEventListener('click', () => select(i.id, true));
    return r;
  }

  function markOverdueRows() {
    document.querySelectorAll('#incident-list .incident-row').forEach((r) => {
      r.classList.toggle('overdue', !!r.querySelector('.countdown.late'));
    });
  }

  // `tapped`: on a one-column (phone) layout the detail sits below the whole list; bring it up.
  function select(id, tapped = false) {
    if (selectedID !== id) mapFocus = 'case';
    selectedID = id;
    document.querySelectorAll('#incident-list .incident-row').forEach((r) => r.classList.toggle('selected', Number(r.dataset.id) === id));
    $('action-error').textContent = '';
    $('resolve-note').value = '';
    const shown = loadDetail(id).catch((err) => { $('action-error').textContent = t('error.generic', { msg: err.message }); });
    const detailCard = $('incident-detail');
    if (tapped && detailCard.getBoundingClientRect().top > window.innerHeight * 0.6) {
      shown.then(() => detailCard.scrollIntoView({ block: 'start', behavior: 'instant' }));
    }
  }

  // ---- Detail -----------------------------------------------------------------------------

  let relabel = []; // redraw the two-tap close buttons' labels

  function renderDetail() {
    const d = detail;
    $('detail-empty').hidden = !!d;
    $('detail-body').hidden = !d;
    if (!d) return;
    $('detail-title').textContent = KF.incidentTitle(d);
    $('detail-sub').textContent = `${t('cc.incident', { id: d.id })} · ${cameraName(d.cameraID)}`;
    KF.statusBadge(d.status, $('incident-status'));

    const img = $('incident-snapshot');
    $('snapshot-missing').hidden = !!d.snapshotURL;
    img.hidden = !d.snapshotURL;
    if (d.snapshotURL) {
      KF.snapshotURL(d).then((url) => {
        if (selectedID === d.id && img.src !== url) img.src = url;
      }).catch(() => { img.hidden = true; $('snapshot-missing').hidden = false; });
    } else {
      img.removeAttribute('src');
    }

    renderEvidence(d);

    const facts = $('detail-facts');
    facts.replaceChildren();
    const fact = (label, value) => {
      const dd = el('dd');
      if (value instanceof Node) dd.append(value); else dd.textContent = value;
      facts.append(el('dt', null, t(label)), dd);
    };
    const p = d.dispatch;
    fact('f.seenAt', `${formatTime(d.seenAt)} · ${cameraName(d.cameraID)}`);
    if (KF.isAlert(d)) fact('f.kind', `${t('kind.' + d.kind)} · ${t('kind.noReport')}`);
    else fact('f.score', `${Math.round(d.score * 100)}%`);
    fact('f.responsible', `${responsible(d)} (${p ? p.cellID : d.cellID})`);
    const passed = KF.passedOver(p, cellName);
    if (passed) fact('f.staffing', passed);
    if (p) {
      const deadline = el('span');
      deadline.append(el('span', null, formatTime(d.status === 'open' ? p.respondBy : p.resolveBy) + ' '));
      const cd = el('span', 'pill');
      KF.setCountdown(cd, d);
      deadline.append(cd);
      fact(d.status === 'open' ? 'f.respondBy' : 'f.resolveBy', deadline);
      fact('f.escalations', String(p.escalations));
      if (p.acknowledgedBy) fact('f.acknowledged', t('f.byAt', { who: personName(p.acknowledgedBy), when: formatTime(p.acknowledgedAt) }));
      if (p.resolvedBy) fact('f.closed', t('f.byAt', { who: personName(p.resolvedBy), when: formatTime(p.resolvedAt) }));
    }
    fact(KF.isAlert(d) ? 'f.alertWhy' : 'f.why', KF.explain(d.explanation));
    if (d.review) {
      fact('f.reviewed', t('f.byAt', { who: personName(d.review.by), when: formatTime(d.review.at) }) + (d.review.note ? ` — ${d.review.note}` : ''));
    }
    $('detail-person').replaceChildren(...(detailReport && detailReport.id === d.reportID ? [KF.personSummary(detailReport, cellName)] : []));

    renderCaseLeads();

    const history = $('event-history');
    history.replaceChildren();
    for (const e of d.events || []) {
      const li = el('li', 'event kind-' + e.kind);
      const head = el('div', 'event-head');
      head.append(el('span', 'event-kind', t('event.' + e.kind)), el('time', 'muted', formatTime(e.at)));
      const body = el('div', 'event-body');
      body.append(el('span', 'event-actor', personName(e.actor)));
      if (e.cellID) body.append(el('span', 'muted', ` · ${cellName(e.cellID)}`));
      li.append(head, body);
      if (e.detail) li.append(el('div', 'event-detail muted', KF.eventDetail(e.detail, cellName)));
      history.append(li);
    }

    const active = d.status === 'open' || d.status === 'acknowledged';
    $('ack-button').disabled = d.status !== 'open';
    $('resolve-found-button').disabled = !active;
    $('resolve-false-button').disabled = !active;
    $('resolve-note').disabled = !active && !!d.review;
    $('review-button').disabled = false;
    relabel.forEach((f) => f());
  }

  // The whole frame and the strip under the crop; a tap on any of them shows them all full size.
  let evidenceShown = null;
  function renderEvidence(d) {
    const box = $('detail-evidence');
    const items = KF.evidence(d);
    const key = `${d.id}|${items.map((i) => i.path).join(',')}`;
    if (evidenceShown === key) return;
    evidenceShown = key;
    box.replaceChildren(...items.filter((i) => i.kind !== 'crop').map((item) => {
      const b = el('button', 'evidence-picture');
      b.type = 'button';
      b.dataset.kind = item.kind;
      b.title = t('ev.enlarge');
      const img = el('img');
      img.alt = item.caption;
      KF.pictureURL(item.path).then((url) => { if (selectedID === d.id) img.src = url; }).catch(() => b.remove());
      b.append(img, el('span', 'evidence-caption', item.caption));
      b.addEventListener('click', () => KF.enlarge(items, `${KF.incidentTitle(d)} · #${d.id}`));
      return b;
    }));
  }

  // Every lead of the case in time order, numbered as on the map; a tap opens one.
  function renderCaseLeads() {
    const box = $('case-leads');
    const c = theCase && detail && theCase.report.id === detail.reportID ? theCase : null;
    if (!c) { box.replaceChildren(); return; }
    const items = c.leads.map((lead, k) => {
      const li = el('li', 'case-lead');
      li.dataset.id = lead.id;
      li.classList.toggle('current', lead.id === detail.id);
      const button = el('button', 'case-lead-button');
      button.type = 'button';
      const thumb = el('img', 'thumb');
      thumb.alt = '';
      if (lead.snapshotURL) {
        KF.snapshotURL(lead).then((url) => { thumb.src = url; }).catch(() => { thumb.hidden = true; });
      } else {
        thumb.hidden = true;
      }
      const text = el('span', 'case-lead-text');
      const top = el('span', 'row-top');
      top.append(el('span', 'case-number', String(k + 1)), el('span', 'row-name', formatTime(lead.seenAt)), el('span', 'row-id', '#' + lead.id),
        KF.statusBadge(lead.status));
      const meta = el('span', 'row-meta');
      meta.append(el('span', null, cameraName(lead.cameraID)), el('span', null, cellName(lead.cellID)),
        el('span', 'score', KF.confidence(lead.score)));
      if (lead.id === detail.id) meta.append(el('span', 'muted', t('case.current')));
      text.append(top, meta);
      button.append(thumb, text);
      button.addEventListener('click', () => { if (lead.id !== selectedID) select(lead.id); });
      li.append(button);
      return li;
    });
    box.replaceChildren(...items);
    if (!items.length) box.append(el('li', 'muted', t('case.none')));
    if (c.hiddenLeads) box.append(el('li', 'muted', t('case.hidden', { n: c.hiddenLeads })));
  }

  async function act(path, body) {
    const id = selectedID;
    if (id === null) return;
    const buttons = ['ack-button', 'resolve-found-button', 'resolve-false-button', 'review-button'].map($);
    buttons.forEach((b) => { b.disabled = true; });
    $('action-error').textContent = '';
    try {
      await api(path, { method: 'POST', body });
      $('resolve-note').value = '';
    } catch (err) {
      $('action-error').textContent = err.status === 409 ? t('act.conflict') : t('act.failed', { msg: err.message });
    }
    try { await loadDetail(id); } catch (err) { report(err); }
    scheduleOverview();
  }

  function resolve(outcome) {
    const note = $('resolve-note').value.trim();
    act(`/api/v1/incidents/${selectedID}/resolve`, note ? { outcome, note } : { outcome });
  }

  // ---- Live -------------------------------------------------------------------------------

  let reportsPending = null;
  function onIncident({ event, incident }) {
    // A lead closing as found (or its case closing) changes the reports list too.
    if (event && (event.kind === 'resolved' || event.kind === 'case-closed')) {
      clearTimeout(reportsPending);
      reportsPending = setTimeout(() => loadReports().catch(report), 500);
    }
    const id = incident.id;
    if (!incidents.has(id)) {
      fresh.add(id);
      setTimeout(() => {
        fresh.delete(id);
        const r = document.querySelector(`#incident-list .incident-row[data-id="${id}"]`);
        if (r) r.classList.remove('fresh');
      }, 5000);
    }
    if (touchedLive) touchedLive.add(id);
    incidents.set(id, incident);
    renderList();
    scheduleOverview();
    if (id === selectedID) loadDetail(id).catch(report);
  }

  // (Re)connected: reload what may have changed while the stream was down.
  function onStreamOpen() {
    loadIncidents().catch(report);
    scheduleOverview();
  }

  // ---- Start and stop ---------------------------------------------------------------------

  async function start() {
    try {
      await loadGrid();
    } catch (err) {
      report(err);
    }
    if (!KF.session()) return; // the token was refused meanwhile
    renderOverview();
    Promise.all([loadIncidents(), loadOverview(), loadReports()]).catch(report);
    stream = KF.live({ onIncident, onOpen: onStreamOpen });
    timers.push(setInterval(() => { KF.tickCountdowns(); markOverdueRows(); }, 1000));
    // The reach circles grow with the time since the newest sighting.
    timers.push(setInterval(() => { if (theCase && theCase.reach) renderMap(); }, 10000));
    timers.push(setInterval(() => loadOverview().catch(report), 20000));
    // Reports and camera health change without incident events: every 20 s.
    timers.push(setInterval(() => { loadReports().catch(report); loadGrid().catch(report); }, 20000));
  }

  function stop() {
    if (stream) stream.close();
    stream = null;
    timers.forEach(clearInterval);
    timers = [];
    incidents.clear();
    reportRows = [];
    $('report-list').replaceChildren();
    detail = null;
    detailReport = null;
    theCase = null;
    selectedID = null;
    $('incident-list').replaceChildren();
    renderDetail();
  }

  $('incident-snapshot').addEventListener('click', () => { if (detail) KF.enlarge(KF.evidence(detail), `${KF.incidentTitle(detail)} · #${detail.id}`); });
  $('incident-filter').addEventListener('change', renderList);
  ['incident-cell', 'incident-camera', 'incident-time'].forEach((id) => $(id).addEventListener('change', () => { renderList(); renderOverview(); }));
  $('report-filter').addEventListener('change', renderReports);
  $('report-search').addEventListener('input', renderReports);
  $('ack-button').addEventListener('click', () => act(`/api/v1/incidents/${selectedID}/acknowledge`));
  // Reviewed: the operator looked at the evidence (with the note, if one is typed); any status.
  $('review-button').addEventListener('click', () => {
    const note = $('resolve-note').value.trim();
    act(`/api/v1/incidents/${selectedID}/review`, note ? { note } : {});
  });
  // Closing takes a second tap, asked again for each incident.
  relabel = [
    KF.confirmButton($('resolve-found-button'), () => `${selectedID}:found`, 'act.found', () => resolve('found')),
    KF.confirmButton($('resolve-false-button'), () => `${selectedID}:false-alarm`, 'act.false', () => resolve('false-alarm')),
  ];
  $('map-area').addEventListener('click', () => { mapFocus = 'area'; renderMap(); });
  $('map-case').addEventListener('click', () => { mapFocus = 'case'; renderMap(); });
  let resizePending = null;
  window.addEventListener('resize', () => { clearTimeout(resizePending); resizePending = setTimeout(renderMap, 150); });
  KF.onLanguage(() => {
    evidenceShown = null;
    fillFilters();
    renderCameras();
    renderReports();
    renderOverview();
    renderList();
    renderDetail();
  });

  KF.setupSignIn({ onSignedIn: start, onSignedOut: stop });
})();
