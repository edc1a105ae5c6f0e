// A warning asked before an action: whether the user confirmed it (cancel or close is a no).
import { ElMessageBox } from 'element-plus';

export async function confirmed(message: string, title: string, t: (key: string) => string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      type: 'warning',
      confirmButtonText: t('action.confirm'),
      cancelButtonText: t('action.cancel'),
    });
    return true;
  } catch {
    return false;
  }
}
