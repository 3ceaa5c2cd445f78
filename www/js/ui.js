// ui.js: what every page shares: DOM building, the signed-in layout
// (skip link, header, nav, whoami, log out), forms with API error
// placement, dialogs, table cells and dates.
import { api } from './api.js';

// h('p', {class: 'x', 'aria-label': 'y'}, 'text', node, [more]): builds an
// element; strings become text nodes, never HTML. An attribute that is
// null, undefined or false is left out; true sets it empty.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

// ---- dates ----------------------------------------------------------------

// RFC 3339 from the API → "YYYY-MM-DD HH:MM UTC".
export function formatDate(ts) {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return String(ts);
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// <time> with the date and the clock in two spans, so that narrow table
// columns wrap between them (the text stays "YYYY-MM-DD HH:MM UTC").
export function timeEl(ts) {
  const [day, ...clock] = formatDate(ts).split(' ');
  return h('time', { datetime: ts }, h('span', {}, day), clock.length ? [' ', h('span', {}, clock.join(' '))] : null);
}

// ---- alerts and statuses ----------------------------------------------------

// Shows messages in an alert element (hidden while empty); el may be null
// when there is nothing to show.
export function setAlert(el, messages = []) {
  if (!el && !messages.length) return;
  el.textContent = messages.join('\n');
  el.hidden = messages.length === 0;
}

// The status line of a form (a role=status element inside it).
export function setStatus(form, text) {
  const el = form.querySelector('.form-status');
  if (el) el.textContent = text;
}

// ---- forms and API errors -------------------------------------------------

// "name: ...", "allowed_ips[0]: ...", "invalid payload: allowed_ips[1]: ..."
// → the field the message belongs to.
const FIELD_RE = /^(?:invalid payload: )?([A-Za-z_]+)(?:\[\d+\])*(?:\.[A-Za-z_]+(?:\[\d+\])*)*: /;

function setDescribedBy(el, id, on) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (on) ids.push(id);
  if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

const isControl = (el) => /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);

// The error element of a control or button (right after it) or of a
// fieldset or group (right after its first child, the legend or heading),
// made on first use.
function fieldErrorEl(target) {
  const id = `${target.id}-error`;
  let p = document.getElementById(id);
  if (!p) {
    p = h('p', { class: 'field-error', id, role: 'alert', 'data-for': target.id, hidden: true });
    const group = target.tagName === 'FIELDSET' || target.getAttribute('role') === 'group';
    (group ? target.firstElementChild : target).after(p);
  }
  return p;
}

// Shows messages right after one control (or fieldset), linked to it by
// aria-describedby; no messages clears them.
export function showFieldError(target, messages = []) {
  const p = fieldErrorEl(target);
  setAlert(p, messages);
  if (isControl(target)) {
    if (messages.length) target.setAttribute('aria-invalid', 'true');
    else target.removeAttribute('aria-invalid');
  }
  setDescribedBy(target, p.id, messages.length > 0);
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) {
    const owner = document.getElementById(p.dataset.for);
    if (owner) showFieldError(owner);
    else setAlert(p);
  }
  setAlert(form.querySelector('.form-error'));
}

// Puts each API message next to the control it names (fields maps the API
// field name to an input, select, textarea or fieldset), the rest into the
// form's general alert (every form has one .form-error, next to its submit
// button).
export function showErrors(form, errors, fields = {}) {
  const general = [];
  const perTarget = new Map();
  for (const message of errors) {
    const m = FIELD_RE.exec(message);
    const target = m && fields[m[1]];
    if (target) perTarget.set(target, [...(perTarget.get(target) || []), message]);
    else general.push(message);
  }
  placeErrors(form, perTarget, general);
}

// perTarget: Map control-or-fieldset → messages shown after it and linked by
// aria-describedby; general: messages for the form's alert. Focuses the
// first control with an error.
export function placeErrors(form, perTarget, general = []) {
  clearErrors(form);
  for (const [target, messages] of perTarget) showFieldError(target, messages);
  setAlert(form.querySelector('.form-error'), general);
  const first = [...perTarget.keys()][0];
  if (first) (isControl(first) ? first : first.querySelector('input, select, textarea'))?.focus();
}

