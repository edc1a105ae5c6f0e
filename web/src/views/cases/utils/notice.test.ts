import { describe, expect, it } from 'vitest';
import { chineseDate, defaultDocNumber, noticeOf, noticeSubject, type NoticeInput } from './notice';

const base: NoticeInput = {
  kind: 'accepted',
  name: '李建国',
  reportedAt: '2026-11-30T16:30:00Z', // 1 December in China
  decidedAt: '2026-12-03T02:00:00Z',
  subject: '反映某工程拖欠农民工工资',
  leadUnit: '春柳街道',
  office: '区政府督查室',
  docNumber: '〔2026〕XF-20261201-000021号',
};

describe('告知书', () => {
  it('writes dates as China reads them', () => {
    expect(chineseDate('2026-11-30T16:30:00Z')).toBe('2026年12月1日');
    expect(chineseDate('2026-01-05T15:59:59Z')).toBe('2026年1月5日');
    expect(chineseDate('not a date')).toBe('');
    expect(defaultDocNumber('XF-20261231-000007', '2026-12-31T16:00:00Z')).toBe('〔2027〕XF-20261231-000007号');
  });
  it('受理: when it came in, when it was accepted, who handles it, and the time limits', () => {
    const n = noticeOf(base);
    expect(n.title).toBe('信访事项受理告知书');
    expect(n.salutation).toBe('李建国：');
    expect(n.paragraphs[0]).toBe('你（们）于2026年12月1日提出的关于“反映某工程拖欠农民工工资”的信访事项，本机关已于2026年12月3日依法受理，并交由春柳街道办理。');
    expect(n.paragraphs[1]).toContain('60日内办结');
    expect(n.paragraphs[1]).toContain('不超过30日');
    expect([n.office, n.date, n.docNumber]).toEqual(['区政府督查室', '2026年12月3日', '〔2026〕XF-20261201-000021号']);
  });
  it('不予受理: the ground and where to turn, by the configured code', () => {
    const n = noticeOf({ ...base, kind: 'declined', basis: 'legal_channel' });
    expect(n.title).toBe('信访事项不予受理告知书');
    expect(n.paragraphs[0]).toContain('经审查，该事项属于应当通过诉讼、仲裁、行政复议等法定途径解决的事项。');
    expect(n.paragraphs[0]).toContain('本机关决定不予受理。请你（们）依照有关法律、行政法规规定的程序向有关机关提出。');
    expect(n.paragraphs[n.paragraphs.length - 1]).toBe('特此告知。');
    // concluded by 复核: 不再受理
    expect(noticeOf({ ...base, kind: 'declined', basis: 'concluded' }).paragraphs[0]).toMatch(/仍以同一事实和理由提出。.*本机关不再受理。$/);
    // another ground: the reason the clerk writes for the letter
    const other = noticeOf({ ...base, kind: 'declined', basis: 'other', reason: '信访人已撤回该事项。' });
    expect(other.paragraphs[0]).toContain('经审查，信访人已撤回该事项。依照《信访工作条例》的规定，本机关决定不予受理。');
    expect(noticeOf({ ...base, kind: 'declined', basis: 'other' }).paragraphs[0]).toContain('经审查，该事项不符合受理条件。');
    // not this office's: the organ to turn to, when the clerk names it
    expect(noticeOf({ ...base, kind: 'declined', basis: 'not_competent', authority: '市住房和城乡建设局' }).paragraphs[0]).toContain(
      '请你（们）向市住房和城乡建设局提出。',
    );
    expect(noticeOf({ ...base, kind: 'declined', basis: 'not_competent' }).paragraphs[0]).toContain('请你（们）向有权处理的机关提出。');
    // a subject written as a sentence loses its full stop inside the quotes
    expect(noticeOf({ ...base, subject: '反映小区停水。' }).paragraphs[0]).toContain('关于“反映小区停水”的信访事项');
    // 事由: the clerk's title; else the first sentence; else the category (never a cut-off quote)
    const long = '反映春柳街道某社区在保障房资格审核中存在优亲厚友问题，要求重新审核并公开结果，同时追究相关人员责任。';
    expect(noticeSubject({ title: Array.from(long).slice(0, 30).join(''), description: long, category_name: '住房保障' })).toBe('住房保障');
    expect(noticeSubject({ title: '反映小区停水', description: '反映小区停水。已两天。', category_name: '其他事项' })).toBe('反映小区停水');
    expect(noticeSubject({ title: '申请公租房保障资格。（演示数据）', description: '申请公租房保障资格。（演示数据）', category_name: '住房保障' })).toBe(
      '申请公租房保障资格',
    );
    expect(noticeSubject({ title: '关于物业费的投诉', description: '物业费上涨过快，业主意见很大。', category_name: '其他事项' })).toBe('关于物业费的投诉');
    // no name (an anonymous letter): addressed to the petitioner
    expect(noticeOf({ ...base, name: '' }).salutation).toBe('信访人：');
  });
});
