// Entry point of the Electron main process: everything is built in app.ts.
import { app, dialog } from 'electron';
import { resolveHome } from '../platform/config/home.js';
import { runApp } from './app.js';
import { reportStartupFailure } from './lifecycle/startup-failure.js';

runApp().catch((e: unknown) => {
  // A menu-bar app started from Finder or at login has no terminal: show the reason and what
  // to do in a native dialog, and keep it in <home>/app.log (STYLE.md §13), then exit non-zero.
  reportStartupFailure(e, {
    home: resolveHome(process.env),
    showErrorBox: (title, content) => dialog.showErrorBox(title, content),
    stderr: (line) => process.stderr.write(line),
  });
  app.exit(1);
});
