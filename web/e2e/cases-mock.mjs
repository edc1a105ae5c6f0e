// The case pages in the browser against a mocked, stateful case API (page.route) that follows
// docs/cases-api.md, for driving the pages before the server's case engine exists: serves dist/
// itself, drives /usr/bin/chromium. The must-show flow: grid.inspector at 375 px signs in (lands
// on /m/cases), reports a case with a photo, ducha.staff finds it in the dispatch queue and
// dispatches it to 春柳街道, chunliu.staff sees it. Screenshots in e2e/out/cases-mock-*.png, and
// with SHOTS_DIR=… also cases-list.png, case-detail.png, mobile-report.png there.
// Prints "N passed, N failed".
//   node e2e/cases-mock.mjs
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, assertEq, serveDist, settle, trackApi } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../dist');
const OUT = join(here, 'out');
mkdirSync(OUT, { recursive: true });
const SHOTS = process.env.SHOTS_DIR ? resolve(process.env.SHOTS_DIR) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const PHOTO = join(here, 'fixtures/manhole.png');

const { http, base } = await serveDist(dist);

// ------------------------------------------------------------------ mock state
const UNITS = [
  { id: 1, name: '沙河口区', kind: 'district', parent_id: null },
  { id: 5, name: '春柳街道', kind: 'street', parent_id: 1 },
  { id: 6, name: '马栏街道', kind: 'street', parent_id: 1 },
  { id: 9, name: '春柳社区', kind: 'community', parent_id: 5 },
  { id: 11, name: '春柳第一网格', kind: 'grid', parent_id: 9 },
  { id: 30, name: '区城管局', kind: 'department', parent_id: 1 },
  { id: 31, name: '区住建局', kind: 'department', parent_id: 1 },
].map((u) => ({ ...u, code: null, active: true, version: 1 }));
const USERS = {
  // the server's role → permission table (org::RolesWith on branch cases)
  'grid.inspector': { id: 7, display_name: '网格员 李强', roles: ['inspector'], units: [11], permissions: ['org.read', 'case.read', 'case.report', 'case.handle'] },
  'ducha.staff': { id: 8, display_name: '督查室', roles: ['supervisor'], units: [1], permissions: ['org.read', 'plan.read', 'plan.write', 'plan.followup', 'indicator.read', 'case.read', 'case.report', 'case.handle', 'case.dispatch', 'case.personal'] },
  'chunliu.staff': { id: 9, display_name: '春柳街道 张伟', roles: ['staff'], units: [5], permissions: ['org.read', 'plan.read', 'plan.report', 'indicator.read', 'case.read', 'case.report', 'case.handle', 'case.personal'] },
};
// as config/case-types/urban.json on branch cases
const h = (normal, urgent = normal) => ({ unit: 'hours', normal, urgent });
const STAGES = [
  { code: 'register', name: '立案', limit: h(1) },
  { code: 'dispatch', name: '派遣', limit: h(1) },
  { code: 'handle', name: '处置', limit: { unit: 'workdays', normal: 3, urgent: 1 } },
  { code: 'verify', name: '核查', limit: h(4, 2) },
  { code: 'close', name: '结案', limit: h(2, 1) },
  { code: 'evaluate', name: '评价', closed: true },
  { code: 'done', name: '归档', closed: true },
];
const caseTypes = [
  {
    code: 'urban',
    name: '城市管理',
    stages: STAGES,
    actions: [
      { code: 'dispatch', name: '派遣', from: ['dispatch'], to: 'handle', roles: ['supervisor'], requires: ['unit_id'] },
      { code: 'sign', name: '签收', from: ['handle'], to: 'handle', roles: ['staff'] },
      { code: 'handle', name: '处置完毕', from: ['handle'], to: 'verify', roles: ['staff'], requires: ['note'] },
      { code: 'return', name: '退单', from: ['handle'], to: 'dispatch', roles: ['staff'], requires: ['reason'] },
      { code: 'extend', name: '申请延期', from: ['handle'], roles: ['staff'], requires: ['workdays', 'reason'] },
      { code: 'suspend', name: '挂起', from: ['handle'], roles: ['staff'], requires: ['reason'] },
      { code: 'verify', name: '核查', from: ['verify'], to: 'close', fail_to: 'handle', roles: ['inspector', 'supervisor'], requires: ['fields.passed', 'attachments'] },
      { code: 'merge', name: '并单', from: ['dispatch'], roles: ['supervisor'], requires: ['target_id'] },
      { code: 'close', name: '结案', from: ['register', 'dispatch', 'handle', 'verify', 'close'], to: 'evaluate', roles: ['supervisor'], requires: ['note'] },
    ],
    categories: [
      { code: 'C01', name: '公用设施', children: [{ code: 'C0101', name: '上水井盖', limit_hours: 8 }, { code: 'C0102', name: '路灯', limit_hours: 16 }] },
      { code: 'C02', name: '道路交通', children: [{ code: 'C0201', name: '道路破损', limit_hours: 24 }] },
      { code: 'C03', name: '市容环境', children: [{ code: 'C0301', name: '暴露垃圾', limit_hours: 4 }, { code: 'C0302', name: '占道经营', limit_hours: 4 }] },
    ],
  },
  { code: 'hotline', name: '12345热线', stages: [{ code: 'accept', name: '受理' }, { code: 'dispatch', name: '派单' }, { code: 'handle', name: '办理' }, { code: 'visit', name: '回访' }], actions: [], categories: [{ code: 'H01', name: '城乡建设', children: [{ code: 'H0101', name: '供暖' }] }] },
  { code: 'petition', name: '信访', stages: [{ code: 'register', name: '登记' }, { code: 'assign', name: '交办' }, { code: 'reply', name: '答复' }], actions: [], categories: [] },
  { code: 'enterprise', name: '企业诉求', stages: [{ code: 'accept', name: '受理' }, { code: 'handle', name: '办理' }], actions: [], categories: [] },
];
const blobs = new Map();
const iso = (d) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
const NOW = Date.now();
const cases = [];
let nextId = 100;
function mk(over) {
  const id = nextId++;
  const cat = caseTypes[0].categories.flatMap((m) => m.children.map((c) => ({ ...c, major: m }))).find((c) => c.code === (over.category ?? 'C0301'));
  const c = {
    id,
    number: `CG-20261127-${String(id).padStart(6, '0')}`,
    type: 'urban',
    type_name: '城市管理',
    category: cat.code,
    category_name: cat.name,
    category_major: cat.major.code,
    category_major_name: cat.major.name,
    title: '',
    description: '',
    urgency: 'normal',
    source: 'grid',
    stage: 'dispatch',
    stage_name: '派遣',
    status: 'open',
    lon: 121.5842,
    lat: 38.9035,
    address: '春柳街道 春柳路 12 号',
    street_id: 5,
    community_id: 9,
    grid_id: 11,
    lead_unit_id: null,
    co_units: [],
    reporter: { name: '王*', phone: '138****5678' },
    attachments: [],
    reported_at: iso(NOW - 3 * 3600_000),
    stage_started_at: iso(NOW - 3600_000),
    stage_due_at: iso(NOW + 2 * 86400_000),
    light: 'green',
    light_reason: '',
    paused: false,
    returns: 0,
    reworks: 0,
    extensions: 0,
    satisfaction: null,
    merged_into: null,
    project_id: null,
    closed_at: null,
    version: 1,
    history: [{ seq: 1, at: iso(NOW - 3 * 3600_000), actor: '网格员 李强', action: 'report', action_name: '上报', from_stage: null, to_stage: 'dispatch', note: '', fields: null, attachments: [] }],
    ...over,
  };
  cases.push(c);
  return c;
}
mk({ description: '春柳路与西南路交叉口垃圾堆放，已有异味', category: 'C0301', light: 'red', light_reason: '派遣超过时限', stage_due_at: iso(NOW - 2 * 86400_000 - 3600_000) });
mk({ description: '路灯夜间不亮，共 3 盏', category: 'C0102', stage: 'handle', stage_name: '处置', lead_unit_id: 30, light: 'yellow', stage_due_at: iso(NOW + 3 * 3600_000) });
mk({ description: '人行道板松动破损约 5 平方米', category: 'C0201', stage: 'handle', stage_name: '处置', lead_unit_id: 5, co_units: [31] });
mk({ description: '早市占道经营，影响通行', category: 'C0302', status: 'closed', stage: 'close', stage_name: '结案', lead_unit_id: 5, closed_at: iso(NOW - 86400_000), satisfaction: 5, light: null });
mk({ type: 'hotline', type_name: '12345热线', number: 'RX-20261127-000104', category: 'C0101', category_major_name: '城乡建设', category_name: '供暖', description: '小区供暖温度不达标', source: 'hotline', stage: 'handle', stage_name: '办理', lead_unit_id: 31, stage_due_at: iso(NOW + 6 * 86400_000) });
let rules = [{ type: 'urban', category: 'C01', street_id: null, grid_id: null, lead_unit_id: 30, co_units: [] }];
const reporterViews = [];

