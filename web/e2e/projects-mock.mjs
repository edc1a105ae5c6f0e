// The key-project pages in the browser against a mocked, stateful projects API (page.route) that
// follows docs/projects-api.md, for driving the pages before the server's registry engine exists:
// serves dist/ itself, drives /usr/bin/chromium. The must-show flows: ducha.staff drags a card to
// the next stage on the board → the evidence dialog → the advance call carries the evidence (a
// stale version sends the card back with the error named); raises a problem on a project's page
// and the new case's link appears. Screenshots in e2e/out/projects-mock-*.png (SHOTS_DIR=… also
// keeps projects-board.png, project-page.png, projects-dashboard.png there).
// Prints "N passed, N failed".
//   node e2e/projects-mock.mjs
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
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
  { id: 30, name: '区发改局', kind: 'department', parent_id: 1 },
  { id: 31, name: '区商务局', kind: 'department', parent_id: 1 },
].map((u) => ({ ...u, code: null, active: true, version: 1 }));
const USERS = {
  'ducha.staff': {
    id: 8,
    display_name: '督查室',
    roles: ['supervisor'],
    units: [1],
    permissions: ['org.read', 'plan.read', 'plan.write', 'plan.followup', 'project.read', 'project.write', 'project.admin', 'case.read', 'case.report', 'case.handle', 'case.dispatch', 'attachment.read', 'attachment.write'],
  },
  leader: { id: 3, display_name: '王副区长', roles: ['leader'], units: [1], permissions: ['org.read', 'plan.read', 'plan.comment', 'project.read', 'case.read', 'attachment.read'] },
};
const STAGE_NAMES = { reserve: '储备', negotiating: '在谈', signed: '签约', registered: '落地', started: '开工', completed: '竣工/投产' };
const ORDER = Object.keys(STAGE_NAMES);
const EVENT = { id: 1, name: '深圳经贸合作推介活动' };
const blobs = new Map();
const iso = (d) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
// A date `offset` days from today in Asia/Shanghai, as the pages count days (between 16:00 and
// 24:00 UTC the UTC date is a day behind Beijing's).
const shanghaiDate = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));
const day = (offset) => shanghaiDate(Date.now() + offset * 86400_000);
const calls = { advance: [], problems: [], investments: [], followups: [], imports: [] };

let nextId = 1;
const projects = [];
function mk(over) {
  const id = nextId++;
  const p = {
    id,
    number: `XM-2026-${String(id).padStart(4, '0')}`,
    name: '',
    generated: false,
    project_kind: 'industry',
    major: true,
    stage: 'signed',
    stage_date: day(-40),
    place: { park: '星海湾金融商务区', address: '沙河口区中山路 100 号', lon: 121.585, lat: 38.9, grid_id: null, street_id: 5 },
    investor: '大连某投资有限公司',
    enterprise_id: null,
    enterprise: null,
    event_id: null,
    event: null,
    lead_unit_id: 30,
    lead_unit: { id: 30, name: '区发改局' },
    leader: '王副区长(演示)',
    currency: 'CNY',
    fx_rate: null,
    total_investment_wan: 25000,
    annual_plan_wan: 8000,
    contract_amount_wan: 25000,
    funds_in_place_wan: 6000,
    registered_capital_wan: null,
    invested_to_date_wan: 14200,
    invested_this_year_wan: 6100,
    signed_on: day(-40),
    year: 2026,
    light: 'green',
    light_reason: '',
    last_progress_at: iso(Date.now() - 40 * 86400_000),
    open_problems: 0,
    plan_node_id: 41,
    version: 3,
    timeline: [],
    investments: [],
    problems: [],
    followups: [],
    ...over,
  };
  p.stage_name = STAGE_NAMES[p.stage];
  for (const s of ORDER.slice(0, ORDER.indexOf(p.stage) + 1))
    p.timeline.push({ stage: s, stage_name: STAGE_NAMES[s], date: s === p.stage ? p.stage_date : day(-200 + ORDER.indexOf(s) * 20), evidence: `${STAGE_NAMES[s]}材料（演示）`, attachments: [], actor: '督查室', at: iso(Date.now() - 100 * 86400_000) });
  projects.push(p);
  return p;
}
mk({ name: '现代服务业总部大厦', stage: 'signed', event_id: 1, event: EVENT, light: 'yellow', light_reason: '签约后已 40 天未落地' });
// The server sends the reasons as data and its own words in the seed's script; the page words the data.
mk({ name: '智能装备产业园', stage: 'started', stage_date: day(-120), light: 'red', light_reason: '開工階段已3個月無進展', light_reasons: [{ code: 'stalled', stage: 'started', months: 3 }], investments: [
  { month: '2026-01', amount_wan: 500, cumulative_wan: 500, reported_by: '区发改局', reported_at: iso(Date.now() - 300 * 86400_000), note: '' },
  { month: '2026-02', amount_wan: 800, cumulative_wan: 1300, reported_by: '区发改局', reported_at: iso(Date.now() - 270 * 86400_000), note: '' },
  { month: '2026-03', amount_wan: 1200, cumulative_wan: 2500, reported_by: '区发改局', reported_at: iso(Date.now() - 240 * 86400_000), note: '主体施工' },
] });
mk({ name: '中山路老旧小区改造', project_kind: 'livelihood', major: false, stage: 'reserve', lead_unit_id: 31, lead_unit: { id: 31, name: '区商务局' }, place: null });
mk({ name: '外资精密制造项目', stage: 'registered', currency: 'USD', fx_rate: 6.83, total_investment_wan: 1200, contract_amount_wan: 1200, event_id: 1, event: EVENT });
mk({ name: '滨海文旅综合体', stage: 'completed', light: null });

