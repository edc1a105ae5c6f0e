// The role table the UI shows (api/roles.ts) and the roles it offers (api/types.ts) must be the
// server's: this reads src/org/org.hpp (kRoles) and src/org/org.cpp (PermName, RolesWith).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADMIN_ROLES, ALL_PERMISSIONS, BUSINESS_ROLES, ROLES, type Role } from './types';
import { PERMISSION_ROLES, ROLE_PERMISSIONS, permissionsOf } from './roles';
import zhCN from '@/locales/zh-CN';
import zhTW from '@/locales/zh-TW';
import en from '@/locales/en';

const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
const hpp = read('../../../src/org/org.hpp');
const cpp = read('../../../src/org/org.cpp');
const strings = (s: string) => [...s.matchAll(/"([^"]*)"/g)].map((m) => m[1]);

function serverRoles(): string[] {
  const m = /kRoles\s*=\s*\{([^}]*)\}/.exec(hpp);
  if (!m) throw new Error('kRoles not found in org.hpp');
  return strings(m[1]);
}
function serverAdminRoles(): string[] {
  const m = /kAdminRoles\s*=\s*\{([^}]*)\}/.exec(hpp);
  if (!m) throw new Error('kAdminRoles not found in org.hpp');
  return strings(m[1]);
}
/** enum name (kOrgRead) → body of the function's switch case. */
function switchCases(fn: string): Map<string, string> {
  const start = cpp.indexOf(fn);
  if (start < 0) throw new Error(`${fn} not found in org.cpp`);
  const body = cpp.slice(start, cpp.indexOf('\n}\n', start));
  const out = new Map<string, string>();
  for (const m of body.matchAll(/case Perm::(k\w+):\s*return ([^;]*);/g)) out.set(m[1], m[2]);
  return out;
}
function serverTable(): Record<string, string[]> {
  const names = switchCases('const char* PermName(Perm p)');
  const roles = switchCases('std::vector<std::string> RolesWith(Perm p)');
  const table: Record<string, string[]> = {};
  for (const [k, name] of names) table[strings(name)[0]] = strings(roles.get(k) ?? '');
  return table;
}

describe('roles and permissions match the server', () => {
  it('parses the C++ (sanity)', () => {
    expect(serverRoles().length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(serverTable()).length).toBeGreaterThanOrEqual(29);
  });

  it('knows every role, and nothing else', () => {
    expect([...ROLES].sort()).toEqual([...serverRoles()].sort());
    expect([...ADMIN_ROLES].sort()).toEqual([...serverAdminRoles()].sort());
    expect([...BUSINESS_ROLES].sort()).toEqual(serverRoles().filter((r) => !serverAdminRoles().includes(r)).sort());
  });

  it('knows every permission', () => {
    expect([...ALL_PERMISSIONS].sort()).toEqual(Object.keys(serverTable()).sort());
  });

  it('gives each permission exactly the roles org::RolesWith gives it', () => {
    const server = serverTable();
    for (const p of ALL_PERMISSIONS) expect([...PERMISSION_ROLES[p]].sort(), p).toEqual([...server[p]].sort());
  });

  it('derives each role’s permissions from the table', () => {
    expect(permissionsOf('statistician')).toEqual(['org.read', 'indicator.read', 'indicator.write', 'attachment.read', 'indicator.publish', 'project.read']);
    expect(permissionsOf('inspector')).toContain('case.report');
    for (const r of ROLES) expect(ROLE_PERMISSIONS[r].length, r).toBeGreaterThan(0);
  });

  it('names and describes every role in every locale', () => {
    for (const [name, msgs] of Object.entries({ 'zh-CN': zhCN, 'zh-TW': zhTW, en })) {
      const role = msgs.role as unknown as Record<string, unknown> & { desc: Record<string, string> };
      for (const r of ROLES as Role[]) {
        expect(typeof role[r], `${name} role.${r}`).toBe('string');
        expect(typeof role.desc[r], `${name} role.desc.${r}`).toBe('string');
      }
    }
  });
});