function visible(user, c) {
  if (user.roles.includes('supervisor') || user.roles.includes('leader')) return true;
  if (user.roles.includes('inspector')) return c.grid_id && user.units.includes(c.grid_id);
  return user.units.includes(c.lead_unit_id) || c.co_units.some((u) => user.units.includes(u)) || user.units.includes(c.street_id);
}
function actionsFor(user, c) {
  if (c.status !== 'open') return [];
  const role = user.roles[0];
  return caseTypes.find((t) => t.code === c.type).actions.filter((a) => {
    if (!a.roles?.includes(role)) return false;
    if (!(a.from ?? []).includes(c.stage)) return false;
    if (role === 'staff' && c.lead_unit_id !== null && !user.units.includes(c.lead_unit_id)) return false;
    return true;
  }).map((a) => a.code);
}
const view = (user, c) => {
  const { history, ...rest } = c;
  return { ...rest, actions: actionsFor(user, c) };
};
const err = (status, code, message, field) => ({ status, body: { error: { code, message, field } } });

function answer(user, method, path, query, body) {
  if (path === '/me') return user ? { status: 200, body: { id: user.id, username: user.username, display_name: user.display_name, roles: user.roles, units: user.units, units_detail: user.units.map((id) => UNITS.find((u) => u.id === id)), permissions: user.permissions, must_change_password: false, csrf_token: 'csrf-' + user.username } } : err(401, 'unauthenticated', '未登录');
  if (!user) return err(401, 'unauthenticated', '未登录');
  if (path === '/org-units') {
    let items = UNITS;
    const q = query.get('q');
    if (q) items = items.filter((u) => u.name.includes(q));
    if (query.get('kind')) items = items.filter((u) => u.kind === query.get('kind'));
    return { status: 200, body: { items, total: items.length, page: 1, per_page: 50 } };
  }
  let m = /^\/org-units\/(\d+)$/.exec(path);
  if (m) return { status: 200, body: UNITS.find((u) => u.id === Number(m[1])) };
  if (path === '/geo/areas') {
    const sq = [[121.575, 38.895], [121.595, 38.895], [121.595, 38.912], [121.575, 38.912], [121.575, 38.895]];
    return { status: 200, body: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { unit_id: 11, code: 'G0101', name: '春柳第一网格', level: 'grid', parent_id: 9, generated: true }, geometry: { type: 'Polygon', coordinates: [sq] } }] } };
  }
  if (path === '/geo/locate') {
    const x = Number(query.get('lon'));
    const y = Number(query.get('lat'));
    if (x >= 121.575 && x <= 121.595 && y >= 38.895 && y <= 38.912) return { status: 200, body: { grid_id: 11, community_id: 9, street_id: 5 } };
    return err(404, 'not_found', '不在任何网格内');
  }
  if (path === '/case-types') return { status: 200, body: { items: caseTypes } };
  if (path === '/cases' && method === 'GET') {
    let items = cases.filter((c) => visible(user, c));
    for (const k of ['type', 'stage', 'status', 'light', 'category']) {
      const v = query.get(k);
      if (v) items = items.filter((c) => c[k] === v || (k === 'category' && c.category_major === v));
    }
    if (query.get('q')) items = items.filter((c) => (c.number + c.title + c.description).includes(query.get('q')));
    if (query.get('street_id')) items = items.filter((c) => c.street_id === Number(query.get('street_id')));
    if (query.get('overdue')) items = items.filter((c) => c.light === 'red');
    items = [...items].sort((a, b) => b.id - a.id);
    const per = Number(query.get('per_page') ?? 20);
    const page = Number(query.get('page') ?? 1);
    const lights = { green: 0, yellow: 0, red: 0 };
    for (const c of items) if ((c.status === 'open' || c.status === 'suspended') && c.light) lights[c.light]++;
    return { status: 200, body: { items: items.slice((page - 1) * per, page * per).map((c) => view(user, c)), total: items.length, page, per_page: per, lights } };
  }
  if (path === '/cases' && method === 'POST') {
    if (!user.permissions.includes('case.report') && !user.roles.includes('supervisor')) return err(403, 'forbidden', '无权上报');
    if (!body?.category) return err(422, 'required', '必填', 'category');
    if (!body.description) return err(422, 'required', '必填', 'description');
    for (const s of body.attachments ?? []) if (!blobs.has(s)) return err(422, 'unknown_attachment', '附件不存在', 'attachments');
    if (user.roles.includes('inspector') && !body.grid_id) return err(422, 'required', 'an inspector reports in its grids: grid_id is required', 'grid_id');
    const c = mk({ category: body.category, description: body.description, lon: body.lon, lat: body.lat, grid_id: body.grid_id, address: body.address ?? '', attachments: (body.attachments ?? []).map((s) => ({ sha256: s, mime: blobs.get(s).mime, size: blobs.get(s).bytes.length, name: 'photo.png' })), reported_at: iso(Date.now()), stage_started_at: iso(Date.now()), stage_due_at: iso(Date.now() + 3600_000), history: [] });
    c.history.push({ seq: 1, at: c.reported_at, actor: user.display_name, action: 'report', action_name: '上报', from_stage: null, to_stage: 'dispatch', note: '', fields: null, attachments: c.attachments });
    return { status: 201, body: view(user, c) };
  }
  m = /^\/cases\/(\d+)(\/.*)?$/.exec(path);
  if (m) {
    const c = cases.find((x) => x.id === Number(m[1]));
    if (!c || !visible(user, c)) return err(404, 'not_found', '案件不存在');
    const rest = m[2] ?? '';
    if (rest === '' && method === 'GET') return { status: 200, body: { ...view(user, c), history: c.history } };
    if (rest === '/reporter') {
      reporterViews.push({ user: user.username, case: c.id });
      return { status: 200, body: { name: '王小明', phone: '13812345678', id_number: '210204199001011234' } };
    }
    if (rest === '/notes' && method === 'POST') {
      c.history.push({ seq: c.history.length + 1, at: iso(Date.now()), actor: user.display_name, action: 'note', action_name: '办理说明', from_stage: c.stage, to_stage: c.stage, note: body.text, fields: null, attachments: [] });
      return { status: 201, body: {} };
    }
    const a = /^\/actions\/(\w+)$/.exec(rest);
    if (a && method === 'POST') {
      if (!actionsFor(user, c).includes(a[1])) return err(409, 'wrong_stage', '当前环节不能执行该操作', 'action');
      if (body.version !== undefined && body.version !== c.version) return err(409, 'stale_version', '案件已被更新', 'version');
      const def = caseTypes.find((t) => t.code === c.type).actions.find((x) => x.code === a[1]);
      for (const f of def.required ?? []) {
        const v = f.startsWith('fields.') ? body.fields?.[f.slice(7)] : body[f];
        if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return err(422, 'required', '必填', f);
      }
      const from = c.stage;
      if (a[1] === 'dispatch') {
        c.lead_unit_id = body.unit_id;
        c.co_units = body.co_units ?? [];
      }
      if (a[1] === 'close') {
        c.status = 'closed';
        c.closed_at = iso(Date.now());
      }
      const to = a[1] === 'verify' && body.fields?.passed === false ? def.fail_to : def.to;
      if (to) {
        c.stage = to;
        c.stage_name = STAGES.find((s) => s.code === to)?.name ?? to;
        c.stage_started_at = iso(Date.now());
        c.stage_due_at = iso(Date.now() + 2 * 86400_000);
      }
      c.version++;
      c.history.push({ seq: c.history.length + 1, at: iso(Date.now()), actor: user.display_name, action: a[1], action_name: def.name, from_stage: from, to_stage: c.stage, note: body.note ?? '', fields: { unit_id: body.unit_id, reason: body.reason, ...(body.fields ?? {}) }, attachments: body.attachments ?? [] });
      return { status: 200, body: view(user, c) };
    }
  }
  if (path === '/case-queue') {
    if (!user.permissions.includes('case.dispatch')) return err(403, 'forbidden', '无权');
    const items = cases.filter((c) => c.status === 'open' && c.stage === 'dispatch' && c.lead_unit_id === null).map((c) => view(user, c));
    return { status: 200, body: { items, total: items.length, page: 1, per_page: 50 } };
  }
  if (path === '/dispatch-rules') {
    if (!user.permissions.includes('case.dispatch')) return err(403, 'forbidden', '无权');
    if (method === 'PUT') {
      const i = body.rules.findIndex((r) => !r.lead_unit_id);
      if (i >= 0) return err(422, 'required', '主办单位必填', `rules[${i}].lead_unit_id`);
      rules = body.rules;
    }
    return { status: 200, body: { rules } };
  }
  if (path === '/calendar') {
    const days = ['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2026-10-${d}`, kind: 'holiday', festival: '国庆节', source: 'mock' }));
    days.push({ date: '2026-10-10', kind: 'workday', festival: '国庆节', source: 'mock' });
    return { status: 200, body: { office_hours: '08:30-12:00,13:30-17:30', years: [2026], days, edits: {} } };
  }
  return err(404, 'not_found', 'no such route ' + path);
}

