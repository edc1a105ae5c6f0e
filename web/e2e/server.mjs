// Starts the real duban binary on a temporary SQLite database and a free loopback port, serving
// the built web app itself (--web-root), and stops it afterwards.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * testClock: start with --test-clock (a manual clock set by PUT /api/v1/_test/clock).
 * cwd: the server's working directory (the repository root gives --demo its demo plan).
 */
export async function startServer({ bin, webRoot, logFile, testClock = false, cwd }) {
  if (!existsSync(bin)) throw new Error(`duban binary not found at ${bin} (set DUBAN_BIN or run make build)`);
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`${webRoot}/index.html missing (run npm run build)`);
  const dir = mkdtempSync(join(tmpdir(), 'duban-e2e-'));
  const port = await freePort();
  const args = [
    'serve',
    '--db', join(dir, 'e2e.db'),
    '--listen', `127.0.0.1:${port}`,
    '--demo',
    '--web-root', resolve(webRoot),
    '--login-rate', '1000',
  ];
  if (testClock) args.push('--test-clock');
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, sig) => (exited = { code, sig }));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error(`duban exited early (${JSON.stringify(exited)}); see ${logFile}`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`duban did not answer /healthz within 20 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    db: join(dir, 'e2e.db'),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