const DASH = {
  year: 2026,
  totals: {
    major_count: 45, major_completed: 21, major_invested_yi: 50.5,
    signed_count: 34, signed_contract_yi: 419.1,
    events: [{ event_id: 1, name: '深圳经贸合作推介活动', signed_count: 18, contract_yi: 355.1 }],
    enterprises_1m_count: 754, enterprises_1m_capital_yi: 50.8, fdi_usd_yi: 4.2, domestic_capital_yi: 43.9,
  },
  funnel: ORDER.map((s, i) => ({ stage: s, stage_name: STAGE_NAMES[s], count: [3, 5, 34, 20, 18, 21][i], total_investment_wan: 0 })),
  investment_by_month: Array.from({ length: 11 }, (_, i) => ({ month: `2026-${String(i + 1).padStart(2, '0')}`, plan_wan: 42000, done_wan: 40000 + i * 1000, cumulative_wan: (i + 1) * 40000 + (i * (i + 1)) / 2 * 1000 })),
  signings_by_region: [{ region: '珠三角', count: 20, contract_wan: 3800000 }, { region: '长三角', count: 9, contract_wan: 300000 }, { region: '京津冀', count: 5, contract_wan: 91000 }],
  signings_by_event: [{ event: '深圳经贸合作推介活动', count: 18, contract_wan: 3551000 }],
};
const enterprises = [{ id: 1, name: '大连星海科技有限公司', credit_code: '91210204MA0XXXXXX1', origin_region: '珠三角', registered_capital_wan: 500, registered_on: day(-30), street_id: 5, version: 1 }];
const CASE_TYPES = [{ code: 'enterprise', name: '企业诉求', stages: [{ code: 'accept', name: '受理' }, { code: 'handle', name: '办理' }, { code: 'done', name: '办结', closed: true }], actions: [], categories: [] }];
const cases = [];

const err = (status, code, message, field) => ({ status, body: { error: { code, message, field } } });
const listView = (u, p) => {
  const { timeline, investments, problems, followups, ...rest } = p;
  return { ...rest, actions: u.permissions.includes('project.write') ? ['edit', 'advance', 'report_investment', 'raise_problem', 'followup'].filter((a) => a !== 'advance' || p.stage !== 'completed') : [] };
};
const fullView = (u, p) => ({ ...listView(u, p), timeline: p.timeline, investments: p.investments, problems: p.problems, followups: p.followups });

