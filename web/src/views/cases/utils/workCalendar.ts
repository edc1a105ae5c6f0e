// The server's working-day calendar, fetched once per page load and shared by every due-time text.
import { shallowRef } from 'vue';
import { getCalendar } from '@/api/calendar';
import { DEFAULT_CALENDAR, toWorkCalendar, type WorkCalendar } from './cases';

const calendar = shallowRef<WorkCalendar>(DEFAULT_CALENDAR);
let loading: Promise<void> | null = null;
let failedAt = 0;

/** The calendar in force (plain Monday-Friday until the server's has arrived). */
export function useWorkCalendar() {
  if (!loading && Date.now() - failedAt > 60_000) {
    loading = getCalendar()
      .then((doc) => {
        calendar.value = toWorkCalendar(doc);
      })
      .catch(() => {
        loading = null; // signed out or offline: the plain calendar, and another try in a minute
        failedAt = Date.now();
      });
  }
  return calendar;
}
