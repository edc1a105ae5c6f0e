// Screenshots of the work plan pages against a mocked API (page.route), for looking at the pages
// before the server's plan API exists: serves dist/ itself, drives /usr/bin/chromium.
//   node e2e/mock-shots.mjs            → e2e/out/mock-*.png
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../dist');
const OUT = join(here, 'out');
mkdirSync(OUT, { recursive: true });
const seedPath = resolve(here, '../../tests/fixtures/seed-report.txt');

const { http, base } = await serveDist(dist);

// ------------------------------------------------------------------ mock data
const cp = (s) => Array.from(s).length;
const raw = readFileSync(seedPath, 'utf8').replace(/\r/g, '');
const paras = raw.split('\n').map((l) => l.trim()).filter(Boolean);
const source = paras.join('\n');
const offsets = [];
{
  let o = 0;
  for (const p of paras) {
    offsets.push(o);
    o += cp(p) + 1;
  }
}
const plan2 = paras.findIndex((p) => p.startsWith('二、'));
const nodes = [];
let cur = null;
for (let i = plan2; i < paras.length; i++) {
  const p = paras[i];
  const m = /^\(([一二三四五])\)(.*)$/.exec(p);
  if (m) {
    cur = { kind: 'key_work', title: m[2], text: p, start: offsets[i], end: offsets[i] + cp(p), children: [] };
    nodes.push(cur);
    continue;
  }
  if (cur && /^[一二三四五六]是/.test(p)) {
    const title = Array.from(p.replace(/^[一二三四五六]是/, '')).slice(0, Array.from(p).findIndex((c) => c === '。')).join('').replace(/。.*$/, '');
    cur.children.push({
      kind: 'task',
      title: title.slice(0, 30),
      text: p,
      start: offsets[i],
      end: offsets[i] + cp(p),
      lead_units: [['區發改局', '區人社局', '區住建局', '區委組織部'][cur.children.length % 4]],
      targets: [],
      objects: [],
    });
  }
}
// one item level in the first key work
nodes[0].children = [{ kind: 'item', title: '區域開發', text: '', children: nodes[0].children }];
const quantities = [];
const re = /(\d+(?:\.\d+)?)(%|億元|萬元|個|億美元|人)/gu;
for (let i = 0; i < paras.length; i++) {
  for (const m of paras[i].matchAll(re)) {
    const s = offsets[i] + cp(paras[i].slice(0, m.index));
    quantities.push({ text: m[0], value: Number(m[1]), unit: m[2], indicator: m[2] === '%' ? '同比增長' : null, period: i > plan2 ? 'target' : 'actual', start: s, end: s + cp(m[0]) });
  }
}
const proposal = { title: '加快核心城市發展工作計劃', year: 2027, encoding: 'UTF-8', source, parts: [], quantities, nodes, stats: { paragraphs: paras.length, chars: cp(source), quantities: quantities.length } };

const UNITS = [{ id: 11, name: '春柳街道' }, { id: 12, name: '區發改局' }, { id: 13, name: '區人社局' }, { id: 14, name: '區住建局' }];
const STAT = ['未啟動', '推進中', '已完成', '滯後', '推進中'];
const LIGHTS = ['green', 'green', 'yellow', 'red', 'green'];
const planNodes = [];
let nid = 100;
function flat(list, parent, prefix) {
  list.forEach((n, i) => {
    const id = ++nid;
    const number = prefix ? `${prefix}.${i + 1}` : String(i + 1);
    const k = id % 5;
    planNodes.push({
      id, plan_id: 1, parent_id: parent, kind: n.kind, seq: i + 1, number, title: n.title, text: n.text, src_start: n.start, src_end: n.end,
      lead_unit: n.kind === 'task' ? UNITS[k % 4] : null, co_units: n.kind === 'task' && k % 2 ? [UNITS[(k + 1) % 4]] : [],
      leader: n.kind === 'task' ? '王副區長' : null, start_date: '2027-01-01', due_date: n.kind === 'task' ? `2027-${String(3 + (id % 10)).padStart(2, '0')}-30` : null,
      status: STAT[k], status_reason: null, percent: [0, 40, 100, 20, 60][k], light: LIGHTS[k],
      light_reason: LIGHTS[k] === 'red' ? '已超過完成時限' : LIGHTS[k] === 'yellow' ? '月度進展未按時報送' : null,
      last_report_at: null, next_report_due: '2027-04-08', open_followups: k === 3 ? 1 : 0,
      targets: k === 1 ? [{ indicator: '財政收入', value: 15, unit: '%', measure: 'growth_rate', period: 'target', text: '同比增長15%' }] : [], objects: [], version: 1,
    });
    if (n.children) flat(n.children, id, number);
  });
}
flat(nodes, null, '');
const tasks = planNodes.filter((n) => n.kind === 'task');
const fu = { id: 1, number: '督辦〔2027〕1號', node_id: tasks[2].id, content: '該任務已滯後於序時進度，請說明原因並提出整改措施。', issued_at: '2027-03-10T01:00:00Z', reply_due: '2027-03-12T09:30:00Z', state: 'overdue', light: 'red', to_unit: UNITS[0], node_title: tasks[2].title, node_path: ['扎實做好各項民生工作', tasks[2].title], plan_id: 1, plan_title: '加快核心城市發展工作計劃', issuer: '督查室' };
const count = (arr, f) => arr.reduce((m, x) => ((m[f(x)] = (m[f(x)] ?? 0) + 1), m), {});
const planSummary = { id: 1, title: '加快核心城市發展工作計劃', year: 2027, created_at: '2027-01-05T02:00:00Z', counts: { key_works: 5, items: 1, tasks: tasks.length, targets: 3 }, status_counts: count(tasks, (t) => t.status), lights: count(tasks, (t) => t.light), settings: { report_cadence: 'monthly', report_due_workday: 5, yellow_share: 0.8, followup_default_days: 5 } };
const kws = planNodes.filter((n) => n.kind === 'key_work');
const kwOf = (n) => { let c = n; while (c.parent_id) c = planNodes.find((x) => x.id === c.parent_id); return c; };
const overview = {
  by_key_work: kws.map((k) => ({ id: k.id, title: k.title, status_counts: count(tasks.filter((t) => kwOf(t).id === k.id), (t) => t.status), lights: {} })),
  overdue_by_unit: UNITS.map((u) => ({ unit: u, red: tasks.filter((t) => t.lead_unit?.id === u.id && t.light === 'red').length, yellow: tasks.filter((t) => t.lead_unit?.id === u.id && t.light === 'yellow').length })),
  escalations: [fu],
};
const me = { id: 9, username: 'ducha.staff', display_name: '督查室 李明', roles: ['supervisor'], units: [2], units_detail: [{ id: 2, name: '區政府督查室', kind: 'department' }], permissions: ['org.read', 'plan.read', 'plan.write', 'plan.followup', 'plan.report', 'plan.comment'], must_change_password: false, totp_required: false, csrf_token: 'x' };