function answer(user, method, path, query, body) {
  if (path === '/me') return user ? { status: 200, body: { id: user.id, username: user.username, display_name: user.display_name, roles: user.roles, units: user.units, units_detail: user.units.map((id) => UNITS.find((u) => u.id === id)), permissions: user.permissions, must_change_password: false, csrf_token: 'csrf-' + user.username } } : err(401, 'unauthenticated', '未登录');
  if (!user) return err(401, 'unauthenticated', '未登录');
  const write = user.permissions.includes('project.write');
  if (path === '/org-units') {
    let items = UNITS;
    if (query.get('kind')) items = items.filter((u) => u.kind === query.get('kind'));
    if (query.get('q')) items = items.filter((u) => u.name.includes(query.get('q')));
    return { status: 200, body: { items, total: items.length, page: 1, per_page: 50 } };
  }
  let m = /^\/org-units\/(\d+)$/.exec(path);
  if (m) return { status: 200, body: UNITS.find((u) => u.id === Number(m[1])) };
  if (path === '/geo/areas') {
    const sq = (x, y) => [[[x, y], [x + 0.02, y], [x + 0.02, y + 0.015], [x, y + 0.015], [x, y]]];
    return { status: 200, body: { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { unit_id: 5, code: 'S01', name: '春柳街道', level: 'street', parent_id: 1, generated: true }, geometry: { type: 'Polygon', coordinates: sq(121.575, 38.895) } },
      { type: 'Feature', properties: { unit_id: 6, code: 'S02', name: '马栏街道', level: 'street', parent_id: 1, generated: true }, geometry: { type: 'Polygon', coordinates: sq(121.595, 38.895) } },
    ] } };
  }
  if (path === '/promotion-events') return { status: 200, body: { items: [EVENT], total: 1, page: 1, per_page: 50 } };
  if (path === '/case-types') return { status: 200, body: { items: CASE_TYPES } };
  if (path === '/project-dashboard') return { status: 200, body: DASH };
  if (path === '/project-stalls') {
    const row = (p, limit) => ({ id: p.id, number: p.number, name: p.name, stage: p.stage, stage_name: p.stage_name, days_in_stage: 40, limit_days: limit, light: p.light, lead_unit: p.lead_unit, leader: p.leader });
    return { status: 200, body: { signed_not_registered: projects.filter((p) => p.stage === 'signed').map((p) => row(p, 30)), registered_not_started: [], started_not_completed: projects.filter((p) => p.stage === 'started').map((p) => row(p, 90)) } };
  }
  if (path === '/projects' && method === 'GET') {
    let items = projects;
    if (query.get('major') === '1') items = items.filter((p) => p.major);
    for (const k of ['stage', 'project_kind', 'light']) if (query.get(k)) items = items.filter((p) => p[k] === query.get(k));
    if (query.get('unit_id')) items = items.filter((p) => p.lead_unit_id === Number(query.get('unit_id')));
    if (query.get('event_id')) items = items.filter((p) => p.event_id === Number(query.get('event_id')));
    if (query.get('q')) items = items.filter((p) => (p.number + p.name).includes(query.get('q')));
    const per = Number(query.get('per_page') ?? 20);
    const page = Number(query.get('page') ?? 1);
    return { status: 200, body: { items: items.slice((page - 1) * per, page * per).map((p) => listView(user, p)), total: items.length, page, per_page: per } };
  }
  if (path === '/projects/dispatch-table/import' && method === 'POST') {
    if (!write) return err(403, 'forbidden', '无权');
    calls.imports.push(body);
    const errors = [{ row: 4, column: '本月完成投资(万元)', message: '不是数字' }, { row: 6, column: '当前阶段', message: '只读列不能修改' }];
    if (body.apply) return { status: 200, body: { applied: 3, skipped: 2, errors, error_workbook_base64: 'UEsDBA==' } };
    return { status: 200, body: { rows: 5, valid: 3, errors, error_workbook_base64: 'UEsDBA==' } };
  }
  m = /^\/projects\/(\d+)(\/.*)?$/.exec(path);
  if (m) {
    const p = projects.find((x) => x.id === Number(m[1]));
    if (!p) return err(404, 'not_found', '项目不存在');
    const rest = m[2] ?? '';
    if (rest === '' && method === 'GET') return { status: 200, body: fullView(user, p) };
    if (!write && rest !== '/followups') return err(403, 'forbidden', '无权');
    if (rest === '/advance' && method === 'POST') {
      calls.advance.push({ id: p.id, ...body });
      if (body.version !== p.version) return err(409, 'version_conflict', '项目已被他人更新', 'version');
      const want = ORDER[ORDER.indexOf(p.stage) + 1];
      if (body.to_stage !== want) return err(409, 'stage_order', '只能推进到下一阶段', 'to_stage');
      if (!body.evidence?.trim()) return err(422, 'required', '必填', 'evidence');
      if (body.date > day(0)) return err(422, 'future_date', '日期不能晚于今天', 'date');
      for (const s of body.attachments ?? []) if (!blobs.has(s)) return err(422, 'unknown_attachment', '附件不存在', 'attachments');
      p.stage = body.to_stage;
      p.stage_name = STAGE_NAMES[p.stage];
      p.stage_date = body.date;
      p.version++;
      p.light = 'green';
      p.light_reason = '';
      p.light_reasons = [];
      p.timeline.push({ stage: p.stage, stage_name: p.stage_name, date: body.date, evidence: body.evidence, attachments: body.attachments ?? [], actor: user.display_name, at: iso(Date.now()) });
      return { status: 200, body: listView(user, p) };
    }
    if (rest === '/problems' && method === 'POST') {
      calls.problems.push({ id: p.id, ...body });
      if (!body.title?.trim()) return err(422, 'required', '必填', 'title');
      const id = 500 + cases.length;
      const c = { id, number: `QY-20261129-${String(id).padStart(6, '0')}`, type: 'enterprise', type_name: '企业诉求', category: '', category_name: '', category_major: '', category_major_name: '', title: body.title, description: body.description, urgency: body.urgency ?? 'normal', source: 'visit', stage: 'accept', stage_name: '受理', status: 'open', lon: null, lat: null, address: '', street_id: null, community_id: null, grid_id: null, lead_unit_id: p.lead_unit_id, co_units: [], reporter: null, attachments: [], reported_at: iso(Date.now()), stage_started_at: iso(Date.now()), stage_due_at: null, light: 'green', light_reason: '', paused: false, returns: 0, reworks: 0, extensions: 0, satisfaction: null, merged_into: null, project_id: p.id, closed_at: null, version: 1, actions: [], history: [] };
      cases.push(c);
      p.problems.unshift({ case_id: id, number: c.number, title: c.title, stage_name: '受理', status: 'open', reported_at: c.reported_at, waited_days: 0, light: 'green' });
      p.open_problems++;
      return { status: 201, body: c };
    }
    if (rest === '/investments' && method === 'POST') {
      calls.investments.push({ id: p.id, ...body });
      if (!/^\d{4}-\d{2}$/.test(body.month ?? '')) return err(422, 'bad_month', '月份格式为 YYYY-MM', 'month');
      const prev = p.investments.reduce((s, r) => s + (r.month === body.month ? 0 : r.amount_wan), 0);
      p.investments = p.investments.filter((r) => r.month !== body.month);
      p.investments.push({ month: body.month, amount_wan: body.amount_wan, cumulative_wan: prev + body.amount_wan, reported_by: user.display_name, reported_at: iso(Date.now()), note: body.note ?? '' });
      p.investments.sort((a, b) => a.month.localeCompare(b.month));
      return { status: 201, body: {} };
    }
    if (rest === '/followups' && method === 'POST') {
      if (!user.permissions.includes('plan.followup')) return err(403, 'forbidden', '无权');
      calls.followups.push({ id: p.id, ...body });
      p.followups.push({ id: 900 + calls.followups.length, content: body.content, status: '待回复', issued_at: iso(Date.now()) });
      return { status: 201, body: {} };
    }
  }
  if (path === '/cases' && method === 'GET') return { status: 200, body: { items: cases, total: cases.length, page: 1, per_page: 20, lights: {} } };
  m = /^\/cases\/(\d+)$/.exec(path);
  if (m) {
    const c = cases.find((x) => x.id === Number(m[1]));
    return c ? { status: 200, body: c } : err(404, 'not_found', '案件不存在');
  }
  if (path === '/enterprises/check-code') {
    const code = query.get('code') ?? '';
    if (code.length !== 18) return { status: 200, body: { valid: false, message: `长度应为 18 位（现为 ${code.length} 位）` } };
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return { status: 200, body: { valid: false, message: '含有不允许的字符' } };
    return { status: 200, body: { valid: true, message: '' } };
  }
  if (path === '/enterprises' && method === 'GET') return { status: 200, body: { items: enterprises, total: enterprises.length, page: 1, per_page: 20 } };
  if (path === '/enterprises' && method === 'POST') {
    if (!body.name) return err(422, 'required', '必填', 'name');
    if ((body.credit_code ?? '').length !== 18) return err(422, 'bad_credit_code', '长度应为 18 位', 'credit_code');
    const e = { id: enterprises.length + 1, ...body, version: 1 };
    enterprises.push(e);
    return { status: 201, body: e };
  }
  return err(404, 'not_found', 'no such route ' + path);
}

