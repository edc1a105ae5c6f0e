import type { Permission } from '@/api/types';
import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the title (menu, breadcrumb, tab). */
    title?: string;
    /** Element Plus icon name. */
    icon?: string;
    /** The permission the server requires for this page's API; none: any signed-in account. */
    perm?: Permission | null;
    /**
     * An API call that stands for the page: the route walk checks the server answers 2xx for it
     * exactly when the route is registered. {unit} is the account's first unit, {plan} a plan.
     * "POST /path" posts an empty JSON object, "PUT /path" a body the server refuses as invalid
     * (so the probe changes nothing): allowed means any answer but 401/403.
     */
    probe?: string;
    /** Menu group (i18n key) the entry sits under; none: top level. */
    group?: string;
    /** Not in the menu (details, personal pages). */
    hidden?: boolean;
    /** Which menu entry is highlighted for a hidden page. */
    activeMenu?: string;
    /** Outside the app shell (print views): no menu, no top bar. */
    bare?: boolean;
    /** Reachable without signing in. */
    public?: boolean;
  }
}

export {};