async function newContext(browser, width, height) {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', geolocation: { longitude: 121.58421, latitude: 38.90352 }, permissions: ['geolocation'] });
  const who = { user: null };
  await ctx.route('**/api/v1/**', async (route) => {
    const req = route.request();
    const u = new URL(req.url());
    const path = u.pathname.replace('/api/v1', '');
    if (path === '/session' && req.method() === 'POST') {
      const b = req.postDataJSON();
      const user = USERS[b.username];
      if (!user) return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { code: 'bad_credentials', message: '用户名或密码错误' } }) });
      who.user = { ...user, username: b.username };
      return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ csrf_token: 'csrf-' + b.username, must_change_password: false, user: { id: user.id, username: b.username, roles: user.roles } }) });
    }
    if (path === '/session' && req.method() === 'DELETE') {
      who.user = null;
      return route.fulfill({ status: 204 });
    }
    if (path === '/attachments' && req.method() === 'POST') {
      const bytes = req.postDataBuffer() ?? Buffer.alloc(0);
      const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      const jpg = bytes[0] === 0xff && bytes[1] === 0xd8;
      if (!png && !jpg) return route.fulfill({ status: 415, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unsupported_type', message: '只接受 JPEG、PNG 或 PDF', field: 'body' } }) });
      const sha = createHash('sha256').update(bytes).digest('hex');
      blobs.set(sha, { bytes, mime: png ? 'image/png' : 'image/jpeg' });
      return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ sha256: sha, mime: blobs.get(sha).mime, size: bytes.length }) });
    }
    const am = /^\/attachments\/([0-9a-f]{64})$/.exec(path);
    if (am && blobs.has(am[1])) return route.fulfill({ status: 200, contentType: blobs.get(am[1]).mime, body: blobs.get(am[1]).bytes });
    let body;
    try {
      body = req.postDataJSON();
    } catch {
      body = null;
    }
    const r = answer(who.user, req.method(), path, u.searchParams, body);
    route.fulfill({ status: r.status, contentType: 'application/json', body: JSON.stringify(r.body) });
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  trackApi(page);
  page._errors = [];
  page.on('pageerror', (e) => page._errors.push(e.message));
  return page;
}

