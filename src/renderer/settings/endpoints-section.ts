import type { EndpointForm, EndpointSummary } from '../../base/contracts/ipc-channels.js';
import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDuration, TTL_CHOICES } from '../format-duration.js';
import { labelled, say, statusLine, type Section } from './section.js';

/** The sentence a first run opens on (main opens Settings here when there are no endpoints). */
export const FIRST_RUN_HINT = 'No endpoints yet: add the vCenter or Primavera P6 server your assistant should use with the form below (the password goes to the system keychain), then install the servers in Claude Desktop.';

const PLACEHOLDERS = { vsphere: 'https://vcenter.corp.example', p6: 'https://p6.corp.example/p6ws' } as const;
const DEFAULT_TTL = 4 * 3600;

const ttlOption = (seconds: number) => h('option', { value: seconds }, formatDuration(seconds));

/**
 * Endpoints: list, add, edit, remove (after a confirmation that names the keychain
 * password), test. The form shows only the fields of the chosen kind. The password field is
 * sent to main once (main → keychain) and cleared right after; it is never kept in the page.
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
      ttl: h('select', {}, ...TTL_CHOICES.map(ttlOption)),
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
      ttlSeconds: Number(f.ttl.value) || DEFAULT_TTL,
      ...(f.fingerprint.value.trim() ? { fingerprintSha256: f.fingerprint.value.trim() } : {}),
      ...(f.password.value ? { password: f.password.value } : {}),
    });
    const setTtl = (seconds: number) => {
      if (!Array.from(f.ttl.options).some((o) => Number(o.value) === seconds)) f.ttl.append(ttlOption(seconds));
      f.ttl.value = String(seconds);
    };
    const reset = () => {
      mode = 'add';
      form.reset();
      setTtl(DEFAULT_TTL);
      f.id.disabled = false;
      submit.textContent = 'Add endpoint';
      showKindFields();
    };
    const form = h('form', { class: 'grid', 'aria-label': 'Endpoint', novalidate: true },
      ...labelled('ep-id', 'Name', f.id), ...labelled('ep-kind', 'Kind', f.kind), ...labelled('ep-url', 'URL', f.url),
      ...labelled('ep-user', 'Username', f.username), ...labelled('ep-db', 'P6 database', f.database),
      ...labelled('ep-password', 'Password', f.password), ...labelled('ep-ttl', 'Unlock for', f.ttl),
      ...labelled('ep-readonly', 'Read-only', f.readOnly), ...labelled('ep-fingerprint', 'Certificate fingerprint', f.fingerprint),
      h('div', { class: 'actions' }, submit,
        h('button', { type: 'button', onclick: () => void test() }, 'Test connection'),
        h('button', { type: 'button', onclick: reset }, 'Clear')));
    // Only the chosen kind's fields: the P6 database means nothing to vSphere.
    const databaseRow = [form.querySelector('label[for="ep-db"]'), f.database];
    const showKindFields = () => {
      const kind = f.kind.value === 'p6' ? 'p6' : 'vsphere';
      for (const el of databaseRow) if (el) (el as HTMLElement).hidden = kind !== 'p6';
      f.url.placeholder = PLACEHOLDERS[kind];
    };
    f.kind.addEventListener('change', showKindFields);
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
      setTtl(e.ttlSeconds);
      f.readOnly.checked = e.readOnly;
      f.fingerprint.value = e.fingerprintSha256 ?? '';
      f.password.value = '';
      submit.textContent = 'Save changes';
      showKindFields();
      f.url.focus();
    };
    // Removing deletes the keychain password too, which cannot be undone: ask first, in the page.
    const confirmBox = h('div', { class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'confirm-text', hidden: true });
    const askRemove = (id: string) => {
      const cancel = h('button', { type: 'button', onclick: () => { confirmBox.hidden = true; } }, 'Cancel');
      replaceChildren(confirmBox,
        h('p', { id: 'confirm-text' }, `Remove ${id}? This deletes its settings and its password from the system keychain; you will need the password to add it again.`),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'danger', onclick: () => { confirmBox.hidden = true; void remove(id); } }, `Remove ${id} and its password`), cancel));
      confirmBox.hidden = false;
      cancel.focus();
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
      replaceChildren(list, endpoints.length === 0 ? h('p', { class: 'first-run' }, FIRST_RUN_HINT) :
        h('div', { class: 'table-scroll' }, h('table', { class: 'endpoints', 'aria-label': 'Endpoints' },
          h('thead', {}, h('tr', {}, ...['Name', 'Server', 'Unlock', 'Access', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, ...endpoints.map((e) => h('tr', { 'data-endpoint': e.id },
            h('td', {}, e.id, h('div', { class: 'muted' }, e.kind === 'p6' ? 'Primavera P6' : 'vSphere')),
            h('td', { class: 'wrap-anywhere' }, e.url, h('div', { class: 'muted' }, e.username, e.database ? ` · ${e.database}` : '')),
            h('td', { class: 'nowrap' }, formatDuration(e.ttlSeconds)), h('td', {}, e.readOnly ? 'read-only' : 'read-write'),
            h('td', { class: 'row-actions' }, h('div', {}, h('button', { type: 'button', 'aria-label': `Edit ${e.id}`, onclick: () => edit(e) }, 'Edit'),
              h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${e.id}`, onclick: () => askRemove(e.id) }, 'Remove')))))))));
    };
    replaceChildren(root, h('h1', {}, 'Endpoints'), list, confirmBox, h('h2', {}, 'Add or edit'), form, status);
    reset();
    refresh().catch((e: unknown) => say(status, errorText(e), true));
    return () => {
      f.password.value = '';
    };
  },
};
