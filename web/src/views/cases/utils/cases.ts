// Pure helpers of the case pages: the due time in working-time words, which fields an action's
// dialog asks for, the reporter's masked display, and where a rule-table error points.
import type { ActionDef, CaseType, CategoryDef, HistoryStep, StageDef } from '@/api/cases';

// ------------------------------------------------------------------ working time
// Office hours in Asia/Shanghai (UTC+8, no daylight saving) on China's working days: Monday to
// Friday, less the official holidays, plus the weekend days made working days (调休), as the
// server's calendar (GET /calendar) says. Without it, plain Monday-Friday 08:30-12:00, 13:30-17:30.
const SHANGHAI_MS = 8 * 3600_000;
const DAY = 86_400_000;

export interface WorkCalendar {
  /** Minute-of-day spans, e.g. [[510, 720], [810, 1050]]. */
  spans: [number, number][];
  holidays: Set<string>;
  workdays: Set<string>;
}

export const DEFAULT_CALENDAR: WorkCalendar = {
  spans: [
    [8 * 60 + 30, 12 * 60],
    [13 * 60 + 30, 17 * 60 + 30],
  ],
  holidays: new Set(),
  workdays: new Set(),
};

/** The server's calendar document as a WorkCalendar (bad office hours fall back to the default). */
export function toWorkCalendar(doc: { office_hours: string; days: { date: string; kind: string }[] }): WorkCalendar {
  let spans: [number, number][] | null = [];
  for (const part of (doc.office_hours || '').split(',')) {
    const m = /^\s*(\d{2}):(\d{2})-(\d{2}):(\d{2})\s*$/.exec(part);
    if (!m) {
      spans = null;
      break;
    }
    spans.push([+m[1] * 60 + +m[2], +m[3] * 60 + +m[4]]);
  }
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const d of doc.days || []) (d.kind === 'holiday' ? holidays : workdays).add(d.date);
  return { spans: spans?.length ? spans : DEFAULT_CALENDAR.spans, holidays, workdays };
}

/** Working hours in one day of the calendar (7.5 by default). */
export function workdayHours(cal: WorkCalendar = DEFAULT_CALENDAR): number {
  return cal.spans.reduce((s, [a, b]) => s + (b - a), 0) / 60;
}
export const WORKDAY_HOURS = workdayHours();

function isWorkingDay(dayStart: number, cal: WorkCalendar): boolean {
  const d = new Date(dayStart);
  const key = d.toISOString().slice(0, 10); // dayStart is in shifted (China) time
  if (cal.workdays.has(key)) return true;
  if (cal.holidays.has(key)) return false;
  const dow = d.getUTCDay();
  return dow !== 0 && dow !== 6;
}

/** Working minutes between two instants (0 when b <= a). */
export function workingMinutesBetween(a: Date, b: Date, cal: WorkCalendar = DEFAULT_CALENDAR): number {
  let from = a.getTime() + SHANGHAI_MS;
  const to = b.getTime() + SHANGHAI_MS;
  if (to <= from) return 0;
  let total = 0;
  // Walk day by day in local (shifted) time; bounded by the span.
  while (from < to) {
    const dayStart = Math.floor(from / DAY) * DAY;
    if (isWorkingDay(dayStart, cal)) {
      for (const [s, e] of cal.spans) {
        const ws = Math.max(dayStart + s * 60_000, from);
        const we = Math.min(dayStart + e * 60_000, to);
        if (we > ws) total += (we - ws) / 60_000;
      }
    }
    from = dayStart + DAY;
  }
  return total;
}

export type DueWords =
  | { kind: 'none' }
  | { kind: 'paused' }
  | { kind: 'left'; unit: 'minutes' | 'hours' | 'days'; n: number; calendar?: boolean }
  | { kind: 'over'; unit: 'hours' | 'days'; n: number };

/** How a stage's time limit is counted (docs/cases-api.md): office hours, working days or calendar days. */
export type LimitUnit = 'hours' | 'workdays' | 'days';

