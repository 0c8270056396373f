import type { EndpointForm, EndpointSummary } from '../../core/common/contracts/ipc-channels.js';
import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { labelled, say, statusLine, type Section } from './section.js';

/**
 * Endpoints: list, add, edit, remove, test. The password field is sent to main once
 * (main → keychain) and cleared right after; it is never kept in the page (issue 7).
 */
export const endpointsSection: Section = {
  id: 'endpoints',
  title: 'Endpoints',
  render(root) {
    const status = statusLine();
    const list = h('div', {});
    const f = {
      id: h('input', { type: 'text', required: true, autocomplete: 'off', spellcheck: 'false' }),
      kind: h('select', {}, h('option', { value: 'vsphere' }, 'vSphere'), h('option', { value: 'p6' }, 'Primavera P6')),
      url: h('input', { type: 'url', required: true, placeholder: 'https://vc1.corp.example' }),
      username: h('input', { type: 'text', required: true, autocomplete: 'off' }),
      database: h('input', { type: 'text', autocomplete: 'off' }),
      password: h('input', { type: 'password', autocomplete: 'new-password' }),
      ttl: h('input', { type: 'number', min: 1, max: 168, step: 1, value: 4 }),
      readOnly: h('input', { type: 'checkbox' }),
      fingerprint: h('input', { type: 'text', autocomplete: 'off', placeholder: 'optional SHA-256, e.g. 44:8F:…' }),
    };
    let mode: 'add' | 'edit' = 'add';
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Add endpoint');
    const formValue = (): EndpointForm => ({
      id: f.id.value.trim(),
      kind: f.kind.value === 'p6' ? 'p6' : 'vsphere',
      url: f.url.value.trim(),
      username: f.username.value.trim(),
      ...(f.kind.value === 'p6' && f.database.value.trim() ? { database: f.database.value.trim() } : {}),
      readOnly: f.readOnly.checked,
      ttlSeconds: Math.round(Number(f.ttl.value || '4') * 3600),
      ...(f.fingerprint.value.trim() ? { fingerprintSha256: f.fingerprint.value.trim() } : {}),
      ...(f.password.value ? { password: f.password.value } : {}),
    });
    const reset = () => {
      mode = 'add';
      form.reset();
      f.id.disabled = false;
      submit.textContent = 'Add endpoint';
    };
    const form = h('form', { class: 'grid', 'aria-label': 'Endpoint', novalidate: true },
      ...labelled('ep-id', 'Name', f.id), ...labelled('ep-kind', 'Kind', f.kind), ...labelled('ep-url', 'URL', f.url),
      ...labelled('ep-user', 'Username', f.username), ...labelled('ep-db', 'P6 database', f.database),
      ...labelled('ep-password', 'Password', f.password), ...labelled('ep-ttl', 'Unlock for (hours)', f.ttl),
      ...labelled('ep-readonly', 'Read-only', f.readOnly), ...labelled('ep-fingerprint', 'Certificate fingerprint', f.fingerprint),
      h('div', { class: 'actions' }, submit,
        h('button', { type: 'button', onclick: () => void test() }, 'Test connection'),
        h('button', { type: 'button', onclick: reset }, 'Clear')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void save();
    });
    const save = async () => {
      const value = formValue();
      // Security: the password leaves the page with this call and the field is emptied at once.
      f.password.value = '';
      try {
        await (mode === 'add' ? api().addEndpoint(value) : api().editEndpoint(value));
        say(status, `${mode === 'add' ? 'Added' : 'Saved'} endpoint ${value.id}.`);
        reset();
        await refresh();
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    const test = async () => {
      const value = formValue();
      if (!value.password) return say(status, 'Type the password to test the connection; it is not stored by a test.', true);
      say(status, `Testing ${value.url}…`);
      try {
        const r = await api().testEndpoint({ ...value, password: value.password });
        say(status, r.ok ? `Connection OK: ${r.message}` : `Connection failed: ${r.message}`, !r.ok);
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    const edit = (e: EndpointSummary) => {
      mode = 'edit';
      f.id.value = e.id;
      f.id.disabled = true;
      f.kind.value = e.kind;
      f.url.value = e.url;
      f.username.value = e.username;
      f.database.value = e.database ?? '';
      f.ttl.value = String(e.ttlSeconds / 3600);
      f.readOnly.checked = e.readOnly;
      f.fingerprint.value = e.fingerprintSha256 ?? '';
      f.password.value = '';
      submit.textContent = 'Save changes';
      f.url.focus();
    };
    const remove = async (id: string) => {
      try {
        await api().removeEndpoint(id);
        say(status, `Removed endpoint ${id}.`);
        await refresh();
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    const refresh = async () => {
      const endpoints = await api().listEndpoints();
      replaceChildren(list, endpoints.length === 0 ? h('p', { class: 'muted' }, 'No endpoints yet. Add one below.') :
        h('table', { 'aria-label': 'Endpoints' },
          h('thead', {}, h('tr', {}, ...['Name', 'Kind', 'URL', 'User', 'Unlock', 'Access', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, ...endpoints.map((e) => h('tr', { 'data-endpoint': e.id },
            h('td', {}, e.id), h('td', {}, e.kind), h('td', {}, e.url), h('td', {}, e.username),
            h('td', {}, `${e.ttlSeconds / 3600} h`), h('td', {}, e.readOnly ? 'read-only' : 'read-write'),
            h('td', {}, h('button', { type: 'button', 'aria-label': `Edit ${e.id}`, onclick: () => edit(e) }, 'Edit'), ' ',
              h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${e.id}`, onclick: () => void remove(e.id) }, 'Remove')))))));
    };
    replaceChildren(root, h('h1', {}, 'Endpoints'), list, h('h2', {}, 'Add or edit'), form, status);
    refresh().catch((e: unknown) => say(status, errorText(e), true));
    return () => {
      f.password.value = '';
    };
  },
};
