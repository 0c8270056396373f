import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { labelled, say, statusLine, type Section } from './section.js';

/** The HTTP front door: enable, port, CORS origins, reveal or regenerate the API key. */
export const httpSection: Section = {
  id: 'http',
  title: 'HTTP door',
  render(root) {
    const status = statusLine();
    const enabled = h('input', { type: 'checkbox' });
    const port = h('input', { type: 'number', min: 0, max: 65535 });
    const cors = h('textarea', { rows: 3, cols: 40, placeholder: 'one origin per line, e.g. https://app.example' });
    const key = h('input', { type: 'text', readonly: true, autocomplete: 'off', placeholder: 'hidden' });
    const form = h('form', { class: 'grid', 'aria-label': 'HTTP front door' },
      ...labelled('http-enabled', 'Enabled', enabled), ...labelled('http-port', 'Port (0 = default)', port), ...labelled('http-cors', 'CORS origins', cors),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const settings = { enabled: enabled.checked, port: Number(port.value || '0'), corsOrigins: cors.value.split('\n').map((s) => s.trim()).filter(Boolean) };
      api().setHttpSettings(settings).then(() => say(status, 'Saved.'), (err: unknown) => say(status, errorText(err), true));
    });
    const reveal = async () => {
      try {
        const r = await api().revealApiKey();
        key.value = r.apiKey ?? '';
        say(status, r.apiKey ? 'API key shown; it hides again when you leave this tab.' : 'No API key yet; enable the door to create one.');
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    const regenerate = async () => {
      try {
        key.value = (await api().regenerateApiKey()).apiKey;
        say(status, 'New API key generated; clients using the old one must be updated.');
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    replaceChildren(root, h('h1', {}, 'HTTP front door'), form,
      h('fieldset', {}, h('legend', {}, 'API key'), ...labelled('http-key', 'Key', key), ' ',
        h('button', { type: 'button', onclick: () => void reveal() }, 'Reveal'), ' ',
        h('button', { type: 'button', class: 'danger', onclick: () => void regenerate() }, 'Regenerate')),
      status);
    api().getHttpSettings().then((s) => {
      enabled.checked = s.enabled;
      port.value = String(s.port);
      cors.value = s.corsOrigins.join('\n');
    }, (e: unknown) => say(status, errorText(e), true));
    // Security: the revealed key does not outlive the tab.
    return () => {
      key.value = '';
    };
  },
};
