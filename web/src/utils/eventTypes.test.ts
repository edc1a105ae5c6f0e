// The audit log's 类型 filter offers every kind of object that has a label, each once, and every
// one has its label in each locale, distinct from the others' (two types named 设置 could not be
// told apart in the list).
import { describe, expect, it } from 'vitest';
import zhCN from '@/locales/zh-CN';
import zhTW from '@/locales/zh-TW';
import en from '@/locales/en';
import { OBJECT_TYPES } from './eventTypes';

describe('audit object types', () => {
  for (const [name, loc] of [['zh-CN', zhCN], ['zh-TW', zhTW], ['en', en]] as const) {
    it(`${name}: every labelled type is offered, once, with its own label`, () => {
      const labels = (loc as unknown as { audit: { types: Record<string, string> } }).audit.types;
      expect([...OBJECT_TYPES].sort()).toEqual(Object.keys(labels).sort());
      expect(new Set(OBJECT_TYPES).size).toBe(OBJECT_TYPES.length);
      const texts = OBJECT_TYPES.map((o) => labels[o]);
      expect(texts.every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
      expect(new Set(texts).size).toBe(texts.length);
    });
  }
});
