// The reporter's full personal data is asked for with a warning first; the server logs each view
// (case.reporter.view). Shared by the case page's reporter line and the 告知书.
import { confirmed } from '@/utils/confirm';

/** Whether the user confirms the logged full view. */
export const confirmLoggedView = (t: (key: string) => string) => confirmed(t('cases.reporterConfirm'), t('cases.reporterTitle'), t);