async function signIn(page, username) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill('Duban-Demo-2026!');
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => u.pathname !== '/login');
  await settle(page);
}
async function noOverflow(page, what) {
  const m = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
  assert(m.doc <= m.win, `${what}: horizontal scroll at ${m.win} px (content ${m.doc} px)`);
}
async function shot(page, name, keep) {
  await page.screenshot({ path: join(OUT, `cases-mock-${name}.png`), fullPage: true });
  if (SHOTS && keep) await page.screenshot({ path: join(SHOTS, keep), fullPage: true });
}
/** Picks an option of an Element Plus select by its visible text. */
async function pickOption(page, testid, text) {
  await page.getByTestId(testid).click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const state = {};

test('an inspector alone lands on its phone pages and sees its grid’s open cases (375 px)', async () => {
  const page = await newContext(browser, 375, 760);
  state.inspector = page;
  await signIn(page, 'grid.inspector');
  assertEq(new URL(page.url()).pathname, '/m/cases', 'landing page');
  await page.getByTestId('page-m-cases').waitFor();
  const n = await page.locator('[data-testid^=m-case-]').count();
  assertEq(n, 4, 'open cases in the grid (the closed one and the hotline case outside the grid are not listed)');
  await noOverflow(page, '/m/cases');
  await shot(page, 'm-cases');
});

test('the inspector reports a case with a photo and the location (375 px)', async () => {
  const page = state.inspector;
  await page.getByTestId('m-tab-report').click();
  await page.getByTestId('page-m-report').waitFor();
  await settle(page);
  // nothing filled: each missing field is named
  await page.getByTestId('m-submit').click();
  for (const msg of ['请选择问题类别', '请填写问题描述', '请拍摄现场照片']) await page.getByText(msg).waitFor();
  // the inspector's one grid is chosen for it
  await page.waitForFunction(() => document.querySelector('[data-testid=m-grid]')?.textContent?.includes('春柳第一网格'));
  await pickOption(page, 'm-major', '公用设施');
  await pickOption(page, 'm-minor', '上水井盖');
  await page.locator('textarea[data-testid=m-description], [data-testid=m-description] textarea').first().fill('春柳路 12 号门前上水井盖缺失，有行人跌落危险');
  await page.setInputFiles('[data-testid=photo-input]', PHOTO);
  await page.locator('[data-testid=photo-upload] .thumb img').waitFor();
  // a tap on the grid map sets the point
  const map = page.getByTestId('m-map');
  await map.waitFor();
  await page.waitForTimeout(300);
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => {
    const v = Number(document.querySelector('input[data-testid=m-lon], [data-testid=m-lon] input')?.value);
    return v > 121.575 && v < 121.595;
  });
  await page.getByTestId('m-locate').click();
  await page.waitForFunction(() => document.querySelector('input[data-testid=m-lon], [data-testid=m-lon] input')?.value === '121.584210');
  await page.locator('input[data-testid=m-address], [data-testid=m-address] input').first().fill('春柳路 12 号');
  await noOverflow(page, '/m/report');
  await shot(page, 'm-report', 'mobile-report.png');
  await page.getByTestId('m-submit').click();
  await page.waitForURL(/\/m\/cases\/\d+$/);
  await settle(page);
  state.caseId = Number(new URL(page.url()).pathname.split('/').pop());
  const c = cases.find((x) => x.id === state.caseId);
  assertEq(c.category, 'C0101', 'reported category');
  assertEq(c.attachments.length, 1, 'photo attached');
  assertEq(c.lon, 121.58421, 'longitude from the geolocation');
  assertEq(c.grid_id, 11, 'reported in its grid');
  await page.locator('[data-testid=page-m-case] .el-image img').first().waitFor();
  await noOverflow(page, '/m/cases/:id');
  await shot(page, 'm-case');
});

