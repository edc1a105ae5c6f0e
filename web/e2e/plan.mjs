// The work plan's must-show (issue 5), in the browser against the real server started with
// --test-clock: the supervisor imports the seed report and confirms it with a task assigned to
// 春柳街道; the street's staff reports progress; the supervisor issues a 督辦單 with 2 reply days;
// the clock moves past its deadline and both the task and the 督辦單 show red. The print view of
// the 督辦單 renders (screenshot and PDF in e2e/out). Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { DEMO_PASSWORD, api, assert, assertEq, ensureSupervisor, login, newPage, push, settle } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const OUT = join(here, 'out');
mkdirSync(OUT, { recursive: true });
const BIN = resolve(webDir, process.env.DUBAN_BIN ?? '../build/duban');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The repository's golden fixture (the seed report, UTF-8).
const SEED = resolve(webDir, '../tests/fixtures/seed-report.txt');
const shot = (page, name) => page.screenshot({ path: join(OUT, 'plan-' + name + '.png'), fullPage: true });

let server;
let browser;
const pages = {};
const state = {};

async function as(username) {
  let page = pages[username];
  if (page) {
    // a clock move may have ended the session: sign in again
    const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.text().then(() => r.status)));
    if (me === 200) return page;
    await page.context().close();
  }
  page = await newPage(browser, server.base);
  await login(page, username, DEMO_PASSWORD);
  pages[username] = page;
  return page;
}

/** Sets the server's clock (and runs its sweep), as the supervisor. */
async function setClock(now) {
  const page = await as('ducha.staff');
  const r = await api(page, 'PUT', '/_test/clock', { now });
  assert(r.status >= 200 && r.status < 300, `PUT /_test/clock → ${r.status} ${JSON.stringify(r.body)}`);
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });


test('the clock starts on a working Monday of the plan year', async () => {
  await setClock('2027-03-08T09:00:00+08:00');
});

test('ducha.staff imports the seed report, assigns a task to 春柳街道 and confirms', async () => {
  const page = await as('ducha.staff');
  await push(page, '/plans');
  await shot(page, 'list-before');
  await push(page, '/plans/import');
  const preview = page.waitForResponse((r) => r.url().endsWith('/api/v1/plans/import-preview'));
  await page.setInputFiles('[data-testid=import-file]', SEED);
  const pr = await preview;
  assertEq(pr.status(), 200, 'import-preview status');
  const proposal = await pr.json();
  await page.getByTestId('import-tree').waitFor();
  const enc = (await page.getByTestId('import-encoding').textContent()).trim();
  assertEq(enc, proposal.encoding, 'encoding shown');
  // the first task: select it, its span is highlighted in the source and is its text
  const first = page.locator('.tnode[data-kind=task]').first();
  const title = (await first.locator('.tnode-title').textContent()).trim();
  await first.click();
  await page.getByTestId('node-editor').waitFor();
  const mark = (await page.getByTestId('import-highlight').textContent()) ?? '';
  assert(mark.length > 0, 'no highlighted span for the selected task');
  const inView = await page.evaluate(() => {
    const box = document.querySelector('[data-testid=import-source]').getBoundingClientRect();
    const m = document.querySelector('[data-testid=import-highlight]').getBoundingClientRect();
    return m.top < box.bottom && m.bottom > box.top;
  });
  assert(inView, 'the highlighted span is not scrolled into view');
  await shot(page, 'import-selected');
  // lead unit 春柳街道
  await page.getByTestId('node-lead-unit').click();
  await page.keyboard.type('春柳街道');
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: '春柳街道' }).first();
  await option.waitFor();
  await option.click();
  // due the day after tomorrow, so the clock can pass it
  const due = page.locator('[data-testid=node-editor] .el-date-editor input').nth(1);
  await due.fill('2027-03-10');
  await due.press('Enter');
  await page.keyboard.press('Escape');
  await shot(page, 'import-assigned');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/plans') && r.request().method() === 'POST');
  await page.getByTestId('import-confirm').click();
  const cr = await created;
  const body = await cr.json();
  assertEq(cr.status(), 201, `POST /plans ${JSON.stringify(body)}`);
  state.planId = body.id;
  await page.waitForURL(new RegExp(`/plans/${body.id}$`));
  await settle(page);
  const nodes = await api(page, 'GET', `/plans/${body.id}/nodes`);
  const task = nodes.body.items.find((n) => n.kind === 'task' && n.lead_unit?.name === '春柳街道');
  assert(task, `no task led by 春柳街道 in ${JSON.stringify(nodes.body.items.slice(0, 5))}`);
  assertEq(task.title, title, 'the assigned task');
  assertEq(task.due_date, '2027-03-10', 'due date');
  state.task = task;
  await page.getByTestId('node-' + task.id).waitFor();
  await shot(page, 'detail');
});

