// The key-project pages' must-show against the real duban server (--demo, temporary SQLite):
// ducha.staff (the supervisor) drags a project card on /projects/board to the next stage, fills the
// evidence dialog and the server records the move with that evidence; on the project's page it
// raises a problem that becomes a 企业诉求 case whose link opens the case page; the dashboard shows
// the server's totals; the leader reads the board without dragging. Screenshots in
// e2e/out/projects-*.png (SHOTS_DIR=… also keeps projects-board.png, project-page.png and
// projects-dashboard.png there). A server without the projects API (GET /projects 404) is
// reported and counted as failed. Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { DEMO_PASSWORD, api, assert, assertEq, ensureSupervisor, login, newPage, settle } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const OUT = join(here, 'out');
mkdirSync(OUT, { recursive: true });
const SHOTS = process.env.SHOTS_DIR ? resolve(process.env.SHOTS_DIR) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const BIN = resolve(webDir, process.env.DUBAN_BIN ?? '../build/duban');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ORDER = ['reserve', 'negotiating', 'signed', 'registered', 'started', 'completed'];
async function shot(page, name, keep) {
  await page.screenshot({ path: join(OUT, 'projects-' + name + '.png'), fullPage: true });
  if (SHOTS && keep) await page.screenshot({ path: join(SHOTS, keep), fullPage: true });
}
const textarea = (page, testid) => page.locator(`textarea[data-testid=${testid}], [data-testid=${testid}] textarea`).first();
const input = (page, testid) => page.locator(`input[data-testid=${testid}], [data-testid=${testid}] input`).first();
const stageOfCard = (page, id) => page.getByTestId('card-' + id).evaluate((el) => el.closest('[data-stage]:not(.card)')?.getAttribute('data-stage'));

let server;
let browser;
const state = {};
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

async function as(username, viewport) {
  const page = await newPage(browser, server.base, { viewport });
  await login(page, username, DEMO_PASSWORD);
  return page;
}

test('the server has the projects API', async () => {
  const r = await fetch(server.base + '/api/v1/projects');
  assert(r.status !== 404, 'GET /api/v1/projects → 404: this duban has no projects engine (merge branch projects)');
});

test('ducha.staff drags a card to the next stage on the board and the move carries the evidence', async () => {
  await ensureSupervisor(server, BIN);
  const page = await as('ducha.staff', { width: 1440, height: 900 });
  state.ducha = page;
  await page.goto('/projects/board');
  await page.locator('[data-testid^=card-]').first().waitFor();
  await settle(page);
  await shot(page, 'board-before');
  // the first card the supervisor may drag at the top of a column (signed → 落地 preferred), so
  // that the card and the next column's head are both on screen
  let id = null;
  let from = null;
  for (const s of ['signed', 'registered', 'negotiating', 'reserve', 'started']) {
    const card = page.locator(`[data-testid=col-${s}] [data-testid^=card-][draggable=true]`).first();
    if (await card.count()) {
      id = Number((await card.getAttribute('data-testid')).slice(5));
      from = s;
      break;
    }
  }
  assert(id, 'no card the supervisor may drag on the board');
  const p = (await api(page, 'GET', `/projects/${id}`)).body;
  assertEq(p.stage, from, 'the card’s column is the project’s stage');
  state.project = p;
  const next = ORDER[ORDER.indexOf(p.stage) + 1];
  await page.dragAndDrop(`[data-testid=card-${p.id}]`, `[data-testid=col-${next}] .col-head`);
  await page.getByTestId('advance-dialog').waitFor();
  assert((await page.getByTestId('advance-title').textContent()).includes(p.number), 'the dialog is for the dragged project');
  const evidence = `e2e：${p.name} 已${next === 'registered' ? '完成工商注册' : '取得阶段材料'}（浏览器测试）`;
  await textarea(page, 'advance-evidence').fill(evidence);
  await page.getByTestId('advance-submit').click();
  await page.getByTestId('advance-dialog').waitFor({ state: 'hidden' });
  await settle(page);
  assertEq(await stageOfCard(page, p.id), next, 'card in the next column');
  const after = await api(page, 'GET', `/projects/${p.id}`);
  assertEq(after.body.stage, next, 'server stage');
  const last = after.body.timeline.at(-1);
  assertEq([last.stage, last.evidence], [next, evidence], 'timeline entry with the evidence');
  await shot(page, 'board', 'projects-board.png');
});

