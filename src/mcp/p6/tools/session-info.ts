import { z } from 'zod';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { endpointArg } from './tool-kit.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** `p6_session_info`: which P6 session this server uses (the seed's `p6_session_active`), never the cookie. */
export function registerSessionInfoTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_session_info',
    title: 'P6 session info',
    description: 'Which P6 endpoint, user and database this server works with, and how old the session is and when it expires. Starts a session if there is none.',
    inputSchema: { endpoint: endpointArg },
    outputSchema: {
      endpoint: z.string().describe('KeyBroker endpoint name'),
      url: z.string().describe('P6 REST base URL'),
      user: z.string().optional().describe('P6 user name'),
      database: z.string().optional().describe('P6 DatabaseName alias'),
      sessionStartedAt: z.string().describe('when this server first used the current session (ISO time)'),
      sessionAgeSeconds: z.number().describe('seconds since then'),
      expiresAt: z.string().describe('when the broker will renew or re-prompt (ISO time)'),
      expiresInSeconds: z.number().describe('seconds until then'),
    },
    annotations: READ_ONLY,
    run: async (args) => {
      const info = await deps.endpoints.sessionInfo(args.endpoint);
      const now = deps.endpoints.now();
      const out = {
        endpoint: info.endpoint,
        url: info.url,
        ...(info.user !== undefined && { user: info.user }),
        ...(info.database !== undefined && { database: info.database }),
        sessionStartedAt: new Date(info.sessionSince).toISOString(),
        sessionAgeSeconds: Math.round((now - info.sessionSince) / 1000),
        expiresAt: new Date(info.expiresAt).toISOString(),
        expiresInSeconds: Math.round((info.expiresAt - now) / 1000),
      };
      return toolResult(`P6 ${out.endpoint} as ${out.user ?? '?'} on ${out.database ?? '?'}; session ${out.sessionAgeSeconds}s old, expires in ${out.expiresInSeconds}s`, out);
    },
  });
}
