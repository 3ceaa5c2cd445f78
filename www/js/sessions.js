// sessions.js: the user's sessions; revoke one, or all but this one.
import { api } from './api.js';
import { $, cell, h, messageRow, requireUser, setAlert, showFieldError, timeEl } from './ui.js';

const table = $('#sessions-table');
const status = $('#sessions-status');
const error = $('#sessions-error');

function row(session) {
  const revoke = h('button', {
    type: 'button',
    id: `revoke-${session.uuid}`,
    class: 'button button-small button-danger-outline',
    'aria-label': `Revoke session from ${session.ip}, ${session.user_agent}`,
  }, 'Revoke');
  revoke.addEventListener('click', () => revokeOne(session, revoke));
  return h('tr', { class: session.is_using ? 'current' : null },
    cell('IP', h('span', { class: 'ip' }, session.ip),
      session.is_using ? h('span', { class: 'badge badge-ok' }, 'This session') : null),
    cell('Browser', h('span', { class: 'user-agent', title: session.user_agent }, session.user_agent)),
    cell('Last used', timeEl(session.last_used)),
    cell('Created', timeEl(session.created)),
    cell('Actions', revoke));
}

async function load() {
  const r = await api('GET', '/api/client/account/sessions?per_page=100');
  const list = r.status === 200 && r.data.sessions;
  setAlert(error, list ? [] : r.errors);
  table.hidden = !list;
  if (!list) return;
  if (list.data.length) table.tBodies[0].replaceChildren(...list.data.map(row));
  else messageRow(table.tBodies[0], 5, 'There are no sessions.');
}

async function revokeOne(session, button) {
  status.textContent = '';
  const r = await api('DELETE', `/api/client/account/sessions/${encodeURIComponent(session.uuid)}`);
  showFieldError(button, r.errors);
  if (r.status !== 200) return;
  if (session.is_using) {
    location.assign('/login.html');
    return;
  }
  // focus moves to the next row's button (or the previous, or the top one)
  const buttons = [...table.querySelectorAll('tbody button')];
  const i = buttons.indexOf(button);
  status.textContent = `Revoked the session from ${session.ip}.`;
  await load();
  const after = [...table.querySelectorAll('tbody button')];
  (after[Math.min(i, after.length - 1)] || $('#revoke-others')).focus();
}

$('#revoke-others').addEventListener('click', async () => {
  status.textContent = '';
  const r = await api('DELETE', '/api/client/account/sessions');
  setAlert(error, r.errors);
  if (r.status !== 200) return;
  status.textContent = `Revoked ${r.data.deleted} sessions.`;
  await load();
});

await requireUser();
await load();
