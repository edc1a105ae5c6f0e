// Names of org units by id, fetched once per page view and shared.
import { reactive } from 'vue';
import { getOrgUnit } from '@/api/org';

const names = reactive<Record<number, string>>({});
const pending = new Set<number>();

/** Starts fetching names for ids not known yet (silently: out-of-scope ids stay as ids). */
export function resolveOrgNames(ids: Iterable<number>): void {
  for (const id of ids) {
    if (names[id] !== undefined || pending.has(id)) continue;
    pending.add(id);
    getOrgUnit(id, { silent: true })
      .then((u) => (names[id] = u.name))
      .catch(() => {
        if (names[id] === undefined) names[id] = `#${id}`; // keep a name a case brought meanwhile
      })
      .finally(() => pending.delete(id));
  }
}

/** Names the server sent with an object (a case's `unit_names`), so that they need no request. */
export function rememberOrgNames(given: Record<string, string> | undefined): void {
  for (const [id, name] of Object.entries(given ?? {})) names[Number(id)] = name;
}

export function orgName(id: number): string {
  return names[id] ?? `#${id}`;
}
