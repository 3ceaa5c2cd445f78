// login.js: log in, then the two-factor checkpoint when the account has it.
// Makes no request on load.
import { api } from './api.js';
import { $, bindForm, setAlert, showErrors } from './ui.js';

const title = $('#page-title');
const loginForm = $('#login-form');
const checkpoint = $('#checkpoint');
const checkpointError = $('#checkpoint-error');
const tabs = [...checkpoint.querySelectorAll('[role="tab"]')];
let token = null; // the confirmation token of the current checkpoint

// After logging in: ?next= when it is a path on this site, else "/".
function proceed() {
  const next = new URLSearchParams(location.search).get('next');
  location.assign(next && /^\/(?![/\\])/.test(next) ? next : '/');
}

function showView(twoFactor) {
  loginForm.hidden = twoFactor;
  checkpoint.hidden = !twoFactor;
  title.textContent = twoFactor ? 'Two-factor authentication' : 'Log in';
  document.title = `${title.textContent} · panel-fcgi`;
  setAlert(checkpointError);
  for (const input of checkpoint.querySelectorAll('input')) input.value = '';
}

bindForm(loginForm, async () => {
  const r = await api('POST', '/api/auth/login', {
    user: $('#login-user').value,
    password: $('#login-password').value,
  });
  if (r.status === 200 && r.data.type === 'two_factor_required') {
    token = r.data.token;
    $('#login-password').value = '';
    showView(true);
    selectTab(tabs[0], false);
    $('#app-code').focus();
  } else if (r.status === 200) {
    proceed();
  } else {
    showErrors(loginForm, r.errors, { user: $('#login-user'), password: $('#login-password') });
  }
});

// Both checkpoint forms send {code, confirmation_token}.
for (const form of [$('#app-form'), $('#recovery-form')]) {
  const input = form.querySelector('input');
  bindForm(form, async () => {
    setAlert(checkpointError);
    input.removeAttribute('aria-invalid');
    const r = await api('POST', '/api/auth/login/checkpoint', {
      code: input.value.trim(),
      confirmation_token: token,
    });
    if (r.status === 200) {
      proceed();
      return;
    }
    setAlert(checkpointError, r.errors);
    input.setAttribute('aria-invalid', 'true');
  });
}

$('#back-to-login').addEventListener('click', () => {
  token = null;
  showView(false);
  $('#login-user').focus();
});

// Tabs: click or Left/Right arrow keys (Home/End too) select; only the selected tab is
// in the tab order.
function selectTab(tab, focus) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(`#${t.getAttribute('aria-controls')}`).hidden = !on;
  }
  if (focus) tab.focus();
}

for (const tab of tabs) tab.addEventListener('click', () => selectTab(tab, true));

$('[role="tablist"]', checkpoint).addEventListener('keydown', (event) => {
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const n = tabs.length;
  const next = { ArrowRight: i + 1, ArrowLeft: i - 1 + n, Home: 0, End: n - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  selectTab(tabs[next % n], true);
});
