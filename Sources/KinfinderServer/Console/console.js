// Kinfinder web console: shared helpers for every page (no framework).
// - i18n: KF.t(key), elements with data-i18n / data-i18n-placeholder / -alt / -aria-label, the #lang-toggle button
// - API: KF.api(path, options) with the sign-in token from sessionStorage
// - sign-in form, live events (EventSource), dates, countdowns, "中文 English" place names
'use strict';

const KF = (() => {
  // [English, Chinese]
  const STRINGS = {
    'app.name': ['Kinfinder', 'Kinfinder 寻亲'],
    'lang.other': ['中文', 'English'],
    'lang.switch': ['切换到中文', 'Switch to English'],

    'login.title': ['Sign in', '登录'],
    'login.intro': ['For grid workers and command-centre staff.', '供网格员和指挥中心工作人员使用。'],
    'login.worker': ['Worker ID', '工号'],
    'login.password': ['Password', '密码'],
    'login.submit': ['Sign in', '登录'],
    'login.busy': ['Signing in…', '正在登录…'],
    'login.failed': ['Unknown worker or wrong password.', '工号或密码错误。'],
    'login.tooMany': ['Too many sign-in attempts. Try again in {s} s.', '登录尝试次数过多，请 {s} 秒后再试。'],
    'login.expired': ['Your session has ended. Please sign in again.', '登录已失效，请重新登录。'],
    'logout': ['Sign out', '退出登录'],
    'live.on': ['Live', '实时'],
    'live.off': ['Reconnecting…', '正在重连…'],
    'error.network': ['Cannot reach the server.', '无法连接服务器。'],
    'error.generic': ['Something went wrong: {msg}', '出错了：{msg}'],
    'yes': ['Yes', '是'],
    'no': ['No', '否'],
    'none': ['—', '—'],

    'actor.system': ['system (dispatch)', '系统（自动派发）'],
    'role.operator': ['command-centre operator', '指挥中心操作员'],
    'role.grid-worker': ['grid worker', '网格员'],

    'level.micro-grid': ['micro-grid', '微网格'],
    'level.community': ['community', '社区'],
    'level.street': ['street', '街道'],
    'level.district': ['district', '区'],

    'status.open': ['Open', '待响应'],
    'status.acknowledged': ['Acknowledged', '已响应'],
    'status.resolved': ['Found', '已找到'],
    'status.false-alarm': ['False alarm', '误报'],
    'status.case-closed': ['Case closed', '案件已结束'],

    'event.assigned': ['Dispatched', '已派发'],
    'event.escalated': ['Escalated', '已升级上报'],
    'event.overdue': ['Response overdue', '响应超时'],
    'event.resolution-overdue': ['Resolution overdue', '处置超时'],
    'event.acknowledged': ['Acknowledged', '已确认响应'],
    'event.resolved': ['Found', '已找到'],
    'event.false-alarm': ['False alarm', '判定误报'],
    'event.case-closed': ['Case closed', '案件结束，线索关闭'],
    'event.reviewed': ['Reviewed', '已查看'],
    'event.superseded': ['Better lead came', '出现更好的线索'],

    'countdown.respond': ['respond in {t}', '响应剩余 {t}'],
    'countdown.resolve': ['resolve in {t}', '处置剩余 {t}'],
    'countdown.respondLate': ['response overdue {t}', '响应已超时 {t}'],
    'countdown.resolveLate': ['resolution overdue {t}', '处置已超时 {t}'],
    'countdown.closed': ['closed', '已结束'],
    'countdown.waiting': ['awaiting dispatch', '等待派发'],

    'f.camera': ['Camera', '摄像头'],
    'f.seenAt': ['Seen at', '发现时间'],
    'f.score': ['Confidence', '置信度'],
    'f.responsible': ['Responsible now', '当前负责'],
    'f.staffing': ['Staffing', '值守情况'],
    'f.respondBy': ['Respond by', '响应截止'],
    'f.resolveBy': ['Resolve by', '处置截止'],
    'f.escalations': ['Escalations', '升级次数'],
    'f.acknowledged': ['Acknowledged', '响应'],
    'f.closed': ['Closed', '结束'],
    'f.why': ['Why it matched', '匹配依据'],
    'f.reviewed': ['Reviewed', '查看'],
    'act.review': ['Mark reviewed', '标记已查看'],
    'rv.badge': ['✓ reviewed', '✓ 已查看'],
    'cc.filter.unreviewed': ['Not reviewed yet', '尚未查看'],
    'dispatch.passedOver': ['Nobody on duty in {cells}: sent straight to {to}', '{cells}无人值守，已直接派给{to}'],
    'cc.onDuty': ['{n} on duty in this cell', '本网格在岗 {n} 人'],
    'cc.nobodyOnDuty': ['Nobody on duty in this cell: its incidents go to the level above', '本网格无人值守：事件直接派给上一级'],
    'f.byAt': ['{who} at {when}', '{who}，{when}'],

    'act.ack': ['Acknowledge', '确认响应'],
    'act.found': ['Found', '已找到'],
    'act.false': ['False alarm', '误报'],
    'act.note': ['Note (optional)', '备注（可选）'],
    'act.confirm': ['Tap again to confirm', '再点一次确认'],
    'act.failed': ['Not done: {msg}', '操作未完成：{msg}'],
    'act.conflict': ['Someone else changed this incident first; it has been reloaded.', '此事件已被他人处理，已刷新。'],

    // Command centre
    'cc.title': ['Command centre · Kinfinder', '指挥中心 · Kinfinder'],
    'cc.heading': ['Command centre', '指挥中心'],
    'cc.tagline': ['One screen for the whole area', '全域一屏'],
    'cc.overview': ['Grid overview', '网格总览'],
    'cc.openTotal': ['open', '进行中'],
    'cc.overdueTotal': ['overdue', '超时'],
    'cc.legend': ['open · overdue, rolled up to each level · people on duty in the cell', '各级网格（含下级）进行中 · 超时数 · 本网格在岗人数'],
    'cc.handled': ['Handled per level', '各级已处置'],
    'cc.incidents': ['Live incidents', '实时事件'],
    'cc.filter': ['Show', '显示'],
    'cc.filter.all': ['All', '全部'],
    'cc.filter.active': ['Open and acknowledged', '待处理'],
    'cc.filter.closed': ['Closed', '已结束'],
    'cc.filter.cell': ['Cell', '网格'], 'cc.filter.anyCell': ['All cells', '全部网格'],
    'cc.filter.camera': ['Camera', '摄像头'], 'cc.filter.anyCamera': ['All cameras', '全部摄像头'],
    'cc.filter.time': ['Seen', '发现时间'], 'cc.filter.anyTime': ['Any time', '不限'], 'cc.filter.hour': ['Last hour', '最近 1 小时'],
    'cc.filter.today': ['Today', '今天'], 'cc.filter.day': ['Last 24 h', '最近 24 小时'],
    'cc.filterCell': ['Show this cell\'s incidents', '只看本网格（含下级）的事件'],
    'cc.none': ['No incidents yet. New sightings appear here as they happen.', '暂无事件。新线索会实时出现在这里。'],
    'cc.noneFiltered': ['No incidents match this filter.', '没有符合筛选条件的事件。'],
    'cc.detail': ['Incident', '事件详情'],
    'cc.pick': ['Select an incident in the list to see the snapshot, dispatch state and history.', '在列表中选择一个事件，查看抓拍图、派发状态和处理记录。'],
    'cc.history': ['History', '处理记录'],
    'cc.noSnapshot': ['No snapshot for this incident.', '此事件没有抓拍图。'],
    'cc.snapshotAlt': ['Camera snapshot of the matched person', '匹配人员的摄像头抓拍'],
    'cc.incident': ['Incident #{id}', '事件 #{id}'],
    'cc.unnamed': ['(unnamed report)', '（未命名）'],
    'kind.danger-zone': ['Danger zone', '危险区域'],
    'kind.child-alone': ['Child alone', '儿童独处'],
    'kind.person-down': ['Person down', '有人倒地'],
    'kind.wandering': ['Wandering', '徘徊'],
    'kind.alert': ['Behaviour alert', '行为预警'],
    'f.kind': ['Alert', '预警'],
    'f.alertWhy': ['Why', '预警依据'],
    'kind.noReport': ['No report filed: seen by the camera', '尚无人登记：摄像头发现'],
    'act.handled': ['Handled', '已处置'],

    // Reports and cameras (command centre)
    'rp.title': ['Reports', '寻人登记'],
    'rp.filter.open': ['Searching', '寻找中'], 'rp.filter.closed': ['Closed', '已结束'], 'rp.filter.all': ['All', '全部'],
    'rp.search': ['Search name or words', '搜索姓名或描述'],
    'rp.none': ['No report matches.', '没有符合条件的登记。'],
    'rp.desk': ['File a report at the desk', '现场代为登记'],
    'rp.found': ['Found', '已找到'], 'rp.withdraw': ['Withdraw', '撤销登记'],
    'rp.filed': ['filed {when}', '{when} 登记'],
    'cam.title': ['Cameras', '摄像头'],
    'cam.none': ['No camera in the grid.', '网格中没有摄像头。'],
    'cam.state.live': ['live', '在线'], 'cam.state.connecting': ['connecting', '连接中'], 'cam.state.stalled': ['stalled', '卡顿'],
    'cam.state.backing-off': ['reconnecting', '重连中'], 'cam.state.failed': ['failed', '故障'], 'cam.state.stopped': ['stopped', '已停止'],
    'cam.state.unknown': ['no report', '无状态'],

    // Evidence
    'ev.frame': ['Whole view: where in the camera\'s picture', '全景：在画面中的位置'],
    'ev.strip': ['The seconds around the sighting, oldest first', '发现前后几秒（从左到右）'],
    'ev.crop': ['Best view', '最清晰的一帧'],
    'ev.close': ['Close', '关闭'],
    'ev.missing': ['This picture could not be loaded.', '图片无法加载。'],
    'ev.enlarge': ['Enlarge the pictures', '放大查看图片'],
    'ev.title': ['Evidence', '现场图片'],
    'wk.case': ['Case and map', '案情与地图'],
    'wk.goTo': ['Seen at {camera}', '发现地点：{camera}'],
    'wk.directions': ['Directions', '导航前往'],

    // Map and case
    'map.title': ['Map', '地图'],
    'map.noPositions': ['No cell, camera or post in the grid file has a position (lat/lon): nothing to draw.', '网格文件中的网格、摄像头和岗亭都没有坐标（lat/lon），无法绘制地图。'],
    'map.north': ['N', '北'],
    'map.view': ['Map view', '地图范围'], 'map.area': ['Whole area', '全域'], 'map.case': ['This case', '本案'],
    'map.openCount': ['{n} open, {late} overdue', '进行中 {n}，超时 {late}'],
    'map.lead': ['Lead {n}: {when} · {where}', '线索 {n}：{when} · {where}'],
    'map.lastSeen': ['Last seen (family): {when} · {where}', '家属所说最后出现：{when} · {where}'],
    'map.reach': ['{since} since the newest sighting: most likely within {likely}, possibly up to {possible} (walking pace for the age).',
      '距最近一次发现已 {since}：最可能在 {likely} 以内，最远可能到 {possible}（按年龄的步行速度）。'],
    'map.reachLikely': ['Most likely within {d}', '最可能在 {d} 以内'],
    'map.reachPossible': ['Possibly up to {d}', '最远可能到 {d}'],
    'map.closed': ['The case is closed: no reach circle.', '案件已结束，不再显示可能范围。'],
    'map.underMinute': ['Under a minute', '不到 1 分钟'],
    'map.minutes': ['{n} min', '{n} 分钟'],
    'map.hours': ['{h} h {m} min', '{h} 小时 {m} 分钟'],
    'map.key.cell': ['cell', '网格'], 'map.key.camera': ['camera (health)', '摄像头（状态）'], 'map.key.post': ['duty post', '岗亭'],
    'map.key.incident': ['open incident', '待处理事件'], 'map.key.path': ['this case: last seen → leads', '本案：最后出现 → 各线索'],
    'map.key.reach': ['where they could be now', '现在可能在的范围'],
    'case.title': ['Every lead of this case', '本案全部线索'],
    'case.none': ['No lead yet.', '暂无线索。'],
    'case.hidden': ['{n} more outside your part of the grid.', '另有 {n} 条在您负责范围之外。'],
    'case.current': ['shown above', '当前查看'],

    // Grid worker
    'wk.title': ['Grid worker · Kinfinder', '网格员工作台 · Kinfinder'],
    'wk.heading': ['Grid worker', '网格员工作台'],
    'wk.mine': ['My incidents', '我的待办事件'],
    'wk.hint': ['Acknowledge as soon as you set off. Unacknowledged incidents escalate to the next level.', '出发前请先点“确认响应”。未及时响应的事件会自动升级到上一级网格。'],
    'wk.none': ['Nothing assigned to you right now.', '当前没有分配给您的事件。'],

    // Family
    'fam.title': ['Report a missing person · Kinfinder', '寻人登记 · Kinfinder'],
    'fam.heading': ['Report a missing person', '寻人登记'],
    'fam.intro': ['Tell us what they are wearing and where you last saw them. The scenic-area cameras start looking at once.', '请告诉我们走失者的衣着和最后出现的地点，景区摄像头会立即开始搜寻。'],
    'fam.name': ['Their name', '走失者姓名'],
    'fam.namePh': ['e.g. Xiaoming', '例如：小明'],
    'fam.upper': ['Top (jacket, shirt) colours', '上衣颜色'],
    'fam.lower': ['Trousers / skirt colours', '裤子 / 裙子颜色'],
    'fam.pick': ['Tap every colour that applies (up to 4).', '可多选，最多 4 种。'],
    'fam.age': ['Age group', '年龄段'],
    'fam.age.unknown': ['Not sure', '不确定'],
    'fam.age.child': ['Child', '儿童'],
    'fam.age.adult': ['Adult', '成年人'],
    'fam.age.elderly': ['Elderly', '老人'],
    'fam.height': ['Height', '身高'],
    'fam.heightPh': ['e.g. 110, 1.1 m or 1米1', '例如：110、1.1米 或 1米1'],
    'fam.place': ['Last seen at', '最后出现地点'],
    'fam.place.unknown': ['Not sure', '不确定'],
    'fam.place.whole': ['{name} (whole community)', '{name}（整个社区）'],
    'fam.time': ['Last seen time', '最后出现时间'],
    'fam.contact': ['Your phone number', '您的联系电话'],
    'fam.contactPh': ['e.g. 138 0000 0000', '例如：138 0000 0000'],
    'fam.describe': ['Describe them in your own words (optional)', '用自己的话描述（可选）'],
    'fam.describePh': ['e.g. red jacket, blue trousers, small child', '例如：红色上衣 蓝色裤子 小孩'],
    'fam.photo': ['Photo (optional): a full-length picture, the person in the middle', '照片（可选）：全身照，人在画面中间'],
    'fam.photoReading': ['Reading the colours in the photo…', '正在识别照片中的衣着颜色…'],
    'fam.photoFound': ['From the photo — top: {upper}; trousers/skirt: {lower}.', '照片识别——上衣：{upper}；裤子/裙子：{lower}。'],
    'fam.photoNone': ['none clear', '不明显'],
    'fam.photoUse': ['Use these colours', '使用这些颜色'],
    'fam.photoFailed': ['The photo could not be read: {msg}', '无法识别这张照片：{msg}'],
    'fam.photoKept': ['The photo goes with your report to the workers who look for the person (nothing else of the file is kept).', '照片会随登记发给寻找的工作人员（只保留画面，不保留文件中的其他信息）。'],
    'fam.photoNotKept': ['Your report is filed, but the photo could not be kept. Show it to the duty post if you can.', '登记已提交，但照片未能保存。如方便，请到岗亭出示照片。'],
    'who.photo': ['The family\'s photo', '家属提供的照片'],
    'fam.notes': ['Anything else that helps (optional)', '其他有帮助的信息（可选）'],
    'fam.notesPh': ['e.g. carrying a yellow balloon', '例如：手里拿着黄色气球'],
    'fam.submit': ['Start the search', '提交并开始寻找'],
    'fam.busy': ['Sending…', '正在提交…'],
    'fam.understood': ['We understood:', '我们的理解：'],
    'fam.correct': ['Not right? Tap the colours above to correct them, or change the words.', '不对？请点选上面的颜色更正，或修改文字。'],
    'fam.reading': ['Reading…', '正在理解…'],
    'fam.notUnderstood': ['Words not understood', '没看懂的词'],
    'fam.notClothing': ['Not clothing (colour not used)', '不是衣着（颜色不用于查找）'],
    'fam.companion': ['Someone else (not searched for)', '同行的人（不用于查找）'],
    'fam.noColour': ['No clothing colour yet: cameras search by colour, so please add one.', '还没有衣着颜色：摄像头按颜色查找，请补充。'],
    'fam.ageNotSaid': ['Age not said', '未说年龄'],
    'fam.colourNotSaid': ['colour not said', '颜色未说'],
    'garment.top': ['Top', '上衣'], 'garment.outer': ['Outer layer', '外套'], 'garment.bottom': ['Bottom', '下装'],
    'garment.one-piece': ['One-piece (top and bottom)', '连身（上下）'], 'garment.headwear': ['Headwear', '帽子'],
    'garment.footwear': ['Footwear', '鞋'], 'garment.carried': ['Carried', '随身物品'],
    'item.bag': ['bag', '包'], 'item.umbrella': ['umbrella', '伞'], 'item.pushchair': ['pushchair', '婴儿车'],
    'item.wheelchair': ['wheelchair', '轮椅'], 'item.walking_stick': ['walking stick', '拐杖'], 'item.toy': ['toy', '玩具'],
    'item.balloon': ['balloon', '气球'], 'item.phone': ['phone', '手机'], 'item.other': ['other', '其他'],
    'who.title': ['Whom we look for', '要找的人'],
    'who.words': ['In the family\'s words', '家属原话'],
    'who.lastSeen': ['Last seen', '最后出现'],
    'who.notes': ['Notes', '其他信息'],
    'who.contact': ['Family contact', '家属电话'],
    'who.withheld': ['for the command centre and the cells with the case', '仅指挥中心和相关网格可见'],
    'who.closed': ['Case closed: {outcome} by {who}, {when}', '案件已结束：{who}于{when}标记为{outcome}'],
    'who.outcome.found': ['found', '已找到'], 'who.outcome.withdrawn': ['withdrawn', '已撤销'],
    'reading.age': ['Age', '年龄'], 'reading.height': ['Height', '身高'], 'reading.years': ['{n} years', '{n}岁'],
    'fam.needName': ['Please enter their name.', '请填写走失者姓名。'],
    'fam.needColour': ['Choose at least one colour, or describe their clothes in your own words.', '请至少选择一种衣着颜色，或用文字描述衣着。'],
    'fam.tooMany': ['At most 4 colours each for the top and the trousers.', '上衣和下装最多各选 4 种颜色。'],
    'fam.fieldError': ['{field}: {why}', '{field}：{why}'],
    'fam.err.height': ['we could not read this as a height. Write e.g. 110, 110 cm, 1.1 m or 1米1 (40–230 cm).', '无法识别为身高，请填写如 110、110厘米、1.1米 或 1米1（40–230 厘米）。'],
    'fam.err.heightCM': ['40 to 230 cm.', '应在 40 到 230 厘米之间。'],
    'fam.err.lastSeenAt': ['within the last 7 days, and not later than now.', '须在最近 7 天内，且不能晚于现在。'],
    'fam.err.lastSeenCell': ['this place is not in the grid any more; choose another.', '该地点已不在网格中，请重新选择。'],
    'fam.err.contact': ['at most 200 characters, plain text.', '最多 200 个字符，仅限普通文字。'],
    'fam.err.name': ['1 to 100 characters, plain text.', '1 到 100 个字符，仅限普通文字。'],
    'fam.rejected': ['The report was not accepted: {msg}', '提交未成功：{msg}'],
    'fam.tooManyReports': ['Too many reports were sent from this device. Please try again in {min} min, or ask at the nearest duty post.',
      '此设备提交的报告过多，请 {min} 分钟后再试，或到最近的值班点求助。'],

    'fam.statusTitle': ['Search progress · Kinfinder', '寻人进展 · Kinfinder'],
    'fam.statusHeading': ['Search progress', '寻人进展'],
    'fam.s.name': ['Name', '姓名'],
    'fam.s.state': ['Status', '状态'],
    'fam.s.filed': ['Reported', '登记时间'],
    'fam.s.lastSeen': ['Last seen', '最后出现'],
    'fam.s.leads': ['Leads so far', '已发现线索'],
    'fam.s.checking': ['Being checked now', '正在核实'],
    'fam.s.found': ['Found', '已找到'],
    'fam.s.latest': ['Latest lead', '最新线索'],
    'fam.s.leadsHelp': ['A lead is a camera sighting that matches your description. Staff check every one.', '线索是摄像头拍到的、与描述相符的人，工作人员会逐一核实。'],
    'fam.state.open': ['Searching', '正在寻找'],
    'fam.state.found': ['Found', '已找到'],
    'fam.state.withdrawn': ['Withdrawn', '已撤销'],
    'fam.foundYes': ['Yes, found', '是，已找到'],
    'fam.foundNo': ['Not yet', '尚未找到'],
    'fam.collect.title': ['{name} has been found', '{name} 已找到'],
    'fam.collect.go': ['Please go to {post}.', '请前往：{post}。'],
    'fam.collect.goCell': ['A grid worker is with them in {cell}.', '网格员正在{cell}陪同。'],
    'fam.collect.call': ['Call {phone}', '拨打 {phone}'],
    'fam.collect.noPhone': ['Staff will call you on the number you gave.', '工作人员会拨打您登记的电话与您联系。'],
    'fam.collect.map': ['Open in maps', '在地图中打开'],
    'fam.collect.foundIn': ['Found in {cell}, {when}.', '{when}，在{cell}找到。'],
    'fam.collect.bring': ['Bring your ID card: staff check it before they hand them over.', '请携带身份证件，工作人员核对后交接。'],
    'fam.withdrawnNote': ['This report was withdrawn {when}. The cameras no longer look for them.', '此登记已于 {when} 撤销，摄像头不再搜寻。'],
    'fam.private': ['Keep this link private: anyone who has it can see this search’s progress. Bookmark it to check back.', '请妥善保管此链接，不要公开分享：任何拿到链接的人都能看到寻人进展。建议收藏本页，随时查看。'],
    'fam.copy': ['Copy link', '复制链接'],
    'fam.copied': ['Copied', '已复制'],
    'fam.updated': ['Updated {t} · refreshes every 10 s', '更新于 {t} · 每 10 秒自动刷新'],
    'fam.notFound': ['No report is behind this link. Check that you have the whole link.', '此链接没有对应的寻人登记，请确认链接完整。'],
    'fam.another': ['Report another person', '登记其他走失者'],
    'fam.atPlace': ['{when}, {place}', '{when}，{place}'],

    'colour.red': ['red', '红'], 'colour.orange': ['orange', '橙'], 'colour.yellow': ['yellow', '黄'],
    'colour.green': ['green', '绿'], 'colour.cyan': ['cyan', '青'], 'colour.blue': ['blue', '蓝'],
    'colour.purple': ['purple', '紫'], 'colour.pink': ['pink', '粉'], 'colour.brown': ['brown', '棕'],
    'colour.black': ['black', '黑'], 'colour.white': ['white', '白'], 'colour.grey': ['grey', '灰'],
  };

  // ---- Language ----------------------------------------------------------------------------

  const LANG_KEY = 'kinfinder.lang';
  const langListeners = [];
  let lang = (() => {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
    return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  })();

  function has(key) { return Object.prototype.hasOwnProperty.call(STRINGS, key); }

  function t(key, vars) {
    const entry = STRINGS[key];
    let text = entry ? entry[lang === 'zh' ? 1 : 0] : key;
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.split('{' + k + '}').join(String(v));
    return text;
  }

  function applyLanguage(root = document) {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    root.querySelectorAll('[data-i18n-alt]').forEach((el) => { el.alt = t(el.dataset.i18nAlt); });
    root.querySelectorAll('[data-i18n-aria-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel)); });
    const toggle = document.getElementById('lang-toggle');
    if (toggle) {
      toggle.textContent = t('lang.other');
      toggle.title = t('lang.switch');
    }
  }

  function setLanguage(next) {
    lang = next;
    localStorage.setItem(LANG_KEY, lang);
    applyLanguage();
    langListeners.forEach((fn) => fn(lang));
  }

  function onLanguage(fn) { langListeners.push(fn); }

  // ---- Dates and names ---------------------------------------------------------------------

  const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-GB');

  function formatTime(iso, withDate = true) {
    if (!iso) return t('none');
    const d = new Date(iso);
    const opts = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
    if (withDate) Object.assign(opts, { month: 'short', day: 'numeric' });
    return d.toLocaleString(locale(), opts);
  }

  // 75 → "1:15", 4000 → "1:06:40"
  function formatDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
  }

  // Names in the grid file are "中文 English"; show the half that fits the language.
  function localName(name) {
    if (!name) return '';
    const m = /^([^\x00-\x7F]\S*)\s+(.*[A-Za-z].*)$/.exec(name);
    if (!m) return name;
    return lang === 'zh' ? m[1] : m[2];
  }

  // ---- API --------------------------------------------------------------------------------

  const SESSION_KEY = 'kinfinder.session';
  const signedOutListeners = [];

  function session() {
    try { return JSON.parse(sessionStorage.getItem(SESSION_KEY)); } catch { return null; }
  }
  function saveSession(s) { sessionStorage.setItem(SESSION_KEY, JSON.stringify(s)); }
  function clearSession() { sessionStorage.removeItem(SESSION_KEY); }

  class ApiError extends Error {
    constructor(status, message, retryAfter) { super(message); this.status = status; this.retryAfter = retryAfter; }
  }

  async function api(path, { method = 'GET', body, auth = true, raw = false } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const s = auth ? session() : null;
    if (s) headers.Authorization = 'Bearer ' + s.token;
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, t('error.network'));
    }
    if (!res.ok) {
      let message = res.statusText || String(res.status);
      try { message = (await res.json()).error.message || message; } catch { /* not JSON */ }
      if (res.status === 401 && s) {
        clearSession();
        signedOutListeners.forEach((fn) => fn(true));
      }
      throw new ApiError(res.status, message, Number(res.headers.get('Retry-After')) || 0);
    }
    if (raw) return res.blob();
    if (res.status === 204) return null;
    return res.json();
  }

  // ---- Sign-in (index.html, worker.html) ---------------------------------------------------

  // Wires the sign-in form and the header; calls onSignedIn(worker) now if a session exists and
  // after every sign-in, onSignedOut() after sign-out or an expired token.
  function setupSignIn({ onSignedIn, onSignedOut }) {
    const view = document.getElementById('login-view');
    const app = document.getElementById('app');
    const form = document.getElementById('login-form');
    const error = document.getElementById('login-error');
    const who = document.getElementById('signed-in-as');
    const logout = document.getElementById('logout');
    const submit = document.getElementById('login-submit');

    function renderWho() {
      const s = session();
      if (!s) return;
      const w = s.worker;
      who.textContent = `${w.name} (${w.id}) · ${t('role.' + w.role)}`;
    }

    function showSignedOut(expired) {
      view.hidden = false;
      app.hidden = true;
      who.hidden = true;
      logout.hidden = true;
      error.textContent = expired ? t('login.expired') : '';
      onSignedOut && onSignedOut();
      document.getElementById('login-worker').focus();
    }

    function showSignedIn() {
      view.hidden = true;
      app.hidden = false;
      who.hidden = false;
      logout.hidden = false;
      renderWho();
      onSignedIn(session().worker);
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      submit.textContent = t('login.busy');
      try {
        const result = await api('/api/v1/login', {
          method: 'POST', auth: false,
          body: { worker: document.getElementById('login-worker').value.trim(), password: document.getElementById('login-password').value },
        });
        saveSession({ token: result.token, worker: result.worker, expiresAt: result.expiresAt });
        document.getElementById('login-password').value = '';
        showSignedIn();
      } catch (err) {
        error.textContent = err.status === 401 ? t('login.failed')
          : err.status === 429 ? t('login.tooMany', { s: err.retryAfter || 30 }) : t('error.generic', { msg: err.message });
      } finally {
        submit.disabled = false;
        submit.textContent = t('login.submit');
      }
    });

    logout.addEventListener('click', async () => {
      try { await api('/api/v1/logout', { method: 'POST' }); } catch { /* signed out anyway */ }
      clearSession();
      showSignedOut(false);
    });

    signedOutListeners.push((expired) => showSignedOut(expired));
    onLanguage(renderWho);

    if (session()) showSignedIn(); else showSignedOut(false);
  }

  // ---- Live events -------------------------------------------------------------------------

  // Opens the event stream; onOpen runs on every (re)connect so the page can reload what it may
  // have missed, onIncident with each {event, incident} message.
  function live({ onIncident, onOpen }) {
    const badge = document.getElementById('live-state');
    let source = null, retry = null, stopped = false;
    const state = (on) => {
      if (!badge) return;
      badge.hidden = false;
      badge.classList.toggle('on', on);
      badge.dataset.i18n = on ? 'live.on' : 'live.off';
      badge.textContent = t(badge.dataset.i18n);
    };
    function connect() {
      const s = session();
      if (stopped || !s) return;
      source = new EventSource('/api/v1/events?token=' + encodeURIComponent(s.token));
      source.addEventListener('open', () => { state(true); onOpen && onOpen(); });
      source.addEventListener('incident', (e) => {
        try { onIncident(JSON.parse(e.data)); } catch (err) { console.error('bad event', err); }
      });
      source.addEventListener('error', () => {
        state(false);
        // The browser retries by itself unless the server refused (e.g. 401): then try later.
        if (source.readyState === EventSource.CLOSED) {
          source = null;
          retry = setTimeout(connect, 5000);
        }
      });
    }
    connect();
    return {
      close() {
        stopped = true;
        clearTimeout(retry);
        if (source) source.close();
        if (badge) badge.hidden = true;
      },
    };
  }

  // ---- Countdowns --------------------------------------------------------------------------

  // Fills an element with the incident's deadline: respondBy while open, resolveBy while
  // acknowledged. The element keeps the data it needs, so tickCountdowns() can refresh it.
  function setCountdown(el, incident) {
    const d = incident.dispatch;
    el.classList.add('countdown');
    delete el.dataset.deadline;
    if (incident.status === 'open' || incident.status === 'acknowledged') {
      if (!d) {
        el.dataset.kind = 'waiting';
      } else {
        const open = incident.status === 'open';
        el.dataset.kind = open ? 'respond' : 'resolve';
        el.dataset.deadline = open ? d.respondBy : d.resolveBy;
        el.dataset.flagged = String(open ? d.responseOverdue : d.resolutionOverdue);
      }
    } else {
      el.dataset.kind = 'closed';
    }
    updateCountdown(el);
  }

  function updateCountdown(el) {
    const kind = el.dataset.kind;
    if (!el.dataset.deadline) {
      el.textContent = t(kind === 'waiting' ? 'countdown.waiting' : 'countdown.closed');
      el.classList.remove('late', 'soon');
      return;
    }
    const left = (new Date(el.dataset.deadline).getTime() - Date.now()) / 1000;
    const late = left < 0 || el.dataset.flagged === 'true';
    el.textContent = late
      ? t(kind === 'respond' ? 'countdown.respondLate' : 'countdown.resolveLate', { t: formatDuration(Math.abs(Math.min(left, 0))) })
      : t('countdown.' + kind, { t: formatDuration(left) });
    el.classList.toggle('late', late);
    el.classList.toggle('soon', !late && left < 60);
  }

  function tickCountdowns(root = document) {
    root.querySelectorAll('.countdown').forEach(updateCountdown);
  }

  // ---- Small DOM helpers --------------------------------------------------------------------

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // A closing action (found, false alarm) takes two taps: the first asks "tap again to confirm" for
  // 5 s. The pending state is kept by `key` (a string, or a function giving one), so a list redrawn
  // meanwhile shows it still. Returns a function that redraws the label.
  const confirming = new Map(); // key → time the question expires
  function confirmButton(button, key, labelKey, onConfirm) {
    const k = () => (typeof key === 'function' ? key() : key);
    const pending = () => (confirming.get(k()) || 0) > Date.now();
    const label = () => {
      const on = pending();
      button.textContent = t(on ? 'act.confirm' : labelKey);
      button.classList.toggle('confirming', on);
      button.setAttribute('aria-pressed', String(on));
    };
    label();
    button.addEventListener('click', () => {
      if (pending()) {
        confirming.delete(k());
        label();
        onConfirm();
        return;
      }
      confirming.set(k(), Date.now() + 5000);
      label();
      setTimeout(label, 5050);
    });
    return label;
  }

  // The server writes "why it matched" and event details in English; in Chinese they are rebuilt
  // from their known shapes (what is not recognised is shown as it came). `cellName` names cells.
  const colourWords = (list) => list.split('/').map((c) => (STRINGS['colour.' + c] ? t('colour.' + c) : c)).join('/');
  const ZH_EXPLAIN = [
    [/^retro search: /, () => '历史回溯：'],
    [/also (danger-zone|child-alone|person-down|wandering) alert #(\d+); /g, (m, k, id) => `另有${STRINGS['kind.' + k][1]}预警 #${id}；`],
    // Behaviour alerts.
    [/^feet in danger zone '(.+)' for ([\d.]+) s$/, (m, z, s) => `进入危险区域“${z}”${s} 秒`],
    [/^child-height ([\d.]+) entered danger zone '(.+)'$/, (m, h, z) => `儿童身高 ${h}，进入危险区域“${z}”`],
    [/^child-height ([\d.]+) entered danger zone '(.+)' for ([\d.]+) s$/, (m, h, z, s) => `儿童身高 ${h}，进入危险区域“${z}”${s} 秒`],
    [/^child-height ([\d.]+), (?:nearest adult (\d+) m|no adult in view), alone (\d+) s(?:, standing still (\d+) s)?$/,
      (m, h, d, a, s) => `儿童身高 ${h}，${d ? `最近的成人 ${d} 米` : '画面中无成人'}，独处 ${a} 秒${s ? `，站立不动 ${s} 秒` : ''}`],
    [/^was upright \(height\/width ([\d.]+)\), lying \(width\/height ([\d.]+)\) and still for (\d+) s$/,
      (m, u, l, s) => `曾直立（高宽比 ${u}），现躺倒（宽高比 ${l}），静止 ${s} 秒`],
    [/^walked (\d+) m in ([\d.]+) min, never more than (\d+) m from one place$/,
      (m, p, t, r) => `${t} 分钟内走了 ${p} 米，始终在一处 ${r} 米以内`],
    [/clearly better than ((?:#\d+ \([\d.]+\) ?)+); /g, (m, list) => `明显优于线索 ${list.trim().replace(/\(([\d.]+)\)/g, '（$1）')}；`],
    [/(upper|lower) ([a-z/]+) (\d+)% \((\d+)% of people here\) ×([\d.]+)/g,
      (m, part, c, p, b, f) => `${part === 'upper' ? '上衣' : '下装'}${colourWords(c)}占 ${p}%（此处 ${b}% 的人如此）×${f}`],
    [/(upper|lower) ([a-z/]+) not seen/g, (m, part, c) => `${part === 'upper' ? '上衣' : '下装'}${colourWords(c)}：未看清`],
    [/height ([\d.]+)× adult vs ([\d.]+)× ×([\d.]+)/g, (m, o, e, f) => `身高为成人的 ${o} 倍（应为 ${e} 倍）×${f}`],
    [/upper ([a-z/]+) (\d+)% → ([\d.]+)/g, (m, c, p, v) => `上衣${colourWords(c)}占 ${p}% → ${v}`],
    [/lower ([a-z/]+) (\d+)% → ([\d.]+)/g, (m, c, p, v) => `下装${colourWords(c)}占 ${p}% → ${v}`],
    [/height ([\d.]+)× adult vs ([\d.]+)× → ([\d.]+)/g, (m, o, e, v) => `身高为成人的 ${o} 倍（应为 ${e} 倍）→ ${v}`],
    [/, walk prior ([\d.]+)/g, (m, p) => `，步行可达性 ${p}`],
    [/, /g, () => '；'],
  ];
  // A lead's confidence as people read it: "Confidence 62%".
  function confidence(score) {
    return `${t('f.score')} ${Math.round(score * 100)}%`;
  }

  // Behaviour alerts (no report) against a report's leads.
  const isAlert = (i) => !!i && !!i.kind && i.kind !== 'match';
  // What an incident is about: the report's name, or the alert's kind.
  function incidentTitle(i) {
    if (isAlert(i)) return t('kind.' + i.kind);
    return i.reportName || t('cc.unnamed');
  }
  // The confidence of a lead, or the kind of an alert (which has none).
  function incidentMeasure(i) {
    return isAlert(i) ? t('kind.alert') : confidence(i.score);
  }

  function explain(text) {
    if (lang !== 'zh' || !text) return text;
    return ZH_EXPLAIN.reduce((s, [re, f]) => s.replace(re, f), text);
  }

  const LEVEL_ZH = { 'micro-grid': '微网格', community: '社区', street: '街道', district: '区' };
  function eventDetail(text, cellName = (id) => id) {
    if (lang !== 'zh' || !text) return text;
    const cell = (level, id) => `${LEVEL_ZH[level] || level}${cellName(id)}`;
    const cells = (list) => list.split(', ').map((x) => { const [l, id] = x.split(' '); return cell(l, id); }).join('、');
    const iso = /(\d{4}-\d\d-\d\dT[\d:.]+Z)/;
    return text.split('; ').map((part) => {
      let m;
      if ((m = new RegExp('^respond by ' + iso.source + ', resolve by ' + iso.source + '$').exec(part))) {
        return `${formatTime(m[1])} 前响应，${formatTime(m[2])} 前处置`;
      }
      if ((m = /^not acknowledged by (\S+) in (\d+) (min|s) → (\S+) (\S+)$/.exec(part))) {
        return `${cellName(m[1])} ${m[2]} ${m[3] === 'min' ? '分钟' : '秒'}内未响应 → 升级至${cell(m[4], m[5])}`;
      }
      if ((m = /^not resolved by (.+) → (\S+) (\S+)$/.exec(part))) return `${m[1]} 前未处置 → 升级至${cell(m[2], m[3])}`;
      if ((m = /^nobody on duty in (\S+) (\S+) either$/.exec(part))) return `${cell(m[1], m[2])}也无人值守`;
      if ((m = /^nobody on duty in (.+)$/.exec(part))) return `${cells(m[1])}无人值守`;
      if ((m = /^report (\d+) found through incident (\d+) in (\S+)$/.exec(part))) return `登记 ${m[1]} 已通过事件 #${m[2]} 在${cellName(m[3])}找到`;
      if ((m = /^report (\d+) found in (\S+)$/.exec(part))) return `登记 ${m[1]} 已在${cellName(m[2])}找到`;
      if ((m = /^report (\d+) found$/.exec(part))) return `登记 ${m[1]} 已找到`;
      if ((m = /^report (\d+) withdrawn$/.exec(part))) return `登记 ${m[1]} 已撤销`;
      if ((m = /^clearly better lead #(\d+) on (\S+) \(([\d.]+) against ([\d.]+)\)$/.exec(part))) {
        return `摄像头 ${m[2]} 出现明显更好的线索 #${m[1]}（置信度 ${m[3]}，本线索 ${m[4]}）`;
      }
      return part;
    }).join('；');
  }

  // Whom the incident is about, from GET /api/v1/reports/{id}: the family's words and how they
  // were read (colours per garment, age, height, carried things), last seen, notes, and the
  // family's contact when this person may see it. `short`: one line for a worker's card.
  function personSummary(r, cellName = (id) => id, short = false) {
    const colours = (list) => (list || []).map((c) => t('colour.' + c.name)).join('/');
    const parts = [];
    const add = (label, value) => { if (value) parts.push([label, value]); };
    add('garment.top', colours(r.upper));
    add('garment.bottom', colours(r.lower));
    add('reading.age', r.ageGroup ? t('fam.age.' + r.ageGroup) : '');
    add('reading.height', r.heightCM ? Math.round(r.heightCM) + ' cm' : '');
    const a = r.attributes || {};
    add('garment.headwear', colours(a.headwear));
    add('garment.footwear', colours(a.footwear));
    add('garment.carried', (a.carried || []).map((i) => `${colours(i.colours)}${lang === 'zh' ? '' : ' '}${t('item.' + i.kind)}`.trim()).join(', '));
    if (short) return [r.describedAs ? `“${r.describedAs}”` : '', ...parts.map(([k, v]) => `${t(k)} ${v}`)].filter(Boolean).join(' · ');
    const box = el('section', 'whom');
    box.append(el('h3', null, t('who.title')));
    if (r.photoURL) {
      // The family's photo (signed-in only), a tap enlarges it.
      const b = el('button', 'whom-photo');
      b.type = 'button';
      b.title = t('ev.enlarge');
      const img = el('img');
      img.alt = t('who.photo');
      pictureURL(r.photoURL).then((url) => { img.src = url; }).catch(() => b.remove());
      b.append(img);
      b.addEventListener('click', () => enlarge([{ path: r.photoURL, caption: t('who.photo'), kind: 'photo' }], r.name));
      box.append(b);
    }
    if (r.describedAs) box.append(el('blockquote', 'words', r.describedAs));
    const dl = el('dl', 'facts');
    const fact = (label, value) => { dl.append(el('dt', null, t(label)), el('dd', null, value)); };
    parts.forEach(([k, v]) => fact(k, v));
    if (r.lastSeenCell || r.lastSeenAt) {
      fact('who.lastSeen', [r.lastSeenAt ? formatTime(r.lastSeenAt) : '', r.lastSeenCell ? cellName(r.lastSeenCell) : ''].filter(Boolean).join(' · '));
    }
    if (r.notes) fact('who.notes', r.notes);
    if (r.contact) {
      dl.append(el('dt', null, t('who.contact')));
      const dd = el('dd');
      const call = el('a', 'tel', r.contact);
      call.href = 'tel:' + r.contact.replace(/[^0-9+#]/g, '');
      dd.append(call);
      dl.append(dd);
    } else if (r.contactWithheld) {
      fact('who.contact', t('who.withheld'));
    }
    box.append(dl);
    if (r.closure) {
      box.append(el('p', 'notice', t('who.closed', {
        outcome: t('who.outcome.' + r.closure.outcome), who: r.closure.closedBy, when: formatTime(r.closure.closedAt),
      })));
    }
    return box;
  }

  // "Nobody on duty in …: sent straight to …" for a dispatch that passed empty cells over, or null.
  function passedOver(dispatch, cellName) {
    if (!dispatch || !dispatch.passedOver || !dispatch.passedOver.length) return null;
    return t('dispatch.passedOver', {
      cells: dispatch.passedOver.map(cellName).join(lang === 'zh' ? '、' : ', '), to: cellName(dispatch.cellID),
    });
  }

  function statusBadge(status, target) {
    const b = target || el('span');
    b.className = 'badge status-' + status;
    b.textContent = t('status.' + status);
    b.dataset.status = status;
    return b;
  }

  // Pictures need the Authorization header, so they are fetched and shown as blob: URLs (cached by path).
  const pictures = new Map();
  async function pictureURL(path) {
    if (!path) return null;
    if (!pictures.has(path)) pictures.set(path, api(path, { raw: true }).then((blob) => URL.createObjectURL(blob)));
    try {
      return await pictures.get(path);
    } catch (err) {
      pictures.delete(path);
      throw err;
    }
  }
  const snapshotURL = (incident) => pictureURL(incident.snapshotURL);

  // An incident's evidence as a worker judges it: [{path, caption}] of what it has — the whole
  // frame (where in the camera's view), the seconds before and after, the crop.
  function evidence(i) {
    return [
      i.frameURL && { path: i.frameURL, caption: t('ev.frame'), kind: 'frame' },
      i.stripURL && { path: i.stripURL, caption: t('ev.strip'), kind: 'strip' },
      i.snapshotURL && { path: i.snapshotURL, caption: t('ev.crop'), kind: 'crop' },
    ].filter(Boolean);
  }

  // A modal dialog `id` with a title, a close button and `nodes` (Esc, the button or a tap outside
  // closes it); returns the dialog, open.
  function dialog(id, title, nodes) {
    let box = document.getElementById(id);
    if (!box) {
      box = el('dialog', 'lightbox');
      box.id = id;
      box.addEventListener('click', (e) => { if (e.target === box) box.close(); });
      document.body.append(box);
    }
    const close = el('button', 'ghost-dark close', t('ev.close'));
    close.type = 'button';
    close.addEventListener('click', () => box.close());
    const head = el('div', 'lightbox-head');
    head.append(el('h2', null, title || ''), close);
    box.replaceChildren(head, ...nodes);
    if (!box.open) box.showModal();
    close.focus();
    return box;
  }

  // The pictures full size in a dialog.
  function enlarge(items, title) {
    const figures = items.map((item) => {
      const figure = el('figure', 'lightbox-picture');
      figure.dataset.kind = item.kind;
      const img = el('img');
      img.alt = item.caption;
      pictureURL(item.path).then((url) => { img.src = url; }).catch(() => { figure.append(el('p', 'error', t('ev.missing'))); });
      figure.append(img, el('figcaption', null, item.caption));
      return figure;
    });
    dialog('kf-lightbox', title, figures);
  }

  // Leaving the page aborts the requests under way: their failures are nobody's error.
  let leaving = false;
  window.addEventListener('beforeunload', () => { leaving = true; });
  window.addEventListener('pagehide', () => { leaving = true; });
  window.addEventListener('pageshow', () => { leaving = false; });

  document.addEventListener('DOMContentLoaded', () => {
    applyLanguage();
    const toggle = document.getElementById('lang-toggle');
    if (toggle) toggle.addEventListener('click', () => setLanguage(lang === 'zh' ? 'en' : 'zh'));
  });

  return {
    t, has, get lang() { return lang; }, get leaving() { return leaving; }, setLanguage, onLanguage, applyLanguage,
    formatTime, formatDuration, localName,
    api, ApiError, session, setupSignIn, live,
    setCountdown, tickCountdowns, el, statusBadge, confirmButton, passedOver, confidence, isAlert, incidentTitle, incidentMeasure, explain, eventDetail, personSummary, snapshotURL,
    pictureURL, evidence, enlarge, dialog,
  };
})();
