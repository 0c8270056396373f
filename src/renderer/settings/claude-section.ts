import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { say, statusLine, type Section } from './section.js';

/** "Install in Claude Desktop": writes one extension (.mcpb) per server and opens each in Claude Desktop. */
export const claudeSection: Section = {
  id: 'claude',
  title: 'Claude Desktop',
  render(root) {
    const status = statusLine();
    const output = h('pre', { class: 'output', hidden: true, tabindex: 0, 'aria-label': 'What changed' });
    const install = async () => {
      say(status, 'Installing…');
      try {
        const r = await api().installInClaude();
        output.hidden = false;
        output.textContent = [`Extensions folder: ${r.configPath}`, ...(r.backupPath ? [`Backup: ${r.backupPath}`] : []), '', ...r.changes].join('\n');
        say(status, 'Done. Confirm the install in Claude Desktop; KeyBroker must be running for the tools to work.');
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    replaceChildren(root, h('h1', {}, 'Claude Desktop'),
      h('p', {}, 'Adds the vSphere and P6 servers to Claude Desktop as extensions: KeyBroker writes one .mcpb file per server and opens it; Claude Desktop asks you to confirm. Its config file is not edited.'),
      h('button', { type: 'button', class: 'primary', onclick: () => void install() }, 'Install in Claude Desktop'), status, output);
    return () => undefined;
  },
};