function answer(method, path, query) {
  if (path === '/me') return me;
  if (path === '/plans' && method === 'GET') return { items: query.get('empty') ? [] : [planSummary], total: 1, page: 1, per_page: 20 };
  if (path === '/plans/import-preview') return proposal;
  if (path === '/plans/1') return planSummary;
  if (path === '/plans/1/nodes') return { items: query.get('mine') ? tasks.filter((t) => t.lead_unit?.id === 11) : planNodes, total: planNodes.length };
  if (path === '/plans/1/overview') return overview;
  if (path === '/my-tasks') return { items: tasks.filter((t) => t.lead_unit?.id === 11).map((t) => ({ ...t, plan_title: planSummary.title })), total: 6, followups: [fu] };
  if (/^\/plan-nodes\/\d+$/.test(path)) {
    const n = planNodes.find((x) => x.id === Number(path.split('/')[2]));
    return { ...n, reports: [{ id: 1, node_id: n.id, text: '已完成項目前期手續，正在組織施工招標。', percent: 40, status: '推進中', at: '2027-02-05T03:00:00Z', by: '春柳街道 張偉' }], comments: [{ id: 1, text: '請加快進度。', at: '2027-02-06T03:00:00Z', by: '王副區長' }], followups: n.id === fu.node_id ? [fu] : [], milestones: [{ title: '完成招標', due_date: '2027-05-31', done: false }] };
  }
  if (path === '/followups') return { items: [fu], total: 1 };
  if (path === '/followups/1') return fu;
  if (path === '/org-units') return { items: UNITS.map((u) => ({ ...u, kind: 'department', active: true, code: null })), total: 4, page: 1, per_page: 50 };
  return { items: [], total: 0 };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
async function shots(width, height, suffix) {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await ctx.route('**/api/v1/**', (route) => {
    const u = new URL(route.request().url());
    const body = answer(route.request().method(), u.pathname.replace('/api/v1', ''), u.searchParams);
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const overflow = async (name) => {
    const m = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
    if (m.doc > m.win) console.log(`OVERFLOW ${name} ${suffix}: ${m.doc} > ${m.win}`);
  };
  const go = async (path, name, extra) => {
    await page.goto(path);
    await page.waitForTimeout(900);
    if (extra) await extra();
    await overflow(name);
    await page.screenshot({ path: join(OUT, `mock-${name}-${suffix}.png`), fullPage: true });
  };
  await go('/plans', 'plans');
  await go('/plans/import', 'import', async () => {
    await page.setInputFiles('[data-testid=import-file]', seedPath);
    await page.getByTestId('import-tree').waitFor();
    await page.locator('.tnode[data-kind=task]').nth(2).click();
    await page.waitForTimeout(400);
  });
  await go('/plans/1', 'detail');
  await go('/plans/1', 'drawer', async () => {
    await page.getByTestId('node-' + tasks[2].id).click();
    await page.getByTestId('node-drawer').waitFor();
    await page.waitForTimeout(500);
    await page.getByRole('tab', { name: /督办单/ }).click();
    await page.waitForTimeout(300);
  });
  await go('/plans/1/timeline', 'timeline');
  await go('/plans/1/overview', 'overview', () => page.waitForTimeout(800));
  await go('/my-tasks', 'mine');
  await go('/followups', 'followups');
  await go('/print/followup/1', 'print-followup');
  await go('/print/plan-node/' + tasks[2].id, 'print-node');
  if (errors.length) console.log('page errors', suffix, errors);
  await ctx.close();
}
await shots(1280, 800, '1280');
await shots(375, 760, '375');
await browser.close();
http.close();
console.log('done', OUT);
