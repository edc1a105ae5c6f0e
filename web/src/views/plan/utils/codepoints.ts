// The importer's offsets count Unicode code points (a character outside the BMP, e.g. 𠀀, is one);
// JavaScript strings index UTF-16 code units (that character is two). These convert between them.

/** Number of code points in `s`. */
export function cpLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a high surrogate followed by a low one is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * A table from code-point offset to UTF-16 index for one string: table[k] is the index where code
 * point k starts; table[cpLength] = s.length. Build it once for a long source text.
 */
export function codePointTable(s: string): Uint32Array {
  const table = new Uint32Array(cpLength(s) + 1);
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    table[k++] = i;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  table[k] = s.length;
  return table;
}

/** UTF-16 index of code point `cp` (clamped to 0..cpLength). */
export function cpToIndex(table: Uint32Array, cp: number): number {
  if (!Number.isFinite(cp) || cp <= 0) return 0;
  const last = table.length - 1;
  return table[Math.min(Math.floor(cp), last)];
}

/** Code-point offset of UTF-16 index `i` (an index inside a surrogate pair counts as its start). */
export function indexToCp(table: Uint32Array, i: number): number {
  let lo = 0;
  let hi = table.length - 1;
  if (i <= 0) return 0;
  if (i >= table[hi]) return hi;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The UTF-16 range [from, to) of the code-point span [start, end), clamped and ordered. */
export function spanToRange(table: Uint32Array, start: number, end: number): [number, number] {
  const a = cpToIndex(table, start);
  const b = cpToIndex(table, end);
  return a <= b ? [a, b] : [b, a];
}

/** The text of the code-point span [start, end) of `s`. */
export function sliceCp(s: string, start: number, end: number, table = codePointTable(s)): string {
  const [a, b] = spanToRange(table, start, end);
  return s.slice(a, b);
}

/** Splits `s` around the code-point span: [before, inside, after] (for highlighting). */
export function splitAtSpan(s: string, start: number, end: number, table = codePointTable(s)): [string, string, string] {
  const [a, b] = spanToRange(table, start, end);
  return [s.slice(0, a), s.slice(a, b), s.slice(b)];
}
