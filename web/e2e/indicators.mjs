// The economic indicators in the browser against the real server (--demo's generated statistics):
// the cockpit's cards equal the API's figures, a street's drill-down shows its history with a
// revision, and the monthly pack is edited (a number that is not in the table is flagged), saved,
// published and downloaded (xlsx and HTML non-empty, Chinese inside); on 数据填报 the statistician
// enters a value (saved, its revision and history shown) and previews a CSV with an error (nothing
// applied). Screenshots in e2e/out
// (indicators-*.png). Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { DEMO_PASSWORD, api, assert, assertEq, ensureSupervisor, login, menuOf, newPage, push, settle } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const OUT = join(here, 'out');
mkdirSync(OUT, { recursive: true });
const BIN = resolve(webDir, process.env.DUBAN_BIN ?? '../build/duban');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shot = (page, name) => page.screenshot({ path: join(OUT, 'indicators-' + name + '.png'), fullPage: true });
/** The whole page: the content scrolls inside the layout, so the viewport grows to its height. */
async function tallShot(page, name) {
  const h = await page.evaluate(() => document.querySelector('main.content')?.scrollHeight ?? 900);
  await page.setViewportSize({ width: 1280, height: Math.min(h + 70, 4000) });
  await page.waitForTimeout(600);
  await shot(page, name);
  await page.setViewportSize({ width: 1280, height: 900 });
}

let server;
let browser;
const pages = {};
const state = {};

async function as(username) {
  if (pages[username]) return pages[username];
  const page = await newPage(browser, server.base, { viewport: { width: 1280, height: 900 } });
  await login(page, username, DEMO_PASSWORD);
  pages[username] = page;
  return page;
}

/** "12345.60" → "12,345.60", as the cockpit prints a decimal string. */
const grouped = (s) => {
  const [i, f] = s.replace(/^-/, '').split('.');
  return (s.startsWith('-') ? '-' : '') + i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f !== undefined ? '.' + f : '');
};

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the cockpit cards show the API figures of the demo month', async () => {
  const page = await as('leader');
  await push(page, '/indicators/cockpit');
  await page.getByTestId('cockpit-cards').waitFor();
  const month = await page.locator('.month-picker input').first().inputValue();
  const m = (await api(page, 'GET', '/indicators/monthly?month=' + month)).body;
  assert(m.generated_data, 'the demo month is generated data');
  await page.getByTestId('cockpit-generated').waitFor();
  const withData = m.rows.filter((r) => r.ytd != null);
  assert(withData.length >= 5, `rows with figures: ${withData.length}`);
  for (const r of withData) {
    const card = page.getByTestId('card-' + r.code);
    const num = (await card.locator('.num').textContent()).trim();
    assertEq(num, grouped(r.ytd), `${r.code} card number`);
  }
  const fr = m.rows.find((r) => r.code === 'FISCAL_REV');
  const yoy = (await page.getByTestId('yoy-FISCAL_REV').textContent()).trim();
  assertEq(yoy, (Number(fr.yoy) > 0 ? '+' : '') + fr.yoy + '%', 'FISCAL_REV 同比 on its card');
  state.month = month;
  state.monthly = m;
  await shot(page, 'cockpit');
  // the alerts behind the home page's count, listed; a row opens its unit's figures
  const alerts = (await api(page, 'GET', '/indicators/alerts')).body;
  assert(alerts.total > 0, 'the demo has alerts');
  const box = page.getByTestId('cockpit-alerts');
  await box.locator('.el-table__row').first().waitFor();
  assert((await box.locator('h4').textContent()).includes(`（${alerts.total}）`), 'the list says how many');
  const reds = alerts.items.filter((a) => a.level === 'red').length;
  const first = box.locator('.el-table__row').first();
  assertEq((await first.textContent()).includes('红色'), reds > 0, 'red alerts first');
  const unitName = (await first.locator('td').nth(2).textContent()).trim();
  const opened = alerts.items.find((a) => a.unit_name === unitName);
  assert(opened, `the first row's unit ${unitName} is an alert's`);
  await first.click();
  if (opened.unit_id === m.unit_id) {
    await page.waitForURL(/code=/);
    assertEq(new URL(page.url()).searchParams.get('unit_id'), null, 'the district stays the district');
  } else {
    await page.waitForURL(/unit_id=/);
    assertEq(new URL(page.url()).searchParams.get('unit_name'), unitName, 'the row opened its unit');
  }
  await page.getByTestId('cockpit-cards').waitFor();
});

