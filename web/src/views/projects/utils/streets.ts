// Names of the district's streets for the project pages, read once per page load with a single
// list request (GET /org-units?kind=street, in the caller's scope) instead of one read per row:
// a unit outside the scope answers 404 to a read by id, and its name is not the caller's to see.
import { reactive } from 'vue';
import { listOrgUnits } from '@/api/org';
import { rememberOrgNames } from '@/utils/orgNames';

export type StreetLabel = { kind: 'name'; name: string } | { kind: 'outOfScope' } | { kind: 'loading' } | { kind: 'none' };

/** What to show for an enterprise's or project's street id. */
export function streetLabel(id: number | null | undefined, names: Record<number, string>, loaded: boolean, given?: string | null): StreetLabel {
  if (!id) return { kind: 'none' };
  const name = given || names[id];
  if (name) return { kind: 'name', name };
  return loaded ? { kind: 'outOfScope' } : { kind: 'loading' };
}

const state = reactive({ names: {} as Record<number, string>, loaded: false });
let loading: Promise<void> | null = null;

/** The streets the account can see, by id; `loaded` once the list has arrived (or failed). */
export function useStreetNames() {
  if (!loading) {
    loading = listOrgUnits({ kind: 'street', per_page: 500 }, { silent: true })
      .then((p) => {
        for (const u of p.items) state.names[u.id] = u.name;
        rememberOrgNames(Object.fromEntries(p.items.map((u) => [String(u.id), u.name])));
      })
      .catch(() => {
        loading = null; // try again on the next page view
      })
      .finally(() => (state.loaded = true));
  }
  return state;
}
