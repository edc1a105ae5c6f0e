// The reporter's full personal data is asked for with a warning first; the server logs each view
// (case.reporter.view). Shared by the case page's reporter line and the 告知书.
import { ElMessageBox } from 'element-plus';

/** Whether the user confirms the logged full view. */
export async function confirmLoggedView(t: (key: string) => string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(t('cases.reporterConfirm'), t('cases.reporterTitle'), {
      type: 'warning',
      confirmButtonText: t('action.confirm'),
      cancelButtonText: t('action.cancel'),
    });
    return true;
  } catch {
    return false;
  }
}
