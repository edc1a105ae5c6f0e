// Formatting shown to people: amounts in 萬元/億元 and times in Asia/Shanghai. One place for both.

export type AppLocale = 'zh-CN' | 'zh-TW' | 'en';

export const TIME_ZONE = 'Asia/Shanghai';

const UNITS: Record<'zh-CN' | 'zh-TW', { yuan: string; wan: string; yi: string }> = {
  'zh-CN': { yuan: '元', wan: '万元', yi: '亿元' },
  'zh-TW': { yuan: '元', wan: '萬元', yi: '億元' },
};

function groupDigits(n: number, digits: number): string {
  // toFixed then group the integer part with commas; avoids Intl differences between Node builds.
  const fixed = Math.abs(n).toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 && Number(fixed) !== 0 ? '-' : '') + grouped + (frac !== undefined ? '.' + frac : '');
}

export interface AmountOptions {
  /** The unit of `value`: yuan (default) or 萬元 (how most plan figures are written). */
  from?: 'yuan' | 'wan';
  locale?: AppLocale;
  /** Decimal places after scaling (default 2; plain yuan amounts use 0 unless given). */
  digits?: number;
}

/**
 * Formats an amount of money the way the work plan writes it: 億元 from 100 million yuan up,
 * 萬元 from 10,000 yuan up, 元 below; English uses million and billion.
 * null, undefined, NaN and infinities give "—".
 */
export function formatAmount(value: number | null | undefined, opts: AmountOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const locale = opts.locale ?? 'zh-CN';
  const yuan = opts.from === 'wan' ? value * 1e4 : value;
  const abs = Math.abs(yuan);
  if (locale === 'en') {
    const d = opts.digits ?? 2;
    if (abs >= 1e9) return `CNY ${groupDigits(yuan / 1e9, d)} billion`;
    if (abs >= 1e6) return `CNY ${groupDigits(yuan / 1e6, d)} million`;
    return `CNY ${groupDigits(yuan, opts.digits ?? 0)}`;
  }
  const u = UNITS[locale];
  if (abs >= 1e8) return groupDigits(yuan / 1e8, opts.digits ?? 2) + u.yi;
  if (abs >= 1e4) return groupDigits(yuan / 1e4, opts.digits ?? 2) + u.wan;
  return groupDigits(yuan, opts.digits ?? 0) + u.yuan;
}

/** An amount given in 萬元 (the plan's usual unit). */
export function formatWan(valueWan: number | null | undefined, opts: Omit<AmountOptions, 'from'> = {}): string {
  return formatAmount(valueWan, { ...opts, from: 'wan' });
}

const dtf = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function parts(d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of dtf.formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** "2026-11-28 20:48:00" in Asia/Shanghai from an RFC 3339 time (or a Date); "—" when empty or bad. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return '—';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** "2026-11-28" in Asia/Shanghai. */
export function formatDate(value: string | Date | null | undefined): string {
  const s = formatDateTime(value);
  return s === '—' ? s : s.slice(0, 10);
}

/** RFC 3339 with the +08:00 offset (Shanghai keeps no daylight time), for query filters. */
export function toShanghaiRfc3339(d: Date): string {
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}+08:00`;
}

/** "14 min", "1 h 5 min" — a wait shown to people, from seconds. */
export function minutesLeft(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
