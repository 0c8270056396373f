import type { EndpointForm, EndpointSummary, KindForm } from '../../base/contracts/ipc-channels.js';
import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDuration, TTL_CHOICES } from '../format-duration.js';
import { labelled, say, statusLine, type Section } from './section.js';

/** The sentence a first run opens on (main opens Settings here when there are no endpoints). */
export const FIRST_RUN_HINT = 'No endpoints yet: add the vCenter or Primavera P6 server your assistant should use with the form below (the password goes to the system keychain), then install the servers in Claude Desktop.';

const DEFAULT_TTL = 4 * 3600;

const ttlOption = (seconds: number) => h('option', { value: seconds }, formatDuration(seconds));

/** The form control of one kind field: a `<select>` of its choices, or a text field. */
const kindFieldControl = (f: KindForm['fields'][number]): HTMLInputElement | HTMLSelectElement =>
  f.choices ? h('select', {}, ...f.choices.map((c) => h('option', { value: c }, c))) : h('input', { type: 'text', autocomplete: 'off' });

/**
 * Endpoints: list, add, edit, remove (after a confirmation that names the keychain
 * password), test. The kinds, their titles and their own fields come from main (the kind
 * registry, issue 13 item 1); the form shows only the fields of the chosen kind. The password
 * field is sent to main once (main → keychain) and cleared right after; it is never kept in
 * the page.
 */
