// 信访事项受理告知书 / 不予受理告知书: the written notice (书面告知) the petition office sends the
// petitioner after its decision (docs/user-guide.md, "Deciding on a petition"). The wording follows
// the 信访工作条例 (2022): an accepted petition is handled within 60 days, extendable by at most 30;
// a declined one is told why, and where to turn instead.

export type NoticeKind = 'accepted' | 'declined';

export interface NoticeInput {
  kind: NoticeKind;
  /** the petitioner's name as it is to be printed (the full name, or masked without the right to it) */
  name: string;
  /** when the petition came in, and when the office decided (RFC 3339) */
  reportedAt: string;
  decidedAt: string;
  /** what it is about: the case's title, else its category */
  subject: string;
  /** accepted: the unit that handles it */
  leadUnit?: string;
  /** declined: the ground's code (legal_channel, not_competent, in_process, concluded, other) */
  basis?: string;
  /** declined as not_competent: the organ to turn to (else 有权处理的机关) */
  authority?: string;
  /** declined on another ground: the reason as the letter is to state it (never the internal note as it is) */
  reason?: string;
  office: string;
  docNumber: string;
}

export interface Notice {
  title: string;
  docNumber: string;
  salutation: string;
  paragraphs: string[];
  office: string;
  date: string;
}

/** 2026年12月1日: the date in China (UTC+8, no DST), as official documents write it. */
export function chineseDate(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** Why it is declined, and where the petitioner may turn, by the configured ground. */
const DECLINED: Record<string, { why: string; then: string }> = {
  legal_channel: {
    why: '该事项属于应当通过诉讼、仲裁、行政复议等法定途径解决的事项',
    then: '本机关决定不予受理。请你（们）依照有关法律、行政法规规定的程序向有关机关提出。',
  },
  not_competent: {
    why: '该事项不属于本机关的职责范围',
    then: '本机关决定不予受理。请你（们）向有权处理的机关提出。',
  },
  in_process: {
    why: '该事项已经受理或者正在办理',
    then: '本机关决定不予受理。请你（们）等候办理机关的处理意见。',
  },
  concluded: {
    why: '该事项已经复查、复核终结，你（们）仍以同一事实和理由提出',
    then: '本机关不再受理。',
  },
};

/** The grounds whose wording the notice knows; any other is stated by the clerk. */
export const WORDED_GROUNDS = Object.keys(DECLINED);

export function noticeOf(i: NoticeInput): Notice {
  const subject = i.subject.trim().replace(/[。；，、.;,\s]+$/, '');
  const about = subject ? `关于“${subject}”的` : '';
  const head = `你（们）于${chineseDate(i.reportedAt)}提出的${about}信访事项，`;
  let paragraphs: string[];
  if (i.kind === 'accepted') {
    paragraphs = [
      `${head}本机关已于${chineseDate(i.decidedAt)}依法受理，并交由${i.leadUnit || '有关单位'}办理。`,
      '依照《信访工作条例》的规定，办理机关应当自受理之日起60日内办结；情况复杂的，经批准可以适当延长办理期限，但延长期限不超过30日，并告知你（们）延期理由。办理机关将依法向你（们）出具处理意见。',
      '特此告知。',
    ];
  } else {
    const d = DECLINED[i.basis ?? ''];
    const why = d ? d.why : (i.reason?.trim() || '该事项不符合受理条件').replace(/[。；;.\s]+$/, '');
    let then = d ? d.then : '本机关决定不予受理。';
    const authority = i.authority?.trim();
    if (i.basis === 'not_competent' && authority) then = then.replace('有权处理的机关', authority);
    paragraphs = [`${head}经审查，${why}。依照《信访工作条例》的规定，${then}`, '特此告知。'];
  }
  return {
    title: i.kind === 'accepted' ? '信访事项受理告知书' : '信访事项不予受理告知书',
    docNumber: i.docNumber,
    salutation: `${i.name || '信访人'}：`,
    paragraphs,
    office: i.office,
    date: chineseDate(i.decidedAt),
  };
}

/**
 * What the notice says the petition is about (事由): the title a clerk wrote; else (the title being
 * only the description's first 30 characters) the description's first sentence when it is short,
 * else the category.
 */
export function noticeSubject(c: { title?: string | null; description?: string | null; category_name?: string | null }): string {
  const title = (c.title ?? '').trim();
  const desc = (c.description ?? '').trim();
  const auto = Array.from(desc).slice(0, 30).join('');
  if (title && title !== auto && !desc.startsWith(title)) return title;
  const first = desc.split(/[。！？!?\n]/)[0].trim();
  if (first && Array.from(first).length <= 40) return first;
  return (c.category_name ?? '').trim() || title;
}

/** The notice's number as an office writes it by default: 〔2026〕XF-20261201-000021号. */
export function defaultDocNumber(caseNumber: string, decidedAt: string): string {
  const year = chineseDate(decidedAt).slice(0, 4);
  return `〔${year}〕${caseNumber}号`;
}
