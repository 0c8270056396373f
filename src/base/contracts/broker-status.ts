import { z } from 'zod';
import { Isolation } from './child-channel.js';
import { EndpointKind } from '../kinds/registry.js';

/** One endpoint as `keybroker status` and the tray show it. Never a secret. */
export const EndpointStatus = z.strictObject({
  id: z.string(),
  kind: EndpointKind,
  url: z.string(),
  credential: z.string(),
  readOnly: z.boolean(),
  /** 'unlocked' while the credential's approval lasts; 'once' while an allow-once session lives. */
  lock: z.enum(['locked', 'unlocked', 'once']),
  /** Epoch ms when the unlock ends (absent when locked). */
  unlockedUntil: z.number().int().optional(),
  session: z
    .strictObject({
      loggedInAt: z.number().int(),
      expiresAt: z.number().int(),
    })
    .optional(),
});
export type EndpointStatus = z.infer<typeof EndpointStatus>;

/** A running child as the host sees it. */
export const ChildStatus = z.strictObject({
  name: z.string(),
  kind: z.string(),
  pid: z.number().int().optional(),
  state: z.enum(['starting', 'running', 'restarting', 'failed', 'stopped', 'idle']),
  restarts: z.number().int().nonnegative(),
  /**
   * A server config.json added, since its last start (D264): `approved` when node ran
   * its entry module from the bytes its approval hashed (what that module loads is read from disk
   * as it loads), `disk` when node read the entry from disk (a `.ts` an execArgv loader runs, or
   * the desktop app). Absent for a built-in server and before a first start.
   */
  code: z.enum(['approved', 'disk']).optional(),
});
export type ChildStatus = z.infer<typeof ChildStatus>;

/** `keybroker status --json`. */
export const HostStatus = z.strictObject({
  host: z.strictObject({
    running: z.boolean(),
    pid: z.number().int().optional(),
    home: z.string(),
    startedAt: z.number().int().optional(),
    /** How the server children are contained (absent when no host runs). Never claims more than the host has. */
    isolation: Isolation.optional(),
    /**
     * The running host's KeyBroker version (package.json `version` of its build; absent when no
     * host runs, and from hosts older than 0.2.0). Semver characters only, so it is safe to print.
     */
    version: z.string().max(64).regex(/^[0-9A-Za-z.+-]+$/).optional(),
  }),
  endpoints: z.array(EndpointStatus),
  children: z.array(ChildStatus),
  pendingApprovals: z.number().int().nonnegative(),
});
export type HostStatus = z.infer<typeof HostStatus>;