test('a revision entered by the statistician', async () => {
  // 春柳街道's fiscal revenue of the month, revised (a new revision, the old one kept).
  const street = state.monthly.streets.find((s) => s.code === 'FISCAL_REV' && s.street === '春柳街道') ?? state.monthly.streets.find((s) => s.code === 'FISCAL_REV');
  state.street = street;
  const stat = await as('tongji.staff');
  const v = (await api(stat, 'GET', `/indicators/values?indicator=FISCAL_REV&unit_id=${street.unit_id}&from=${state.month}&to=${state.month}`)).body.items[0];
  const revised = (Number(v.value) + 0.01).toFixed(2);
  const r = await api(stat, 'PUT', '/indicators/values', {
    indicator: 'FISCAL_REV', unit_id: street.unit_id, period: state.month, value: revised, status: 'final', confirm_jump: true,
  });
  assertEq(r.status, 200, `revision ${JSON.stringify(r.body)}`);
  assertEq(r.body.revision, v.revision + 1, 'revision number');
  state.revised = revised;
  state.oldValue = v.value;
});

test('drill-down: a street in the ranking opens its history of the indicator, revisions visible', async () => {
  const page = await as('leader');
  await push(page, '/indicators/cockpit?month=' + state.month);
  await page.getByTestId('rank-indicator').click();
  await page.locator('.el-select-dropdown__item', { hasText: state.monthly.rows.find((r) => r.code === 'FISCAL_REV').name }).first().click();
  await settle(page);
  await page.getByTestId('street-' + state.street.unit_id).click();
  await settle(page);
  const q = new URL(page.url()).searchParams;
  assertEq([q.get('unit_id'), q.get('code')], [String(state.street.unit_id), 'FISCAL_REV'], 'the drill-down URL');
  await page.getByTestId('street-history').waitFor();
  await page.getByTestId('history-table').waitFor();
  const cell = (await page.getByTestId('history-value-' + state.month).textContent()).trim();
  assertEq(cell, grouped(state.revised), 'the revised value in the history table');
  // two years of figures: last year's same month is there too
  const [y, mm] = state.month.split('-');
  await page.getByTestId(`history-value-${Number(y) - 1}-${mm}`).waitFor();
  await tallShot(page, 'street-history');
  await page.getByTestId('history-rev-' + state.month).click();
  const dlg = page.getByTestId('history-revisions');
  await dlg.locator('.el-table__row').nth(1).waitFor();
  const text = await dlg.textContent();
  assertEq(await dlg.locator('.el-table__row').count(), 2, 'two revisions listed (the current one once)');
  assert(text.includes(grouped(state.oldValue)) && text.includes(grouped(state.revised)), `both revisions in the dialog: ${text.slice(0, 300)}`);
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(OUT, 'indicators-street-revisions.png') });
  await page.keyboard.press('Escape');
  await page.getByTestId('crumb-district').click();
  await settle(page);
  assertEq(new URL(page.url()).searchParams.get('unit_id'), null, 'back to the district');
});

test('the pack: edit (a number not in the table is flagged), save, publish, download', async () => {
  const page = await as('ducha.staff');
  await push(page, '/indicators/pack?month=' + state.month);
  await page.getByTestId('pack-table').waitFor();
  const pack = (await api(page, 'GET', '/indicators/pack?month=' + state.month)).body;
  const fr = pack.table.rows.find((r) => r.code === 'FISCAL_REV');
  assertEq((await page.getByTestId('pack-ytd-FISCAL_REV').textContent()).trim(), grouped(fr.ytd), 'the table figure');
  assertEq(await page.getByTestId('pack-warn-1').count(), 0, 'no warning on the draft');
  const box = page.locator('[data-testid=pack-para-1] textarea');
  const original = await box.inputValue();
  assertEq(original, pack.draft[1], 'the drafted paragraph in its box');
  await box.fill(original + '全年预计可达99999.9亿元。');
  await page.getByTestId('pack-warn-1').waitFor();
  assert((await page.getByTestId('pack-warn-1').textContent()).includes('99999.9'), 'the warning names the number');
  const saved = page.waitForResponse((r) => r.url().includes('/indicators/pack/draft'));
  await page.getByTestId('pack-save').click();
  assertEq((await saved).status(), 200, 'save');
  await settle(page);
  assert((await page.getByTestId('pack-state-tag').textContent()).includes('草稿'), 'state: draft');
  await tallShot(page, 'pack-draft');
  await page.getByTestId('pack-publish').click();
  const confirm = page.locator('.el-message-box');
  await confirm.waitFor();
  assert((await confirm.textContent()).includes('1 个数字与表格不符'), 'the confirm repeats the mismatch');
  const published = page.waitForResponse((r) => r.url().includes('/indicators/pack/publish'));
  await confirm.locator('.el-button--primary').click();
  const pr = await published;
  assertEq(pr.status(), 201, 'publish');
  const pub = await pr.json();
  await settle(page);
  assert((await page.getByTestId('pack-state-tag').textContent()).includes('已发布'), 'state: published');
  assert((await page.getByTestId('pack-hash').textContent()).includes(pub.hash.slice(0, 16)), 'the hash shown');
  await page.getByTestId('pack-editions').waitFor();
  // the event
  const ev = (await api(await as('auditor'), 'GET', '/events?action=indicator.pack_published&per_page=10')).body.items;
  assert(ev.some((e) => e.payload.hash === pub.hash), 'indicator.pack_published carries the hash');
  // downloads of edition 1: the xlsx through the browser's download, the HTML opened
  const dl = page.waitForEvent('download');
  await page.getByTestId('pack-ed-1-xlsx').click();
  const file = await (await dl).path();
  const xlsx = readFileSync(file);
  assert(xlsx.length > 2000 && xlsx.subarray(0, 2).toString() === 'PK', `xlsx ${xlsx.length} bytes`);
  const html = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return { status: r.status, hash: r.headers.get('X-Pack-Hash'), text: await r.text() };
  }, `/api/v1/indicators/pack/file?month=${state.month}&format=html&edition=1`);
  assertEq([html.status, html.hash], [200, pub.hash], 'the HTML of edition 1');
  assert(html.text.includes('一般公共预算收入') && html.text.includes('99999.9'), 'Chinese and the edited text in the HTML');
  const view = await newPage(browser, server.base);
  await view.setContent(html.text);
  assert((await view.textContent('body')).includes('一般公共预算收入'), 'the HTML opens');
  await view.context().close();
  await tallShot(page, 'pack-published');
});