test('a backwards drag is refused on the board with a message', async () => {
  const page = state.ducha;
  const p = state.project;
  await page.dragAndDrop(`[data-testid=card-${p.id}]`, '[data-testid=col-reserve] .col-head');
  await page.locator('.board-refused').first().waitFor();
  const after = await api(page, 'GET', `/projects/${p.id}`);
  assertEq(after.body.stage, ORDER[ORDER.indexOf(p.stage) + 1], 'stage unchanged');
});

test('on the project page ducha.staff raises a problem that becomes a 企业诉求 case', async () => {
  const page = state.ducha;
  // a project with this year's investment reports (the page then shows all its parts), else the moved one
  const all = (await api(page, 'GET', '/projects?per_page=500&major=1')).body.items;
  const p = all.find((x) => x.actions?.includes('raise_problem') && x.invested_this_year_wan > 0 && x.plan_node_id) ?? all.find((x) => x.actions?.includes('raise_problem') && x.invested_this_year_wan > 0) ?? state.project;
  await page.setViewportSize({ width: 1440, height: 2000 });
  await page.goto('/projects/' + p.id);
  await page.getByTestId('project-name').waitFor();
  await settle(page);
  await page.getByTestId('act-raise').click();
  await page.getByTestId('problem-dialog').waitFor();
  await input(page, 'problem-title').fill('施工用电增容审批慢（e2e）');
  await textarea(page, 'problem-description').fill('企业反映施工用电增容申请已提交 20 天，尚未批复，影响设备调试。');
  await page.getByTestId('problem-submit').click();
  await page.getByTestId('problem-case-link').waitFor();
  await settle(page);
  const detail = await api(page, 'GET', `/projects/${p.id}`);
  const prob = detail.body.problems.find((x) => x.title === '施工用电增容审批慢（e2e）');
  assert(prob, 'the problem is listed on the project');
  await page.getByTestId('problem-' + prob.case_id).waitFor();
  // 督办 about it when the project serves a plan task (the supervisor holds plan.followup)
  if (p.plan_node_id && (await page.getByTestId('act-followup').count())) {
    await page.getByTestId('act-followup').click();
    await textarea(page, 'followup-content').fill('请区发改局于 5 日内报告企业诉求办理情况（e2e）');
    await page.getByTestId('followup-submit').click();
    await page.getByTestId('followup-dialog').waitFor({ state: 'hidden' });
    await page.getByTestId('project-followups').getByText('请区发改局于 5 日内报告企业诉求办理情况（e2e）').waitFor();
  }
  await page.locator('[data-testid=project-money-chart] canvas').waitFor();
  await page.waitForTimeout(500);
  await shot(page, 'page', 'project-page.png');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('problem-case-link').click();
  await page.waitForURL(new RegExp(`/cases/${prob.case_id}$`));
  await page.getByTestId('case-number').waitFor();
  assertEq((await page.getByTestId('case-number').textContent()).trim(), prob.number, 'case page');
  const c = await api(page, 'GET', `/cases/${prob.case_id}`);
  assertEq([c.body.type, c.body.project_id], ['enterprise', p.id], 'an enterprise case linked to the project');
});

