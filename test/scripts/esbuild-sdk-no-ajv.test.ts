// The vSphere and P6 children's bundles without the MCP SDK's Ajv (scripts/esbuild-sdk-no-ajv.mjs): the SDK's
// Ajv provider becomes a class that refuses to be built, so a server that gives the SDK its own
// validator (refuseElicitation, D99) runs as before and one that does not fails at start.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeBundleOptions } from '../../scripts/build.mjs';
import { sdkWithoutAjv } from '../../scripts/esbuild-sdk-no-ajv.mjs';
import { ROOT } from '../renderer/renderer-harness.js';

const DIST = path.join(ROOT, 'dist', 'mcp');

describe("a server bundle without the MCP SDK's Ajv", () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-no-ajv-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** `code` bundled with the product's options plus the plugin, run in a fresh node. */
  async function run(code: string): Promise<{ status: number | null; stderr: string; inputs: string[] }> {
    const { build } = await import('esbuild');
    const options = nodeBundleOptions({ quiet: true });
    const outfile = path.join(tmp, `probe-${fs.readdirSync(tmp).length}.mjs`);
    const result = await build({ ...options, sourcemap: false, logLevel: 'silent', metafile: true, plugins: [...options.plugins, sdkWithoutAjv], stdin: { contents: code, resolveDir: ROOT, loader: 'ts' }, outfile });
    const r = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 20_000 });
    return { status: r.status, stderr: r.stderr, inputs: Object.keys(result.metafile.inputs) };
  }

  it('the built vSphere and P6 children carry no Ajv', () => {
    for (const name of ['vsphere', 'p6']) assert.doesNotMatch(fs.readFileSync(path.join(DIST, name, 'server.cjs'), 'utf8'), /node_modules\/ajv(-formats)?\//, name);
  });

  it('a server that gives the SDK its own validator starts, with no Ajv in its bundle', async () => {
    const r = await run("import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nimport { refuseElicitation } from './src/mcp/runtime/refuse-elicitation.ts';\nnew McpServer({ name: 'x', version: '0' }, { jsonSchemaValidator: refuseElicitation });\nprocess.stderr.write('built');");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'built');
    assert.deepEqual(r.inputs.filter((i) => /^node_modules\/ajv/.test(i)), []);
  });

  // Security: fail closed; without its own validator a server would otherwise take elicitation
  // answers unchecked.
  it('Security: a server built so that does not give the SDK a validator does not start', async () => {
    const r = await run("import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nnew McpServer({ name: 'x', version: '0' });\nprocess.stderr.write('built');");
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /built without Ajv .*give the MCP server its own jsonSchemaValidator/);
    assert.doesNotMatch(r.stderr, /^built$/m);
  });
});
