// The importer's proposed tree as the user edits it before confirming: pure functions, each
// returning a new tree (the old one is left as it was, so an undo is just the previous value).
import type { NodeKind, PostPlan, PostPlanNode, Proposal, ProposalNode, Target } from '@/api/plan';
import { cpLength } from './codepoints';

export interface EditNode {
  uid: string;
  kind: NodeKind;
  title: string;
  text: string;
  /** Code-point span in the source; null once the text no longer comes from one place. */
  start: number | null;
  end: number | null;
  leadUnitId: number | null;
  coUnitIds: number[];
  leader: string;
  startDate: string;
  dueDate: string;
  targets: Target[];
  objects: string[];
  /** The importer's lead-unit suggestions (names). */
  suggestions: string[];
  children: EditNode[];
}

export class TreeError extends Error {
  constructor(readonly code: 'not_found' | 'no_previous' | 'not_task' | 'bad_split' | 'has_children' | 'bad_kind') {
    super(code);
    this.name = 'TreeError';
  }
}

function names(v: ProposalNode['lead_units']): string[] {
  return (v ?? []).map((x) => (typeof x === 'string' ? x : x?.name)).filter((x): x is string => !!x);
}

/** Turns the importer's nodes into editable ones with stable uids (n1, n2, … in pre-order). */
export function fromProposal(nodes: ProposalNode[]): EditNode[] {
  let n = 0;
  const conv = (p: ProposalNode): EditNode => {
    const suggestions = [
      ...names(p.lead_units),
      ...names(p.suggested_units),
      ...(p.lead_unit_suggestions ?? []).map((s) => s.name ?? s.unit ?? '').filter(Boolean),
    ];
    if (p.lead_unit) suggestions.push(typeof p.lead_unit === 'string' ? p.lead_unit : p.lead_unit.name);
    return {
      uid: 'n' + ++n,
      kind: p.kind,
      title: p.title ?? '',
      text: p.text ?? '',
      start: typeof p.start === 'number' ? p.start : null,
      end: typeof p.end === 'number' ? p.end : null,
      leadUnitId: null,
      coUnitIds: [],
      leader: p.leader ?? '',
      startDate: p.start_date ?? '',
      dueDate: p.due_date ?? '',
      targets: p.targets ? [...p.targets] : [],
      objects: p.objects ? [...p.objects] : [],
      suggestions: [...new Set(suggestions)],
      children: (p.children ?? []).map(conv),
    };
  };
  return nodes.map(conv);
}

/** The chain of nodes from a root to `uid` (empty when absent). */
export function pathTo(tree: EditNode[], uid: string): EditNode[] {
  for (const n of tree) {
    if (n.uid === uid) return [n];
    const sub = pathTo(n.children, uid);
    if (sub.length) return [n, ...sub];
  }
  return [];
}

export function findNode(tree: EditNode[], uid: string): EditNode | null {
  const p = pathTo(tree, uid);
  return p.length ? p[p.length - 1] : null;
}

/** Applies `fn` to the sibling list that holds `uid` (fn gets the list and the index). */
function withSiblings(tree: EditNode[], uid: string, fn: (list: EditNode[], i: number) => EditNode[]): EditNode[] {
  const i = tree.findIndex((n) => n.uid === uid);
  if (i >= 0) return fn(tree, i);
  let hit = false;
  const out = tree.map((n) => {
    if (hit) return n;
    const kids = withSiblings(n.children, uid, fn);
    if (kids === n.children) return n;
    hit = true;
    return { ...n, children: kids };
  });
  return hit ? out : tree;
}

function must(tree: EditNode[], uid: string): EditNode {
  const n = findNode(tree, uid);
  if (!n) throw new TreeError('not_found');
  return n;
}

export type NodePatch = Partial<Omit<EditNode, 'uid' | 'children' | 'kind'>>;

/** Changes a node's fields. Editing the text keeps the span (it still says where it came from). */
export function updateNode(tree: EditNode[], uid: string, patch: NodePatch): EditNode[] {
  must(tree, uid);
  return withSiblings(tree, uid, (list, i) => list.map((n, j) => (j === i ? { ...n, ...patch } : n)));
}

