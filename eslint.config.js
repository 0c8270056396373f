// ESLint flat config. The layer table from DESIGN.md "Source layout" is enforced here
// (STYLE.md §1): a folder may import only the folders its row allows. Tests obey the
// same rules as the code they test. Do not relax a zone; move the code instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

// The floors, bottom to top (D67): base (no Node, imported by everything) → connectors (speak
// to upstreams) → platform (Node services: broker, gateway, supervisor, host) → the processes
// (mcp servers, main, cli, preload, renderer). A folder imports only floors below it.
const LAYERS = ['base', 'connectors', 'platform', 'mcp', 'main', 'cli', 'preload', 'renderer'];

/** What each layer may import, from DESIGN.md. Everything else of ours is forbidden. */
const ALLOWED = {
  base: [],
  connectors: ['base'],
  // platform may use connectors for login and logout only: the `session/index.ts` of each
  // kind (which exports nothing else) and the TLS dispatcher a login runs over.
  platform: ['base'],
  mcp: ['base', 'connectors'],
  main: ['base', 'platform', 'connectors'],
  cli: ['base', 'platform', 'connectors'],
  preload: ['base'],
  renderer: ['base'],
};

function zonesFor(root) {
  const zones = [];
  for (const layer of LAYERS) {
    for (const other of LAYERS) {
      if (other === layer || ALLOWED[layer].includes(other)) continue;
      const zone = {
        target: `./${root}/${layer}`,
        from: `./src/${other}`,
        message: `DESIGN.md layering: ${layer} may import only [${ALLOWED[layer].join(', ') || 'nothing of ours'}].`,
      };
      if (layer === 'platform' && other === 'connectors') {
        // The index files, not the folders: a file inside session/ (or the SOAP transport in
        // vsphere/soap/) would let the broker make any upstream call (issue 13).
        zone.except = ['./vsphere/session/index.ts', './p6/session/index.ts', './tls/index.ts'];
        zone.message = 'DESIGN.md layering: platform may use connectors only for login/logout (connectors/<kind>/session/index.ts, connectors/tls/index.ts).';
      }
      zones.push(zone);
    }
  }
  return zones;
}

// Issue 13 item 5: the broker is the room that holds passwords, not a drawer of shared ports.
// Clock and AuditSink live in platform/ports, Approver, PendingApprovals and askUser in
// platform/approvals; these rooms take nothing from platform/broker.
const BROKER_FREE_ROOMS = ['supervisor', 'gateway', 'http', 'approvals', 'ports'];

function brokerFenceZones(root) {
  return BROKER_FREE_ROOMS.map((room) => ({
    target: `./${root}/platform/${room}`,
    from: './src/platform/broker',
    message: `platform/${room} imports nothing from platform/broker: shared ports are in platform/ports, approvals in platform/approvals (issue 13).`,
  }));
}

const nodeBuiltinPatterns = [{ group: ['node:*'], message: 'This layer runs without Node (DESIGN.md): no node: built-ins.' }];
const noElectron = { name: 'electron', message: 'Only src/main and src/preload may import electron.' };

const SECRET_COMPARE_MESSAGE = 'Compare secrets in constant time (secretEquals / apiKeyMatches), never with === or !== (issue 12).';

/** esquery selectors for `===`/`!==`/`==`/`!=` with an operand named like a secret. */
function secretComparisonSelectors() {
  // esquery regexes take no flags, hence the spelled-out cases.
  const name = '/([Kk]ey|[Tt]oken|[Ss]ecret|[Pp]assword)s?$/';
  const op = '/^[!=]==?$/';
  const plain = (side) => `:not([${side}.type='Literal']):not([${side}.type='Identifier'][${side}.name='undefined']):not([${side}.type='UnaryExpression'])`;
  return [
    `BinaryExpression[operator=${op}][left.name=${name}]${plain('right')}`,
    `BinaryExpression[operator=${op}][left.property.name=${name}]${plain('right')}`,
    `BinaryExpression[operator=${op}][right.name=${name}]${plain('left')}`,
    `BinaryExpression[operator=${op}][right.property.name=${name}]${plain('left')}`,
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-results/**', '.cache/**', 'test/fixtures/lint/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...zonesFor('src'), ...zonesFor('test'), ...brokerFenceZones('src'), ...brokerFenceZones('test')] }],
      'import-x/no-default-export': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Raw IPC lives only in src/main/ipc/ and src/preload/ (STYLE.md §4).' },
          { name: 'keytar', message: 'keytar is archived; use @napi-rs/keyring through platform/keychain.' },
        ],
      }],
    },
  },
  { files: ['eslint.config.js', 'stryker.config.mjs'], rules: { 'import-x/no-default-export': 'off' } },
  {
    files: ['src/main/ipc/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/base/**', 'src/platform/**', 'src/connectors/**', 'src/mcp/**', 'src/cli/**', 'test/base/**', 'test/platform/**', 'test/connectors/**', 'test/mcp/**', 'test/cli/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, { name: 'keytar', message: 'keytar is archived; use platform/keychain.' }],
      }],
    },
  },
  {
    files: ['src/base/**', 'src/renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: nodeBuiltinPatterns }],
    },
  },
  {
    files: ['src/renderer/**', 'src/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Security (issue 12): secrets are compared in constant time by construction. No ===/!==
    // on a value named like a key, token, secret or password (except against a literal,
    // undefined or typeof); use apiKeyMatches or secretEquals (platform/broker/secret-equals.ts).
    files: ['src/platform/http/**', 'src/platform/broker/**'],
    rules: { 'no-restricted-syntax': ['error', ...secretComparisonSelectors().map((selector) => ({ selector, message: SECRET_COMPARE_MESSAGE }))] },
  },
);