async function newContext(browser, width, height) {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
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
    if (path === '/attachments' && req.method() === 'POST') {
      const bytes = req.postDataBuffer() ?? Buffer.alloc(0);
      const sha = createHash('sha256').update(bytes).digest('hex');
      blobs.set(sha, { bytes, mime: 'image/png' });
      return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ sha256: sha, mime: 'image/png', size: bytes.length }) });
    }
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
async function shot(page, name, keep) {
  await page.screenshot({ path: join(OUT, `projects-mock-${name}.png`), fullPage: true });
  if (SHOTS && keep) await page.screenshot({ path: join(SHOTS, keep), fullPage: true });
}
const stageOfCard = (page, id) => page.getByTestId('card-' + id).evaluate((el) => el.closest('[data-stage]:not(.card)')?.getAttribute('data-stage'));
const textarea = (page, testid) => page.locator(`textarea[data-testid=${testid}], [data-testid=${testid}] textarea`).first();
const input = (page, testid) => page.locator(`input[data-testid=${testid}], [data-testid=${testid}] input`).first();

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const state = {};

test('ducha.staff sees the project pages in the menu; the board has a column per stage', async () => {
  const page = await newContext(browser, 1366, 860);
  state.ducha = page;
  await signIn(page, 'ducha.staff');
  const menu = await page.$$eval('[data-testid=side-menu] [data-menu]', (els) => els.map((e) => e.getAttribute('data-menu')));
  for (const m of ['ProjectDashboard', 'ProjectBoard', 'ProjectList', 'ProjectMap', 'Enterprises']) assert(menu.includes(m), `menu has ${m}: ${menu}`);
  await page.goto('/projects/board');
  await page.getByTestId('card-1').waitFor();
  await settle(page);
  const cols = await page.$$eval('[data-testid^=col-]', (els) => els.map((e) => e.querySelector('.col-name').textContent.trim()));
  assertEq(cols, ['储备', '在谈', '签约', '落地', '开工', '竣工/投产'], 'columns');
  assertEq(await stageOfCard(page, 1), 'signed', 'card 1 column');
  const text = await page.getByTestId('card-1').textContent();
  assert(text.includes('现代服务业总部大厦') && text.includes('区发改局') && text.includes('2.5亿元') && text.includes('40 天'), `card text: ${text}`);
  assertEq(await page.getByTestId('card-light-1').getAttribute('data-light'), 'yellow', 'card light');
  assert((await page.getByTestId('card-4').textContent()).includes('1,200万美元（约 8,196万元）'), 'USD card amount');
  await shot(page, 'board', 'projects-board.png');
});

