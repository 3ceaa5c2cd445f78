// api-keys.js: list, create, recreate and delete the user's API keys.
// A new key's full text lives only in the <code> of the "Your new API key"
// dialog and is removed when that dialog closes.
import { api } from './api.js';
import { $, bindForm, cell, clearErrors, h, messageRow, openDialog, requireUser, setAlert, showErrors, timeEl } from './ui.js';

const SCOPES = [
  // [request field, legend, short name in the table]
  ['user_permissions', 'User permissions', 'User'],
  ['server_permissions', 'Server permissions', 'Server'],
  ['admin_permissions', 'Admin permissions', 'Admin'],
];

const table = $('#keys-table');
const createButton = $('#create-key');
const createDialog = $('#create-dialog');
const createForm = $('#create-form');
const keyDialog = $('#key-dialog');
const keyCode = $('#new-api-key');
const pageStatus = $('#keys-status');

const user = await requireUser();
const permissionsLoaded = api('GET', '/api/client/permissions');

// ---- the table ------------------------------------------------------------------

function actionButton(text, action, key, opener) {
  const button = h('button', {
    type: 'button',
    class: `button button-small${action === 'delete' ? ' button-danger-outline' : ''}`,
    'aria-label': `${text} API key ${key.name}`,
    'data-action': action,
    'data-uuid': key.uuid,
  }, text);
  button.addEventListener('click', () => opener(key, button));
  return button;
}

function row(key) {
  const scopes = SCOPES.map(([field, , short]) => [short, key[field] || []]).filter(([, list]) => list.length);
  return h('tr', {},
    cell('Name', key.name),
    cell('Key', h('code', {}, `${key.key_start}…`)),
    cell('Allowed IPs', key.allowed_ips.length ? key.allowed_ips.join(', ') : 'Any'),
    cell('Scopes', scopes.length
      ? scopes.map(([short, list]) => h('span', { class: 'scope-line' }, `${short}: ${list.join(', ')}`))
      : 'None'),
    cell('Last used', key.last_used ? timeEl(key.last_used) : 'Never'),
    cell('Expires', key.expires ? timeEl(key.expires) : 'Never'),
    cell('Created', timeEl(key.created)),
    cell('Actions', h('div', { class: 'row-actions' },
      actionButton('Recreate', 'recreate', key, askRecreate),
      actionButton('Delete', 'delete', key, askDelete))));
}

async function load() {
  const r = await api('GET', '/api/client/account/api-keys?per_page=100');
  const list = r.status === 200 && r.data.api_keys;
  setAlert($('#keys-error'), list ? [] : r.errors);
  table.hidden = !list;
  if (!list) return;
  if (list.data.length) table.tBodies[0].replaceChildren(...list.data.map(row));
  else messageRow(table.tBodies[0], 8, 'You have no API keys yet.');
}

// Focus after the table was rebuilt: that key's Recreate button, else
// "Create API key".
function focusKey(uuid) {
  const button = uuid && table.querySelector(`button[data-action="recreate"][data-uuid="${CSS.escape(uuid)}"]`);
  (button || createButton).focus();
}

// ---- the new key ----------------------------------------------------------------

// Shows a key once; closing the dialog (Done or Escape) empties the <code>,
// reloads the table and puts focus back on the flow's opener (the recreated
// key's button, else "Create API key").
function showKey(key, uuid) {
  keyCode.textContent = key;
  $('#copy-status').textContent = '';
  openDialog(keyDialog, null, async () => {
    keyCode.textContent = '';
    $('#copy-status').textContent = '';
    getSelection()?.removeAllRanges();
    await load();
    focusKey(uuid);
  });
}

$('#copy-key').addEventListener('click', async () => {
  let copied = false;
  try {
    await navigator.clipboard.writeText(keyCode.textContent);
    copied = true;
  } catch {
    // no clipboard access (plain http, or refused): select the text instead
    const range = document.createRange();
    range.selectNodeContents(keyCode);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    copied = document.execCommand('copy');
  }
  $('#copy-status').textContent = copied ? 'Copied.' : 'The key is selected: press Ctrl+C to copy it.';
});

// ---- creating -------------------------------------------------------------------

const scopesGroup = $('#key-scopes');
const fieldTargets = {
  name: $('#key-name'),
  allowed_ips: $('#key-ips'),
  expires: $('#key-expires'),
  permissions: scopesGroup,
};
let slug = 0; // unique ids for the generated checkboxes

// The "All of <group>" box follows its group: checked, mixed or clear.
function syncAll(all, boxes) {
  const n = boxes.filter((b) => b.checked).length;
  all.checked = n === boxes.length;
  all.indeterminate = n > 0 && n < boxes.length;
}

function checkbox(label, attrs = {}) {
  const id = `perm-${++slug}`;
  const input = h('input', { type: 'checkbox', id, ...attrs });
  return { input, wrap: h('div', { class: 'check' }, input, h('label', { for: id }, label)) };
}

