import { describe, expect, it } from 'vitest';
import type { ProposalNode } from '@/api/plan';
import {
  TreeError,
  buildPostBody,
  changeKind,
  countKinds,
  deleteNode,
  findNode,
  fromProposal,
  mergeWithPrevious,
  pathTo,
  sentenceBoundaries,
  splitTask,
  titleFrom,
  updateNode,
  validate,
} from './tree';

// 一、 key work with an item holding two tasks, and a task directly under the key work.
const T1 = '加快星海灣建設，年內竣工𠀀大廈。';
const T2 = '財政收入同比增長15%。';
const proposal: ProposalNode[] = [
  {
    kind: 'key_work',
    title: '加快結構調整',
    text: '一、加快結構調整',
    start: 0,
    end: 8,
    children: [
      {
        kind: 'item',
        title: '重點區域',
        text: '重點區域',
        start: 9,
        end: 13,
        children: [
          { kind: 'task', title: '星海灣', text: T1, start: 14, end: 14 + Array.from(T1).length, lead_units: ['發改局'], objects: ['星海灣'] },
          {
            kind: 'task',
            title: '財政收入',
            text: T2,
            start: 30,
            end: 30 + Array.from(T2).length,
            suggested_units: [{ name: '財政局' }],
            targets: [{ indicator: '財政收入', value: 15, unit: '%', measure: 'growth_rate', period: 'target', text: '增長15%' }],
          },
        ],
      },
      { kind: 'task', title: '穩定', text: '維護穩定。', start: 50, end: 55 },
    ],
  },
];

const tree = () => fromProposal(proposal);

describe('fromProposal', () => {
  it('gives pre-order uids and collects suggestions from either field', () => {
    const t = tree();
    expect(t[0].uid).toBe('n1');
    expect(findNode(t, 'n3')!.suggestions).toEqual(['發改局']);
    expect(findNode(t, 'n4')!.suggestions).toEqual(['財政局']);
    expect(findNode(t, 'n5')!.title).toBe('穩定');
    expect(pathTo(t, 'n4').map((n) => n.uid)).toEqual(['n1', 'n2', 'n4']);
    expect(countKinds(t)).toEqual({ key_work: 1, item: 1, task: 3, targets: 1 });
  });
});

