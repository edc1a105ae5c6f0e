import { describe, expect, it } from 'vitest';
import {
  actionBody,
  caseStatus,
  caseSteps,
  choiceTexts,
  petitionDecision,
  queueAction,
  forwardAction,
  dialogFieldOf,
  dialogSpec,
  dueKey,
  dueWords,
  limitUnitOf,
  majorCategoryLabel,
  CATEGORY_KIND_KEYS,
  emptyForm,
  isInspectorOnly,
  maskIdNumber,
  maskName,
  maskPhone,
  minorCategories,
  missingField,
  missingFields,
  reporterMasked,
  ruleErrorAt,
  toWorkCalendar,
  workingMinutesBetween,
} from './cases';
import type { CaseType } from '@/api/cases';
import { i18n } from '@/locales';

// 2026-06-01 is a Monday. 09:00 Shanghai = 01:00Z.
const at = (s: string) => new Date(s);

describe('working time', () => {
  it('counts office hours only', () => {
    // Mon 09:00 → Mon 14:30 Shanghai: 3 h (09:00-12:00) + 1 h (13:30-14:30)
    expect(workingMinutesBetween(at('2026-06-01T01:00:00Z'), at('2026-06-01T06:30:00Z'))).toBe(240);
    // lunch is not counted
    expect(workingMinutesBetween(at('2026-06-01T04:00:00Z'), at('2026-06-01T05:30:00Z'))).toBe(0);
    // a whole working day is 7.5 h
    expect(workingMinutesBetween(at('2026-06-01T00:00:00Z'), at('2026-06-01T12:00:00Z'))).toBe(450);
  });
  it('skips the weekend', () => {
    // Fri 17:00 → Mon 09:00 Shanghai: 30 min Friday + 30 min Monday
    expect(workingMinutesBetween(at('2026-06-05T09:00:00Z'), at('2026-06-08T01:00:00Z'))).toBe(60);
  });
  it("follows the server's calendar: holidays off, adjusted weekend days on", () => {
    // 2026: 1-7 October National Day holidays, Saturday 10 October a working day (the shipped notice).
    const cal = toWorkCalendar({
      office_hours: '08:30-12:00,13:30-17:30',
      days: [
        ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2026-10-${d}`, kind: 'holiday' })),
        { date: '2026-10-10', kind: 'workday' },
      ],
    });
    // Wed 30 Sep 17:00 → Fri 9 Oct 09:00 Shanghai: 30 min on the 30th, all of Thu 8 Oct (7.5 h)
    // and 30 min on the 9th.
    expect(workingMinutesBetween(at('2026-09-30T09:00:00Z'), at('2026-10-09T01:00:00Z'), cal)).toBe(30 + 450 + 30);
    // Plain Monday-Friday would count 1, 2, 5, 6, 7 October too.
    expect(workingMinutesBetween(at('2026-09-30T09:00:00Z'), at('2026-10-09T01:00:00Z'))).toBe(30 + 6 * 450 + 30);
    // The adjusted Saturday counts: Fri 9 Oct 17:00 → Mon 12 Oct 09:00 = 30 + 450 + 30
    expect(workingMinutesBetween(at('2026-10-09T09:00:00Z'), at('2026-10-12T01:00:00Z'), cal)).toBe(510);
    // The words: due on Fri 9 Oct 09:00, now Wed 30 Sep 17:00 → 8 working hours left, not 6 days.
    expect(dueWords('2026-10-09T01:00:00Z', at('2026-09-30T09:00:00Z'), { calendar: cal })).toEqual({ kind: 'left', unit: 'hours', n: 8 });
    expect(dueWords('2026-10-09T01:00:00Z', at('2026-09-30T09:00:00Z')).kind).toBe('left');
    // Other office hours change the length of a day.
    const short = toWorkCalendar({ office_hours: '09:00-12:00,14:00-17:00', days: [] });
    expect(workingMinutesBetween(at('2026-06-01T00:00:00Z'), at('2026-06-01T12:00:00Z'), short)).toBe(360);
  });
  it('is zero backwards', () => {
    expect(workingMinutesBetween(at('2026-06-02T00:00:00Z'), at('2026-06-01T00:00:00Z'))).toBe(0);
  });
});

describe('due words', () => {
  const now = at('2026-06-01T01:00:00Z'); // Mon 09:00
  it('working hours left', () => {
    // due Mon 14:30 → 4 working hours
    expect(dueWords('2026-06-01T06:30:00Z', now)).toEqual({ kind: 'left', unit: 'hours', n: 4 });
  });
  it('minutes left under an hour', () => {
    expect(dueWords('2026-06-01T01:20:00Z', now)).toEqual({ kind: 'left', unit: 'minutes', n: 20 });
  });
  it('working days left from two days up', () => {
    // due Thu 17:30: Mon 8.5 → 6.5 + Tue + Wed + Thu = 29 h = 3 working days
    expect(dueWords('2026-06-04T09:30:00Z', now)).toEqual({ kind: 'left', unit: 'days', n: 3 });
  });
  it('overdue in hours then in days', () => {
    expect(dueWords('2026-05-31T20:00:00Z', now)).toEqual({ kind: 'over', unit: 'hours', n: 5 });
    expect(dueWords('2026-05-29T23:00:00Z', now)).toEqual({ kind: 'over', unit: 'days', n: 2 });
  });
  it('nothing for closed, paused when suspended, nothing without a due time', () => {
    expect(dueWords('2026-05-29T23:00:00Z', now, { closed: true }).kind).toBe('none');
    expect(dueWords('2026-05-29T23:00:00Z', now, { paused: true }).kind).toBe('paused');
    expect(dueWords(null, now).kind).toBe('none');
    expect(dueWords('garbage', now).kind).toBe('none');
  });
  it('reads as working-time words in Chinese', () => {
    const t = i18n.global.t;
    const say = (w: ReturnType<typeof dueWords>) => {
      const k = dueKey(w);
      return t(k.key, { n: k.n ?? 0 });
    };
    expect(say({ kind: 'left', unit: 'hours', n: 3 })).toBe('剩余 3 工作小时');
    expect(say({ kind: 'over', unit: 'days', n: 2 })).toBe('超期 2 天');
    expect(say({ kind: 'left', unit: 'days', n: 4 })).toBe('剩余 4 个工作日');
  });
});

describe('calendar-day limits (petitions)', () => {
  // GET /case-types/petition: 办理 60 calendar days, 答复 5 working days; a hotline 小類 overriding 办理.
  const petition = {
    code: 'petition',
    name: '信访',
    stages: [
      { code: 'accept', name: '受理告知', limit: { unit: 'days', normal: 15, urgent: 15 } },
      { code: 'handle', name: '办理', limit: { unit: 'days', normal: 60, urgent: 60 } },
      { code: 'reply', name: '答复', limit: { unit: 'workdays', normal: 5, urgent: 5 } },
      { code: 'done', name: '办结', closed: true },
    ],
    actions: [],
    categories: [{ code: 'P01', name: '城乡建设', children: [{ code: 'P0101', name: '征地拆迁', limits: {} }] }],
  } as unknown as CaseType;
  const hotline = {
    code: 'hotline',
    name: '12345',
    stages: [{ code: 'handle', name: '办理', limit: { unit: 'workdays', normal: 5 } }],
    actions: [],
    categories: [{ code: 'H03', name: '投诉', children: [{ code: 'H0301', name: '噪声', limits: { handle: { unit: 'hours', normal: 8 } } }] }],
  } as unknown as CaseType;

  it('reads the unit of the case’s stage, the 小類 overriding it', () => {
    expect(limitUnitOf(petition, 'handle', 'P0101')).toBe('days');
    expect(limitUnitOf(petition, 'reply', 'P0101')).toBe('workdays');
    expect(limitUnitOf(petition, 'done', 'P0101')).toBeNull();
    expect(limitUnitOf(hotline, 'handle', 'H0301')).toBe('hours');
    expect(limitUnitOf(hotline, 'handle', 'H9999')).toBe('workdays');
    expect(limitUnitOf(undefined, 'handle', 'P0101')).toBeNull();
  });

  const now = at('2026-06-01T01:00:00Z'); // Mon 09:00 Shanghai
  it('counts calendar days left, weekends included', () => {
    // due 24:00 on Thu 16 July (Shanghai) = 16 July 16:00Z: 45 days 15 hours away
    expect(dueWords('2026-07-16T16:00:00Z', now, { unit: 'days' })).toEqual({ kind: 'left', unit: 'days', n: 45, calendar: true });
    // the same due time in working time is far fewer days
    const w = dueWords('2026-07-16T16:00:00Z', now, { unit: 'workdays' });
    expect(w).toMatchObject({ kind: 'left', unit: 'days' });
    expect((w as { n: number }).n).toBeLessThan(45);
    expect(dueWords('2026-07-16T16:00:00Z', now, { unit: 'workdays' })).toEqual(dueWords('2026-07-16T16:00:00Z', now));
  });
  it('hours and minutes under a day, a weekend not skipped', () => {
    // Sat 6 June 12:00 → Sun 7 June 06:00 Shanghai: 18 hours (working time would be 0)
    expect(dueWords('2026-06-06T22:00:00Z', at('2026-06-06T04:00:00Z'), { unit: 'days' })).toEqual({ kind: 'left', unit: 'hours', n: 18, calendar: true });
    expect(dueWords('2026-06-01T01:20:00Z', now, { unit: 'days' })).toEqual({ kind: 'left', unit: 'minutes', n: 20, calendar: true });
  });
  it('overdue, paused and closed as before', () => {
    expect(dueWords('2026-05-29T23:00:00Z', now, { unit: 'days' })).toEqual({ kind: 'over', unit: 'days', n: 2 });
    expect(dueWords('2026-07-16T16:00:00Z', now, { unit: 'days', paused: true }).kind).toBe('paused');
    expect(dueWords('2026-07-16T16:00:00Z', now, { unit: 'days', closed: true }).kind).toBe('none');
  });
  it('reads 剩余 N 天, not 工作日', () => {
    const t = i18n.global.t;
    const say = (w: ReturnType<typeof dueWords>) => {
      const k = dueKey(w);
      return t(k.key, { n: k.n ?? 0 });
    };
    expect(say(dueWords('2026-07-16T16:00:00Z', now, { unit: 'days' }))).toBe('剩余 45 天');
    expect(say({ kind: 'left', unit: 'hours', n: 18, calendar: true })).toBe('剩余 18 小时');
    expect(say(dueWords('2026-07-16T16:00:00Z', now, { unit: 'workdays' }))).toMatch(/^剩余 \d+ 个工作日$/);
  });
});

const URBAN: CaseType = {
  code: 'urban',
  name: '城市管理',
  stages: [],
  actions: [
    { code: 'verify', name: '核查', requires: ['fields.passed', 'attachments'] },
    { code: 'handle', name: '处置', requires: ['attachments'] },
    { code: 'close', name: '结案', fields: ['note'] },
    { code: 'rate', name: '评价', requires: ['rating'] },
    { code: 'return', name: '退单', required: ['reason', 'note'] },
  ],
  categories: [
    { code: 'C01', name: '公用设施', children: [{ code: 'C0101', name: '上水井盖' }, { code: 'C0102', name: '路灯' }] },
    { code: 'C02', name: '道路交通', children: [{ code: 'C0201', name: '道路破损' }] },
  ],
};

describe('action dialogs', () => {
  it('dispatch asks for the lead unit (required) and co-units', () => {
    const s = dialogSpec('dispatch');
    expect(s.fields).toEqual(['unit_id', 'co_units', 'note']);
    expect(s.required).toEqual(['unit_id']);
  });
  it('return and suspend ask for a reason; extend for workdays and a reason', () => {
    expect(dialogSpec('return').required).toEqual(['reason']);
    expect(dialogSpec('suspend').required).toEqual(['reason']);
    expect(dialogSpec('extend').fields).toEqual(['workdays', 'reason', 'note']);
  });
  it('rate asks for a rating and solved; merge for the target case', () => {
    expect(dialogSpec('rate').required).toEqual(['rating', 'solved']);
    expect(dialogSpec('merge').required).toEqual(['target_id']);
  });
  it('verify: the configuration’s result and photo; without one, a photo on urban cases only', () => {
    expect(dialogSpec('verify', URBAN.actions[0], 'urban').required).toEqual(['passed', 'photo']);
    expect(dialogSpec('verify', null, 'urban').required).toEqual(['passed', 'photo']);
    expect(dialogSpec('verify', null, 'hotline').required).toEqual(['passed']);
  });
  it('the configuration decides what is required (rate: the rating only; solved still offered)', () => {
    const s = dialogSpec('rate', URBAN.actions[3]);
    expect(s.fields).toEqual(['rating', 'solved', 'note']);
    expect(s.required).toEqual(['rating']);
    // the older spelling `required`, and a required note
    expect(dialogSpec('return', URBAN.actions[4]).required).toEqual(['reason', 'note']);
  });
  it('takes the configuration’s required fields (attachments → a photo)', () => {
    const s = dialogSpec('handle', URBAN.actions[1]);
    expect(s.fields).toEqual(['photo', 'note']);
    expect(s.required).toEqual(['photo']);
  });
  it('a plain action has only the note, not required', () => {
    expect(dialogSpec('sign')).toEqual({ fields: ['note'], required: [] });
    expect(dialogSpec('close', URBAN.actions[2])).toEqual({ fields: ['note'], required: [] });
  });
  it('names the first missing required field', () => {
    const f = emptyForm();
    const s = dialogSpec('extend');
    expect(missingField(s, f)).toBe('workdays');
    f.workdays = 2;
    expect(missingField(s, f)).toBe('reason');
    f.reason = '  ';
    expect(missingField(s, f)).toBe('reason');
    f.reason = '材料未到';
    expect(missingField(s, f)).toBeNull();
  });
  it('sends only the dialog’s fields with the version', () => {
    const f = { ...emptyForm(), unit_id: 30, co_units: [31], reason: 'x', note: ' 请尽快 ' };
    expect(actionBody(dialogSpec('dispatch'), f, 3)).toEqual({ version: 3, unit_id: 30, co_units: [31], note: '请尽快' });
    const v = { ...emptyForm(), passed: false, photos: ['ab'] };
    expect(actionBody(dialogSpec('verify', null, 'urban'), v, 7)).toEqual({ version: 7, fields: { passed: false }, attachments: ['ab'] });
  });
  // 信访 不予受理, as the shipped configuration serves it (abridged)
  const DECLINE = {
    code: 'decline',
    name: '不予受理',
    requires: ['fields.basis', 'fields.notice', 'note'],
    choices: {
      basis: { name: '不予受理依据', options: [{ code: 'legal_channel', name: '应通过诉讼、仲裁、行政复议等法定途径解决' }, { code: 'other', name: '其他' }] },
      notice: { name: '告知方式', options: [{ code: 'written', name: '书面告知' }, { code: 'online', name: '网上信访平台告知' }] },
    },
  };
  const PETITION = { code: 'petition', name: '信访', stages: [], categories: [], actions: [DECLINE] } as unknown as CaseType;
  it('offers the configured choices, required where the configuration says, and sends them as fields', () => {
    const s = dialogSpec('decline', DECLINE);
    expect(s.fields).toEqual(['note']);
    expect(s.required).toEqual(['note']);
    expect(s.choices?.map((c) => [c.key, c.name, c.required, c.options.length])).toEqual([
      ['basis', '不予受理依据', true, 2],
      ['notice', '告知方式', true, 2],
    ]);
    const f = emptyForm();
    expect(missingField(s, f)).toBe('fields.basis');
    f.choices.basis = 'legal_channel';
    expect(missingField(s, f)).toBe('fields.notice');
    f.choices.notice = 'written';
    expect(missingField(s, f)).toBe('note');
    f.note = '已告知依法起诉';
    expect(missingField(s, f)).toBeNull();
    expect(actionBody(s, f, 2)).toEqual({ version: 2, fields: { basis: 'legal_channel', notice: 'written' }, note: '已告知依法起诉' });
    // a choice the configuration does not require may be left out
    const optional = dialogSpec('decline', { ...DECLINE, requires: ['note'] });
    expect(optional.choices?.every((c) => !c.required)).toBe(true);
    expect(actionBody(optional, { ...emptyForm(), note: 'x' }, 1)).toEqual({ version: 1, note: 'x' });
    // without choices the spec has none, and the rest is as before
    expect(dialogSpec('sign').choices).toBeUndefined();
    // every missing field at once, in the form's order: the unit above the choices, the note below
    const register = dialogSpec('register', {
      code: 'register',
      name: '受理告知',
      requires: ['unit_id', 'fields.notice', 'note'],
      choices: { notice: DECLINE.choices.notice },
    });
    expect(missingFields(register, emptyForm())).toEqual(['unit_id', 'fields.notice', 'note']);
    expect(missingFields(register, { ...emptyForm(), unit_id: 3, note: 'x' })).toEqual(['fields.notice']);
  });
  it('names a refused choice at its field, and shows a step’s choices by name', () => {
    const s = dialogSpec('decline', DECLINE);
    expect(dialogFieldOf('fields.notice', s)).toBe('fields.notice');
    expect(dialogFieldOf('fields.notice')).toBeNull();
    expect(choiceTexts(PETITION, 'decline', { basis: 'legal_channel', notice: 'written' })).toEqual([
      '不予受理依据：应通过诉讼、仲裁、行政复议等法定途径解决',
      '告知方式：书面告知',
    ]);
    // a code no longer configured is shown as stored; other actions and fields add nothing
    expect(choiceTexts(PETITION, 'decline', { notice: 'fax' })).toEqual(['告知方式：fax']);
    expect(choiceTexts(PETITION, 'reply', { notice: 'written' })).toEqual([]);
    expect(choiceTexts(PETITION, 'decline', null)).toEqual([]);
  });
  it('reads a petition’s 受理 decision from its last register or decline step', () => {
    const step = (seq: number, action: string, fields: Record<string, unknown> | null = null) =>
      ({ seq, at: `2026-10-0${seq}T02:00:00Z`, actor: null, action, action_name: action, from_stage: null, to_stage: null, note: '', fields, attachments: [] });
    const at = (stage: string, status: string, history: ReturnType<typeof step>[]) => petitionDecision(PETITION, { stage, status, history });
    expect(at('accept', 'open', [step(1, 'create')])).toEqual({ state: 'pending', details: [] });
    expect(petitionDecision(PETITION, { stage: 'accept', status: 'suspended' })).toEqual({ state: 'pending', details: [] });
    const decided = step(2, 'decline', { basis: 'other', notice: 'online' });
    const declined = at('declined', 'closed', [decided, step(1, 'create')]);
    expect(declined).toEqual({ state: 'declined', at: '2026-10-02T02:00:00Z', details: ['不予受理依据：其他', '告知方式：网上信访平台告知'], step: decided });
    // returned by the unit and accepted again: the last decision counts
    const again = at('handle', 'open', [step(1, 'create'), step(2, 'register', { notice: 'written' }), step(3, 'return'), step(4, 'register')]);
    expect([again?.state, again?.at]).toEqual(['accepted', '2026-10-04T02:00:00Z']);
    // returned and not yet decided again: pending, not 已受理
    expect(at('accept', 'open', [step(1, 'create'), step(2, 'register', { notice: 'written' }), step(3, 'return')])?.state).toBe('pending');
    // merged before any decision: there is none to show
    expect(at('accept', 'merged', [step(1, 'create'), step(2, 'merge')])).toBeNull();
  });
  it('says 不予受理, not 已办结, of a declined petition', () => {
    expect(caseStatus({ status: 'closed', stage: 'declined' })).toBe('declined');
    expect(caseStatus({ status: 'closed', stage: 'done' })).toBe('closed');
    expect(caseStatus({ status: 'merged', stage: 'accept' })).toBe('merged');
    expect(caseStatus({ status: 'open', stage: 'declined' })).toBe('open');
  });
  it('steps through the stages a case went through, then those still ahead', () => {
    const P = {
      stages: ['accept', 'handle', 'reply', 'done', 'declined', 'review', 'recheck'].map((code) => ({ code, name: code, closed: code === 'done' || code === 'declined' })),
    } as unknown as CaseType;
    const step = (seq: number, to_stage: string) => ({ seq, at: '', actor: null, action: 'x', action_name: 'x', from_stage: null, to_stage, note: '', fields: null, attachments: [] });
    const codes = (c: Parameters<typeof caseSteps>[1]) => caseSteps(P, c).map((s) => s.code);
    expect(codes({ stage: 'accept', status: 'open', history: [step(1, 'accept')] })).toEqual(['accept', 'handle', 'reply', 'done']);
    expect(codes({ stage: 'declined', status: 'closed', history: [step(2, 'declined'), step(1, 'accept')] })).toEqual(['accept', 'declined']);
    const path = ['accept', 'handle', 'reply', 'done', 'review', 'done'].map((s, i) => step(i + 1, s));
    expect(codes({ stage: 'done', status: 'closed', history: path })).toEqual(['accept', 'handle', 'reply', 'done', 'review']);
    expect(codes({ stage: 'done', status: 'closed', history: path.slice(0, 4) })).toEqual(['accept', 'handle', 'reply', 'done']);
    // in 复查 (after 办结): nothing of the main line is ahead
    expect(codes({ stage: 'review', status: 'open', history: path.slice(0, 5) })).toEqual(['accept', 'handle', 'reply', 'done', 'review']);
    // returned to 受理告知 by the unit: what is ahead is not repeated
    expect(codes({ stage: 'accept', status: 'open', history: [step(1, 'accept'), step(2, 'handle'), step(3, 'accept')] })).toEqual(['accept', 'handle', 'reply', 'done']);
    expect(codes(null)).toEqual([]);
    expect(codes({ stage: 'reply', status: 'open' })).toEqual(['accept', 'handle', 'reply', 'done']);
  });
  it('maps the server’s field to the dialog’s', () => {
    expect(dialogFieldOf('fields.passed')).toBe('passed');
    expect(dialogFieldOf('attachments')).toBe('photo');
    expect(dialogFieldOf('unit_id')).toBe('unit_id');
    expect(dialogFieldOf('co_units[1]')).toBe('co_units');
    expect(dialogFieldOf('version')).toBeNull();
    expect(dialogFieldOf(undefined)).toBeNull();
  });
});

describe('masking', () => {
  it('masks names, phones and ID numbers', () => {
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('王')).toBe('*');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskIdNumber('210204199001011234')).toBe('2102**********1234');
  });
  it('keeps what the server masked', () => {
    expect(maskName('王*')).toBe('王*');
    expect(maskPhone('138****5678')).toBe('138****5678');
    expect(reporterMasked({ name: '王*', phone: '138****5678' })).toBe('王* · 138****5678');
    expect(reporterMasked(null)).toBe('');
  });
});

describe('categories and rules', () => {
  it('lists a 大類’s 小類', () => {
    expect(minorCategories(URBAN, 'C01').map((c) => c.code)).toEqual(['C0101', 'C0102']);
    expect(minorCategories(URBAN).length).toBe(3);
    expect(minorCategories(undefined, 'C01')).toEqual([]);
  });
  it('finds the row of a rule error', () => {
    expect(ruleErrorAt('[3].lead_unit_id')).toEqual({ row: 3, field: 'lead_unit_id' });
    expect(ruleErrorAt('rules[0].category')).toEqual({ row: 0, field: 'category' });
    expect(ruleErrorAt('2.type')).toEqual({ row: 2, field: 'type' });
    expect(ruleErrorAt('lead_unit_id')).toBeNull();
  });
  it('sends an inspector alone to the mobile pages', () => {
    expect(isInspectorOnly(['inspector'])).toBe(true);
    expect(isInspectorOnly(['inspector', 'staff'])).toBe(false);
    expect(isInspectorOnly(['inspector', 'statistician'])).toBe(false);
    expect(isInspectorOnly(['supervisor'])).toBe(false);
  });
});

describe('major category labels', () => {
  it('tells the 部件 and the 事件 市容环境 apart', () => {
    const a = majorCategoryLabel({ name: '市容环境', kind: '部件' });
    const b = majorCategoryLabel({ name: '市容环境', kind: '事件' });
    expect(a).toBe('部件 · 市容环境');
    expect(b).toBe('事件 · 市容环境');
    expect(a).not.toBe(b);
  });
  it('a 大類 without a kind keeps its name; kinds are translated', () => {
    expect(majorCategoryLabel({ name: '城乡建设' })).toBe('城乡建设');
    i18n.global.locale.value = 'en';
    const en = (k: string) => (CATEGORY_KIND_KEYS[k] ? i18n.global.t(CATEGORY_KIND_KEYS[k]) : k);
    expect(majorCategoryLabel({ name: '市容环境', kind: '事件' }, en)).toBe('Event · 市容环境');
    expect(majorCategoryLabel({ name: 'X', kind: '其他' }, en)).toBe('其他 · X');
    i18n.global.locale.value = 'zh-CN';
  });
});

describe('queueAction', () => {
  it('dispatches orders and registers petitions out of the queue', () => {
    expect(queueAction(['dispatch', 'close', 'merge'])).toBe('dispatch');
    expect(queueAction(['register', 'close'])).toBe('register');
    expect(queueAction(['close'])).toBeNull();
  });
});

describe('forwardAction', () => {
  // the shipped case types' stages and actions (config/case-types), as GET /case-types gives them
  const TYPES = import.meta.glob('../../../../../config/case-types/*.json', { eager: true, import: 'default' }) as Record<string, CaseType>;
  const of = (code: string) => Object.values(TYPES).find((t) => t.code === code);
  it('is the step along the normal path, not the close that any open stage allows', () => {
    expect(of('urban')).toBeTruthy();
    expect(forwardAction(of('urban'), 'register', ['register', 'close', 'merge'])).toBe('register');
    expect(forwardAction(of('urban'), 'verify', ['verify', 'rework', 'close'])).toBe('verify');
    expect(forwardAction(of('urban'), 'close', ['rework', 'close'])).toBe('close');
    expect(forwardAction(of('hotline'), 'visit', ['rate', 'close', 'supervise'])).toBe('rate');
    expect(forwardAction(of('hotline'), 'handle', ['handle', 'return', 'suspend', 'extend'])).toBe('handle');
    expect(forwardAction(of('petition'), 'reply', ['reply', 'close'])).toBe('reply');
  });
  it('is none when the viewer may not take the step, or the stage is the last', () => {
    expect(forwardAction(of('urban'), 'register', ['close'])).toBeNull();
    expect(forwardAction(of('urban'), 'done', [])).toBeNull();
    expect(forwardAction(of('petition'), 'done', ['review'])).toBeNull(); // 复查 is asked for, not the path
    expect(forwardAction(undefined, 'register', ['register'])).toBeNull();
  });
});
