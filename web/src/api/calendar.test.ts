import { describe, expect, it } from 'vitest';
import { parseNoticeLines } from './calendar';

describe('notice lines', () => {
  it('reads dates and kinds in the ways a clerk types them', () => {
    const r = parseNoticeLines('2027-01-01,放假,元旦,国务院通知\n\n2027/2/6\t上班\t春节\n2027年2月7日，休，春节，通知，第二段\nnonsense\n2027-02-08,maybe');
    expect(r.days).toEqual([
      { date: '2027-01-01', kind: 'holiday', festival: '元旦', source: '国务院通知' },
      { date: '2027-02-06', kind: 'workday', festival: '春节', source: '' },
      { date: '2027-02-07', kind: 'holiday', festival: '春节', source: '通知,第二段' },
    ]);
    expect(r.bad).toEqual([
      { line: 5, text: 'nonsense' },
      { line: 6, text: '2027-02-08,maybe' },
    ]);
  });
});
