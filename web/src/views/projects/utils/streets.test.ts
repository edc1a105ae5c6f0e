import { describe, expect, it } from 'vitest';
import { streetLabel } from './streets';

describe('street labels of the enterprise list', () => {
  const names = { 2: '春柳街道', 15: '马栏街道' };
  it('names a street the account can see', () => {
    expect(streetLabel(2, names, true)).toEqual({ kind: 'name', name: '春柳街道' });
    expect(streetLabel(67, names, true, '黑石礁街道')).toEqual({ kind: 'name', name: '黑石礁街道' }); // named by the server
    expect(streetLabel(15, names, false)).toEqual({ kind: 'name', name: '马栏街道' });
  });
  it('says “outside your scope” for another street once the list has arrived, never “#67”', () => {
    expect(streetLabel(67, names, true)).toEqual({ kind: 'outOfScope' });
    expect(streetLabel(67, names, false)).toEqual({ kind: 'loading' });
  });
  it('nothing without a street', () => {
    expect(streetLabel(null, names, true)).toEqual({ kind: 'none' });
    expect(streetLabel(undefined, names, true)).toEqual({ kind: 'none' });
  });
});
