// Every key in every locale, the same {placeholders} in each, and every key the code uses exists.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import zhCN from './zh-CN';
import zhTW from './zh-TW';
import en from './en';
import { i18n, setLocale } from './index';
import { auditActionKey } from '@/utils/auditActions';

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const locales: Record<string, Record<string, string>> = {
  'zh-CN': flatten(zhCN as Tree),
  'zh-TW': flatten(zhTW as Tree),
  en: flatten(en as Tree),
};
const all = new Set(Object.values(locales).flatMap((m) => Object.keys(m)));

describe('locale files', () => {
  for (const [name, msgs] of Object.entries(locales)) {
    it(`${name} has every key`, () => {
      const missing = [...all].filter((k) => !(k in msgs));
      expect(missing, `missing in ${name}`).toEqual([]);
    });
    it(`${name} has no empty message`, () => {
      expect(Object.entries(msgs).filter(([, v]) => !v.trim()).map(([k]) => k)).toEqual([]);
    });
    it(`${name} uses the same placeholders as zh-CN`, () => {
      const bad = Object.keys(locales['zh-CN']).filter(
        (k) => k in msgs && placeholders(msgs[k]).join() !== placeholders(locales['zh-CN'][k]).join(),
      );
      expect(bad).toEqual([]);
    });
  }

  it('zh-TW is not Simplified Chinese left unconverted', () => {
    // Characters whose Simplified and Traditional forms differ and that the UI uses often.
    const simplified = /[录门户码证织员务单权间设显码执处将启这进为]/;
    const bad = Object.entries(locales['zh-TW'])
      .filter(([k, v]) => !k.startsWith('lang.') && simplified.test(v))
      .map(([k]) => k);
    expect(bad).toEqual([]);
  });

  it('resolves keys with dots and hyphens through vue-i18n', () => {
    setLocale('zh-TW');
    expect(i18n.global.t('lang.zh-CN')).toBe('简体中文');
    expect(i18n.global.t('perm.org.read')).toBe('查看組織單位');
    expect(i18n.global.t('audit.actions.auth.login_failed')).toBe('登錄失敗');
    expect(i18n.global.t('login.locked', { time: '3 分 2 秒' })).toContain('3 分 2 秒');
    setLocale('zh-CN');
  });
});

// Literal keys in the code: t('a.b'), te('a.b'), title: 'menu.x', label: 'home.x' and group names.
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(vue|ts)$/.test(f) && !f.endsWith('.test.ts') && !p.includes('locales')) out.push(p);
  }
  return out;
}

describe('keys used in the code', () => {
  it('exist in zh-CN', () => {
    const root = join(__dirname, '..');
    const used = new Set<string>();
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\b(?:title|label|group):\s*'((?:menu|home|login|forcePassword|totp|notFound)\.[\w.]+)'/g))
        used.add(m[1]);
    }
    // Prefix calls like t('role.' + r) are covered by the role, perm, dataScope tests below.
    const missing = [...used].filter((k) => !k.endsWith('.') && !(k in locales['zh-CN']));
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(150);
  });

  it('cover every role, permission, data scope and org kind', () => {
    const zh = locales['zh-CN'];
    for (const r of ['sysadmin', 'secadmin', 'auditor', 'leader', 'staff', 'inspector']) {
      expect(zh[`role.${r}`]).toBeTruthy();
      expect(zh[`role.desc.${r}`]).toBeTruthy();
    }
    for (const p of ['org.read', 'org.write', 'user.read', 'user.write', 'role.grant', 'user.unlock', 'security.policy', 'session.admin', 'audit.read'])
      expect(zh[`perm.${p}`]).toBeTruthy();
    for (const s of ['all', 'custom', 'unit', 'unit_and_below', 'self']) {
      expect(zh[`dataScope.${s}`]).toBeTruthy();
      expect(zh[`dataScope.desc.${s}`]).toBeTruthy();
    }
    for (const k of ['district', 'street', 'community', 'grid', 'department']) expect(zh[`orgKind.${k}`]).toBeTruthy();
  });
});

// Every action the server writes to the chain has a label in the audit log: the literal actions of
// its C++ sources and the case actions of the shipped case types ("case." + code).
describe('audit action labels', () => {
  const repo = join(__dirname, '..', '..', '..');
  const actions = new Set<string>(['case.create', 'case.note']);
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.cpp'))
        for (const m of readFileSync(p, 'utf8').matchAll(/Emit\(\s*(?:[^;]*?\?\s*)?"([a-z_]+\.[a-z_.]+)"(?:\s*:\s*"([a-z_]+\.[a-z_.]+)")?/g))
          for (const a of [m[1], m[2]]) if (a) actions.add(a);
    }
  };
  walk(join(repo, 'src'));
  const types = join(repo, 'config', 'case-types');
  for (const f of readdirSync(types).filter((x) => x.endsWith('.json')))
    for (const a of (JSON.parse(readFileSync(join(types, f), 'utf8')).actions ?? []) as { code: string }[])
      actions.add('case.' + a.code);

  it('finds the server\'s actions', () => {
    for (const a of ['auth.login', 'case.dispatch', 'plan.followup.issued', 'project.investment.revise', 'user.disable'])
      expect(actions.has(a), a).toBe(true);
  });
  for (const [name, msgs] of Object.entries(locales)) {
    it(`${name} labels every action`, () => {
      expect([...actions].filter((a) => !(auditActionKey(a) in msgs)).sort()).toEqual([]);
    });
  }
});