test('the dashboard shows the server’s totals and charts', async () => {
  const page = state.ducha;
  const d = (await api(page, 'GET', '/project-dashboard')).body;
  await page.goto('/projects/dashboard');
  await page.getByTestId('stat-major-count').waitFor();
  await settle(page);
  const txt = async (id) => (await page.getByTestId(id).textContent()).trim();
  const yi = (v) => Number(v.toFixed(1)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + ' 亿元';
  assertEq(
    [await txt('stat-major-count'), await txt('stat-major-completed'), await txt('stat-major-invested'), await txt('stat-signed-count'), await txt('stat-signed-contract'), await txt('stat-ent-count'), await txt('stat-ent-capital')],
    [`${d.totals.major_count} 个`, `${d.totals.major_completed} 个`, yi(d.totals.major_invested_yi), `${d.totals.signed_count} 个`, yi(d.totals.signed_contract_yi), `${d.totals.enterprises_1m_count} 家`, yi(d.totals.enterprises_1m_capital_yi)],
    'totals as the API says',
  );
  for (const id of ['dash-funnel', 'dash-investment']) await page.locator(`[data-testid=${id}] canvas`).waitFor();
  await page.setViewportSize({ width: 1440, height: 1500 });
  await page.waitForTimeout(800);
  await shot(page, 'dashboard', 'projects-dashboard.png');
  await page.setViewportSize({ width: 1440, height: 900 });
  if (page._errors.length) throw new Error('page errors: ' + page._errors.join('; '));
});

test('the list, the map and the enterprises open without errors', async () => {
  const page = state.ducha;
  const mark = page._api.responses.length;
  for (const [path, ready] of [['/projects', 'projects-table'], ['/projects/map', 'project-map'], ['/projects/enterprises', 'ent-table']]) {
    await page.goto(path);
    await page.getByTestId(ready).waitFor();
    await settle(page);
    await page.waitForTimeout(path === '/projects/map' ? 1200 : 0); // the points' entry animation
    await shot(page, path.replace(/\//g, '-').slice(1));
  }
  // the credit code is checked by the server as it is typed and its message shown under the field
  await page.getByTestId('ent-create').click();
  await input(page, 'ent-code').fill('91210204');
  await page.locator('[data-testid=ent-dialog] .el-form-item__error').filter({ hasText: '18' }).waitFor();
  await page.keyboard.press('Escape');
  const bad = page._api.responses.slice(mark).filter((r) => r.status >= 400 && r.url.includes('/api/v1/') && !r.url.includes('/session'));
  assertEq(bad.map((r) => `${r.method} ${r.url} ${r.status}`), [], 'failed API calls');
  if (page._errors.length) throw new Error('page errors: ' + page._errors.join('; '));
});

test('the leader reads the board but has no card to drag', async () => {
  const page = await as('leader');
  await page.goto('/projects/board');
  await page.locator('[data-testid^=card-]').first().waitFor();
  await settle(page);
  assertEq(await page.locator('[data-testid^=card-][draggable=true]').count(), 0, 'no draggable card');
  await page.context().close();
});

test('a street’s staff reads the enterprises without a failed request: every street by its name (the server names it), never “#67”', async () => {
  const page = await as('chunliu.staff');
  const mark = page._api.responses.length;
  await page.goto('/projects/enterprises');
  await page.getByTestId('ent-table').locator('tbody tr').first().waitFor();
  await settle(page);
  const head = await page.getByTestId('ent-table').locator('thead th').first().textContent();
  assertEq(head.trim(), '企业名称', 'first column');
  const body = await page.getByTestId('ent-table').locator('tbody').textContent();
  assert(!/#\d+/.test(body), 'a street shown as an id: ' + body.slice(0, 200));
  assert(body.includes('马栏街道') || body.includes('黑石礁街道') || body.includes('李家街道'), 'streets outside its scope named: ' + body.slice(0, 200));
  assert(!body.includes('范围外街道'), 'no street left unnamed');
  const bad = page._api.responses.slice(mark).filter((r) => r.status >= 400 && r.url.includes('/api/v1/'));
  assertEq(bad.map((r) => `${r.method} ${r.url} ${r.status}`), [], 'failed API calls');
  assertEq(page._api.responses.slice(mark).filter((r) => /\/org-units\/\d+/.test(r.url)).length, 0, 'no per-row unit reads');
  await page.context().close();
});

try {
  server = await startServer({ bin: BIN, webRoot: resolve(webDir, 'dist'), logFile: join(OUT, 'projects-server.log'), cwd: resolve(webDir, '..') });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
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
      await state.ducha?.screenshot({ path: join(OUT, `projects-fail-${failed}.png`), fullPage: true }).catch(() => undefined);
      if (t.name.startsWith('the server has')) break;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
} finally {
  await browser?.close();
  await server?.stop();
}
