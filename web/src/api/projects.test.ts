import { describe, expect, it } from 'vitest';
import { dispatchTableUrl } from './projects';

describe('dispatchTableUrl', () => {
  it('asks for the Simplified sheet for zh-CN only, and carries the other options', () => {
    expect(dispatchTableUrl()).toBe('/api/v1/projects/dispatch-table.xlsx');
    expect(dispatchTableUrl({ locale: 'zh-CN' })).toBe('/api/v1/projects/dispatch-table.xlsx?script=simplified');
    expect(dispatchTableUrl({ locale: 'zh-TW' })).toBe('/api/v1/projects/dispatch-table.xlsx');
    expect(dispatchTableUrl({ locale: 'en', major: false })).toBe('/api/v1/projects/dispatch-table.xlsx?major=0');
    expect(dispatchTableUrl({ template: true, locale: 'zh-CN' })).toBe('/api/v1/projects/dispatch-table.xlsx?template=1&script=simplified');
  });
});
