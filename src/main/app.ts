// Composition root of the Electron main process (STYLE.md §5): builds the host, the tray,
// the approver and the windows, and registers every IPC handler before a window loads.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, Menu, Notification, Tray, powerMonitor, protocol, screen, session, shell, systemPreferences, utilityProcess } from 'electron';
import { DisposableStore } from '../base/lifecycle/disposable.js';
import { PendingApprovals } from '../platform/approvals/pending-approvals.js';
import { ConfigStore } from '../platform/config/config-store.js';
import { resolveHome } from '../platform/config/home.js';
import { Host } from '../platform/host/host.js';
import { composeHost } from '../platform/host/compose-host.js';
import { openHomeKeychain } from '../platform/keychain/open-home-keychain.js';
import { AppServices } from './app-services.js';
import { ApprovalPopup } from './approvals/approval-popup.js';
import { ElectronApprover } from './approvals/electron-approver.js';
import { electronIpcMain } from './ipc/electron-ipc-main.js';
import { IpcRouter } from './ipc/handle.js';
import { IpcRefusalAudit } from './ipc/ipc-refusal-audit.js';
import { registerHandlers } from './ipc/register-handlers.js';
import { watchHostNotifications } from './notify/host-notifications.js';
import { lockOnPowerEvents } from './power/lock-on-power-events.js';
import { installClaudeExtensions } from './claude-extensions.js';
import { installCliTool } from './cli-tool/install-cli-tool.js';
import { QUIT_DEADLINE_MS, stopWithin } from './lifecycle/quit-within.js';
import { runClaudeMcpb } from './run-utility-command.js';
import { trayDisplay } from './tray/tray-display.js';
import { TrayController } from './tray/tray-controller.js';
import type { TrayAction } from './tray/tray-menu-model.js';
import { trayIconFile } from './tray/tray-state.js';
import { UtilityLauncher } from './utility-launcher.js';
import { productionMenuTemplate } from './windows/app-menu.js';
import { createAppWindow, popupWindowOptions, SETTINGS_WINDOW_OPTIONS, type AppWindowWeb } from './windows/create-app-window.js';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './windows/register-app-protocol.js';
import { SettingsWindow } from './windows/settings-window.js';
import type { WindowFactory } from './windows/window-port.js';