test('dragging backwards or skipping a stage is refused with a message, no call made', async () => {
  const page = state.ducha;
  await page.dragAndDrop('[data-testid=card-1]', '[data-testid=col-reserve]');
  await page.locator('.board-refused', { hasText: '不能退回到前一阶段' }).waitFor();
  await page.dragAndDrop('[data-testid=card-1]', '[data-testid=col-started]');
  await page.locator('.board-refused', { hasText: '只能推进到下一阶段「落地」' }).waitFor();
  assertEq(calls.advance.length, 0, 'no advance call');
  assertEq(await page.getByTestId('advance-dialog').isVisible().catch(() => false), false, 'no dialog');
  assertEq(await stageOfCard(page, 1), 'signed', 'card stays');
});

test('a stale version sends the card back with the error named; the retry advances it with the evidence and attachment', async () => {
  const page = state.ducha;
  await page.dragAndDrop('[data-testid=card-1]', '[data-testid=col-registered]');
  await page.getByTestId('advance-dialog').waitFor();
  assertEq(await stageOfCard(page, 1), 'registered', 'card shown in the new column while the dialog is open');
  const date = await page.locator('[data-testid=advance-date] input').inputValue();
  assertEq(date, day(0), 'date defaults to today');
  // the evidence is required before any call
  await page.getByTestId('advance-submit').click();
  await page.getByText('请填写佐证材料').waitFor();
  assertEq(calls.advance.length, 0, 'no call without evidence');
  await textarea(page, 'advance-evidence').fill('已完成工商注册，取得营业执照');
  await page.setInputFiles('[data-testid=advance-file]', PHOTO);
  await page.getByTestId('advance-attachment').waitFor();
  // someone else changed the project meanwhile
  projects[0].version++;
  await page.getByTestId('advance-submit').click();
  await page.getByTestId('advance-error').waitFor();
  assert((await page.getByTestId('advance-error').textContent()).includes('已被他人更新'), 'stale message');
  await settle(page);
  assertEq(await stageOfCard(page, 1), 'signed', 'card back in its column after 409');
  assertEq(calls.advance.length, 1, 'one refused call');
  await shot(page, 'board-409');
  // the retry carries the current version (the board reloaded)
  await page.getByTestId('advance-submit').click();
  await page.getByTestId('advance-dialog').waitFor({ state: 'hidden' });
  await settle(page);
  assertEq(calls.advance.length, 2, 'second call');
  const c = calls.advance[1];
  assertEq([c.id, c.to_stage, c.evidence, c.version, c.attachments.length, c.date], [1, 'registered', '已完成工商注册，取得营业执照', 4, 1, date], 'advance call');
  assertEq(projects[0].stage, 'registered', 'server state');
  assertEq(await stageOfCard(page, 1), 'registered', 'card in 落地');
});

