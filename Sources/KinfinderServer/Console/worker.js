// Grid worker: the incidents of my cell (and below) that are open or acknowledged, with
// deadlines and the buttons to act on them.
'use strict';

(() => {
  const { t, el, api, localName, formatTime } = KF;
  const $ = (id) => document.getElementById(id);

  let mine = [];
  const reports = new Map(); // report id → report
  let loaded = false;
  const cells = new Map();
  const cameras = new Map();
  let posts = [];
  let tiles = null;
  const errors = new Map(); // incident id → last action error
  let stream = null;
  let timers = [];
  let pending = null;

  async function loadGrid() {
    const grid = await api('/api/v1/grid');
    const walk = (list) => list.forEach((c) => { cells.set(c.id, c); walk(c.children || []); });
    walk(grid.cells || []);
    (grid.cameras || []).forEach((c) => cameras.set(c.id, c));
    posts = grid.posts || [];
    tiles = grid.mapTiles || null;
  }

  // The case on the worker's phone: whom, where it was seen (with directions), the map of the way
  // they went and how far they could be now, every lead with its pictures.
  async function openCase(i) {
    const c = await api(`/api/v1/reports/${i.reportID}/case`);
    const nodes = [KF.personSummary(c.report, cellName)];
    const cam = cameras.get(i.cameraID);
    const where = el('p', 'go-to');
    where.append(el('strong', null, t('wk.goTo', { camera: cameraName(i.cameraID) })));
    if (cam && typeof cam.latitude === 'number') {
      const link = el('a', 'button-link directions', t('wk.directions'));
      link.href = `geo:${cam.latitude},${cam.longitude}?q=${cam.latitude},${cam.longitude}(${encodeURIComponent(localName(cam.name))})`;
      where.append(' ', link);
    }
    const map = el('div', 'map-box');
    map.id = 'case-map';
    const leads = el('ol', 'case-leads');
    c.leads.forEach((lead, k) => {
      const li = el('li', 'case-lead');
      li.dataset.id = lead.id;
      const b = el('button', 'case-lead-button');
      b.type = 'button';
      const thumb = el('img', 'thumb');
      thumb.alt = '';
      KF.snapshotURL(lead).then((url) => { if (url) thumb.src = url; else thumb.hidden = true; }).catch(() => { thumb.hidden = true; });
      const text = el('span', 'case-lead-text');
      const top = el('span', 'row-top');
      top.append(el('span', 'case-number', String(k + 1)), el('span', 'row-name', formatTime(lead.seenAt)), KF.statusBadge(lead.status));
      text.append(top, el('span', 'row-meta', `${cameraName(lead.cameraID)} · ${cellName(lead.cellID)}`));
      b.append(thumb, text);
      b.addEventListener('click', () => KF.enlarge(KF.evidence(lead), `${lead.reportName || ''} · #${lead.id}`));
      li.append(b);
      leads.append(li);
    });
    if (c.hiddenLeads) leads.append(el('li', 'muted', t('case.hidden', { n: c.hiddenLeads })));
    nodes.push(where, map, el('h3', null, t('case.title')), leads);
    KF.dialog('kf-case', `${c.report.name} · ${t('wk.case')}`, nodes);
    KFMap.draw(map, {
      cells: [...cells.values()], cameras: [...cameras.values()], posts, incidents: mine, theCase: c, focus: 'case',
      selectedID: i.id, cellName, tiles,
    });
  }

  let loads = 0;

  async function load() {
    const q = '/api/v1/incidents?assigned=me&status=';
    const ticket = ++loads;
    const [open, acknowledged] = await Promise.all([api(q + 'open'), api(q + 'acknowledged')]);
    if (ticket !== loads || !KF.session()) return; // a newer load is under way, or signed out
    mine = [...open.incidents, ...acknowledged.incidents].sort((a, b) => b.id - a.id);
    // Whom each incident is about (a few reports; kept, refreshed on every load).
    const ids = [...new Set(mine.map((i) => i.reportID).filter((id) => id != null))];
    const fetched = await Promise.all(ids.map((id) => api(`/api/v1/reports/${id}`).catch(() => null)));
    if (ticket !== loads) return;
    fetched.forEach((r) => { if (r) reports.set(r.id, r); });
    loaded = true;
    render();
  }

  // The stream carries every incident's events; reload my list once per burst.
  function scheduleLoad() {
    clearTimeout(pending);
    pending = setTimeout(() => load().catch(report), 300);
  }

  function report(err) {
    if (err.status !== 401 && !KF.leaving) console.error(err);
  }

  const cellName = (id) => (cells.has(id) ? localName(cells.get(id).name) : id);
  const cameraName = (id) => (cameras.has(id) ? localName(cameras.get(id).name) : id);

  function renderHeader() {
    const s = KF.session();
    $('worker-cell').textContent = s ? `${cellName(s.worker.cellID)} · ${s.worker.cellID}` : '';
  }

  function render() {
    renderHeader();
    const box = $('my-incidents');
    box.replaceChildren(...mine.map(card));
    if (loaded && !mine.length) box.append(el('p', 'empty all-clear', t('wk.none')));
  }

  function card(i) {
    const c = el('article', 'incident-row work-card');
    c.dataset.id = i.id;
    c.dataset.status = i.status;
    c.dataset.kind = i.kind || 'match';

    // The crop; a tap shows the whole frame, the seconds around and the crop full size.
    const thumb = el('button', 'thumb');
    thumb.type = 'button';
    thumb.title = t('ev.enlarge');
    if (i.snapshotURL) {
      const img = el('img');
      img.alt = t('cc.snapshotAlt');
      KF.snapshotURL(i).then((url) => { img.src = url; }).catch(() => img.remove());
      thumb.append(img);
    }
    const pictures = KF.evidence(i);
    if (pictures.length > 1) thumb.append(el('span', 'thumb-more', `+${pictures.length - 1}`));
    thumb.disabled = !pictures.length;
    thumb.addEventListener('click', () => KF.enlarge(pictures, `${KF.incidentTitle(i)} · #${i.id}`));

    const body = el('div', 'work-body');
    const top = el('div', 'row-top');
    top.append(el('span', 'row-name', KF.incidentTitle(i)), el('span', 'row-id', '#' + i.id), KF.statusBadge(i.status));
    const meta = el('div', 'row-meta');
    const d = i.dispatch;
    meta.append(
      el('span', null, `${t('f.camera')}: ${cameraName(i.cameraID)}`),
      el('span', null, formatTime(i.seenAt)),
      el('span', KF.isAlert(i) ? 'score alert-kind' : 'score', KF.incidentMeasure(i)),
      el('span', null, `${t('f.responsible')}: ${cellName(d ? d.cellID : i.cellID)}${d && d.level ? ' · ' + t('level.' + d.level) : ''}`),
    );
    const countdown = el('div', 'big-countdown');
    KF.setCountdown(countdown, i);
    const why = el('div', 'muted small', `${t(KF.isAlert(i) ? 'f.alertWhy' : 'f.why')}: ${KF.explain(i.explanation)}`);
    const passed = KF.passedOver(d, cellName);
    const person = i.reportID != null ? reports.get(i.reportID) : null;

    const actions = el('div', 'buttons');
    const button = (cls, label, style, handler) => {
      const b = el('button', `${cls} ${style}`, t(label));
      b.type = 'button';
      b.addEventListener('click', () => handler(b));
      actions.append(b);
      return b;
    };
    const ack = button('ack', 'act.ack', 'primary', () => act(i.id, `/api/v1/incidents/${i.id}/acknowledge`));
    ack.disabled = i.status !== 'open';
    // Closing takes a second tap (a phone in a pocket, a thumb in a crowd).
    const closing = (cls, label, style, outcome) => {
      const b = el('button', `${cls} ${style}`);
      b.type = 'button';
      KF.confirmButton(b, `${i.id}:${outcome}`, label, () => act(i.id, `/api/v1/incidents/${i.id}/resolve`, { outcome }));
      actions.append(b);
    };
    closing('found', KF.isAlert(i) ? 'act.handled' : 'act.found', 'good', 'found');
    closing('false-alarm', 'act.false', 'ghost-dark', 'false-alarm');
    // An alert has no report, so no case to open: the card says so instead.
    if (!KF.isAlert(i)) {
      button('case', 'wk.case', 'ghost-dark', () => openCase(i).catch((err) => {
        errors.set(i.id, t('error.generic', { msg: err.message }));
        render();
      }));
    }

    body.append(top, meta, countdown, why, actions);
    if (person) body.insertBefore(el('p', 'whom-line', KF.personSummary(person, cellName, true)), meta);
    if (KF.isAlert(i)) body.insertBefore(el('p', 'whom-line alert-line', t('kind.noReport')), meta);
    if (passed) body.insertBefore(el('p', 'passed-over', passed), countdown);
    if (errors.has(i.id)) body.append(el('p', 'error', errors.get(i.id)));
    c.append(thumb, body);
    return c;
  }

  async function act(id, path, body) {
    document.querySelectorAll(`#my-incidents .incident-row[data-id="${id}"] button`).forEach((b) => { b.disabled = true; });
    errors.delete(id);
    try {
      await api(path, { method: 'POST', body });
    } catch (err) {
      errors.set(id, err.status === 409 ? t('act.conflict') : t('act.failed', { msg: err.message }));
    }
    await load().catch(report);
  }

  async function start() {
    try { await loadGrid(); } catch (err) { report(err); }
    if (!KF.session()) return; // the token was refused meanwhile
    renderHeader();
    load().catch(report);
    stream = KF.live({ onIncident: scheduleLoad, onOpen: scheduleLoad });
    timers.push(setInterval(() => KF.tickCountdowns($('my-incidents')), 1000));
    timers.push(setInterval(() => load().catch(report), 30000));
  }

  function stop() {
    if (stream) stream.close();
    stream = null;
    timers.forEach(clearInterval);
    timers = [];
    mine = [];
    loaded = false;
    errors.clear();
    reports.clear();
    $('my-incidents').replaceChildren();
    $('worker-cell').textContent = '';
  }

  KF.onLanguage(render);
  KF.setupSignIn({ onSignedIn: start, onSignedOut: stop });
})();