test('ducha.staff finds it in the dispatch queue and dispatches it to 春柳街道 (a missing unit is named first)', async () => {
  const page = await newContext(browser, 1366, 820);
  state.ducha = page;
  await signIn(page, 'ducha.staff');
  const menu = await page.$$eval('[data-testid=side-menu] [data-menu]', (els) => els.map((e) => e.getAttribute('data-menu')));
  for (const m of ['CaseList', 'CaseQueue', 'CaseRules']) assert(menu.includes(m), `menu has ${m}: ${menu}`);
  await page.goto('/cases/queue');
  await page.getByTestId('queue-case-' + state.caseId).waitFor();
  await shot(page, 'queue');
  await page.getByTestId('queue-dispatch-' + state.caseId).click();
  await page.getByTestId('action-dialog').waitFor();
  await page.getByTestId('action-submit').click();
  await page.getByText('请填写主办单位').waitFor();
  await page.getByTestId('action-unit').click();
  await page.keyboard.type('春柳');
  await page.locator('.el-select-dropdown__item:visible', { hasText: '春柳街道' }).first().click();
  await page.locator('textarea[data-testid=action-note], [data-testid=action-note] textarea').first().fill('请春柳街道 24 小时内处置');
  await page.getByTestId('action-submit').click();
  await page.getByTestId('queue-case-' + state.caseId).waitFor({ state: 'detached' });
  const c = cases.find((x) => x.id === state.caseId);
  assertEq([c.lead_unit_id, c.stage], [5, 'handle'], 'dispatched to 春柳街道, now in 处置');
});