test('a 422 from the server names the field and the card returns', async () => {
  const page = state.ducha;
  await page.dragAndDrop('[data-testid=card-2]', '[data-testid=col-completed]');
  await page.getByTestId('advance-dialog').waitFor();
  await textarea(page, 'advance-evidence').fill('竣工验收');
  // a date in the future typed in: the server refuses it by field
  const dateInput = page.locator('[data-testid=advance-date] input');
  await dateInput.fill(day(5));
  await dateInput.press('Enter');
  await page.getByTestId('advance-title').click();
  await page.getByTestId('advance-submit').click();
  await page.getByTestId('advance-error').waitFor();
  const msg = await page.getByTestId('advance-error').textContent();
  assert(msg.includes('日期') && msg.includes('不能晚于今天'), `field named: ${msg}`);
  assertEq(await stageOfCard(page, 2), 'started', 'card back in 开工');
  await page.keyboard.press('Escape');
  await page.getByTestId('advance-dialog').waitFor({ state: 'hidden' });
  assertEq(projects[1].stage, 'started', 'nothing changed');
});

test('the project page: steps, facts, timeline, money chart, a monthly report', async () => {
  const page = state.ducha;
  await page.goto('/projects/2');
  await page.getByTestId('project-name').waitFor();
  await settle(page);
  assertEq((await page.getByTestId('project-number').textContent()).trim(), 'XM-2026-0002', 'number');
  assertEq(await page.getByTestId('project-light').getAttribute('data-light'), 'red', 'light');
  assertEq((await page.getByTestId('project-light-label').textContent()).trim(), '滞后', 'light label');
  assertEq((await page.getByTestId('project-light-reason').textContent()).trim(), '开工阶段已 3 个月无进展', 'light reason worded from its data, in Simplified');
  await page.getByTestId('project-major').waitFor();
  assertEq(await page.locator('[data-testid=project-steps] .el-step__head.is-success').count(), 4, 'four stages done');
  assertEq(await page.locator('[data-testid=project-timeline] .el-timeline-item').count(), 5, 'timeline entries');
  await page.locator('[data-testid=project-money-chart] canvas').waitFor();
  await input(page, 'inv-amount').fill('1500');
  await input(page, 'inv-note').fill('设备安装');
  await page.getByTestId('inv-submit').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=investments-table] .el-table__body tr').length === 4);
  const r = calls.investments.at(-1);
  assertEq([r.id, r.amount_wan, r.note], [2, 1500, '设备安装'], 'report call');
  assert(/^\d{4}-\d{2}$/.test(r.month), 'month');
});

