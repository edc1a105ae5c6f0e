// Screenshots of the work plan pages on the demo plan (the seed report the demo imports), as
// ducha.staff and leader, at 1280 and 375 px; reports horizontal overflow. e2e/out/real-*.png
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { DEMO_PASSWORD, api, login, newPage, settle } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, 'out');
mkdirSync(OUT, { recursive: true });
const BIN = resolve(here, '..', process.env.DUBAN_BIN ?? '../build/duban');
const server = await startServer({ bin: BIN, webRoot: join(here, '../dist'), logFile: join(OUT, 'server-shots.log'), cwd: resolve(here, '../..') });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const user of ['ducha.staff', 'leader']) {
    const page = await newPage(browser, server.base);
    await login(page, user, DEMO_PASSWORD);
    const plans = await api(page, 'GET', '/plans');
    const plan = plans.body.items[0];
    const nodes = await api(page, 'GET', `/plans/${plan.id}/nodes`);
    const task = nodes.body.items.find((n) => n.kind === 'task' && n.light !== 'green') ?? nodes.body.items.find((n) => n.kind === 'task');
    const paths = { plans: '/plans', detail: `/plans/${plan.id}`, drawer: `/plans/${plan.id}?node=${task.id}`, timeline: `/plans/${plan.id}/timeline`, overview: `/plans/${plan.id}/overview`, mine: '/my-tasks', followups: '/followups', sheet: `/print/plan-node/${task.id}` };
    for (const [w, h] of [[1280, 800], [375, 760]]) {
      await page.setViewportSize({ width: w, height: h });
      for (const [name, path] of Object.entries(paths)) {
        await page.goto(path);
        await settle(page);
        await page.waitForTimeout(700);
        const m = await page.evaluate(() => {
          const c = document.querySelector('main.content');
          return { doc: document.documentElement.scrollWidth, win: innerWidth, content: c ? c.scrollWidth - c.clientWidth : 0 };
        });
        if (m.doc > m.win || m.content > 0) console.log(`OVERFLOW ${user} ${name} ${w}: ${JSON.stringify(m)}`);
        // the layout scrolls inside main.content: grow the viewport to take the whole page
        const full = await page.evaluate(() => document.querySelector('main.content')?.scrollHeight ?? 0);
        if (full > h) await page.setViewportSize({ width: w, height: Math.min(full + 60, 4000) });
        await page.screenshot({ path: join(OUT, `real-${user}-${name}-${w}.png`), fullPage: true });
        await page.setViewportSize({ width: w, height: h });
      }
    }
    // the same pages in Traditional Chinese and English
    for (const loc of ['zh-TW', 'en']) {
      await page.evaluate((l) => localStorage.setItem('duban.locale', l), loc);
      for (const name of ['detail', 'sheet']) {
        await page.goto(paths[name]);
        await settle(page);
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(OUT, `real-${user}-${name}-${loc}.png`) });
      }
    }
    await page.evaluate(() => localStorage.setItem('duban.locale', 'zh-CN'));
    if (page._errors.length) console.log('page errors', user, page._errors);
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.stop();
}
console.log('done');