test('the case list filters, shows the light and the due time in working-time words', async () => {
  const page = state.ducha;
  await page.goto('/cases');
  await page.getByTestId('cases-table').waitFor();
  await settle(page);
  await page.getByTestId('light-100').waitFor();
  assertEq(await page.getByTestId('light-100').getAttribute('data-light'), 'red', 'overdue case light');
  const due = await page.getByTestId('due-100').textContent();
  assert(/^超期 \d+ 天$/.test(due.trim()), `overdue words: ${due}`);
  const left = await page.getByTestId('due-101').textContent();
  assert(/^剩余 \d+ 工作(小时|分钟)$/.test(left.trim()), `left words: ${left}`);
  assertEq((await page.getByTestId('cases-lights').textContent()).replace(/\s+/g, ''), '311', 'light counts (green, yellow, red)');
  await shot(page, 'list', 'cases-list.png');
  await page.getByTestId('case-filter-overdue').click();
  await settle(page);
  assertEq(await page.locator('[data-testid^=case-]:is(a)').count(), 1, 'overdue only');
  await page.locator('input[data-testid=case-search], [data-testid=case-search] input').first().fill('不存在的案件');
  await page.locator('input[data-testid=case-search], [data-testid=case-search] input').first().press('Enter');
  await settle(page);
  await page.getByTestId('cases-empty').waitFor();
});

