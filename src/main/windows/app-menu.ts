import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu in a packaged build: no Reload, no Toggle Developer Tools (the default
 * menu has both, with shortcuts). macOS keeps the app and Edit menus, without which Cmd-C/V
 * and Cmd-Q do nothing in the settings form; Windows and Linux need no menu for those keys,
 * so they get none (`null`). Development builds keep Electron's default menu.
 */
export function productionMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [{ role: 'appMenu' }, { role: 'editMenu' }];
}