test('数据填报: the statistician enters a value and sees it saved; a CSV with an error is previewed and nothing applied', async () => {
  const page = await as('tongji.staff');
  assert((await menuOf(page)).includes('IndicatorEntry'), 'the statistician has 数据填报 in the menu');
  const defs = (await api(page, 'GET', '/indicators/definitions')).body.items;
  const fr = defs.find((d) => d.code === 'FISCAL_REV');
  const streets = (await api(page, 'GET', '/org-units?kind=street&per_page=100')).body.items;
  const chunliu = streets.find((u) => u.name === '春柳街道');
  const malan = streets.find((u) => u.name === '马栏街道');
  // the month after the demo month (the current month at the latest): a new figure of 春柳街道 that
  // continues the last month's pace (no jump)
  const [y, m] = state.month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  const last = (await api(page, 'GET', `/indicators/values?indicator=FISCAL_REV&unit_id=${chunliu.id}&from=${state.month}&to=${state.month}`)).body.items[0];
  const before = (await api(page, 'GET', `/indicators/values?indicator=FISCAL_REV&unit_id=${chunliu.id}&from=${next}&to=${next}`)).body.items[0];
  const value = (Number(last.value) + Number(last.month_value ?? '0.2')).toFixed(2);

  await push(page, '/indicators/entry');
  await page.getByTestId('entry-form').waitFor();
  await settle(page);
  await page.getByTestId('entry-indicator').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: fr.name_zh }).first().click();
  await page.getByTestId('entry-unit').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '春柳街道' }).first().click();
  await page.locator('.entry-period input').fill(next);
  await page.keyboard.press('Enter');
  await settle(page);
  // a figure that is not a number is refused on its field before anything is sent
  await page.getByTestId('entry-value').fill('abc');
  await page.getByTestId('entry-save').click();
  await page.locator('.el-form-item__error', { hasText: '请输入数字' }).waitFor();
  await page.getByTestId('entry-value').fill(value);
  await page.getByTestId('entry-status-final').click();
  const put = page.waitForResponse((r) => r.url().endsWith('/api/v1/indicators/values') && r.request().method() === 'PUT');
  await page.getByTestId('entry-save').click();
  const res = await put;
  assertEq(res.status(), before ? 200 : 201, 'PUT /indicators/values');
  const body = await res.json();
  assertEq(JSON.parse(res.request().postData()), { indicator: 'FISCAL_REV', unit_id: chunliu.id, period: next, value, status: 'final' }, 'the PUT body');
  await page.getByTestId('entry-saved').waitFor();
  const savedText = await page.getByTestId('entry-saved-text').textContent();
  const rev = before ? before.revision + 1 : 1;
  assert(savedText.includes(`= ${value}`) && savedText.includes(`第 ${rev} 版`) && savedText.includes('最终') && savedText.includes('春柳街道'), `saved: ${savedText}`);
  const stored = (await api(page, 'GET', `/indicators/values?indicator=FISCAL_REV&unit_id=${chunliu.id}&from=${next}&to=${next}`)).body.items[0];
  assertEq([stored.value, stored.status, stored.revision, stored.source], [value, 'final', rev, 'manual'], 'the stored value');
  await page.getByTestId('entry-year-value-' + next).waitFor();
  await tallShot(page, 'entry-saved');
  // its history in a dialog
  await page.getByTestId('entry-history').click();
  const dlg = page.getByTestId('entry-revisions');
  await dlg.locator('.el-table__row').first().waitFor();
  const dtext = await dlg.textContent();
  assert(dtext.includes(value) && dtext.includes(`第 ${rev} 版`) && dtext.includes('手工填报'), `history dialog: ${dtext.slice(0, 300)}`);
  assertEq(body.id, stored.id, 'the saved value is the stored one');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(OUT, 'indicators-entry-history.png') });
  await page.keyboard.press('Escape');

  // the import: one good row of 马栏街道 and one bad one; the preview names the bad cell, nothing is written
  const malanBefore = (await api(page, 'GET', `/indicators/values?indicator=FISCAL_REV&unit_id=${malan.id}&from=${state.month}&to=${state.month}`)).body.items[0];
  const changedValue = (Number(malanBefore.value) + 0.01).toFixed(2);
  const csv = `指标,单位代码,期别,数值,状态\n一般公共预算收入,${malan.code},${state.month},${changedValue},最终\n全社会固定资产投资,${malan.code},${state.month},abc,初步\n`;
  await page.getByRole('tab', { name: '批量导入' }).click();
  await page.getByTestId('import-file').waitFor();
  const check = page.waitForResponse((r) => r.url().endsWith('/api/v1/indicators/import'));
  await page.getByTestId('import-file').setInputFiles({ name: 'malan.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  const cr = await check;
  assertEq(JSON.parse(cr.request().postData()).apply, false, 'the first request only checks');
  const preview = await cr.json();
  assertEq([preview.rows, preview.valid, preview.error_count, preview.applied], [2, 1, 1, 0], 'the preview counts');
  await page.getByTestId('import-has-errors').waitFor();
  const errs = await page.$$eval('[data-testid=import-errors] .el-table__body tr', (els) => els.map((e) => e.textContent.replace(/\s+/g, '')));
  assertEq(errs.length, 1, 'one error row');
  assert(errs[0].startsWith('3') && errs[0].includes('abc'), `the error names row 3 and the bad cell: ${errs[0]}`);
  assertEq((await page.getByTestId('import-error-count').textContent()).trim(), '1', 'the error count');
  assert(await page.getByTestId('import-apply').isDisabled(), '确认导入 is disabled while there are errors');
  await page.getByTestId('import-error-workbook').waitFor();
  const malanAfter = (await api(page, 'GET', `/indicators/values?indicator=FISCAL_REV&unit_id=${malan.id}&from=${state.month}&to=${state.month}`)).body.items[0];
  assertEq([malanAfter.value, malanAfter.revision], [malanBefore.value, malanBefore.revision], 'nothing was applied');
  assertEq(page._api.responses.filter((r) => r.url.endsWith('/indicators/import')).length, 1, 'no second (apply) request');
  await tallShot(page, 'entry-import-errors');

  // the targets of the year: the district and its streets, with the split check
  await page.getByRole('tab', { name: '年度目标' }).click();
  await page.getByTestId('target-table').waitFor();
  await settle(page);
  const checkText = await page.getByTestId('target-check').textContent();
  assert(checkText.includes('街道目标合计'), `the split check: ${checkText}`);
  await tallShot(page, 'entry-targets');
});