test('the lead unit’s staff sees the case, its steps, photo and history; the reporter’s full view is confirmed and logged', async () => {
  const page = await newContext(browser, 1366, 820);
  await signIn(page, 'chunliu.staff');
  await page.goto('/cases');
  await page.getByTestId('case-' + state.caseId).waitFor();
  await page.goto('/cases/' + state.caseId);
  await page.getByTestId('case-number').waitFor();
  await settle(page);
  assertEq((await page.getByTestId('case-stage').textContent()).trim(), '处置', 'stage');
  const actions = await page.$$eval('[data-testid=case-actions] [data-testid^=act-]', (els) => els.map((e) => e.getAttribute('data-testid')));
  assertEq(actions, ['act-sign', 'act-handle', 'act-return', 'act-extend', 'act-suspend'], 'buttons from case.actions');
  assertEq((await page.getByTestId('reporter-masked').textContent()).trim(), '王* · 138****5678', 'masked reporter');
  await page.locator('.el-step__title', { hasText: '核查' }).waitFor();
  await page.locator('[data-testid=page-case] .el-image img').first().waitFor();
  await shot(page, 'detail', 'case-detail.png');
  await page.getByTestId('reporter-show').click();
  await page.getByText('查看反映人完整个人信息将被记录在审计日志中').waitFor();
  await page.locator('.el-message-box__btns .el-button--primary').click();
  await page.getByTestId('reporter-full').waitFor();
  assertEq(reporterViews.filter((v) => v.user === 'chunliu.staff').length, 1, 'one logged reporter view');
  await page.locator('.el-message-box').waitFor({ state: 'hidden' });
  await shot(page, 'detail-reporter');
  // extend: the dialog asks for workdays and a reason; the server's 422 lands on its field
  await page.getByTestId('act-extend').click();
  await page.getByTestId('action-submit').click();
  await page.getByText('请填写延期工作日').waitFor();
  await page.keyboard.press('Escape');
  // a stale version: someone else acted in between
  cases.find((x) => x.id === state.caseId).version++;
  await page.getByTestId('act-return').click();
  await page.locator('textarea[data-testid=action-reason], [data-testid=action-reason] textarea').first().fill('不属于本街道职责');
  await page.getByTestId('action-submit').click();
  await page.getByText('案件已被他人更新').waitFor();
  await page.getByTestId('action-submit').click();
  await page.getByTestId('action-dialog').waitFor({ state: 'hidden' });
  await settle(page);
  assertEq(cases.find((x) => x.id === state.caseId).stage, 'dispatch', 'returned to dispatch');
  if (page._errors.length) throw new Error('page errors: ' + page._errors.join('; '));
});

