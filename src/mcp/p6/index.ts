// The P6 MCP server: a KeyBroker child (host channel, broker tokens), or standalone with
// --stdio for development (credentials from env; see standalone-tokens.ts).
import { startedByHost } from '../runtime/host-channel.js';
import { runServer } from '../runtime/run-server.js';
import { createServer } from './server.js';
import { STANDALONE_ENDPOINT, standaloneP6Tokens } from './standalone-tokens.js';

const standalone = process.argv.includes('--stdio') && !startedByHost();

await runServer({
  name: 'p6',
  create: ({ tokens }) => createServer({ tokens, ...(standalone && { defaultEndpoint: STANDALONE_ENDPOINT }) }),
  standaloneTokens: () => standaloneP6Tokens(),
}).catch((e: unknown) => {
  process.stderr.write(`p6: fatal: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