function findCategory(list: CategoryDef[] | undefined, code: string): CategoryDef | undefined {
  for (const c of list ?? []) {
    if (c.code === code) return c;
    const hit = findCategory(c.children, code);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The unit of the current stage's limit of a case: the 小類's own limit for the stage if it has
 * one, else the stage's (GET /case-types). Null when the type, stage or unit is unknown.
 */
export function limitUnitOf(type: CaseType | undefined, stage: string, category?: string | null): LimitUnit | null {
  if (!type) return null;
  const own = category ? findCategory(type.categories, category)?.limits?.[stage]?.unit : undefined;
  const unit = own ?? type.stages.find((s) => s.code === stage)?.limit?.unit;
  return unit === 'hours' || unit === 'workdays' || unit === 'days' ? unit : null;
}

/**
 * The due time as words: "剩余 3 工作小时", "剩余 2 个工作日", "剩余 44 天", "超期 5 小时", "超期 2 天".
 * Left time is counted in working time, or in calendar time when the limit is in calendar days
 * (`unit: 'days'`, e.g. petitions); overdue time always in calendar time (how long it has waited).
 */
export function dueWords(
  due: string | null | undefined,
  now: Date,
  opts: { paused?: boolean; closed?: boolean; calendar?: WorkCalendar; unit?: LimitUnit | null } = {},
): DueWords {
  const cal = opts.calendar ?? DEFAULT_CALENDAR;
  const dayHours = workdayHours(cal);
  if (!due || opts.closed) return { kind: 'none' };
  if (opts.paused) return { kind: 'paused' };
  const d = new Date(due);
  if (Number.isNaN(d.getTime())) return { kind: 'none' };
  if (d.getTime() > now.getTime()) {
    if (opts.unit === 'days') {
      const ms = d.getTime() - now.getTime();
      if (ms < 3600_000) return { kind: 'left', unit: 'minutes', n: Math.max(1, Math.ceil(ms / 60_000)), calendar: true };
      if (ms < DAY) return { kind: 'left', unit: 'hours', n: Math.floor(ms / 3600_000), calendar: true };
      return { kind: 'left', unit: 'days', n: Math.floor(ms / DAY), calendar: true };
    }
    const min = workingMinutesBetween(now, d, cal);
    if (min < 60) return { kind: 'left', unit: 'minutes', n: Math.max(1, Math.ceil(min)) };
    const h = min / 60;
    if (h < dayHours * 2) return { kind: 'left', unit: 'hours', n: Math.floor(h) };
    return { kind: 'left', unit: 'days', n: Math.floor(h / dayHours) };
  }
  const overMs = now.getTime() - d.getTime();
  if (overMs < DAY) return { kind: 'over', unit: 'hours', n: Math.max(1, Math.floor(overMs / 3600_000)) };
  return { kind: 'over', unit: 'days', n: Math.floor(overMs / DAY) };
}

/** The i18n key and parameters of dueWords' result. */
export function dueKey(w: DueWords): { key: string; n?: number } {
  if (w.kind === 'none' || w.kind === 'paused') return { key: `cases.due.${w.kind}` };
  if (w.kind === 'left' && w.calendar) return { key: `cases.due.leftCalendar.${w.unit}`, n: w.n };
  return { key: `cases.due.${w.kind}.${w.unit}`, n: w.n };
}

// ------------------------------------------------------------------ action dialogs
export type ActionField =
  | 'unit_id'
  | 'co_units'
  | 'subject_unit_id'
  | 'reason'
  | 'workdays'
  | 'rating'
  | 'solved'
  | 'target_id'
  | 'passed'
  | 'photo'
  | 'note';

/** The fields each action's dialog asks for (docs/cases-api.md, Actions). A note is always offered. */
const FIELDS: Record<string, ActionField[]> = {
  dispatch: ['unit_id', 'co_units'],
  reassign: ['unit_id', 'co_units', 'reason'],
  return: ['reason'],
  suspend: ['reason'],
  extend: ['workdays', 'reason'],
  extend_reject: ['reason'],
  rate: ['rating', 'solved'],
  merge: ['target_id'],
  verify: ['passed', 'photo'],
  set_subject: ['subject_unit_id', 'reason'],
};
/** Fields the server must get whatever the configuration says. */
const REQUIRED: Record<string, ActionField[]> = {
  dispatch: ['unit_id'],
  reassign: ['unit_id'],
  return: ['reason'],
  suspend: ['reason'],
  extend: ['workdays', 'reason'],
  rate: ['rating', 'solved'],
  merge: ['target_id'],
  verify: ['passed'],
  set_subject: ['subject_unit_id'],
};
const KNOWN = new Set<string>(['unit_id', 'co_units', 'subject_unit_id', 'reason', 'workdays', 'rating', 'solved', 'target_id', 'passed', 'photo', 'note']);

/** A fixed-list field of the action's configuration (`choices`), sent as fields.<key>. */
export interface DialogChoice {
  key: string;
  name: string;
  options: { code: string; name: string }[];
  required: boolean;
}

export interface DialogSpec {
  fields: ActionField[];
  required: ActionField[];
  /** The configured fixed-list fields, in the configuration's order (absent: none). */
  choices?: DialogChoice[];
}

/** The key under which a dialog keeps a choice's error: its server field, "fields.<key>". */
export const choiceField = (key: string) => `fields.${key}`;

/**
 * The dialog of an action: its own fields, those the type's configuration requires (`requires` of
 * the action definition: "reason", "fields.passed", "attachments", "note"), then the note. Without a
 * definition, the contract's minimum (and a photo for verifying an urban case).
 */
export function dialogSpec(action: string, def?: ActionDef | null, type?: string): DialogSpec {
  const fields: ActionField[] = [...(FIELDS[action] ?? [])];
  const requires = def?.requires ?? def?.required;
  // the type's configuration says what is required; without it, what the contract says
  const required = new Set<ActionField>(requires ? [] : (REQUIRED[action] ?? []));
  const norm = (f: string): ActionField | null => {
    const k = f.replace(/^fields\./, '');
    if (k === 'attachments') return 'photo';
    return KNOWN.has(k) ? (k as ActionField) : null;
  };
  for (const f of requires ?? []) {
    const k = norm(f);
    if (!k) continue;
    if (!fields.includes(k)) fields.push(k);
    required.add(k);
  }
  for (const f of def?.fields ?? []) {
    const k = norm(f);
    if (k && !fields.includes(k)) fields.push(k);
  }
  if (action === 'verify' && type === 'urban' && !requires) required.add('photo');
  const out: ActionField[] = fields.filter((f) => f !== 'note');
  out.push('note');
  const spec: DialogSpec = { fields: out, required: out.filter((f) => required.has(f)) };
  const choices = Object.entries(def?.choices ?? {}).map(([key, c]) => ({
    key,
    name: c.name,
    options: c.options ?? [],
    required: (requires ?? []).includes(choiceField(key)),
  }));
  if (choices.length) spec.choices = choices;
  return spec;
}

export interface ActionForm {
  unit_id: number | null;
  co_units: number[];
  subject_unit_id: number | null;
  reason: string;
  workdays: number | null;
  rating: number;
  solved: boolean | null;
  target_id: number | null;
  passed: boolean | null;
  photos: string[];
  note: string;
  /** The chosen option's code of each choice, by key. */
  choices: Record<string, string>;
}

export function emptyForm(): ActionForm {
  return { unit_id: null, co_units: [], subject_unit_id: null, reason: '', workdays: null, rating: 0, solved: null, target_id: null, passed: null, photos: [], note: '', choices: {} };
}

/** The required fields of a dialog as the form shows them: the unit and time first, the choices, the rest. */
const FIRST: ActionField[] = ['unit_id', 'co_units', 'subject_unit_id', 'workdays'];

/** Every required field left empty (checked before sending), in the form's order; a choice as fields.<key>. */
export function missingFields(spec: DialogSpec, f: ActionForm): (ActionField | `fields.${string}`)[] {
  const empty = (k: ActionField) =>
    (k === 'unit_id' && !f.unit_id) ||
    (k === 'co_units' && !f.co_units.length) ||
    (k === 'subject_unit_id' && !f.subject_unit_id) ||
    (k === 'reason' && !f.reason.trim()) ||
    (k === 'workdays' && !(f.workdays && f.workdays > 0)) ||
    (k === 'rating' && !(f.rating >= 1 && f.rating <= 5)) ||
    (k === 'solved' && f.solved === null) ||
    (k === 'target_id' && !f.target_id) ||
    (k === 'passed' && f.passed === null) ||
    (k === 'photo' && !f.photos.length) ||
    (k === 'note' && !f.note.trim());
  const req = spec.required;
  return [
    ...req.filter((k) => FIRST.includes(k) && empty(k)),
    ...(spec.choices ?? []).filter((c) => c.required && !f.choices[c.key]).map((c) => `fields.${c.key}` as const),
    ...req.filter((k) => !FIRST.includes(k) && empty(k)),
  ];
}

/** The first required field left empty, or null. */
export function missingField(spec: DialogSpec, f: ActionForm): ActionField | `fields.${string}` | null {
  return missingFields(spec, f)[0] ?? null;
}

/** The request body of the action: only the dialog's fields, and the version the page saw. */
export function actionBody(spec: DialogSpec, f: ActionForm, version: number): Record<string, unknown> {
  const b: Record<string, unknown> = { version };
  const has = (k: ActionField) => spec.fields.includes(k);
  if (has('unit_id') && f.unit_id) b.unit_id = f.unit_id;
  if (has('co_units') && f.co_units.length) b.co_units = f.co_units;
  if (has('subject_unit_id') && f.subject_unit_id) b.subject_unit_id = f.subject_unit_id;
  if (has('reason') && f.reason.trim()) b.reason = f.reason.trim();
  if (has('workdays') && f.workdays) b.workdays = f.workdays;
  if (has('rating') && f.rating) b.rating = f.rating;
  if (has('solved') && f.solved !== null) b.solved = f.solved;
  if (has('target_id') && f.target_id) b.target_id = f.target_id;
  if (has('passed') && f.passed !== null) b.fields = { passed: f.passed };
  if (has('photo') && f.photos.length) b.attachments = f.photos;
  for (const c of spec.choices ?? []) {
    const v = f.choices[c.key];
    if (v) b.fields = { ...((b.fields as Record<string, unknown>) ?? {}), [c.key]: v };
  }
  if (f.note.trim()) b.note = f.note.trim();
  return b;
}

/**
 * Maps a server error's field ("fields.passed", "attachments", "unit_id") to the dialog's field; a
 * choice of the spec stays "fields.<key>".
 */
export function dialogFieldOf(serverField: string | undefined, spec?: DialogSpec): ActionField | `fields.${string}` | null {
  if (!serverField) return null;
  const choice = spec?.choices?.find((c) => choiceField(c.key) === serverField);
  if (choice) return `fields.${choice.key}`;
  const k = serverField.replace(/^fields\./, '').replace(/\[\d+\]$/, ''); // "co_units[0]": the co-units
  if (k === 'attachments') return 'photo';
  if (k === 'text') return 'note';
  return KNOWN.has(k) ? (k as ActionField) : null;
}

/**
 * A step's fixed-list fields as "告知方式：书面告知", from its action's configured choices (a code the
 * configuration no longer lists is shown as stored).
 */
export function choiceTexts(type: CaseType | undefined, action: string, fields: Record<string, unknown> | null | undefined): string[] {
  const choices = type?.actions.find((a) => a.code === action)?.choices ?? {};
  const out: string[] = [];
  for (const [key, c] of Object.entries(choices)) {
    const v = fields?.[key];
    if (typeof v !== 'string' || !v) continue;
    out.push(`${c.name}：${c.options.find((o) => o.code === v)?.name ?? v}`);
  }
  return out;
}

/**
 * What a case's status tag says: open, suspended, closed (办结), merged, or declined, a petition
 * closed at 受理告知 as 不予受理 (stage `declined`), which was never handled and so never 办结.
 */
export function caseStatus(c: { status: string; stage: string }): string {
  return c.status === 'closed' && c.stage === 'declined' ? 'declined' : c.status;
}

/**
 * The stepper's stages for a case: those it has been in, in the order it first entered them (from its
 * history), then, while it is open, the main line's stages still ahead (the configuration's stages
 * up to its first closing one). So a declined petition shows 受理告知 → 不予受理, a closed one only
 * what it went through (复查 after 办结 only when there was one), a new case the whole way ahead.
 */
export function caseSteps(
  type: CaseType | undefined,
  c: { stage: string; status: string; history?: HistoryStep[] } | null | undefined,
): StageDef[] {
  const all = type?.stages ?? [];
  if (!c) return [];
  const byCode = new Map(all.map((s) => [s.code, s]));
  const seen: string[] = [];
  const visit = (code: string | null | undefined) => {
    if (code && byCode.has(code) && !seen.includes(code)) seen.push(code);
  };
  const firstClosed = all.findIndex((s) => s.closed);
  const main = firstClosed < 0 ? all : all.slice(0, firstClosed + 1);
  const here = main.findIndex((s) => s.code === c.stage);
  // without its history (a list row), the main line up to where it is
  if (!c.history?.length) for (const s of main.slice(0, Math.max(here, 0))) visit(s.code);
  for (const s of [...(c.history ?? [])].sort((a, b) => a.seq - b.seq)) visit(s.to_stage);
  visit(c.stage);
  if ((c.status === 'open' || c.status === 'suspended') && here >= 0) for (const s of main.slice(here + 1)) visit(s.code);
  return seen.map((code) => byCode.get(code)!);
}

/**
 * A petition's 受理 decision from its history: the last 受理告知 (register) or 不予受理 (decline)
 * step (returned with it), with its configured choices by name ("告知方式：书面告知"); pending while
 * neither was taken.
 */
export function petitionDecision(
  type: CaseType | undefined,
  c: { stage: string; status: string; history?: HistoryStep[] },
): { state: 'pending' | 'accepted' | 'declined'; at?: string; details: string[]; step?: HistoryStep } | null {
  // the last decision, unless the unit sent the case back to 受理告知 after it (退单)
  const steps = [...(c.history ?? [])].sort((a, b) => b.seq - a.seq);
  const last = steps.find((s) => s.action === 'register' || s.action === 'decline' || s.action === 'return');
  const waiting = c.stage === 'accept' && (c.status === 'open' || c.status === 'suspended');
  if (!last || last.action === 'return') return waiting ? { state: 'pending', details: [] } : null;
  return { state: last.action === 'decline' ? 'declined' : 'accepted', at: last.at, details: choiceTexts(type, last.action, last.fields), step: last };
}

/** The action's name from the type's definitions (the configured Chinese name), else the code. */
export function actionName(type: CaseType | undefined, code: string): string {
  return type?.actions.find((a) => a.code === code)?.name ?? code;
}

// ------------------------------------------------------------------ personal data
/** "王*" / "欧阳**": the first character, the rest starred (the server already masks; kept masked). */
export function maskName(name: string | null | undefined): string {
  if (!name) return '';
  if (name.includes('*')) return name;
  const chars = Array.from(name);
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}
/** "138****5678": the first three and the last four digits. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  if (phone.includes('*')) return phone;
  const p = phone.replace(/\s+/g, '');
  if (p.length <= 7) return p.slice(0, 1) + '*'.repeat(Math.max(0, p.length - 2)) + p.slice(-1);
  return p.slice(0, 3) + '*'.repeat(p.length - 7) + p.slice(-4);
}
/** "2102**********1234": the region's first four and the last four. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  if (id.includes('*')) return id;
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}
/** The reporter line shown before the logged full view: masked, whatever the server sent. */
export function reporterMasked(r: { name?: string; phone?: string } | null | undefined): string {
  if (!r) return '';
  return [maskName(r.name), maskPhone(r.phone)].filter(Boolean).join(' · ');
}

// ------------------------------------------------------------------ categories, rules
/** The 小類 of a 大類 (or every 小類 when none is chosen), for pickers. */
export function minorCategories(type: CaseType | undefined, major?: string): CategoryDef[] {
  if (!type) return [];
  const majors = major ? type.categories.filter((c) => c.code === major) : type.categories;
  return majors.flatMap((c) => c.children ?? []);
}

/** The i18n keys of the 大類 kinds the shipped configuration uses (others are shown as written). */
export const CATEGORY_KIND_KEYS: Record<string, string> = { 部件: 'cases.categoryKind.component', 事件: 'cases.categoryKind.event' };

/**
 * A 大類 as a picker shows it: with its kind when it has one ("部件 · 市容环境", "事件 · 市容环境"),
 * as 城市管理 has a 部件 and an 事件 大類 of the same name.
 */
export function majorCategoryLabel(c: Pick<CategoryDef, 'name' | 'kind'>, kindName: (kind: string) => string = (k) => k): string {
  return c.kind ? `${kindName(c.kind)} · ${c.name}` : c.name;
}

/** "[3].lead_unit_id", "rules[3].lead_unit_id", "3.lead_unit_id" → {row: 3, field: "lead_unit_id"}. */
export function ruleErrorAt(field: string | undefined): { row: number; field: string } | null {
  if (!field) return null;
  const m = /^(?:rules)?\[?(\d+)\]?\.?(.*)$/.exec(field);
  if (!m) return null;
  return { row: Number(m[1]), field: m[2] || '' };
}

/** Which light an item shows: red over the limit, yellow near it, green otherwise; none when closed. */
export function lightOf(c: { light: string | null; status: string }): 'green' | 'yellow' | 'red' | null {
  if (c.status === 'closed' || c.status === 'merged') return null;
  return c.light === 'green' || c.light === 'yellow' || c.light === 'red' ? c.light : null;
}

/** Does the account look like a field inspector only (lands on the mobile pages)? */
export function isInspectorOnly(roles: readonly string[]): boolean {
  return roles.includes('inspector') && roles.every((r) => r === 'inspector');
}

/** The action that takes a waiting case out of the dispatcher's queue: 派单 (dispatch) for orders
 *  and urban cases, 受理 (register, naming the handling unit) for petitions; null when the viewer
 *  may take neither. */
export function queueAction(actions: readonly string[]): 'dispatch' | 'register' | null {
  if (actions.includes('dispatch')) return 'dispatch';
  if (actions.includes('register')) return 'register';
  return null;
}

/** The action that moves a case along its normal path: the first of its actions (in the type's
 *  order) that leads to the stage after the current one, as 立案 at 立案 and 回访 at 回访, rather than
 *  the 结案 that may end the case from any open stage. null when none does. */
export function forwardAction(type: CaseType | undefined, stage: string, actions: readonly string[]): string | null {
  const stages = type?.stages ?? [];
  const i = stages.findIndex((s) => s.code === stage);
  // a closed case's later steps (复查, 复核) are asked for, not the path it is on
  if (i < 0 || i + 1 >= stages.length || stages[i].closed) return null;
  const next = stages[i + 1].code;
  return actions.find((a) => type?.actions.find((d) => d.code === a)?.to === next) ?? null;
}
