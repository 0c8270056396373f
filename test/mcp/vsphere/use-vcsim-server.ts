import { before, after } from 'node:test';
import { startVcsim, type Vcsim, type VcsimOptions } from '../../support/vcsim.js';
import { connectVsphereServer, type ConnectedServer } from './connect-vsphere-server.js';
import { vcsimTokens, type VcsimTokens } from './vcsim-tokens.js';

/** What a vSphere tool test works with; filled in by the suite's `before` hook. */
export interface VcsimServerContext {
  vcsim: Vcsim;
  tokens: VcsimTokens;
  s: ConnectedServer;
}

/**
 * Inside a `describe`: start a vcsim with `options`, a token source logged in to it, and the
 * vSphere MCP server with an SDK Client; stop all three after the suite.
 */
export function useVcsimServer(options: VcsimOptions): VcsimServerContext {
  const ctx = {} as VcsimServerContext;
  before(async () => {
    ctx.vcsim = await startVcsim(options);
    ctx.tokens = vcsimTokens(ctx.vcsim);
    ctx.s = await connectVsphereServer({ tokens: ctx.tokens, defaultEndpoint: 'vc' });
  });
  after(async () => {
    await ctx.s?.close();
    await ctx.tokens?.close();
    await ctx.vcsim?.stop();
  });
  return ctx;
}