test('chunliu.staff sees the task in 我的任務 and reports progress', async () => {
  const page = await as('chunliu.staff');
  await push(page, '/my-tasks');
  await page.getByTestId('mine-' + state.task.id).click();
  await page.getByTestId('node-drawer').waitFor();
  await page.getByRole('tab', { name: /进展/ }).click();
  await page.getByTestId('report-form').waitFor();
  await page.locator('textarea[data-testid=report-text], [data-testid=report-text] textarea').fill('已完成前期摸底，正在制定實施方案。');
  await page.locator('[data-testid=report-form] .el-slider__button-wrapper').focus();
  // all the way to 100% while still 推進中: the form says so and offers 已完成; back to 40%
  await page.keyboard.press('End');
  await page.getByTestId('report-mismatch').waitFor();
  await shot(page, 'report-100-in-progress');
  await page.getByTestId('report-mark-done').click();
  await page.getByTestId('report-mismatch').waitFor({ state: 'detached' });
  await page.locator('[data-testid=report-form] .el-slider__button-wrapper').focus();
  await page.keyboard.press('Home');
  await page.getByTestId('report-mark-full').waitFor(); // 已完成 at 0%: said as well
  await page.locator('[data-testid=report-status]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '推进中' }).click();
  await page.getByTestId('report-mismatch').waitFor({ state: 'detached' });
  await page.locator('[data-testid=report-form] .el-slider__button-wrapper').focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
  const posted = page.waitForResponse((r) => r.url().endsWith(`/plan-nodes/${state.task.id}/reports`));
  await page.getByTestId('report-submit').click();
  const r = await posted;
  assertEq(r.status(), 201, `report ${await r.text()}`);
  const sent = JSON.parse(r.request().postData());
  assertEq([sent.percent, sent.status], [40, '推進中'], 'percent from the slider, status as chosen');
  await settle(page);
  const n = await api(page, 'GET', `/plan-nodes/${state.task.id}`);
  assertEq(n.body.reports.length, 1, 'reports on the task');
  assertEq(n.body.percent, 40, 'task percent');
  await shot(page, 'reported');
});

test('ducha.staff issues a 督辦單 with 2 reply days', async () => {
  const page = await as('ducha.staff');
  await page.goto(`/plans/${state.planId}?node=${state.task.id}`);
  await settle(page);
  await page.getByTestId('node-drawer').waitFor();
  await page.getByRole('tab', { name: /督办单/ }).click();
  await page.locator('textarea[data-testid=followup-content], [data-testid=followup-content] textarea').fill('該任務進展緩慢，請於限期內書面說明原因及整改措施。');
  const days = page.locator('input[data-testid=followup-days], [data-testid=followup-days] input').first();
  await days.fill('2');
  await days.press('Tab');
  const issued = page.waitForResponse((r) => r.url().endsWith(`/plan-nodes/${state.task.id}/followups`));
  await page.getByTestId('followup-submit').click();
  const r = await issued;
  const body = await r.json();
  assertEq(r.status(), 201, `followup ${JSON.stringify(body)}`);
  assertEq(JSON.parse(r.request().postData()).reply_days, 2, 'reply days sent');
  assert(/^督辦〔2027〕\d+號$/.test(body.number), `number ${body.number}`);
  state.fu = body;
  await page.getByTestId('fu-' + body.id).waitFor();
  await shot(page, 'followup-issued');
});

test('past the reply deadline the task and the 督辦單 are red', async () => {
  await setClock('2027-03-12T10:00:00+08:00');
  const page = await as('ducha.staff');
  await page.goto(`/plans/${state.planId}`);
  await settle(page);
  const light = page.getByTestId('light-' + state.task.id);
  await light.waitFor();
  assertEq(await light.getAttribute('data-light'), 'red', 'task light in the tree table');
  await shot(page, 'task-red');
  await push(page, '/followups');
  const fl = page.getByTestId('fu-light-' + state.fu.id);
  await fl.waitFor();
  assertEq(await fl.getAttribute('data-light'), 'red', '督辦單 light in the list');
  await shot(page, 'followups-red');
  // the unit sees it red too, on its own page
  const staff = await as('chunliu.staff');
  await push(staff, '/my-tasks');
  assertEq(await staff.getByTestId('mine-light-' + state.task.id).getAttribute('data-light'), 'red', 'task light in 我的任務');
  assertEq(await staff.locator(`[data-testid=mine-followups] [data-testid=fu-light-${state.fu.id}]`).getAttribute('data-light'), 'red', '督辦單 light in 我的任務');
  await shot(staff, 'mine-red');
  // the leader's overview lists the escalation
  const leader = await as('leader');
  await push(leader, `/plans/${state.planId}/overview`);
  await leader.getByTestId('chart-status').waitFor();
  await leader.waitForTimeout(600);
  await shot(leader, 'overview');
  const esc = await leader.getByTestId('escalations').textContent();
  assert(esc.includes(state.fu.number), `the overview's escalations do not list ${state.fu.number}`);
});

test('the 督辦單 print view is an A4 official document', async () => {
  const page = await as('ducha.staff');
  await page.goto(`/print/followup/${state.fu.id}`);
  await page.getByTestId('doc-sheet').waitFor();
  await settle(page);
  assertEq((await page.getByTestId('doc-number').textContent()).trim(), state.fu.number, 'number line');
  assertEq((await page.getByTestId('doc-office').textContent()).trim(), '区政府督查室', 'issuing office');
  assert((await page.getByTestId('doc-to').textContent()).includes('春柳街道'), 'addressee');
  assertEq(await page.locator('.layout, [data-testid=sidebar]').count(), 0, 'no app chrome');
  const m = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('.sheet'));
    const title = getComputedStyle(document.querySelector('.doc-title'));
    return { width: s.width, padTop: s.paddingTop, padLeft: s.paddingLeft, font: s.fontSize, title: title.fontSize, family: title.fontFamily };
  });
  // 210 mm = 793.7 px; 37 mm = 139.8 px; 28 mm = 105.8 px; 16 pt = 21.3 px; 22 pt = 29.3 px
  assert(Math.abs(parseFloat(m.width) - 793.7) < 1, `sheet width ${m.width}`);
  assert(Math.abs(parseFloat(m.padTop) - 139.8) < 1 && Math.abs(parseFloat(m.padLeft) - 105.8) < 1, `margins ${m.padTop} ${m.padLeft}`);
  assert(Math.abs(parseFloat(m.font) - 21.33) < 0.1 && Math.abs(parseFloat(m.title) - 29.33) < 0.1, `sizes ${m.font} ${m.title}`);
  await shot(page, 'print-followup');
  await page.emulateMedia({ media: 'print' });
  writeFileSync(join(OUT, 'plan-print-followup.pdf'), await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  await page.emulateMedia({ media: 'screen' });
  await page.goto(`/print/plan-node/${state.task.id}`);
  await page.getByTestId('sheet-title').waitFor();
  await settle(page);
  await shot(page, 'print-node');
});

