import { describe, expect, it } from 'vitest';
import { sameParagraphs } from './pack';

describe('pack helpers', () => {
  it('compares narratives paragraph by paragraph', () => {
    expect(sameParagraphs(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameParagraphs(['a', 'b '], ['a', 'b'])).toBe(true);
    expect(sameParagraphs(['a\r\nb'], ['a\nb'])).toBe(true);
    expect(sameParagraphs(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(sameParagraphs(['a'], ['a', ''])).toBe(false);
  });
});
