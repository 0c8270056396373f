import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { say, statusLine, type Section } from './section.js';

/** "Install in Claude Desktop": runs the gateway issue's installer and shows what changed. */
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
        output.textContent = [`Config: ${r.configPath}`, ...(r.backupPath ? [`Backup: ${r.backupPath}`] : []), '', ...r.changes].join('\n');
        say(status, 'Done. Restart Claude Desktop to load the servers.');
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    replaceChildren(root, h('h1', {}, 'Claude Desktop'),
      h('p', {}, 'Adds the vSphere and P6 servers to Claude Desktop’s configuration (a backup of the old file is kept).'),
      h('button', { type: 'button', class: 'primary', onclick: () => void install() }, 'Install in Claude Desktop'), status, output);
    return () => undefined;
  },
};
