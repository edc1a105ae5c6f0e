import { describe, expect, it } from 'vitest';
import type { CaseType } from '@/api/cases';
import { creatableTypes, defaultSource, emptyRegisterForm, normalizeIdNumber, normalizePhone, photoRequired, registerBody, registerFieldOf, registerProblems, validIdNumber, validPhone } from './register';

const type = (code: string, roles: string[], requires: Record<string, string[]> = {}) =>
  ({ code, name: code, stages: [], actions: [], categories: [], create_roles: roles, create_requires: requires }) as unknown as CaseType;
const TYPES = [type('urban', ['inspector', 'supervisor'], { inspector: ['attachments'] }), type('hotline', ['supervisor']), type('petition', ['supervisor']), type('enterprise', ['supervisor', 'staff'])];

describe('the registration form', () => {
  it('offers the types the account may register', () => {
    expect(creatableTypes(TYPES, ['supervisor']).map((t) => t.code)).toEqual(['urban', 'hotline', 'petition', 'enterprise']);
    expect(creatableTypes(TYPES, ['staff']).map((t) => t.code)).toEqual(['enterprise']);
    expect(creatableTypes(TYPES, ['leader'])).toEqual([]);
    expect(photoRequired(TYPES[0], ['inspector'])).toBe(true);
    expect(photoRequired(TYPES[0], ['supervisor'])).toBe(false);
    expect([defaultSource('hotline'), defaultSource('petition'), defaultSource('enterprise'), defaultSource('urban')]).toEqual(['hotline', 'petition', 'visit', 'web']);
    expect(defaultSource('urban', ['inspector'])).toBe('grid');
  });

  it('checks ID numbers by their check character and phones by their digits', () => {
    expect(validIdNumber('11010519491231002X')).toBe(true);
    expect(validIdNumber('11010519491231002x')).toBe(true);
    expect(validIdNumber('110105194912310021')).toBe(false); // wrong check character
    expect(validIdNumber('1101051949123100')).toBe(false);
    expect(validPhone('13900001111')).toBe(true);
    expect(validPhone('0411-84123456')).toBe(true);
    expect(validPhone('12345')).toBe(false);
    expect(validPhone('139-')).toBe(false);
    expect(validPhone('1390000111a')).toBe(false);
    // as pasted: spaces, full-width digits, brackets, +86
    expect(normalizeIdNumber(' 110105 19491231002x ')).toBe('11010519491231002X');
    expect(normalizeIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toBe('11010519491231002X');
    expect(normalizePhone('138 0000 1111')).toBe('13800001111');
    expect(normalizePhone('+86 138-0000-1111')).toBe('138-0000-1111');
    expect(normalizePhone('+8613800001111')).toBe('13800001111');
    expect(normalizePhone('（0411）84561234')).toBe('041184561234');
  });

  it('names what is missing or wrong before sending', () => {
    const f = emptyRegisterForm();
    expect(Object.keys(registerProblems(f, true)).sort()).toEqual(['attachments', 'category', 'description', 'type']);
    Object.assign(f, { type: 'hotline', category: 'H0101', description: '  路灯不亮  ', reporterPhone: '12', reporterId: '110105194912310021' });
    expect(registerProblems(f, false)).toEqual({ 'reporter.phone': 'cases.register.badPhone', 'reporter.id_number': 'cases.register.badId' });
    f.reporterId = '1101051949123100';
    expect(registerProblems(f, false)['reporter.id_number']).toBe('cases.register.idLength');
    f.reporterPhone = '13900001111';
    f.reporterId = '';
    expect(registerProblems(f, false)).toEqual({});
  });

  it('builds the request: empty fields left out, grid and street both (the server checks they agree), a subject only on a petition', () => {
    const f = Object.assign(emptyRegisterForm('hotline'), { category: 'H0101', description: ' 路灯不亮 ', streetId: 2, subjectUnitId: 9 });
    expect(registerBody(f)).toEqual({ type: 'hotline', category: 'H0101', description: '路灯不亮', urgency: 'normal', street_id: 2 });
    Object.assign(f, { lon: 121.6, lat: 38.9 });
    expect(registerBody(f)).toMatchObject({ street_id: 2, lon: 121.6, lat: 38.9 });
    Object.assign(f, { lon: null, lat: null });
    Object.assign(f, { type: 'petition', gridId: 7, streetId: null, reporterName: '李建国', reporterPhone: '13900001111', reporterId: '11010519491231002x', attachments: ['a'.repeat(64)] });
    expect(registerBody(f)).toEqual({
      type: 'petition',
      category: 'H0101',
      description: '路灯不亮',
      urgency: 'normal',
      grid_id: 7,
      reporter: { name: '李建国', phone: '13900001111', id_number: '11010519491231002X' },
      subject_unit_id: 9,
      attachments: ['a'.repeat(64)],
    });
  });

  it('shows a server error at its field', () => {
    expect(registerFieldOf('street_id')).toBe('place');
    expect(registerFieldOf('lon')).toBe('place');
    expect(registerFieldOf('attachments[0]')).toBe('attachments');
    expect(registerFieldOf('reporter.id_number')).toBe('reporter.id_number');
    expect(registerFieldOf('subject_unit_id')).toBe('subject_unit_id');
    expect(registerFieldOf('version')).toBeNull();
    expect(registerFieldOf(undefined)).toBeNull();
  });
});
