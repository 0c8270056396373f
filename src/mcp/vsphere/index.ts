// The vSphere MCP server's entry point (STYLE.md §10). Under KeyBroker it runs as a child
// on the host channel and gets session tokens from the broker. `--stdio` is a DEVELOPMENT
// MODE for local work and the direct-path benchmark: credentials come from VSPHERE_URL,
// VSPHERE_USER, VSPHERE_PASSWORD (and VSPHERE_FINGERPRINT to pin a self-signed
// certificate), and this process logs in itself, so the password sits in its environment.
// See docs/VSPHERE.md.
import { runServer } from '../runtime/run-server.js';
import type { StandaloneTokens } from '../runtime/toolkit/index.js';
import { TokenDeniedError } from '../runtime/token-client.js';
import { createServer } from './server.js';
import { createStandaloneTokens, STANDALONE_ENDPOINT } from './standalone-tokens.js';

let standalone: StandaloneTokens | undefined;
void runServer({
  name: 'vsphere',
  standaloneTokens: () => (standalone = createStandaloneTokens(process.env)),
  create: ({ tokens }) => {
    if (!tokens) throw new TokenDeniedError('invalid', 'no token source; run under KeyBroker, or with --stdio and VSPHERE_* set');
    const instance = createServer({ tokens, defaultEndpoint: standalone ? STANDALONE_ENDPOINT : undefined });
    return {
      server: instance.server,
      dispose: async () => {
        await instance.dispose();
        await standalone?.dispose();
      },
    };
  },
});