test('raising a problem creates a 企业诉求 case and its link appears and opens it', async () => {
  const page = state.ducha;
  await page.getByTestId('act-raise').click();
  await page.getByTestId('problem-dialog').waitFor();
  await page.getByTestId('problem-submit').click();
  await page.getByText('请填写问题标题').waitFor();
  assertEq(calls.problems.length, 0, 'no call without a title');
  await input(page, 'problem-title').fill('施工用电增容审批慢');
  await textarea(page, 'problem-description').fill('企业反映施工用电增容申请已提交 20 天，尚未批复，影响设备调试。');
  await page.getByTestId('problem-submit').click();
  await page.getByTestId('problem-case-link').waitFor();
  const c = calls.problems[0];
  assertEq([c.id, c.title], [2, '施工用电增容审批慢'], 'problem call');
  const created = (await page.getByTestId('problem-created').textContent()).trim();
  assert(created.includes('QY-20261129-000500'), `created: ${created}`);
  await page.getByTestId('problem-500').waitFor();
  assertEq((await page.getByTestId('problem-waited-500').textContent()).trim(), '已等待 0 天', 'waited');
  await shot(page, 'page', 'project-page.png');
  await page.getByTestId('problem-case-link').click();
  await page.waitForURL(/\/cases\/500$/);
  await page.getByTestId('case-number').waitFor();
  assertEq((await page.getByTestId('case-number').textContent()).trim(), 'QY-20261129-000500', 'case page');
});

test('督办 from the project page issues a notice', async () => {
  const page = state.ducha;
  await page.goto('/projects/1');
  await page.getByTestId('act-followup').click();
  await textarea(page, 'followup-content').fill('请区发改局于 5 日内报告落地后开工准备情况');
  await page.getByTestId('followup-submit').click();
  await page.getByTestId('project-followups').waitFor();
  assertEq(calls.followups.length, 1, 'followup call');
});

test('the dashboard shows the API’s totals, the funnel and the stalled lists linking to projects', async () => {
  const page = state.ducha;
  await page.goto('/projects/dashboard');
  await page.getByTestId('stat-major-count').waitFor();
  await settle(page);
  const txt = async (id) => (await page.getByTestId(id).textContent()).trim();
  assertEq(
    [await txt('stat-major-count'), await txt('stat-major-completed'), await txt('stat-major-invested'), await txt('stat-signed-count'), await txt('stat-signed-contract'), await txt('stat-event-count-1'), await txt('stat-event-contract-1'), await txt('stat-ent-count'), await txt('stat-ent-capital')],
    ['45 个', '21 个', '50.5 亿元', '34 个', '419.1 亿元', '18 个', '355.1 亿元', '754 家', '50.8 亿元'],
    'totals',
  );
  for (const id of ['dash-funnel', 'dash-investment', 'dash-region', 'dash-event']) await page.locator(`[data-testid=${id}] canvas`).waitFor();
  await page.getByTestId('stall-row-2').waitFor();
  await page.waitForTimeout(600); // chart animations
  await shot(page, 'dashboard', 'projects-dashboard.png');
  await page.getByTestId('stall-row-2').click();
  await page.waitForURL(/\/projects\/2$/);
});

