// The P6 MCP server: a KeyBroker child (host channel, broker tokens), or standalone with
// --stdio for development (credentials from env; see standalone-tokens.ts).
import { runServer } from '../runtime/run-server.js';
import type { StandaloneTokens } from '../runtime/toolkit/index.js';
import { createServer } from './server.js';
import { createStandaloneTokens, STANDALONE_ENDPOINT } from './standalone-tokens.js';

let standalone: StandaloneTokens | undefined;
void runServer({
  name: 'p6',
  standaloneTokens: () => (standalone = createStandaloneTokens(process.env)),
  create: ({ tokens }) => {
    const instance = createServer({ tokens, ...(standalone && { defaultEndpoint: STANDALONE_ENDPOINT }) });
    return {
      server: instance.server,
      dispose: async () => {
        await instance.dispose();
        await standalone?.dispose();
      },
    };
  },
});
