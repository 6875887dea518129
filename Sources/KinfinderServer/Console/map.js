// The area as a picture, drawn from the grid file's coordinates: no tiles, no CDN. Cells (with the
// grid's hierarchy as thin lines), cameras with their health, duty posts, open incidents, and for
// a case the way the person went (last seen → leads in time order) with the reach circles of the
// retro search's walking prior around the newest sighting: "where could she be now".
'use strict';

const KFMap = (() => {
  const { t, el, localName } = KF;
  const SVG = 'http://www.w3.org/2000/svg';
  const LEVEL_RADIUS = { district: 13, street: 11, community: 9, 'micro-grid': 8 };

  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function titled(node, text) {
    node.append(svg('title', {}, text));
    return node;
  }

  const located = (p) => p && typeof p.latitude === 'number' && typeof p.longitude === 'number';

  // Metres east/south of a reference point (equirectangular: exact enough over a scenic area).
  function projection(points) {
    const lat0 = points.reduce((s, p) => s + p.latitude, 0) / points.length;
    const lon0 = points.reduce((s, p) => s + p.longitude, 0) / points.length;
    const k = Math.cos((lat0 * Math.PI) / 180);
    const project = (p) => ({ x: (p.longitude - lon0) * 111320 * k, y: -(p.latitude - lat0) * 110540 });
    project.inverse = (m) => ({ latitude: lat0 - m.y / 110540, longitude: lon0 + m.x / (111320 * k) });
    project.latitude = lat0;
    return project;
  }

  // Web-mercator tiles (256 px) under the map, from the deployment's tile server: the zoom whose
  // pixel size is nearest the map's, every tile the view covers (at most 64), each stretched to
  // its corners' places (the map is not mercator; over a scenic area the two agree to a pixel).
  function tileLayer(tiles, W, H, scale, inverse, px, latitude) {
    const g = svg('g', { class: 'map-tiles' });
    const z = Math.max(0, Math.min(19, Math.round(Math.log2((156543.03392 * Math.cos((latitude * Math.PI) / 180)) * scale))));
    const n = 2 ** z;
    const tileX = (lon) => Math.floor(((lon + 180) / 360) * n);
    const tileY = (lat) => {
      const r = (lat * Math.PI) / 180;
      return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    };
    const lonOf = (x) => (x / n) * 360 - 180;
    const latOf = (y) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
    const nw = inverse(0, 0), se = inverse(W, H);
    const x0 = tileX(nw.longitude), x1 = tileX(se.longitude), y0 = tileY(nw.latitude), y1 = tileY(se.latitude);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 64) return g;
    for (let x = x0; x <= x1; x += 1) {
      for (let y = y0; y <= y1; y += 1) {
        const a = px({ latitude: latOf(y), longitude: lonOf(x) }), b = px({ latitude: latOf(y + 1), longitude: lonOf(x + 1) });
        const href = tiles.url.split('{z}').join(z).split('{x}').join(((x % n) + n) % n).split('{y}').join(y);
        g.append(svg('image', { href, x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y, preserveAspectRatio: 'none', class: 'map-tile' }));
      }
    }
    g.dataset.zoom = z;
    return g;
  }

  function niceLength(maxMetres) {
    const steps = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];
    return steps.filter((s) => s <= maxMetres).pop() || steps[0];
  }
  function sinceText(seconds) {
    const m = Math.max(0, Math.round(seconds / 60));
    if (m < 1) return t('map.underMinute');
    return m < 60 ? t('map.minutes', { n: m }) : t('map.hours', { h: Math.floor(m / 60), m: m % 60 });
  }
  const distanceText = (m) => (m >= 1000 ? `${(m / 1000).toFixed(m >= 10000 ? 0 : 1)} km` : `${Math.round(m / 10) * 10} m`);

  // Labels beside their cells (right, left, below, above), micro-grids first; one that fits
  // nowhere is left out (the cell's tooltip and the overview still name it).
  function placeLabels(wanted, W, H) {
    const order = { 'micro-grid': 0, community: 1, street: 2 };
    const taken = [];
    const g = svg('g', { class: 'map-labels' });
    const overlaps = (a) => taken.some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h);
    for (const l of [...wanted].sort((a, b) => (order[a.level] ?? 3) - (order[b.level] ?? 3))) {
      // Width from the characters: CJK about one em, Latin about 0.58 em at 11 px.
      const w = [...l.text].reduce((sum, ch) => sum + (ch.charCodeAt(0) > 0x2e80 ? 11 : 6.4), 0) * (l.level === 'micro-grid' ? 1 : 1.08);
      const h = 13;
      const spots = [
        { x: l.p.x + l.r + 4, y: l.p.y - h / 2 }, { x: l.p.x - l.r - 4 - w, y: l.p.y - h / 2 },
        { x: l.p.x - w / 2, y: l.p.y + l.r + 3 }, { x: l.p.x - w / 2, y: l.p.y - l.r - 3 - h },
      ];
      const spot = spots.find((b) => b.x >= 2 && b.x + w <= W - 2 && b.y >= 2 && b.y + h <= H - 2 && !overlaps({ ...b, w, h }));
      if (!spot) continue;
      taken.push({ ...spot, w, h });
      g.append(svg('text', { x: spot.x, y: spot.y + h - 3, class: 'map-label level-' + l.level }, l.text));
    }
    return g;
  }

  // What the map can show: `cells` (flat, with level, parentID, name and position), `cameras`
  // (state), `posts`, `incidents` (active ones are drawn at their camera), `counts` (cell id →
  // {open, overdue}), `theCase` (GET /api/v1/reports/{id}/case) and the chosen cell and incident.
  // Returns the <svg>, or a note when nothing in the grid has a position.
  function draw(box, { cells = [], cameras = [], posts = [], incidents = [], counts = new Map(), theCase = null,
    chosenCell = '', selectedID = null, onCell = null, onIncident = null, cellName = (id) => id, now = Date.now(), focus = 'area', tiles = null }) {
    const cellByID = new Map(cells.map((c) => [c.id, c]));
    const cameraByID = new Map(cameras.map((c) => [c.id, c]));
    const placeOfCamera = (id) => {
      const c = cameraByID.get(id);
      if (located(c)) return c;
      const cell = c && cellByID.get(c.cellID);
      return located(cell) ? cell : null;
    };
    const gridPoints = [...cells, ...cameras, ...posts].filter(located);
    if (!gridPoints.length) {
      box.replaceChildren(el('p', 'empty', t('map.noPositions')));
      return null;
    }
    const path = (theCase && theCase.path) || [];
    const project = projection(gridPoints);

    // Reach radii, grown to `now` from when the server computed them.
    let reach = null;
    if (theCase && theCase.reach) {
      const r = theCase.reach;
      const grown = Math.max(0, (now - new Date(r.computedAt).getTime()) / 1000);
      reach = { ...r, likely: r.likelyMetres + r.likelyGrowth * grown, possible: r.possibleMetres + r.possibleGrowth * grown };
    }

    // Bounds: the grid and the case, and the likely circle, but never more than 3× the grid's size
    // (an hour after a sighting the circles are kilometres wide: they are clipped, and say so).
    const xy = gridPoints.map(project);
    const extent = (list) => ({
      minX: Math.min(...list.map((p) => p.x)), maxX: Math.max(...list.map((p) => p.x)),
      minY: Math.min(...list.map((p) => p.y)), maxY: Math.max(...list.map((p) => p.y)),
    });
    const grid = extent(xy);
    const gridSize = Math.max(grid.maxX - grid.minX, grid.maxY - grid.minY, 300);
    const all = [...xy, ...path.map(project)];
    if (reach) {
      const c = project(reach);
      const r = Math.min(reach.likely, gridSize * 1.5);
      all.push({ x: c.x - r, y: c.y - r }, { x: c.x + r, y: c.y + r });
    }
    // Focused on the case: its path and the circles (the possible one up to 3× the grid's size),
    // at least 600 m across, so "where could she be now" fills the picture.
    let focused = null;
    if (focus === 'case' && path.length) {
      const around = path.map(project);
      if (reach) {
        const c = project(reach);
        const r = Math.min(reach.possible, gridSize * 1.5);
        around.push({ x: c.x - r, y: c.y - r }, { x: c.x + r, y: c.y + r });
      }
      focused = extent(around);
      for (const [lo, hi] of [['minX', 'maxX'], ['minY', 'maxY']]) {
        const grow = Math.max(0, 600 - (focused[hi] - focused[lo])) / 2;
        focused[lo] -= grow; focused[hi] += grow;
      }
    }
    const b = focused || extent(all);
    const pad = focused ? 40 : Math.max(gridSize * 0.08, 60);
    b.minX -= pad; b.maxX += pad; b.minY -= pad; b.maxY += pad;

    const W = Math.max(300, Math.round(box.clientWidth || 480));
    const H = Math.round(Math.min(440, Math.max(240, W * 0.62)));
    const scale = Math.min(W / (b.maxX - b.minX), H / (b.maxY - b.minY));
    const ox = (W - (b.maxX - b.minX) * scale) / 2 - b.minX * scale;
    const oy = (H - (b.maxY - b.minY) * scale) / 2 - b.minY * scale;
    const px = (p) => { const m = project(p); return { x: ox + m.x * scale, y: oy + m.y * scale }; };

    const root = svg('svg', {
      viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'map', role: 'img', 'aria-label': t('map.title'), 'data-focus': focused ? 'case' : 'area',
    });
    root.append(svg('rect', { x: 0, y: 0, width: W, height: H, class: 'map-ground' }));
    if (tiles && tiles.url) {
      const inverse = (X, Y) => project.inverse({ x: (X - ox) / scale, y: (Y - oy) / scale });
      root.append(tileLayer(tiles, W, H, scale, inverse, px, project.latitude));
      root.classList.add('with-tiles');
    }

    // Reach circles first, under everything.
    if (reach) {
      const c = px(reach);
      const g = svg('g', { class: 'map-reach' });
      g.append(
        titled(svg('circle', { cx: c.x, cy: c.y, r: reach.possible * scale, class: 'reach-possible' }), t('map.reachPossible', { d: distanceText(reach.possible) })),
        titled(svg('circle', { cx: c.x, cy: c.y, r: reach.likely * scale, class: 'reach-likely' }), t('map.reachLikely', { d: distanceText(reach.likely) })),
      );
      root.append(g);
    }

    // The hierarchy: a thin line from each cell to its parent.
    const links = svg('g', { class: 'map-links' });
    for (const c of cells) {
      const parent = c.parentID && cellByID.get(c.parentID);
      if (!located(c) || !located(parent)) continue;
      const a = px(c), p = px(parent);
      links.append(svg('line', { x1: a.x, y1: a.y, x2: p.x, y2: p.y }));
    }
    root.append(links);

    // Cells: rings sized by level, blue with open incidents, red when one is overdue.
    const cellLayer = svg('g', { class: 'map-cells' });
    const wanted = []; // cell labels, placed at the end where they do not cover one another
    for (const c of cells) {
      if (!located(c)) continue;
      const p = px(c);
      const n = counts.get(c.id) || { open: 0, overdue: 0 };
      const g = svg('g', {
        class: `map-cell level-${c.level}${n.open ? ' busy' : ''}${n.overdue ? ' late' : ''}${chosenCell === c.id ? ' chosen' : ''}`,
        'data-cell': c.id, tabindex: onCell ? 0 : null,
      });
      g.append(svg('circle', { cx: p.x, cy: p.y, r: LEVEL_RADIUS[c.level] || 8 }));
      titled(g, `${localName(c.name)} · ${t('level.' + c.level)} · ${t('map.openCount', { n: n.open, late: n.overdue })}`);
      if (onCell) {
        g.addEventListener('click', () => onCell(c.id));
        g.addEventListener('keydown', (e) => { if (e.key === 'Enter') onCell(c.id); });
      }
      cellLayer.append(g);
      if (c.level !== 'district') wanted.push({ p, r: LEVEL_RADIUS[c.level] || 8, text: localName(c.name), level: c.level });
    }
    root.append(cellLayer);

    // Duty posts: a diamond; cameras: a square in their health's colour.
    const things = svg('g', { class: 'map-things' });
    for (const post of posts) {
      if (!located(post)) continue;
      const p = px(post);
      const d = 6;
      things.append(titled(svg('path', {
        d: `M${p.x} ${p.y - d}L${p.x + d} ${p.y}L${p.x} ${p.y + d}L${p.x - d} ${p.y}Z`, class: 'map-post kind-' + post.kind, 'data-post': post.id,
      }), [localName(post.name), post.phone].filter(Boolean).join(' · ')));
    }
    for (const cam of cameras) {
      const p0 = placeOfCamera(cam.id);
      if (!p0) continue;
      const p = px(p0);
      const state = cam.state || 'unknown';
      things.append(titled(svg('rect', {
        x: p.x - 4.5, y: p.y - 4.5, width: 9, height: 9, rx: 1.5, class: 'map-camera cam-' + state, 'data-camera': cam.id,
      }), `${localName(cam.name)} · ${t('cam.state.' + state)}`));
    }
    root.append(things);

    // The case: last seen → leads in time order, numbered.
    if (path.length) {
      const g = svg('g', { class: 'map-case' });
      const pts = path.map(px);
      if (pts.length > 1) g.append(svg('polyline', { points: pts.map((p) => `${p.x},${p.y}`).join(' '), class: 'case-path' }));
      // Numbered as in the case's list of leads (false alarms keep their number but are not drawn).
      const number = new Map((theCase.leads || []).map((l, k) => [l.id, k + 1]));
      const statusOf = new Map((theCase.leads || []).map((l) => [l.id, l.status]));
      path.forEach((point, k) => {
        const p = pts[k];
        const lead = point.kind === 'lead';
        const n = lead ? number.get(point.incidentID) || '?' : null;
        // Points on one spot (a lead at the camera where the family lost them) step aside a little.
        const same = pts.slice(0, k).filter((q) => Math.hypot(q.x - p.x, q.y - p.y) < 6).length;
        const x = p.x + same * 11, y = p.y - same * 11;
        const status = lead ? (statusOf.get(point.incidentID) || '') : '';
        const mark = svg('g', { class: `case-point kind-${point.kind}${status ? ' status-' + status : ''}`, 'data-incident': point.incidentID || null });
        mark.append(svg('circle', { cx: x, cy: y, r: 8 }), svg('text', { x, y: y + 4 }, lead ? String(n) : '•'));
        titled(mark, lead
          ? `${t('map.lead', { n, when: KF.formatTime(point.at), where: cellName(point.cellID) })} · ${t('status.' + status)}`
          : t('map.lastSeen', { when: KF.formatTime(point.at), where: cellName(point.cellID) }));
        g.append(mark);
      });
      root.append(g);
    }

    // Open incidents at their cameras (several at one camera fan out around it).
    const marks = svg('g', { class: 'map-incidents' });
    const atCamera = new Map();
    for (const i of incidents) {
      if (i.status !== 'open' && i.status !== 'acknowledged') continue;
      const p0 = placeOfCamera(i.cameraID);
      if (!p0) continue;
      const k = atCamera.get(i.cameraID) || 0;
      atCamera.set(i.cameraID, k + 1);
      const p = px(p0);
      const angle = -Math.PI / 4 + k * 0.9;
      const x = p.x + 14 * Math.cos(angle), y = p.y + 14 * Math.sin(angle);
      const g = svg('g', {
        class: `map-incident status-${i.status}${i.id === selectedID ? ' selected' : ''}`, 'data-incident': i.id, tabindex: onIncident ? 0 : null,
      });
      g.append(svg('line', { x1: p.x, y1: p.y, x2: x, y2: y }), svg('circle', { cx: x, cy: y, r: i.id === selectedID ? 8 : 6 }));
      titled(g, `#${i.id} ${KF.incidentTitle(i)} · ${t('status.' + i.status)}`);
      if (onIncident) {
        g.addEventListener('click', () => onIncident(i.id));
        g.addEventListener('keydown', (e) => { if (e.key === 'Enter') onIncident(i.id); });
      }
      marks.append(g);
    }
    root.append(marks, placeLabels(wanted, W, H));

    // Scale bar and north.
    const bar = niceLength((W * 0.25) / scale);
    const barPx = bar * scale;
    const sb = svg('g', { class: 'map-scale', transform: `translate(12 ${H - 14})` });
    sb.append(svg('path', { d: `M0 -5V0H${barPx}V-5` }), svg('text', { x: barPx + 6, y: 0 }, distanceText(bar)));
    const north = svg('g', { class: 'map-north', transform: `translate(${W - 20} 26)` });
    north.append(svg('path', { d: 'M0 -14L6 2L0 -2L-6 2Z' }), svg('text', { x: 0, y: 16 }, t('map.north')));
    root.append(sb, north);

    const caption = [];
    if (reach) {
      caption.push(t('map.reach', {
        since: sinceText((now - new Date(reach.since).getTime()) / 1000),
        likely: distanceText(reach.likely), possible: distanceText(reach.possible),
      }));
    } else if (theCase && theCase.report && theCase.report.status !== 'open') {
      caption.push(t('map.closed'));
    }
    const legend = el('p', 'map-legend small');
    legend.append(...[
      ['cell', t('map.key.cell')], ['camera', t('map.key.camera')], ['post', t('map.key.post')], ['incident', t('map.key.incident')],
      ...(path.length ? [['path', t('map.key.path')]] : []),
      ...(reach ? [['reach', t('map.key.reach')]] : []),
    ].map(([k, text]) => { const s = el('span', 'key key-' + k); s.append(el('i'), document.createTextNode(text)); return s; }));
    if (tiles && tiles.attribution) legend.append(el('span', 'map-attribution', tiles.attribution));
    const nodes = [root];
    if (caption.length) nodes.push(el('p', 'map-caption', caption.join(' ')));
    nodes.push(legend);
    box.replaceChildren(...nodes);
    return root;
  }

  return { draw };
})();
