// Screenshots of the economic cockpit (經濟運行) against a running demo server, as leader, at
// 1280 and 375 px, a street's drill-down too; reports horizontal overflow. e2e/out/cockpit-*.png
// BASE=http://127.0.0.1:18300 node e2e/cockpit-shots.mjs
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, api, login, newPage, settle } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, 'out');
mkdirSync(OUT, { recursive: true });
const base = process.env.BASE ?? 'http://127.0.0.1:18300';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await newPage(browser, base);
  await login(page, process.env.USER_NAME ?? 'leader', DEMO_PASSWORD);
  const monthly = await api(page, 'GET', '/indicators/monthly');
  const m = monthly.body;
  console.log('API', monthly.status, m.district, m.year, m.month, 'tp', m.time_progress, 'generated', m.generated_data);
  for (const r of m.rows ?? []) console.log(' ', r.code, r.name, r.ytd, r.unit, 'yoy', r.yoy, 'compl', r.completion, 'gap', r.gap, r.light, r.period);
  const first = (m.streets ?? []).filter((s) => s.code === m.streets[0].code);
  for (const s of first) console.log('  street', s.rank, s.street, s.unit_id, s.code, 'yoy', s.yoy);
  for (const [w, h] of [[1280, 800], [375, 760]]) {
    await page.setViewportSize({ width: w, height: h });
    for (const [name, path] of [['district', '/indicators/cockpit'], ['street', `/indicators/cockpit?unit_id=${first[0]?.unit_id}&unit_name=${encodeURIComponent(first[0]?.street ?? '')}`]]) {
      await page.goto(path);
      await settle(page);
      await page.waitForTimeout(900);
      const o = await page.evaluate(() => {
        const c = document.querySelector('main.content');
        return { doc: document.documentElement.scrollWidth, win: innerWidth, content: c ? c.scrollWidth - c.clientWidth : 0 };
      });
      if (o.doc > o.win || o.content > 0) console.log(`OVERFLOW ${name} ${w}: ${JSON.stringify(o)}`);
      const full = await page.evaluate(() => document.querySelector('main.content')?.scrollHeight ?? 0);
      if (full > h) await page.setViewportSize({ width: w, height: Math.min(full + 60, 4000) });
      await page.screenshot({ path: join(OUT, `cockpit-${name}-${w}.png`), fullPage: true });
      await page.setViewportSize({ width: w, height: h });
    }
  }
  // drill-down by clicking a street, then back through the breadcrumb
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/indicators/cockpit');
  await settle(page);
  await page.getByTestId(`street-${first[0].unit_id}`).click();
  await settle(page);
  console.log('after click', new URL(page.url()).search);
  await page.getByTestId('crumb-district').click();
  await settle(page);
  console.log('after crumb', new URL(page.url()).search);
  if (page._errors.length) console.log('page errors', page._errors);
  await page.context().close();
} finally {
  await browser.close();
}
console.log('done');
