// Family pages: the report form (/family) and a report's progress (/family/<secret>).
// Families never sign in: nothing here sends a worker token.
'use strict';

(() => {
  const { t, el, api, localName, formatTime } = KF;
  const $ = (id) => document.getElementById(id);
  const COLOURS = ['red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink', 'brown', 'black', 'white', 'grey'];
  const match = /^\/family\/([^/]+)\/?$/.exec(location.pathname);
  const secret = match ? decodeURIComponent(match[1]) : null;

  let gridCells = [];
  const cells = new Map();

  async function loadGrid() {
    const grid = await api('/api/v1/grid', { auth: false });
    gridCells = grid.cells || [];
    const walk = (list) => list.forEach((c) => { cells.set(c.id, c); walk(c.children || []); });
    walk(gridCells);
  }

  const cellName = (id) => (cells.has(id) ? localName(cells.get(id).name) : id);

  // ---- Form -------------------------------------------------------------------------------

  function buildSwatches(container) {
    for (const colour of COLOURS) {
      const b = el('button', 'swatch');
      b.type = 'button';
      b.dataset.colour = colour;
      b.setAttribute('aria-pressed', 'false');
      const label = el('span', 'swatch-label', t('colour.' + colour));
      label.dataset.i18n = 'colour.' + colour;
      b.append(el('span', 'chip'), label);
      b.addEventListener('click', () => {
        const on = b.getAttribute('aria-pressed') !== 'true';
        b.setAttribute('aria-pressed', String(on));
        b.classList.toggle('selected', on);
      });
      container.append(b);
    }
  }

  const picked = (id) => [...$(id).querySelectorAll('.swatch.selected')].map((b) => b.dataset.colour);

  function fillPlaces() {
    const select = $('report-last-seen-cell');
    const keep = select.value;
    const option = (value, text) => {
      const o = el('option', null, text);
      o.value = value;
      return o;
    };
    select.replaceChildren(option('', t('fam.place.unknown')));
    // Streets become groups; communities and their micro-grids are the choices.
    const walk = (list, into) => {
      for (const c of list) {
        if (c.level === 'street') {
          const group = el('optgroup');
          group.label = localName(c.name);
          select.append(group);
          walk(c.children || [], group);
        } else if (c.level === 'community' || c.level === 'micro-grid') {
          const name = localName(c.name);
          into.append(option(c.id, c.level === 'community' ? t('fam.place.whole', { name }) : '\u00a0\u00a0· ' + name));
          walk(c.children || [], into);
        } else {
          walk(c.children || [], into);
        }
      }
    };
    walk(gridCells, select);
    select.value = keep;
  }

  // "2025-05-01T14:30" in local time, as datetime-local wants it.
  function localInputValue(d) {
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  // A form error shows where the family is looking: the error scrolls into view (it sits by the
  // submit button, far below the top on a phone) and the field it is about gets the focus.
  function formError(key, vars, field) {
    const box = $('report-error');
    box.textContent = t(key, vars);
    if (field && $(field)) $(field).focus({ preventScroll: true });
    box.scrollIntoView({ block: 'center', behavior: 'instant' });
  }

  // The server's "field: why" in the family's words: the field's label from the form (never the
  // API's name), a message of our own for the fields a family gets wrong, the server's text otherwise.
  const FIELDS = {
    name: ['fam.name', 'report-name'], describe: ['fam.describe', 'report-describe'], upper: ['fam.upper', null],
    lower: ['fam.lower', null], ageGroup: ['fam.age', 'report-age'], heightCM: ['fam.height', 'report-height'],
    height: ['fam.height', 'report-height'], lastSeenCell: ['fam.place', 'report-last-seen-cell'],
    lastSeenAt: ['fam.time', 'report-last-seen-at'], contact: ['fam.contact', 'report-contact'], notes: ['fam.notes', 'report-notes'],
  };
  function serverError(message) {
    const m = /^(\w+): ([\s\S]*)$/.exec(message || '');
    const field = m && FIELDS[m[1]];
    if (!field) return formError('fam.rejected', { msg: message });
    const own = 'fam.err.' + m[1];
    const why = KF.has(own) ? t(own) : m[2];
    formError('fam.fieldError', { field: t(field[0]), why }, field[1]);
  }

  async function submit(e) {
    e.preventDefault();
    $('report-error').textContent = '';
    const text = (id) => $(id).value.trim();
    const body = { name: text('report-name') };
    if (!body.name) return formError('fam.needName', {}, 'report-name');
    const upper = picked('upper-swatches'), lower = picked('lower-swatches');
    const describe = text('report-describe');
    if (!upper.length && !lower.length && !describe) return formError('fam.needColour');
    if (upper.length > 4 || lower.length > 4) return formError('fam.tooMany');
    if (upper.length) body.upper = upper;
    if (lower.length) body.lower = lower;
    if (describe) body.describe = describe;
    if ($('report-age').value) body.ageGroup = $('report-age').value;
    // As typed ("110", "1.1m", "1米1"): the server reads it the way it reads a description.
    if (text('report-height')) body.height = text('report-height');
    if ($('report-last-seen-cell').value) body.lastSeenCell = $('report-last-seen-cell').value;
    if ($('report-last-seen-at').value) {
      const at = new Date($('report-last-seen-at').value);
      if (!Number.isNaN(at.getTime())) body.lastSeenAt = at.toISOString().replace(/\.\d+Z$/, 'Z');
    }
    if (text('report-contact')) body.contact = text('report-contact');
    if (text('report-notes')) body.notes = text('report-notes');

    const button = $('report-submit');
    button.disabled = true;
    button.textContent = t('fam.busy');
    try {
      // Filed at a duty-post desk by a signed-in worker: with their sign-in, so the desk's address is
      // not held to the public form's limit; an expired sign-in files as the public form does.
      let created;
      try {
        created = await api('/api/v1/reports', { method: 'POST', body, auth: !!KF.session() });
      } catch (err) {
        if (err.status !== 401) throw err;
        created = await api('/api/v1/reports', { method: 'POST', body, auth: false });
      }
      // The photo goes with the report (the family's secret link is the permission). The report
      // matters more: a photo that cannot be kept is said on the status page, not in the way.
      const photo = $('report-photo').files[0];
      let photoKept = true;
      if (photo) {
        const token = created.familyLink.split('/').pop();
        const res = await fetch(`/api/v1/family/${token}/photo`, {
          method: 'PUT', headers: { 'Content-Type': photo.type || 'application/octet-stream' }, body: photo,
        }).catch(() => null);
        photoKept = !!res && res.ok;
      }
      location.assign(created.familyLink + (photoKept ? '' : '#photo-failed'));
    } catch (err) {
      if (err.status === 429) formError('fam.tooManyReports', { min: Math.max(1, Math.ceil((err.retryAfter || 180) / 60)) });
      else if (err.status) serverError(err.message);
      else formError('error.generic', { msg: err.message });
      button.disabled = false;
      button.textContent = t('fam.submit');
    }
  }

  // The description read back as the family types: what was understood per garment, who else the
  // words describe, the words not used. The swatches follow the reading; a tap corrects them.
  let readingTimer = null;
  let readingSeq = 0;

  function describeColours(list) {
    if (!list || !list.length) return t('fam.colourNotSaid');
    return list.map((c) => {
      const names = c.weights.filter((w) => w.weight >= 0.2).map((w) => t('colour.' + w.name));
      const shown = (names.length ? names : [t('colour.' + c.weights[0].name)]).join('/');
      return shown === c.word || names.join('/') === c.word ? shown : shown + ' (' + c.word + ')';
    }).join(', ');
  }

  function showReading(view) {
    const box = $('reading');
    const r = view.reading;
    const list = el('ul');
    const line = (label, value, cls) => {
      const li = el('li', cls);
      li.append(el('strong', null, label + ': '), document.createTextNode(value));
      list.append(li);
    };
    for (const g of r.garments) line(t('garment.' + g.kind), describeColours(g.colours) + (g.word ? ' — ' + g.word : ''));
    for (const c of r.carried) line(t('garment.carried'), t('item.' + c.kind) + ' — ' + c.word + (c.colours.length ? ', ' + describeColours(c.colours) : ''));
    line(t('reading.age'), r.ageGroup ? t('fam.age.' + r.ageGroup) + (r.ageYears != null ? ' (' + t('reading.years', { n: r.ageYears }) + ')' : '') : t('fam.ageNotSaid'));
    if (r.heightCM != null) line(t('reading.height'), Math.round(r.heightCM) + ' cm');
    for (const p of r.companions) {
      const parts = p.garments.map((g) => describeColours(g.colours) + (g.word ? ' ' + g.word : ''))
        .concat(p.carried.map((c) => t('item.' + c.kind) + (c.colours.length ? ' ' + describeColours(c.colours) : '')));
      if (parts.length) line(t('fam.companion'), p.word + ': ' + parts.join('; '), 'muted');
    }
    const notClothing = r.ignored.filter((w) => w.reason !== 'not-understood').map((w) => w.text);
    if (notClothing.length) line(t('fam.notClothing'), notClothing.join(', '), 'muted');
    if (view.unparsedWords.length) line(t('fam.notUnderstood'), view.unparsedWords.join(', '), 'muted');
    const head = el('p', 'reading-head', t('fam.understood'));
    const foot = el('p', 'hint', view.searchable ? t('fam.correct') : t('fam.noColour'));
    box.replaceChildren(head, list, foot);
    box.hidden = false;
    // The swatches follow the reading; the family corrects them with a tap.
    for (const [container, names] of [['upper-swatches', view.upper.map((c) => c.name)], ['lower-swatches', view.lower.map((c) => c.name)]]) {
      $(container).querySelectorAll('.swatch').forEach((b) => {
        const on = names.includes(b.dataset.colour);
        b.classList.toggle('selected', on);
        b.setAttribute('aria-pressed', String(on));
      });
    }
    if (!$('report-age').value && r.ageGroup) $('report-age').value = r.ageGroup;
    if (!$('report-height').value && r.heightCM != null) $('report-height').value = Math.round(r.heightCM) + ' cm';
  }

  async function readDescription() {
    const text = $('report-describe').value.trim();
    const box = $('reading');
    if (!text) { box.hidden = true; box.replaceChildren(); return; }
    const seq = ++readingSeq;
    try {
      const view = await api('/api/v1/reading', { method: 'POST', body: { describe: text }, auth: false });
      if (seq === readingSeq) showReading(view);
    } catch (err) {
      if (seq !== readingSeq) return;
      box.replaceChildren(el('p', 'error', err.message || t('error.generic')));
      box.hidden = false;
    }
  }

  // A photo's colours, read by the server with the cameras' colour model: a suggestion the family
  // confirms with one tap (nothing is stored).
  let photoPick = null;

  async function readPhoto() {
    const file = $('report-photo').files[0];
    const box = $('photo-suggestion'), text = $('photo-colours'), use = $('photo-use');
    photoPick = null;
    use.hidden = true;
    if (!file) { box.hidden = true; return; }
    box.hidden = false;
    text.textContent = t('fam.photoReading');
    try {
      const res = await fetch('/api/v1/photo-colours', { method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error((data.error && data.error.message) || res.statusText);
      // The strongest colours: the first, and the next ones with at least a quarter of the band.
      const pick = (list) => list.filter((c, i) => i === 0 || c.share >= 0.25).slice(0, 2);
      photoPick = { upper: pick(data.upper || []), lower: pick(data.lower || []) };
      const say = (list) => list.length ? list.map((c) => t('colour.' + c.name) + ' ' + Math.round(c.share * 100) + '%').join(', ') : t('fam.photoNone');
      text.textContent = t('fam.photoFound', { upper: say(photoPick.upper), lower: say(photoPick.lower) });
      use.hidden = !(photoPick.upper.length || photoPick.lower.length);
    } catch (err) {
      text.textContent = t('fam.photoFailed', { msg: err.message });
    }
  }

  function usePhotoColours() {
    if (!photoPick) return;
    for (const [container, list] of [['upper-swatches', photoPick.upper], ['lower-swatches', photoPick.lower]]) {
      const names = new Set(list.map((c) => c.name));
      if (!names.size) continue;
      $(container).querySelectorAll('.swatch').forEach((b) => {
        const on = names.has(b.dataset.colour);
        b.setAttribute('aria-pressed', String(on));
        b.classList.toggle('selected', on);
      });
    }
  }

  function formMode() {
    $('report-form').hidden = false;
    buildSwatches($('upper-swatches'));
    buildSwatches($('lower-swatches'));
    const now = new Date();
    $('report-last-seen-at').value = localInputValue(now);
    $('report-last-seen-at').max = localInputValue(new Date(now.getTime() + 5 * 60000));
    fillPlaces();
    loadGrid().then(fillPlaces).catch((err) => console.error(err));
    $('report-form').addEventListener('submit', submit);
    $('report-photo').addEventListener('change', readPhoto);
    $('report-describe').addEventListener('input', () => {
      clearTimeout(readingTimer);
      readingTimer = setTimeout(readDescription, 350);
    });
    $('photo-use').addEventListener('click', usePhotoColours);
    KF.onLanguage(fillPlaces);
  }

  // ---- Status -----------------------------------------------------------------------------

  let last = null;
  let updatedAt = null;

  function renderStatus() {
    if (!last) return;
    const f = last;
    $('family-name').textContent = f.name;
    const state = $('family-state');
    state.className = 'badge state-' + f.status;
    state.textContent = t('fam.state.' + f.status);
    state.dataset.status = f.status;
    $('family-leads').textContent = f.leads;
    $('family-checking').textContent = f.beingChecked;
    const found = $('family-found');
    found.textContent = t(f.found ? 'fam.foundYes' : 'fam.foundNo');
    found.dataset.found = String(f.found);
    found.classList.toggle('yes', f.found);
    const at = (when, cell) => (cell ? t('fam.atPlace', { when: formatTime(when), place: cellName(cell) }) : formatTime(when));
    $('family-latest').textContent = f.latestLead ? at(f.latestLead, f.latestLeadCell) : t('none');
    $('family-last-seen').textContent = f.lastSeenAt || f.lastSeenCell ? at(f.lastSeenAt, f.lastSeenCell) : t('none');
    $('family-filed').textContent = formatTime(f.filedAt);
    renderCollect(f);
    const withdrawn = $('family-withdrawn');
    withdrawn.hidden = f.status !== 'withdrawn';
    withdrawn.textContent = f.status === 'withdrawn' ? t('fam.withdrawnNote', { when: formatTime(f.closedAt) }) : '';
    $('family-updated').textContent = t('fam.updated', { t: formatTime(updatedAt, false) });
  }

  // Found: where to go and whom to call, first thing on the page.
  function renderCollect(f) {
    const box = $('family-collect');
    const c = f.status === 'found' ? f.collect : null;
    box.hidden = f.status !== 'found';
    if (box.hidden) return;
    $('family-collect-title').textContent = t('fam.collect.title', { name: f.name });
    $('family-collect-where').textContent = c && c.name
      ? t('fam.collect.go', { post: localName(c.name) })
      : t('fam.collect.goCell', { cell: cellName((c && c.cellID) || f.foundCell || f.lastSeenCell || '') });
    const call = $('family-collect-call');
    call.hidden = !(c && c.phone);
    if (c && c.phone) {
      call.textContent = t('fam.collect.call', { phone: c.phone });
      call.href = 'tel:' + c.phone.replace(/[^0-9+#]/g, '');
    }
    const map = $('family-collect-map');
    const located = c && c.latitude != null && c.longitude != null;
    map.hidden = !located;
    if (located) map.href = `geo:${c.latitude},${c.longitude}`;
    const found = $('family-collect-found');
    const parts = [];
    if (f.foundCell) parts.push(t('fam.collect.foundIn', { cell: cellName(f.foundCell), when: formatTime(f.closedAt) }));
    if (!(c && c.phone)) parts.push(t('fam.collect.noPhone'));
    found.textContent = parts.join(' ');
  }

  async function refresh() {
    try {
      last = await api(`/api/v1/family/${encodeURIComponent(secret)}`, { auth: false });
      updatedAt = new Date().toISOString();
      $('family-missing').hidden = true;
      $('family-body').hidden = false;
      $('family-photo-failed').hidden = location.hash !== '#photo-failed';
      renderStatus();
    } catch (err) {
      if (err.status === 404) {
        $('family-missing').hidden = false;
        $('family-body').hidden = true;
      } else {
        $('family-updated').textContent = t('error.generic', { msg: err.message });
      }
    }
  }

  function copyLink() {
    const input = $('family-link');
    const done = () => {
      const b = $('family-copy');
      b.textContent = t('fam.copied');
      setTimeout(() => { b.textContent = t('fam.copy'); }, 2000);
    };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, () => { document.execCommand('copy'); done(); });
    } else {
      document.execCommand('copy');
      done();
    }
  }

  function statusMode() {
    $('page-title').dataset.i18n = 'fam.statusTitle';
    $('page-heading').dataset.i18n = 'fam.statusHeading';
    $('family-status').hidden = false;
    $('family-body').hidden = true;
    $('family-link').value = location.href;
    $('family-copy').addEventListener('click', copyLink);
    KF.onLanguage(renderStatus);
    loadGrid().then(renderStatus).catch((err) => console.error(err));
    refresh();
    setInterval(refresh, 10000);
  }

  if (secret) statusMode(); else formMode();
})();
