import { describe, expect, it } from 'vitest';
import { base64Bytes } from './download';

describe('base64Bytes', () => {
  it('decodes standard base64 to the bytes', () => {
    expect([...base64Bytes('UEsDBA==')]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect(base64Bytes('').length).toBe(0);
  });
});
