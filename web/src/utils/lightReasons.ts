// Why a light is yellow or red, in the user's language. The server gives the reasons as data
// (`light_reasons: [{code, ...params}]`) beside `light_reason`, the same in the seed's words; a
// record lit by an older server has only the text, which is shown as it is.
import { formatDate, formatDateTime } from './format';

export interface LightReason {
  code: string;
  [param: string]: string | number | null | undefined;
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

// The stage a project moves to next, as the "not yet …" of an over-limit reason.
const NEXT_STAGE: Record<string, string> = {
  reserve: 'negotiating',
  negotiating: 'signed',
  signed: 'registered',
  registered: 'started',
  started: 'completed',
};

function minute(v: unknown): string {
  const s = formatDateTime(typeof v === 'string' ? v : null);
  return s === '—' ? s : s.slice(0, 16);
}

function one(t: Translate, r: LightReason): string | null {
  const stage = (code: unknown) => (typeof code === 'string' ? t(`projects.stage.${code}`) : '');
  switch (r.code) {
    case 'overdue':
      return t('lightReason.overdue', { date: formatDate(String(r.due_date ?? '')) });
    case 'behind_schedule':
      return t('lightReason.behind_schedule', { time: r.time_pct, done: r.done_pct });
    case 'report_late':
      return t('lightReason.report_late', { due: minute(r.due) });
    case 'report_overdue':
      return t('lightReason.report_overdue', { due: minute(r.due), days: r.grace_workdays });
    case 'followup_overdue':
    case 'followup_due_soon':
      return t(`lightReason.${r.code}`, { number: r.number, due: minute(r.due) });
    case 'stage_over_limit':
      return t('lightReason.stage_over_limit', {
        stage: stage(r.stage),
        next: stage(NEXT_STAGE[String(r.stage)] ?? ''),
        days: r.days,
        limit: r.limit,
      });
    case 'stalled':
      return t('lightReason.stalled', { stage: stage(r.stage), months: r.months });
    case 'stage_overdue':
    case 'stage_due_soon':
    case 'paused':
      return t(`lightReason.${r.code}`);
    default:
      return null;
  }
}

/**
 * The reasons in the user's language, joined; the server's text when there are none or one has a
 * code this client does not know (a newer server); '' when there is neither.
 */
export function lightReasonText(
  t: Translate,
  reasons: LightReason[] | null | undefined,
  fallback?: string | null,
): string {
  if (!reasons?.length) return fallback ?? '';
  const parts = reasons.map((r) => one(t, r));
  if (parts.some((p) => p === null)) return fallback ?? '';
  return parts.join(t('lightReason.sep'));
}
