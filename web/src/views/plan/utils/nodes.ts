// The server's flat node list (pre-order, with parent ids) as the rows of a tree table.
import type { PlanNode } from '@/api/plan';

export type NodeRow = PlanNode & { children?: NodeRow[] };

/** Rebuilds the tree; a node whose parent is not in the list becomes a root (filters keep ancestors). */
export function buildRows(nodes: PlanNode[]): NodeRow[] {
  const byId = new Map<number, NodeRow>();
  const roots: NodeRow[] = [];
  for (const n of nodes) byId.set(n.id, { ...n });
  for (const n of nodes) {
    const row = byId.get(n.id)!;
    const parent = n.parent_id !== null && n.parent_id !== undefined ? byId.get(n.parent_id) : undefined;
    if (parent) (parent.children ??= []).push(row);
    else roots.push(row);
  }
  return roots;
}

/** The key work each node belongs to (its root ancestor), by node id. */
export function keyWorkOf(nodes: PlanNode[]): Map<number, PlanNode> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<number, PlanNode>();
  for (const n of nodes) {
    let cur: PlanNode = n;
    let guard = 0;
    while (cur.parent_id !== null && cur.parent_id !== undefined && byId.has(cur.parent_id) && guard++ < 64) cur = byId.get(cur.parent_id)!;
    out.set(n.id, cur);
  }
  return out;
}
