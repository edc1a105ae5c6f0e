// The case types (GET /case-types), fetched once per page load and shared by the case pages.
import { ref } from 'vue';
import { listCaseTypes, type CaseType } from '@/api/cases';

const types = ref<CaseType[]>([]);
let loading: Promise<CaseType[]> | null = null;

export function useCaseTypes() {
  if (!loading) {
    loading = listCaseTypes()
      .then((t) => (types.value = t))
      .catch((e) => {
        loading = null;
        throw e;
      });
  }
  const typeOf = (code: string | undefined) => types.value.find((t) => t.code === code);
  return { types, ready: loading, typeOf };
}