/** Start the desktop app. Resolves once the tray is up; quitting tears everything down. */
export async function runApp(): Promise<void> {
  // Only one instance per user: a second launch opens the first one's settings instead.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  // A menu-bar app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  await app.whenReady();
  if (process.platform === 'darwin') app.dock?.hide();
  if (app.isPackaged) {
    // Security: no Reload / Toggle Developer Tools menu items or shortcuts in a shipped build.
    const template = productionMenuTemplate(process.platform);
    Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
  }

  const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const web: AppWindowWeb = { preload: path.join(distDir, 'preload', 'index.cjs'), devTools: !app.isPackaged };
  const assetsDir = app.isPackaged ? path.join(process.resourcesPath, 'assets') : path.join(distDir, '..', 'assets');
  const owned = new DisposableStore();
  owned.add(registerAppProtocol(protocol, path.join(distDir, 'renderer')));
  // Security: our pages need no camera, notifications-from-page, geolocation, etc.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const home = resolveHome(process.env);
  // The home's own keychain namespace; 0.1's shared items are moved in once (issue 10 item 3).
  const { keychain, migrationError } = await openHomeKeychain(home);
  if (migrationError !== undefined) process.stderr.write(`[main ${process.pid}] keychain items of KeyBroker 0.1 not moved yet (${(migrationError as Error).message}); nothing was lost, retried at the next start\n`);
  const launcher = new UtilityLauncher(utilityProcess);
  const factory: WindowFactory = (options) => new BrowserWindow(options);
  const pending = owned.add(new PendingApprovals());
  // Filled in once the tray exists; the popup and the menu actions read them later.
  const ui: { tray?: TrayController; icon?: Tray } = {};
  const popup = owned.add(new ApprovalPopup({
    queue: pending,
    createWindow: () => createAppWindow(factory, 'popup', web, popupWindowOptions(process.platform)),
    platform: process.platform,
    placement: () => trayDisplay(ui.icon?.getBounds(), screen),
  }));
  const approver = new ElectronApprover({ platform: process.platform, touchId: process.platform === 'darwin' ? systemPreferences : undefined, queue: pending, showPopup: () => popup.show() });
  const configStore = new ConfigStore(home);
  // Logins and servers of every registered kind (issue 13 item 2): the same call as `keybroker serve`.
  const { logins, servers } = composeHost(configStore.load(), distDir);
  const settings = owned.add(new SettingsWindow((section) => createAppWindow(factory, 'settings', web, SETTINGS_WINDOW_OPTIONS, section)));
  // Handlers go in before anything can open a window (STYLE.md §5): a client may connect and
  // ask for an approval while the host is still starting, so they wait for it.
  // windowOnlyConsent: a policy consent or a config.json server's unlock only from the popup (E7-redteam).
  const hostReady = Host.start({ home, keychain, logins, approver, pending, windowOnlyConsent: true, servers, launcher });
  const services = new AppServices({
    home, keychain, logins,
    host: { reloadConfig: async (changed) => (await hostReady).reloadConfig(changed) },
    installInClaude: () => installClaudeExtensions({
      outDir: path.join(home, 'claude-extensions'),
      build: (outDir) => runClaudeMcpb(launcher, path.join(distDir, 'cli', 'index.js'), outDir, { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' }),
      open: (file) => shell.openPath(file),
      ...(home !== resolveHome({ ...process.env, KEYBROKER_HOME: '' }) ? { customHome: home } : {}),
    }),
    installCliTool: () => installCliTool({
      platform: process.platform,
      homedir: app.getPath('home'),
      pathEnv: process.env['PATH'] ?? '',
      ...(process.env['LOCALAPPDATA'] ? { localAppData: process.env['LOCALAPPDATA'] } : {}),
      // Node cannot read app.asar; electron-builder.yml unpacks dist/cli next to it.
      cliPath: app.isPackaged ? path.join(process.resourcesPath, 'app.asar.unpacked', 'dist', 'cli', 'index.js') : path.join(distDir, 'cli', 'index.js'),
    }),
  });
  // Every refused invoke is a page bug or a renderer running someone else's script: audited
  // as frame.invalid (bounded) and said on stderr (D185).
  const refusals = new IpcRefusalAudit({
    append: (record) => void hostReady.then((h) => h.audit.append(record)).catch((e: unknown) => process.stderr.write(`[main ${process.pid}] an IPC refusal was not audited: ${e instanceof Error ? e.message : String(e)}\n`)),
    log: (line) => process.stderr.write(`[main ${process.pid}] ${line}\n`),
  });
  const router = owned.add(new IpcRouter(electronIpcMain(), { onRefused: (refusal) => refusals.record(refusal) }));
  registerHandlers(router, {
    status: async () => (await hostReady).status(),
    lock: async (target) => (await hostReady).lock(target),
    restartServer: async (name) => (await hostReady).supervisor.restart(name),
    listApprovals: () => popup.list(),
    // Security: through the popup, which holds an allow sent before its request was readable (D173).
    decideApproval: (id, decision) => popup.answer(id, decision),
    fitPopup: (height) => popup.fit(height),
  }, services);
  const host = await hostReady;
  // The host stops by itself when its audit cannot be written (D175; it has said why on
  // stderr): the app quits with it rather than showing a tray whose host is gone.
  owned.add(host.onDidFailAudit(() => app.quit()));

  owned.add(pending.onDidChange(() => settings.send('approvals:changed', pending.list())));
  owned.add(host.audit.onDidAppend((record) => {
    settings.send('audit:appended', record);
    void host.status().then((s) => settings.send('status:changed', s));
  }));

  const onAction = (action: TrayAction) => {
    switch (action.kind) {
      case 'lock': void host.lock(action.target); break;
      case 'lock-all': void host.lock(undefined); break;
      case 'restart': void host.supervisor.restart(action.server); break;
      case 'show-approvals': popup.show(); break;
      case 'settings': settings.open(); break;
      case 'audit-log': settings.open('audit'); break;
      case 'toggle-start-at-login': app.setLoginItemSettings({ openAtLogin: !app.getLoginItemSettings().openAtLogin }); void ui.tray?.refresh(); break;
      case 'quit': app.quit(); break;
    }
  };
  ui.icon = new Tray(path.join(assetsDir, trayIconFile('locked', process.platform)));
  const tray = owned.add(new TrayController({
    tray: ui.icon,
    buildMenu: (template) => Menu.buildFromTemplate(template),
    iconDir: assetsDir,
    status: () => host.status(),
    pending: () => pending.list(),
    changes: [pending.onDidChange, host.audit.onDidAppend],
    startAtLogin: () => app.getLoginItemSettings().openAtLogin,
    onAction,
    platform: process.platform,
  }));
  // macOS opens the menu on click by itself; Windows and most Linux trays need this.
  if (process.platform !== 'darwin') ui.icon.on('click', () => ui.icon?.popUpContextMenu());
  ui.tray = tray;
  await tray.refresh();
  // Read by the `_electron` e2e suite to see the tray is up; a state name, nothing secret.
  Object.defineProperty(globalThis, '__keybrokerTrayState', { get: () => tray.currentState, configurable: true });

  owned.add(lockOnPowerEvents(powerMonitor, () => configStore.load().unlock.lockOnScreenLock, (reason) => host.broker.lock(undefined, reason)));
  owned.add(watchHostNotifications({
    onDidAppend: host.audit.onDidAppend,
    onDidFail: host.supervisor.onDidFail,
    notify: ({ title, body }) => {
      if (Notification.isSupported()) new Notification({ title, body, silent: false }).show();
    },
  }));
  app.on('second-instance', () => settings.open());
  // macOS: opening the app again from Finder or Launchpad while it runs (no Dock icon, so
  // this is the only way a user "reopens" it) shows Settings rather than nothing.
  app.on('activate', () => settings.open());
  // First run: nothing to broker yet, so say what to do instead of sitting in the menu bar.
  if (configStore.load().endpoints.length === 0) settings.open('endpoints');

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    // Log out upstream and stop the children before the process goes away, but never wait
    // for ever: a hung child or an unreachable server must not keep Quit from quitting.
    event.preventDefault();
    void stopWithin(() => host.stop(), QUIT_DEADLINE_MS).then((how) => {
      if (how !== 'stopped') process.stderr.write(`[main ${process.pid}] quit: the host did not stop cleanly (${how}); exiting anyway\n`);
      owned.dispose();
      app.exit(0);
    });
  });
}
