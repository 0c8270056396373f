import type { MenuItemConstructorOptions } from 'electron';
import { sanitizeText } from '../../base/sanitize-text.js';
import type { TrayAction, TrayMenuItem } from './tray-menu-model.js';

/** Turn the pure menu model into Electron's template; clicks call `onAction`. */
export function toMenuTemplate(items: readonly TrayMenuItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    // Security: labels can name peers (clients, tools); the shared sanitizer keeps them one safe line.
    const label = sanitizeText(item.label, { maxChars: 120 });
    if (item.type === 'header') return { label, enabled: false };
    const out: MenuItemConstructorOptions = { label, enabled: item.enabled };
    if (item.checked !== undefined) {
      out.type = 'checkbox';
      out.checked = item.checked;
    }
    if (item.submenu) out.submenu = toMenuTemplate(item.submenu, onAction);
    const action = item.action;
    if (action) out.click = () => onAction(action);
    return out;
  });
}
