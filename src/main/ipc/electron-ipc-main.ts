import { ipcMain } from 'electron';
import type { IpcMainLike } from './handle.js';

/** The real `ipcMain`, handed to IpcRouter by main/app.ts (raw IPC stays in this folder). */
export function electronIpcMain(): IpcMainLike {
  return ipcMain;
}
