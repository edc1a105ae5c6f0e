// Pure helpers of the economic cockpit: decimal strings from the server are shown as they are
// (never through a float, so "7.60" stays "7.60"), signs and colours for growth and gaps.

export const DASH = '—';
export const GOOD_COLOR = '#2ba471';
export const BAD_COLOR = '#d54941';
export const NEUTRAL_COLOR = '#606266';

const DECIMAL = /^([+-]?)(\d+)(\.\d+)?$/;

/** True for a decimal string such as "-12.30". */
export function isDecimal(s: string | null | undefined): s is string {
  return typeof s === 'string' && DECIMAL.test(s.trim());
}

/** -1, 0 or 1 from a decimal string ("-0.0" is 0); null when not a number. */
export function signOf(s: string | null | undefined): -1 | 0 | 1 | null {
  if (!isDecimal(s)) return null;
  const m = DECIMAL.exec(s.trim())!;
  if (/^0*$/.test(m[2]) && /^\.?0*$/.test(m[3] ?? '')) return 0;
  return m[1] === '-' ? -1 : 1;
}

/** "12345.60" → "12,345.60"; digits kept as sent; "—" when empty. */
export function formatDecimal(s: string | null | undefined): string {
  if (!isDecimal(s)) return s == null || s === '' ? DASH : String(s);
  const m = DECIMAL.exec(s.trim())!;
  const int = m[2].replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = m[1] === '-' && signOf(s) !== 0 ? '-' : '';
  return sign + int + (m[3] ?? '');
}

/** A rate or gap with its sign: "+15.8", "-2.1", "0.0"; "—" when empty. */
export function formatSigned(s: string | null | undefined): string {
  const sg = signOf(s);
  if (sg === null) return DASH;
  const body = formatDecimal(s).replace(/^-/, '');
  return (sg > 0 ? '+' : sg < 0 ? '-' : '') + body;
}

/**
 * Whether a change is favourable: a rise of an indicator where higher is better, a fall where
 * lower is better. null for no change or no figure.
 */
export function isFavourable(s: string | null | undefined, higherIsBetter = true): boolean | null {
  const sg = signOf(s);
  if (!sg) return null;
  return (sg > 0) === higherIsBetter;
}

/** Colour of a growth or gap: green when favourable, red when not (as the lights), grey otherwise. */
export function signColor(s: string | null | undefined, higherIsBetter = true): string {
  const f = isFavourable(s, higherIsBetter);
  return f === null ? NEUTRAL_COLOR : f ? GOOD_COLOR : BAD_COLOR;
}

/** A decimal string as a number for charts; null when empty. */
export function toNumber(s: string | null | undefined): number | null {
  return isDecimal(s) ? Number(s) : null;
}

/** "2026-06" for a year and month. */
export function monthKey(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** The month before a date's month, as the server defaults ("2026-12" in January 2027). */
export function previousMonth(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = now.getMonth() + 1;
  return m === 1 ? monthKey(y - 1, 12) : monthKey(y, m - 1);
}

/** The month before "YYYY-MM". */
export function monthBefore(key: string): string {
  const [y, m] = key.split('-').map(Number);
  return m === 1 ? monthKey(y - 1, 12) : monthKey(y, m - 1);
}

/** Cumulative period label: 1-N月 (January and February are reported together as 1-2月). */
export function periodLabel(month: number): string {
  return month <= 1 ? '1月' : `1-${month}月`;
}

/** A value's source in words: manual, demo, import:<file> (as the server stores it); else as sent. */
export function sourceText(source: string | null | undefined, t: (key: string, params?: Record<string, unknown>) => string): string {
  if (!source) return DASH;
  if (source.startsWith('import:')) return t('indicator.history.sourceName.import', { file: source.slice(7) });
  if (source === 'manual' || source === 'demo' || source === 'computed') return t('indicator.history.sourceName.' + source);
  return source;
}