test('the dispatch rules: a row without a lead unit is named by row, nothing saved', async () => {
  const page = state.ducha;
  await page.goto('/cases/rules');
  await page.getByTestId('rules-table').waitFor();
  await settle(page);
  await page.getByTestId('rules-add').click();
  await page.getByTestId('rules-save').click();
  await page.getByTestId('rules-row-errors').waitFor();
  const text = await page.getByTestId('rules-row-errors').textContent();
  assert(text.includes('第 2 行'), `row named: ${text}`);
  assertEq(rules.length, 1, 'rules unchanged');
  await shot(page, 'rules');
});

test('the phone pages at 375 px in the other locales do not scroll sideways', async () => {
  const page = state.inspector;
  for (const loc of ['zh-TW', 'en']) {
    await page.evaluate((l) => localStorage.setItem('duban.locale', l), loc);
    for (const p of ['/m/cases', '/m/report', '/m/cases/' + state.caseId]) {
      await page.goto(p);
      await settle(page);
      await noOverflow(page, `${p} ${loc}`);
    }
  }
  await page.evaluate(() => localStorage.setItem('duban.locale', 'zh-CN'));
});

test('the desktop case pages at 375 px: drawer menu, nothing overflows', async () => {
  const page = state.ducha;
  await page.setViewportSize({ width: 375, height: 760 });
  const problems = [];
  const ready = { '/cases': 'case-100', '/cases/queue': 'queue-table', '/cases/rules': 'rules-table' };
  for (const p of ['/cases', '/cases/queue', '/cases/rules', '/cases/' + state.caseId]) {
    await page.goto(p);
    await page.getByTestId(ready[p] ?? 'case-number').waitFor();
    await settle(page);
    await page.waitForTimeout(200);
    const m = await page.evaluate(() => {
      const c = document.querySelector('main.content');
      return { doc: document.documentElement.scrollWidth, content: c ? c.scrollWidth - c.clientWidth : -1 };
    });
    if (m.doc > 375 || m.content > 0) problems.push(`${p}: ${JSON.stringify(m)}`);
    await shot(page, 'phone' + p.replace(/\//g, '-'));
  }
  await page.setViewportSize({ width: 1366, height: 820 });
  assert(!problems.length, problems.join('; '));
});

let passed = 0;
let failed = 0;
for (const t of tests) {
  try {
    await t.fn();
    passed++;
    console.log('  ok  ', t.name);
  } catch (e) {
    failed++;
    console.log('  FAIL', t.name, '\n       ', e.message.split('\n')[0]);
  }
}
await browser.close();
http.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