test('staff read the cockpit but have no pack page', async () => {
  const page = await as('chunliu.staff');
  const r = await api(page, 'PUT', '/indicators/pack/draft', { month: state.month, narrative: ['x'] });
  assertEq(r.status, 403, 'staff cannot save a draft');
  const names = await page.evaluate(() => document.getElementById('app').__vue_app__.config.globalProperties.$router.hasRoute('IndicatorPack'));
  assertEq(names, false, 'no pack route for staff');
  const entry = await page.evaluate(() => document.getElementById('app').__vue_app__.config.globalProperties.$router.hasRoute('IndicatorEntry'));
  assertEq(entry, false, 'no 数据填报 route for staff');
  assertEq((await api(page, 'PUT', '/indicators/values', { indicator: 'FISCAL_REV', unit_id: 1, period: state.month, value: '1', status: 'final' })).status, 403, 'staff cannot enter a value');
});

const t0 = Date.now();
let passed = 0;
let failed = 0;
try {
  server = await startServer({ bin: BIN, webRoot: join(webDir, 'dist'), logFile: join(OUT, 'server-indicators.log') });
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
  for (const p of Object.values(pages)) if (p._errors.length) console.log('page errors', p._errors);
} catch (e) {
  failed++;
  console.log(`  ✗ setup: ${e?.stack ?? e}`);
} finally {
  await browser?.close().catch(() => undefined);
  await server?.stop().catch(() => undefined);
}
console.log(`indicators e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${OUT}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