test('the list: filters, export link, the 调度表 import lists errors by row and column and applies the valid rows', async () => {
  const page = state.ducha;
  await page.goto('/projects');
  await page.getByTestId('project-1').waitFor();
  await settle(page);
  assertEq(await page.locator('[data-testid^=project-]:is(a)').count(), 5, 'all projects');
  await page.getByTestId('filter-major').click();
  await settle(page);
  assertEq(await page.locator('[data-testid^=project-]:is(a)').count(), 4, 'major only');
  assertEq(await page.getByTestId('projects-export').getAttribute('href'), '/api/v1/projects/dispatch-table.xlsx?script=simplified', 'export link: the sheet in the page\'s script (zh-CN)');
  await page.getByTestId('projects-import').click();
  const file = join(OUT, 'dispatch.xlsx');
  writeFileSync(file, Buffer.from('UEsDBAoAAAAAAA==', 'base64'));
  await page.setInputFiles('[data-testid=dispatch-file]', file);
  await page.getByTestId('dispatch-errors').waitFor();
  const rows = await page.$$eval('[data-testid=dispatch-errors] .el-table__body tr', (els) => els.map((e) => e.textContent.replace(/\s+/g, '')));
  assertEq(rows, ['4本月完成投资(万元)不是数字', '6当前阶段只读列不能修改'], 'errors by row and column');
  await page.getByTestId('dispatch-error-workbook').waitFor();
  assertEq(calls.imports.map((b) => b.apply), [false], 'checked first');
  await page.getByTestId('dispatch-apply').click();
  await page.getByTestId('dispatch-applied').waitFor();
  assertEq(calls.imports.map((b) => b.apply), [false, true], 'then applied');
  await shot(page, 'import');
});

test('the map draws the streets and the projects with a location', async () => {
  const page = state.ducha;
  await page.goto('/projects/map');
  await page.locator('[data-testid=project-map] canvas').waitFor();
  await settle(page);
  assertEq((await page.getByTestId('pmap-count').textContent()).trim(), '共 4 个项目有位置', 'points');
  await page.waitForTimeout(1200); // the points' entry animation
  await shot(page, 'map');
});

test('enterprises: the credit code is checked as typed and its message shown', async () => {
  const page = state.ducha;
  await page.goto('/projects/enterprises');
  await page.getByTestId('ent-table').waitFor();
  await page.getByTestId('ent-create').click();
  await input(page, 'ent-code').fill('91210204');
  await page.getByText('长度应为 18 位（现为 8 位）').waitFor();
  await input(page, 'ent-code').fill('91210204MA0ABCDE12');
  await page.getByTestId('ent-code-ok').waitFor();
  await input(page, 'ent-name').fill('大连新港精密机械有限公司');
  await input(page, 'ent-capital').fill('300');
  await page.getByTestId('ent-submit').click();
  await page.getByTestId('ent-dialog').waitFor({ state: 'hidden' });
  assertEq(enterprises.length, 2, 'created');
  if (page._errors.length) throw new Error('page errors: ' + page._errors.join('; '));
});

test('at 375 px the project pages do not overflow', async () => {
  const page = state.ducha;
  await page.setViewportSize({ width: 375, height: 760 });
  const problems = [];
  const ready = { '/projects/board': 'board', '/projects': 'projects-table', '/projects/2': 'project-name', '/projects/map': 'project-map', '/projects/dashboard': 'stat-major-count', '/projects/enterprises': 'ent-table' };
  for (const [p, id] of Object.entries(ready)) {
    await page.goto(p);
    await page.getByTestId(id).waitFor();
    await settle(page);
    await page.waitForTimeout(200);
    const m = await page.evaluate(() => {
      const c = document.querySelector('main.content');
      return { doc: document.documentElement.scrollWidth, content: c ? c.scrollWidth - c.clientWidth : -1 };
    });
    if (m.doc > 375 || m.content > 0) problems.push(`${p}: ${JSON.stringify(m)}`);
    await shot(page, 'phone' + p.replace(/\//g, '-'));
  }
  await page.setViewportSize({ width: 1366, height: 860 });
  assert(!problems.length, problems.join('; '));
});

test('the leader reads the board but cannot drag (no advance action)', async () => {
  const page = await newContext(browser, 1366, 860);
  await signIn(page, 'leader');
  await page.goto('/projects/board');
  await page.getByTestId('card-1').waitFor();
  assertEq(await page.getByTestId('card-1').getAttribute('draggable'), 'false', 'not draggable');
  await page.goto('/projects/1');
  await page.getByTestId('project-name').waitFor();
  await settle(page);
  assertEq(await page.locator('[data-testid=project-actions] button').count(), 0, 'no write buttons');
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
    await state.ducha?.screenshot({ path: join(OUT, `projects-mock-fail-${failed}.png`), fullPage: true }).catch(() => undefined);
  }
}
await browser.close();
http.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
