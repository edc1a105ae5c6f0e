// The fold the browser's searches use: Traditional to Simplified by character, Latin to lower case,
// everything else (Simplified, digits, punctuation, characters outside the BMP) as it is.
import { describe, expect, it } from 'vitest';
import { foldZh, someHolds } from './zhFold';
import { T2S_PAIRS } from './zhFold.data';

describe('foldZh', () => {
  it('folds Traditional to Simplified and Latin to lower case', () => {
    expect(foldZh('節點與大廈')).toBe('节点与大厦');
    expect(foldZh('突出大學生就業')).toBe('突出大学生就业');
    expect(foldZh('XM-2026-0001')).toBe('xm-2026-0001');
    expect(foldZh('节点，大厦！')).toBe('节点，大厦！');
    expect(foldZh('')).toBe('');
  });
  it('reads the table by code point (some characters are outside the BMP)', () => {
    const cps = Array.from(T2S_PAIRS);
    expect(cps.length % 2).toBe(0);
    expect(cps.length / 2).toBeGreaterThan(2500);
    const astral = cps.findIndex((c) => c.codePointAt(0)! > 0xffff);
    expect(astral).toBeGreaterThanOrEqual(0);
    const [t, s] = astral % 2 === 0 ? [cps[astral], cps[astral + 1]] : [cps[astral - 1], cps[astral]];
    expect(foldZh(t)).toBe(s);
  });
  it('finds a folded query in any of the texts', () => {
    expect(someHolds(['道路改造', '区發改局'], foldZh('发改'))).toBe(true);
    expect(someHolds(['道路改造'], foldZh('公园'))).toBe(false);
  });
});
