// Server errors shown in place, with the field named (error.field → the field's label).
import { ApiError } from '@/api/http';
import { i18n } from '@/locales';
import { apiErrorMessage } from '@/api/errorText';

const FIELD_KEYS: Record<string, string> = {
  title: 'plan.field.title',
  text: 'plan.field.text',
  content: 'plan.field.content',
  reply_days: 'plan.field.replyDays',
  percent: 'plan.field.percent',
  status: 'plan.field.status',
  status_reason: 'plan.field.statusReason',
  lead_unit_id: 'plan.field.leadUnit',
  co_unit_ids: 'plan.field.coUnits',
  leader: 'plan.field.leader',
  start_date: 'plan.field.startDate',
  due_date: 'plan.field.dueDate',
  year: 'plan.field.year',
  filename: 'plan.field.file',
  content_base64: 'plan.field.file',
  nodes: 'plan.field.nodes',
  version: 'plan.field.version',
  kind: 'plan.field.kind',
};

/** The general wording of a refusal (请填写「原因说明」, 「完成时限」填写有误（…）), with the plan
 *  form's own label for the field and where in a tree it is. */
export function errorText(e: unknown): string {
  const t = i18n.global.t;
  if (e instanceof ApiError) {
    if (e.status === 409 && e.code === 'conflict') return t('plan.conflict');
    if (e.field) {
      // "nodes[0].children[2].title": the field's label, then where it is
      const leaf = e.field.replace(/^.*\./, '');
      const key = FIELD_KEYS[e.field] ?? FIELD_KEYS[leaf];
      const where = leaf !== e.field ? `（${e.field.slice(0, e.field.length - leaf.length - 1)}）` : '';
      if (key) return apiErrorMessage(e, `${t(key)}${where}`);
    }
    // any other field, or none: the general wording with the general labels
    return apiErrorMessage(e);
  }
  return e instanceof Error ? e.message : String(e);
}
