// The Element Plus icons the app uses, registered by name (menus name their icon in route meta).
import type { App } from 'vue';
import {
  ArrowDown,
  Avatar,
  CircleCheckFilled,
  CircleCloseFilled,
  Document,
  DocumentCopy,
  Expand,
  Fold,
  HomeFilled,
  Key,
  Lock,
  Monitor,
  OfficeBuilding,
  Plus,
  Refresh,
  Search,
  Setting,
  Upload,
  User,
  UserFilled,
} from '@element-plus/icons-vue';

export const icons = {
  ArrowDown,
  Avatar,
  CircleCheckFilled,
  CircleCloseFilled,
  Document,
  DocumentCopy,
  Expand,
  Fold,
  HomeFilled,
  Key,
  Lock,
  Monitor,
  OfficeBuilding,
  Plus,
  Refresh,
  Search,
  Setting,
  Upload,
  User,
  UserFilled,
};

export function installIcons(app: App): void {
  for (const [name, comp] of Object.entries(icons)) app.component(name, comp);
}