// One fieldset per permission group: description, "All of <group>", and a
// checkbox per permission labelled "<group>.<name>".
function groupFieldset(scope, group, info) {
  const descId = `perm-${++slug}`;
  const boxes = [];
  const items = Object.entries(info.permissions || {}).map(([name, description]) => {
    const dId = `perm-${++slug}`;
    const { input, wrap } = checkbox(`${group}.${name}`, { value: `${group}.${name}`, 'data-scope': scope, 'aria-describedby': dId });
    boxes.push(input);
    wrap.append(h('span', { class: 'check-hint', id: dId }, description));
    return wrap;
  });
  const all = checkbox(`All of ${group}`, { class: 'check-all' });
  all.input.addEventListener('change', () => {
    for (const box of boxes) box.checked = all.input.checked;
  });
  for (const box of boxes) box.addEventListener('change', () => syncAll(all.input, boxes));
  createForm.addEventListener('reset', () => setTimeout(() => syncAll(all.input, boxes)));
  return h('fieldset', { class: 'perm-group', 'aria-describedby': descId },
    h('legend', {}, group),
    h('p', { class: 'hint', id: descId }, info.description),
    h('div', { class: 'check-all-row' }, all.wrap),
    h('div', { class: 'checks' }, items));
}

function buildScopes(map) {
  const adminHeld = user.admin ? null : new Set(user.role?.admin_permissions || []);
  for (const [field, legend] of SCOPES) {
    let groups = Object.entries(map[field] || {});
    if (field === 'admin_permissions') {
      if (adminHeld && adminHeld.size === 0) continue;
      // a role holds only some admin permissions; offer just those
      if (adminHeld) {
        groups = groups.map(([group, info]) => [group, { ...info,
          permissions: Object.fromEntries(Object.entries(info.permissions || {}).filter(([name]) => adminHeld.has(`${group}.${name}`))) }])
          .filter(([, info]) => Object.keys(info.permissions).length);
      }
    }
    const fieldset = h('fieldset', { class: 'scope', id: `scope-${field}` },
      h('legend', {}, legend),
      groups.map(([group, info]) => groupFieldset(field, group, info)));
    scopesGroup.append(fieldset);
    fieldTargets[field] = fieldset;
  }
}

const permissionsReady = permissionsLoaded.then((r) => {
  if (r.status === 200) buildScopes(r.data);
  return r.status === 200 ? [] : r.errors;
});

createButton.addEventListener('click', async () => {
  createForm.reset();
  clearErrors(createForm);
  $('#key-expires').min = new Date().toISOString().slice(0, 10);
  openDialog(createDialog, createButton, () => {
    if (!keyDialog.open) createButton.focus();
  });
  const errors = await permissionsReady;
  if (errors.length) setAlert(createForm.querySelector('.form-error'), errors);
});

bindForm(createForm, async () => {
  const name = $('#key-name').value;
  const body = {
    name,
    allowed_ips: $('#key-ips').value.split('\n').map((line) => line.trim()).filter(Boolean),
  };
  for (const [field] of SCOPES) {
    body[field] = [...createForm.querySelectorAll(`input[data-scope="${field}"]:checked`)].map((b) => b.value);
  }
  const expires = $('#key-expires').value;
  if (expires) body.expires = `${expires}T23:59:59Z`;
  const r = await api('POST', '/api/client/account/api-keys', body);
  if (r.status !== 200) {
    showErrors(createForm, r.errors, fieldTargets);
    return;
  }
  pageStatus.textContent = `API key ${name} created.`;
  createDialog.close();
  showKey(r.data.key, null);
});

// ---- recreate and delete ----------------------------------------------------------

let target = null; // {key, button} the open confirmation is about

function askConfirm(dialog, title, key, button) {
  target = { key, button };
  dialog.querySelector('h2').textContent = title;
  clearErrors(dialog.querySelector('form'));
  openDialog(dialog, button, () => {
    if (!keyDialog.open) (button.isConnected ? button : createButton).focus();
  });
}

function askDelete(key, button) {
  askConfirm($('#delete-dialog'), `Delete API key ${key.name}?`, key, button);
}

function askRecreate(key, button) {
  askConfirm($('#recreate-dialog'), `Recreate API key ${key.name}?`, key, button);
}

bindForm($('#delete-form'), async () => {
  const { key } = target;
  const r = await api('DELETE', `/api/client/account/api-keys/${encodeURIComponent(key.uuid)}`);
  if (r.status !== 200) {
    showErrors($('#delete-form'), r.errors);
    return;
  }
  pageStatus.textContent = `API key ${key.name} deleted.`;
  await load();
  $('#delete-dialog').close();
});

bindForm($('#recreate-form'), async () => {
  const { key } = target;
  const r = await api('POST', `/api/client/account/api-keys/${encodeURIComponent(key.uuid)}/recreate`);
  if (r.status !== 200) {
    showErrors($('#recreate-form'), r.errors);
    return;
  }
  pageStatus.textContent = `API key ${key.name} recreated.`;
  $('#recreate-dialog').close();
  showKey(r.data.key, key.uuid);
});

await load();
