// Browser helpers shared by the tests: login (with the second factor), settling, route walking.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { totp } from './totp.mjs';

export const DEMO_PASSWORD = 'Duban-Demo-2026!';

/** TOTP secrets of the accounts the tests enrolled, and the last time step each has used. */
const secrets = new Map();
const lastStep = new Map();

export function rememberSecret(username, secret, usedStep) {
  secrets.set(username, secret);
  lastStep.set(username, usedStep);
}
export function hasSecret(username) {
  return secrets.has(username);
}

/** A code the server has not seen yet for this account: the current step, or the next (±1 accepted). */
export async function freshCode(username) {
  const secret = secrets.get(username);
  if (!secret) throw new Error(`no TOTP secret for ${username}`);
  const now = Math.floor(Date.now() / 1000 / 30);
  let step = Math.max(now, (lastStep.get(username) ?? -1) + 1);
  if (step > now + 1) {
    // Both usable steps are spent: wait for the next one.
    const waitMs = (step - 1) * 30_000 - Date.now() + 200;
    await new Promise((r) => setTimeout(r, Math.max(0, waitMs)));
  }
  lastStep.set(username, step);
  return { code: totp(secret, step * 30_000), step };
}

/** Follows in-flight /api requests of a page. */
export function trackApi(page) {
  const state = { inflight: 0, responses: [] };
  page.on('request', (r) => {
    if (r.url().includes('/api/')) state.inflight++;
  });
  const done = (r) => {
    if (r.url().includes('/api/')) state.inflight = Math.max(0, state.inflight - 1);
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  page.on('response', (r) => {
    if (r.url().includes('/api/')) state.responses.push({ url: r.url(), status: r.status(), method: r.request().method() });
  });
  page._api = state;
  return state;
}

/** Waits until the page has had no API request in flight for 250 ms (at most 8 s). */
export async function settle(page, quietMs = 250) {
  const state = page._api;
  const end = Date.now() + 8000;
  let quietSince = Date.now();
  while (Date.now() < end) {
    if (state.inflight > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) break;
    await page.waitForTimeout(50);
  }
  // let Vue render what arrived
  await page.waitForTimeout(50);
}

export async function newPage(browser, base, opts = {}) {
  const ctx = await browser.newContext({
    baseURL: base,
    viewport: opts.viewport ?? { width: 1366, height: 820 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  trackApi(page);
  page._errors = [];
  page.on('pageerror', (e) => page._errors.push(e.message));
  return page;
}

/** Completes a forced TOTP enrolment on /totp-enroll (or the 個人中心 tab) and remembers the secret. */
export async function enrolTotp(page, username, { shot } = {}) {
  await page.getByTestId('totp-start').click();
  const secretText = await page.getByTestId('totp-secret').textContent();
  const secret = secretText.replace(/\s+/g, '');
  await page.getByTestId('totp-qr').waitFor();
  if (shot) await shot(page);
  const step = Math.floor(Date.now() / 1000 / 30);
  rememberSecret(username, secret, step);
  await page.getByTestId('totp-confirm-code').fill(totp(secret, step * 30_000));
  await page.getByTestId('totp-confirm').click();
  const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
  if (codes.length !== 10) throw new Error(`expected 10 recovery codes, got ${codes.length}`);
  return { secret, codes };
}

/**
 * Signs in through the login page. Admin accounts enrol TOTP on their first sign-in (the server
 * requires it) and give a fresh code on later ones. Ends on /home unless a password change is due.
 */
export async function login(page, username, password = DEMO_PASSWORD, { shots } = {}) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  // Either we leave the login page, or the second step is shown.
  await Promise.race([
    page.waitForURL((u) => u.pathname !== '/login'),
    page.getByTestId('totp-form').waitFor(),
  ]);
  if (new URL(page.url()).pathname === '/login') {
    const { code } = await freshCode(username);
    await page.getByTestId('totp-code').fill(code);
    await page.getByTestId('totp-submit').click();
    await page.waitForURL((u) => u.pathname !== '/login');
  }
  if (new URL(page.url()).pathname === '/totp-enroll') {
    await enrolTotp(page, username, { shot: shots?.enroll });
    await page.getByTestId('codes-saved').click();
    await page.waitForURL((u) => u.pathname === '/home');
  }
  await settle(page);
}

export async function menuOf(page) {
  return page.$$eval('[data-testid=side-menu] [data-menu]', (els) => els.map((e) => e.getAttribute('data-menu')));
}

/** The app's route table with, for each page, whether it is registered for this account. */
export async function routeTable(page) {
  return page.evaluate(() => {
    const app = document.getElementById('app').__vue_app__;
    const router = app.config.globalProperties.$router;
    return app.config.globalProperties.$routeTable.map((r) => ({ ...r, registered: router.hasRoute(r.name) }));
  });
}

/** Navigates inside the app (no reload) and waits for its API calls. */
export async function push(page, path) {
  await Promise.race([
    page.evaluate((p) => document.getElementById('app').__vue_app__.config.globalProperties.$router.push(p), path),
    page.waitForTimeout(10_000).then(() => {
      throw new Error(`router.push(${path}) did not settle in 10 s`);
    }),
  ]);
  await settle(page);
}

/** Runs fn over items, at most `limit` at a time; rejects with the first failure once all have ended. */
export async function eachLimit(items, limit, fn) {
  const queue = [...items];
  const errors = [];
  const worker = async () => {
    while (queue.length) {
      const item = queue.shift();
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  if (errors.length) throw errors[0];
}

export async function currentRouteName(page) {
  return page.evaluate(() => document.getElementById('app').__vue_app__.config.globalProperties.$router.currentRoute.value.name);
}

/** GET an API path with the page's session; returns the status. */
export async function apiStatus(page, path) {
  // Read the body: a response whose body is never read stays "in flight" for the tracker.
  return page.evaluate(
    (p) => fetch('/api/v1' + p, { credentials: 'same-origin' }).then((r) => r.text().then(() => r.status)),
    path,
  );
}

/** Calls the API with the page's session and CSRF token; returns {status, body}. */
export async function api(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await fetch('/api/v1/me').then((r) => r.json());
      const r = await fetch('/api/v1' + path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token ?? '' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
export function assertEq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/**
 * The demo's supervisor. A server whose --demo does not create ducha.staff yet gets it from the CLI
 * (duban user add: role supervisor on the district), then its first-login password change.
 */
export async function ensureSupervisor(server, bin) {
  const post = (path, body, cookie) =>
    fetch(server.base + '/api/v1' + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie.c, 'X-CSRF-Token': cookie.t } : {}) },
      body: JSON.stringify(body),
    });
  if ((await post('/session', { username: 'ducha.staff', password: DEMO_PASSWORD })).status < 300) return;
  const temp = 'Temp-Ducha-2026!q';
  execFileSync(bin, ['user', 'add', '--username', 'ducha.staff', '--role', 'supervisor', '--scope', '1', '--display-name', '督查室', '--data-scope', 'all', '--password-stdin', '--db', server.db], { input: temp + '\n' });
  const r = await post('/session', { username: 'ducha.staff', password: temp });
  const body = await r.json();
  const cookie = { c: r.headers.get('set-cookie').split(';')[0], t: body.csrf_token };
  const ch = await post('/me/password', { old_password: temp, new_password: DEMO_PASSWORD }, cookie);
  assert(ch.status < 300, `password change for ducha.staff → ${ch.status} ${await ch.text()}`);
  console.log('    note: ducha.staff is not in the demo data: added with duban user add');
}

const STATIC_TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };
/** Serves the built app (dist) on 127.0.0.1 and a free port, index.html for every unknown path (the
 * mock tests answer /api/ themselves in the browser). Returns the server and its base URL. */
export async function serveDist(dist) {
  const http = createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let f = join(dist, p);
    if (!f.startsWith(dist) || !existsSync(f) || p === '/') f = join(dist, 'index.html');
    try {
      const body = readFileSync(f);
      res.writeHead(200, { 'Content-Type': STATIC_TYPES[extname(f)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => http.listen(0, '127.0.0.1', ok));
  return { http, base: `http://127.0.0.1:${http.address().port}` };
}