describe('edits', () => {
  it('updates a node without touching the old tree', () => {
    const t = tree();
    const u = updateNode(t, 'n4', { title: '財政', leadUnitId: 7 });
    expect(findNode(u, 'n4')!.title).toBe('財政');
    expect(findNode(u, 'n4')!.leadUnitId).toBe(7);
    expect(findNode(t, 'n4')!.title).toBe('財政收入');
    expect(findNode(u, 'n3')).toBe(findNode(t, 'n3')); // untouched branches are shared
  });

  it('deletes a subtree', () => {
    const u = deleteNode(tree(), 'n2');
    expect(countKinds(u)).toEqual({ key_work: 1, item: 0, task: 1, targets: 0 });
    expect(() => deleteNode(u, 'n3')).toThrow(TreeError);
  });

  it('merges a task with the previous one', () => {
    const u = mergeWithPrevious(tree(), 'n4');
    const m = findNode(u, 'n3')!;
    expect(findNode(u, 'n4')).toBeNull();
    expect(m.text).toBe(T1 + T2);
    expect([m.start, m.end]).toEqual([14, 30 + Array.from(T2).length]);
    expect(m.targets).toHaveLength(1);
    expect(m.suggestions).toEqual(['發改局', '財政局']);
    expect(m.title).toBe('星海灣');
  });

  it('refuses to merge the first task or into a non-task', () => {
    expect(() => mergeWithPrevious(tree(), 'n3')).toThrow('no_previous');
    expect(() => mergeWithPrevious(tree(), 'n5')).toThrow('not_task'); // previous sibling is an item
    expect(() => mergeWithPrevious(tree(), 'n2')).toThrow('not_task');
    expect(() => mergeWithPrevious(tree(), 'nope')).toThrow('not_found');
  });

  it('finds sentence boundaries in code points', () => {
    expect(sentenceBoundaries('甲𠀀。乙；丙。')).toEqual([3, 5]);
    expect(sentenceBoundaries('他說「好。」然後走了。')).toEqual([6]);
    expect(sentenceBoundaries('沒有句號')).toEqual([]);
  });

  it('splits a task at a sentence boundary, spans in code points (astral included)', () => {
    const t = updateNode(tree(), 'n3', { text: T1 + '再建公園。', end: 14 + Array.from(T1 + '再建公園。').length });
    const cut = sentenceBoundaries(T1 + '再建公園。')[0];
    expect(cut).toBe(Array.from(T1).length);
    const s = splitTask(t, 'n3', cut, 'x1');
    const a = findNode(s, 'n3')!;
    const b = findNode(s, 'x1')!;
    expect(a.text).toBe(T1);
    expect(b.text).toBe('再建公園。');
    expect([a.start, a.end, b.start, b.end]).toEqual([14, 14 + cut, 14 + cut, 14 + cut + 5]);
    expect(b.title).toBe('再建公園');
    expect(b.objects).toEqual([]);
    expect(a.objects).toEqual(['星海灣']);
    expect(pathTo(s, 'x1').map((n) => n.uid)).toEqual(['n1', 'n2', 'x1']);
    expect(findNode(s, 'n2')!.children.map((n) => n.uid)).toEqual(['n3', 'x1', 'n4']);
  });

  it('moves the targets found in the second part with it', () => {
    const merged = mergeWithPrevious(tree(), 'n4');
    const cut = Array.from(T1).length;
    const s = splitTask(merged, 'n3', cut, 'x2');
    expect(findNode(s, 'n3')!.targets).toEqual([]);
    expect(findNode(s, 'x2')!.targets.map((t) => t.text)).toEqual(['增長15%']);
    expect(findNode(s, 'x2')!.title).toBe('財政收入同比增長15%');
  });

  it('refuses a split at the ends or of a non-task', () => {
    expect(() => splitTask(tree(), 'n3', 0, 'x')).toThrow('bad_split');
    expect(() => splitTask(tree(), 'n3', Array.from(T1).length, 'x')).toThrow('bad_split');
    expect(() => splitTask(tree(), 'n2', 1, 'x')).toThrow('not_task');
  });

  it('changes kinds within the rules', () => {
    expect(findNode(changeKind(tree(), 'n5', 'item'), 'n5')!.kind).toBe('item');
    expect(findNode(changeKind(changeKind(tree(), 'n5', 'item'), 'n5', 'task'), 'n5')!.kind).toBe('task');
    expect(() => changeKind(tree(), 'n3', 'item')).toThrow('bad_kind'); // only tasks under an item
    expect(() => changeKind(tree(), 'n1', 'task')).toThrow('bad_kind'); // only key works at the top
    expect(() => changeKind(tree(), 'n2', 'task')).toThrow('has_children');
    expect(() => changeKind(tree(), 'n3', 'key_work')).toThrow('bad_kind');
    expect(() => changeKind(tree(), 'n1', 'item')).toThrow('bad_kind');
  });

  it('titles from the first clause, by code point', () => {
    expect(titleFrom('  建設𠀀公園，年內完成。')).toBe('建設𠀀公園');
    expect(titleFrom('一二三四五', 3)).toBe('一二三');
  });
});

describe('buildPostBody', () => {
  it('builds the POST /plans body with unit ids and no empty fields', () => {
    let t = updateNode(tree(), 'n3', { leadUnitId: 12, coUnitIds: [13], leader: ' 王副區長 ', dueDate: '2027-12-31' });
    t = updateNode(t, 'n5', { title: '' });
    const body = buildPostBody({ year: 2027, encoding: 'UTF-8', source: 'SRC' }, ' 計劃 ', t);
    expect(body.title).toBe('計劃');
    expect(body.year).toBe(2027);
    expect(body.source).toBe('SRC');
    const kw = body.nodes[0];
    expect(kw).toMatchObject({ kind: 'key_work', title: '加快結構調整', start: 0, end: 8 });
    const [task1, task2] = kw.children![0].children!;
    expect(task1).toEqual({
      kind: 'task',
      title: '星海灣',
      text: T1,
      start: 14,
      end: 14 + Array.from(T1).length,
      lead_unit_id: 12,
      co_unit_ids: [13],
      leader: '王副區長',
      due_date: '2027-12-31',
      objects: ['星海灣'],
    });
    expect(task2.targets![0].indicator).toBe('財政收入');
    expect(task2.lead_unit_id).toBeUndefined();
    expect(validate(t)).toEqual({ untitled: ['n5'], tasks: 3 });
  });

  it('leaves out the span of a node that has none', () => {
    const t = updateNode(tree(), 'n5', { start: null, end: null });
    const body = buildPostBody({ year: 2027, encoding: 'GB18030', source: '' }, 't', t);
    const n5 = body.nodes[0].children![1];
    expect('start' in n5).toBe(false);
    expect(body.encoding).toBe('GB18030');
  });
});