export const endpointsSection: Section = {
  id: 'endpoints',
  title: 'Endpoints',
  render(root) {
    const status = statusLine();
    const list = h('div', {});
    const f = {
      id: h('input', { type: 'text', required: true, autocomplete: 'off', spellcheck: 'false' }),
      kind: h('select', {}),
      url: h('input', { type: 'url', required: true }),
      username: h('input', { type: 'text', required: true, autocomplete: 'off' }),
      password: h('input', { type: 'password', autocomplete: 'new-password' }),
      ttl: h('select', {}, ...TTL_CHOICES.map(ttlOption)),
      readOnly: h('input', { type: 'checkbox' }),
      domain: h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'optional, shares one password: corp.example' }),
      caFile: h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'optional full path of a PEM file' }),
      fingerprint: h('input', { type: 'text', autocomplete: 'off', placeholder: 'optional SHA-256, e.g. 44:8F:…' }),
    };
    // Filled from main once the kinds arrive: one row per kind field, shown for its kind only.
    let kinds: KindForm[] = [];
    const kindFields: { kind: string; key: string; control: HTMLInputElement | HTMLSelectElement; row: HTMLElement[] }[] = [];
    const kindTitle = (id: string) => kinds.find((k) => k.id === id)?.title ?? id;
    let mode: 'add' | 'edit' = 'add';
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Add endpoint');
    const formValue = (): EndpointForm => {
      const own = Object.fromEntries(kindFields.filter((x) => x.kind === f.kind.value && x.control.value.trim()).map((x) => [x.key, x.control.value.trim()]));
      return {
        id: f.id.value.trim(),
        // Main checks the kind against its registry; the page only offers what main listed.
        kind: f.kind.value as EndpointForm['kind'],
        url: f.url.value.trim(),
        username: f.username.value.trim(),
        ...(Object.keys(own).length ? { fields: own } : {}),
        readOnly: f.readOnly.checked,
        ttlSeconds: Number(f.ttl.value) || DEFAULT_TTL,
        ...(f.domain.value.trim() ? { domain: f.domain.value.trim() } : {}),
        ...(f.caFile.value.trim() ? { caFile: f.caFile.value.trim() } : {}),
        ...(f.fingerprint.value.trim() ? { fingerprintSha256: f.fingerprint.value.trim() } : {}),
        ...(f.password.value ? { password: f.password.value } : {}),
      };
    };
    const setTtl = (seconds: number) => {
      if (!Array.from(f.ttl.options).some((o) => Number(o.value) === seconds)) f.ttl.append(ttlOption(seconds));
      f.ttl.value = String(seconds);
    };
    const reset = () => {
      mode = 'add';
      form.reset();
      setTtl(DEFAULT_TTL);
      f.id.disabled = false;
      f.domain.disabled = false;
      submit.textContent = 'Add endpoint';
      showKindFields();
    };
    const form = h('form', { class: 'grid', 'aria-label': 'Endpoint', novalidate: true },
      ...labelled('ep-id', 'Name', f.id), ...labelled('ep-kind', 'Kind', f.kind), ...labelled('ep-url', 'URL', f.url),
      ...labelled('ep-user', 'Username', f.username),
      ...labelled('ep-password', 'Password', f.password), ...labelled('ep-ttl', 'Unlock for', f.ttl),
      ...labelled('ep-readonly', 'Read-only', f.readOnly), ...labelled('ep-domain', 'Domain', f.domain),
      ...labelled('ep-ca', 'CA file', f.caFile), ...labelled('ep-fingerprint', 'Certificate fingerprint', f.fingerprint),
      h('div', { class: 'actions' }, submit,
        h('button', { type: 'button', onclick: () => void test() }, 'Test connection'),
        h('button', { type: 'button', onclick: reset }, 'Clear')));
    // Only the chosen kind's fields: the P6 database means nothing to vSphere.
    const showKindFields = () => {
      for (const x of kindFields) for (const el of x.row) el.hidden = x.kind !== f.kind.value;
      f.url.placeholder = kinds.find((k) => k.id === f.kind.value)?.urlExample ?? '';
    };
    /** The kinds main offers: the `<select>` options and each kind's own rows after Username. */
    const showKinds = (list: KindForm[]) => {
      kinds = list;
      replaceChildren(f.kind, ...list.map((k) => h('option', { value: k.id }, k.title)));
      let after: Element = f.username;
      for (const k of list) {
        for (const field of k.fields) {
          const control = kindFieldControl(field);
          const row = labelled(`ep-${k.id}-${field.key}`, field.label, control);
          after.after(...row);
          after = control;
          kindFields.push({ kind: k.id, key: field.key, control, row });
        }
      }
      showKindFields();
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
        const saved = await (mode === 'add' ? api().addEndpoint(value) : api().editEndpoint(value));
        // Saved, but the keychain's last write failed: the warning says what to do (C2-tidy).
        if (saved.warning) say(status, saved.warning, true);
        else say(status, `${mode === 'add' ? 'Added' : 'Saved'} endpoint ${value.id}.`);
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
      for (const x of kindFields) {
        if (x.kind !== e.kind) continue;
        const value = e.fields?.[x.key];
        if (value !== undefined) x.control.value = value;
        else if (x.control instanceof HTMLSelectElement) x.control.selectedIndex = 0;
        else x.control.value = '';
      }
      f.domain.value = e.domain ?? '';
      // The domain picks the credential, which an edit does not move (as `endpoint update`).
      f.domain.disabled = true;
      f.caFile.value = e.caFile ?? '';
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
    const listedValues = (e: EndpointSummary): string[] =>
      (kinds.find((k) => k.id === e.kind)?.fields ?? []).filter((x) => x.listed && e.fields?.[x.key]).map((x) => e.fields![x.key]!);
    const refresh = async () => {
      const endpoints = await api().listEndpoints();
      replaceChildren(list, endpoints.length === 0 ? h('p', { class: 'first-run' }, FIRST_RUN_HINT) :
        h('div', { class: 'table-scroll' }, h('table', { class: 'endpoints', 'aria-label': 'Endpoints' },
          h('thead', {}, h('tr', {}, ...['Name', 'Server', 'Unlock', 'Access', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, ...endpoints.map((e) => h('tr', { 'data-endpoint': e.id },
            h('td', {}, e.id, h('div', { class: 'muted' }, kindTitle(e.kind))),
            h('td', { class: 'wrap-anywhere' }, e.url, h('div', { class: 'muted' }, e.username, ...listedValues(e).map((v) => ` · ${v}`))),
            h('td', { class: 'nowrap' }, formatDuration(e.ttlSeconds)), h('td', {}, e.readOnly ? 'read-only' : 'read-write'),
            h('td', { class: 'row-actions' }, h('div', {}, h('button', { type: 'button', 'aria-label': `Edit ${e.id}`, onclick: () => edit(e) }, 'Edit'),
              h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${e.id}`, onclick: () => askRemove(e.id) }, 'Remove')))))))));
    };
    replaceChildren(root, h('h1', {}, 'Endpoints'), list, confirmBox, h('h2', {}, 'Add or edit'), form, status);
    reset();
    api().listKinds().then(showKinds).then(refresh).catch((e: unknown) => say(status, errorText(e), true));
    return () => {
      f.password.value = '';
    };
  },
};
