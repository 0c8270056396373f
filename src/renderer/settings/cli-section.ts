import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { say, statusLine, type Section } from './section.js';

/** "Install command-line tool": a `keybroker` command that talks to this app. */
export const cliSection: Section = {
  id: 'cli',
  title: 'Command line',
  render(root) {
    const status = statusLine();
    const output = h('pre', { class: 'output', hidden: true, tabindex: 0, 'aria-label': 'Installed command' });
    const install = async () => {
      say(status, 'Installing…');
      try {
        const r = await api().installCliTool();
        output.hidden = false;
        output.textContent = r.file;
        say(status, r.message, !r.onPath);
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    replaceChildren(root, h('h1', {}, 'Command-line tool'),
      h('p', {}, 'Installs a keybroker command (in ~/.local/bin) that works with this app from a terminal: status, approvals, approve, lock, audit, call. It runs with your Node.js 20.19 or later.'),
      h('button', { type: 'button', class: 'primary', onclick: () => void install() }, 'Install command-line tool'), status, output,
      h('h2', {}, 'Keychain prompts on macOS'),
      h('p', { class: 'muted' }, 'A password added with keybroker endpoint add belongs to Node.js in your keychain. The first time the app unlocks that endpoint, macOS asks whether KeyBroker may use it: choose Always Allow. Endpoints added here never ask.'));
    return () => undefined;
  },
};