/** Removes a node and its subtree. */
export function deleteNode(tree: EditNode[], uid: string): EditNode[] {
  must(tree, uid);
  return withSiblings(tree, uid, (list, i) => list.filter((_, j) => j !== i));
}

/**
 * Merges a task into the task just before it among its siblings: one task whose text is both
 * texts, whose span covers both, with both sets of targets and objects. The earlier title stays.
 */
export function mergeWithPrevious(tree: EditNode[], uid: string): EditNode[] {
  const cur = must(tree, uid);
  if (cur.kind !== 'task') throw new TreeError('not_task');
  return withSiblings(tree, uid, (list, i) => {
    const prev = list[i - 1];
    if (!prev) throw new TreeError('no_previous');
    if (prev.kind !== 'task') throw new TreeError('not_task');
    const merged: EditNode = {
      ...prev,
      text: prev.text + cur.text,
      start: prev.start !== null && cur.start !== null ? Math.min(prev.start, cur.start) : null,
      end: prev.end !== null && cur.end !== null ? Math.max(prev.end, cur.end) : null,
      leadUnitId: prev.leadUnitId ?? cur.leadUnitId,
      coUnitIds: [...new Set([...prev.coUnitIds, ...cur.coUnitIds])],
      leader: prev.leader || cur.leader,
      startDate: prev.startDate || cur.startDate,
      dueDate: prev.dueDate || cur.dueDate,
      targets: [...prev.targets, ...cur.targets],
      objects: [...new Set([...prev.objects, ...cur.objects])],
      suggestions: [...new Set([...prev.suggestions, ...cur.suggestions])],
    };
    return [...list.slice(0, i - 1), merged, ...list.slice(i + 1)];
  });
}

const SENTENCE_END = /[。！？；!?;]/u;

/** Code-point offsets inside `text` where a sentence ends (after 。！？；), excluding 0 and the end. */
export function sentenceBoundaries(text: string): number[] {
  const cps = Array.from(text);
  const out: number[] = [];
  for (let i = 0; i < cps.length - 1; i++) {
    if (!SENTENCE_END.test(cps[i])) continue;
    // keep a closing quote or bracket with its sentence
    let j = i + 1;
    while (j < cps.length && /[」』”’)）]/u.test(cps[j])) j++;
    if (j < cps.length && !out.includes(j)) out.push(j);
  }
  return out;
}

/** A title for a task cut from text: its first clause, at most 30 characters. */
export function titleFrom(text: string, max = 30): string {
  const cps = Array.from(text.trim());
  let end = cps.findIndex((c) => /[，。；！？,;!?：:]/u.test(c));
  if (end < 0) end = cps.length;
  return cps.slice(0, Math.min(end, max)).join('');
}

/**
 * Splits a task in two at code-point offset `at` of its text (normally a sentence boundary).
 * The second task gets the uid `newUid`, the rest of the text and span, a title from its first
 * clause, the same unit and dates; targets whose text falls in the second part move with it.
 */
export function splitTask(tree: EditNode[], uid: string, at: number, newUid: string): EditNode[] {
  const cur = must(tree, uid);
  if (cur.kind !== 'task') throw new TreeError('not_task');
  const cps = Array.from(cur.text);
  if (!Number.isInteger(at) || at <= 0 || at >= cps.length) throw new TreeError('bad_split');
  const a = cps.slice(0, at).join('');
  const b = cps.slice(at).join('');
  const spanOk = cur.start !== null && cur.end !== null && cur.end - cur.start === cps.length;
  const inB = (t: Target) => !!t.text && !a.includes(t.text) && b.includes(t.text);
  const first: EditNode = {
    ...cur,
    text: a,
    end: spanOk ? cur.start! + at : cur.end,
    targets: cur.targets.filter((t) => !inB(t)),
  };
  const second: EditNode = {
    ...cur,
    uid: newUid,
    title: titleFrom(b),
    text: b,
    start: spanOk ? cur.start! + at : null,
    end: spanOk ? cur.end : null,
    targets: cur.targets.filter(inB),
    objects: cur.objects.filter((o) => b.includes(o)),
    coUnitIds: [...cur.coUnitIds],
    suggestions: [...cur.suggestions],
    children: [],
  };
  return withSiblings(tree, uid, (list, i) => [...list.slice(0, i), first, second, ...list.slice(i + 1)]);
}

