// Writes NAME.gz beside each text asset in dist/ where gzip saves at least a tenth, so the
// server can send precompressed bytes (it picks NAME.gz when the browser accepts gzip).
import { gzipSync, constants } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../dist/', import.meta.url).pathname;
const textLike = /\.(js|mjs|css|html|svg|json|txt)$/;
let written = 0;
let saved = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      walk(p);
      continue;
    }
    if (!textLike.test(name)) continue;
    const raw = readFileSync(p);
    if (raw.length < 1024) continue;
    const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
    if (gz.length > raw.length * 0.9) continue;
    writeFileSync(p + '.gz', gz);
    written += 1;
    saved += raw.length - gz.length;
  }
}

walk(root);
console.log(`gzip-dist: ${written} files precompressed, ${(saved / 1024).toFixed(0)} KiB saved`);
