import { describe, expect, it } from 'vitest';
import { codePointTable, cpLength, cpToIndex, indexToCp, sliceCp, spanToRange, splitAtSpan } from './codepoints';

// 𠀀 (U+20000) and 😀 (U+1F600) are outside the BMP: one code point, two UTF-16 units each.
const S = '一、加快𠀀發展😀。二是X';

describe('code points', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(S.length).toBe(14);
    expect(cpLength(S)).toBe(12);
    expect(cpLength(S)).toBe(Array.from(S).length);
    expect(cpLength('')).toBe(0);
  });

  it('maps offsets to indices and back', () => {
    const t = codePointTable(S);
    expect(t.length).toBe(13);
    expect(cpToIndex(t, 4)).toBe(4); // 𠀀 starts at 4
    expect(cpToIndex(t, 5)).toBe(6); // 發 after the pair
    expect(cpToIndex(t, 12)).toBe(14);
    expect(cpToIndex(t, 99)).toBe(14);
    expect(cpToIndex(t, -1)).toBe(0);
    expect(indexToCp(t, 6)).toBe(5);
    expect(indexToCp(t, 5)).toBe(4); // the low surrogate belongs to 𠀀
    expect(indexToCp(t, 14)).toBe(12);
  });

  it('slices spans the way the server counts them', () => {
    const cps = Array.from(S);
    for (let a = 0; a <= cps.length; a++)
      for (let b = a; b <= cps.length; b++) expect(sliceCp(S, a, b)).toBe(cps.slice(a, b).join(''));
    expect(sliceCp(S, 4, 8)).toBe('𠀀發展😀');
  });

  it('orders and clamps a reversed or overlong span', () => {
    const t = codePointTable(S);
    expect(spanToRange(t, 8, 4)).toEqual([4, 10]); // 。 is code point 8, index 10
    expect(spanToRange(t, 10, 500)).toEqual([12, 14]);
  });

  it('splits around a span for highlighting', () => {
    expect(splitAtSpan(S, 9, 12)).toEqual(['一、加快𠀀發展😀。', '二是X', '']);
    expect(splitAtSpan(S, 0, 0)).toEqual(['', '', S]);
  });

  it('handles a lone surrogate as one code point', () => {
    const lone = 'a\ud800b';
    expect(cpLength(lone)).toBe(3);
    expect(sliceCp(lone, 2, 3)).toBe('b');
  });
});