/**
 * Changes a node's kind within the levels POST /plans accepts: key works at the top (only),
 * items or tasks under a key work, only tasks under an item; a task is a leaf, so a node with
 * children cannot become one.
 */
export function changeKind(tree: EditNode[], uid: string, kind: NodeKind): EditNode[] {
  const path = pathTo(tree, uid);
  if (!path.length) throw new TreeError('not_found');
  const n = path[path.length - 1];
  const parent = path.length > 1 ? path[path.length - 2] : null;
  if ((kind === 'key_work') !== (parent === null)) throw new TreeError('bad_kind');
  if (parent?.kind === 'item' && kind !== 'task') throw new TreeError('bad_kind');
  if (kind === 'task' && n.children.length) throw new TreeError('has_children');
  return updateNodeKind(tree, uid, kind);
}

function updateNodeKind(tree: EditNode[], uid: string, kind: NodeKind): EditNode[] {
  return withSiblings(tree, uid, (list, i) => list.map((n, j) => (j === i ? { ...n, kind } : n)));
}

/** Counts by kind (for the summary above the tree). */
export function countKinds(tree: EditNode[]): Record<NodeKind, number> & { targets: number } {
  const out = { key_work: 0, item: 0, task: 0, targets: 0 };
  const walk = (l: EditNode[]) => {
    for (const n of l) {
      out[n.kind]++;
      out.targets += n.targets.length;
      walk(n.children);
    }
  };
  walk(tree);
  return out;
}

/** Pre-order list of the nodes with their depth (for a flat outline). */
export function flatten(tree: EditNode[], depth = 0, out: { node: EditNode; depth: number }[] = []) {
  for (const n of tree) {
    out.push({ node: n, depth });
    flatten(n.children, depth + 1, out);
  }
  return out;
}

/** The POST /plans body from the proposal and the edited tree; empty fields are left out. */
export function buildPostBody(p: Pick<Proposal, 'year' | 'encoding' | 'source'>, title: string, tree: EditNode[]): PostPlan {
  const conv = (n: EditNode): PostPlanNode => {
    const out: PostPlanNode = { kind: n.kind, title: n.title.trim(), text: n.text };
    if (n.start !== null && n.end !== null) {
      out.start = n.start;
      out.end = n.end;
    }
    if (n.kind === 'task') {
      if (n.leadUnitId !== null) out.lead_unit_id = n.leadUnitId;
      if (n.coUnitIds.length) out.co_unit_ids = [...n.coUnitIds];
      if (n.leader.trim()) out.leader = n.leader.trim();
      if (n.startDate) out.start_date = n.startDate;
      if (n.dueDate) out.due_date = n.dueDate;
      if (n.targets.length) out.targets = n.targets.map((t) => ({ ...t }));
      if (n.objects.length) out.objects = [...n.objects];
    } else if (n.children.length) {
      out.children = n.children.map(conv);
    }
    return out;
  };
  return { title: title.trim(), year: p.year, source: p.source, encoding: p.encoding, nodes: tree.map(conv) };
}

/** Problems that stop a confirm: nodes without a title (uids), and whether there is any task. */
export function validate(tree: EditNode[]): { untitled: string[]; tasks: number } {
  const untitled: string[] = [];
  let tasks = 0;
  for (const { node } of flatten(tree)) {
    if (!node.title.trim()) untitled.push(node.uid);
    if (node.kind === 'task') tasks++;
  }
  return { untitled, tasks };
}

/** The code-point length of a node's text (shown beside it). */
export const textLength = (n: EditNode) => cpLength(n.text);