test('the leader comments on the task (批示)', async () => {
  const page = await as('leader');
  await page.goto(`/plans/${state.planId}?node=${state.task.id}`);
  await settle(page);
  await page.getByTestId('node-drawer').waitFor();
  await page.getByRole('tab', { name: /批示/ }).click();
  await page.locator('textarea[data-testid=comment-text], [data-testid=comment-text] textarea').fill('請春柳街道抓緊整改，下周彙報。');
  const posted = page.waitForResponse((r) => r.url().endsWith(`/plan-nodes/${state.task.id}/comments`));
  await page.getByTestId('comment-submit').click();
  const r = await posted;
  assertEq(r.status(), 201, `comment ${await r.text()}`);
  await settle(page);
  await page.getByText('請春柳街道抓緊整改，下周彙報。').waitFor();
  // a leader has no plan.write: the fields are read-only and there is no 督辦單 form
  assertEq(await page.getByTestId('drawer-save').count(), 0, 'save button for the leader');
  await shot(page, 'leader-comment');
});

test('chunliu.staff replies to the 督辦單 from 我的任務; it leaves the list to reply to', async () => {
  const page = await as('chunliu.staff');
  await push(page, '/my-tasks');
  await page.getByTestId('fu-reply-' + state.fu.id).click();
  await page.getByTestId('reply-dialog').waitFor();
  await page.locator('textarea[data-testid=reply-text], [data-testid=reply-text] textarea').fill('已於3月11日召開專題會，整改措施見附件。');
  const replied = page.waitForResponse((r) => r.url().endsWith(`/followups/${state.fu.id}/reply`));
  await page.getByTestId('reply-submit').click();
  const r = await replied;
  assertEq(r.status(), 200, `reply ${await r.text()}`);
  await settle(page);
  assertEq(await page.getByTestId('fu-reply-' + state.fu.id).count(), 0, 'reply button after replying');
  const f = await api(page, 'GET', `/followups/${state.fu.id}`);
  assertEq(f.body.state, 'replied', 'state after the reply');
  await shot(page, 'mine-replied');
});

const t0 = Date.now();
let passed = 0;
let failed = 0;
try {
  server = await startServer({ bin: BIN, webRoot: join(webDir, 'dist'), logFile: join(OUT, 'server-plan.log'), testClock: true });
  await ensureSupervisor(server, BIN);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  for (const t of tests) {
    const s = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`  ✓ ${t.name} (${((Date.now() - s) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`  ✗ ${t.name} (${((Date.now() - s) / 1000).toFixed(1)} s)\n    ${String(e?.stack ?? e).split('\n').join('\n    ')}`);
      for (const [u, p] of Object.entries(pages)) await shot(p, `fail-${u}`).catch(() => undefined);
      break; // each step needs the one before
    }
  }
} catch (e) {
  failed++;
  console.log(`  ✗ setup: ${e?.stack ?? e}`);
} finally {
  await browser?.close().catch(() => undefined);
  await server?.stop().catch(() => undefined);
}
console.log(`plan e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${OUT}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