// Submit handling: no native validation (the API's messages are shown),
// one request at a time, errors and status cleared before each try.
export function bindForm(form, handler) {
  form.noValidate = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    clearErrors(form);
    setStatus(form, '');
    try {
      await handler(event.submitter);
    } finally {
      form.removeAttribute('aria-busy');
    }
  });
}

// ---- dialogs ----------------------------------------------------------------

// Opens a modal <dialog> (Escape closes it, focus stays inside). When it
// closes, onClose runs if given; else focus goes back to the opener (or to
// <main> when the opener is gone), unless another dialog took over.
export function openDialog(dialog, opener, onClose) {
  dialog.addEventListener('close', () => {
    if (onClose) onClose();
    else if (!document.querySelector('dialog[open]')) (opener && opener.isConnected ? opener : document.getElementById('main')).focus();
  }, { once: true });
  dialog.showModal();
}

// Buttons marked data-close close their dialog.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element && event.target.closest('[data-close]');
  if (button) button.closest('dialog')?.close();
});

// ---- tables -------------------------------------------------------------------

// A cell that shows its column name when the table stacks on phones.
export function cell(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

// One full-width row with a message ("You have no ... yet.").
export function messageRow(tbody, columns, text) {
  tbody.replaceChildren(h('tr', { class: 'message-row' }, h('td', { colspan: columns }, text)));
}

// ---- the signed-in layout -------------------------------------------------

const NAV = [
  ['Servers', '/'],
  ['Account', '/account.html'],
  ['API keys', '/api-keys.html'],
  ['Sessions', '/sessions.html'],
];

function renderLayout(user) {
  const here = location.pathname === '/index.html' ? '/' : location.pathname;
  const logoutError = h('p', { class: 'header-error', role: 'alert', hidden: true });
  const logout = h('button', { type: 'button', class: 'button button-quiet' }, 'Log out');
  logout.addEventListener('click', async () => {
    const r = await api('POST', '/api/client/account/logout');
    if (r.status === 200 || r.status === 401) location.assign('/login.html');
    else setAlert(logoutError, r.errors);
  });
  const nav = h('nav', { 'aria-label': 'Main', class: 'main-nav' },
    h('ul', {}, NAV.map(([text, href]) =>
      h('li', {}, h('a', { href, 'aria-current': href === here ? 'page' : null }, text)))));
  const header = h('header', { class: 'site-header' },
    h('div', { class: 'header-inner' },
      h('a', { class: 'brand', href: '/' }, 'panel-fcgi'),
      nav,
      h('div', { class: 'user-menu' },
        h('span', { class: 'whoami-label' }, 'Signed in as ', h('span', { id: 'whoami' }, user.username)),
        logout)),
    logoutError);
  const parts = [h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'), header];
  if (user.require_two_factor && !user.totp_enabled) {
    parts.push(h('p', { class: 'notice', role: 'note' },
      'Your account must use two-factor authentication. ',
      here === '/account.html' ? 'Set it up below.' : h('a', { href: '/account.html#two-factor' }, 'Set it up on the Account page.')));
  }
  document.body.prepend(...parts);
}

// Every signed-in page starts here: GET /api/client/account. Not logged in
// → /login.html; any other failure shows the API's message under the <h1>.
// The page's <main> stays hidden until the account answered 200.
export async function requireUser() {
  const r = await api('GET', '/api/client/account');
  if (r.status === 401) {
    location.replace('/login.html');
    return new Promise(() => {});
  }
  const main = document.getElementById('main');
  if (r.status !== 200 || !r.data.user) {
    // only the <h1> stays, with the message after it
    let top = main.querySelector('h1');
    for (; top.parentElement !== main; top = top.parentElement) {
      for (const sibling of top.parentElement.children) if (sibling.tagName !== 'H1' && !sibling.contains(top)) sibling.hidden = true;
    }
    for (const child of main.children) if (child !== top) child.hidden = true;
    top.after(h('p', { class: 'page-error', role: 'alert' }, r.errors.join('\n')));
    main.hidden = false;
    return new Promise(() => {});
  }
  renderLayout(r.data.user);
  main.hidden = false;
  return r.data.user;
}
