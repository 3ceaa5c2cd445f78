// account.js: profile, e-mail, password and two-factor authentication.
import { api } from './api.js';
import { qrSvg } from './qr.js';
import { $, bindForm, h, placeErrors, requireUser, setStatus, showErrors } from './ui.js';

let user = await requireUser();

// ---- profile ----------------------------------------------------------------

const profileForm = $('#profile-form');
const profile = {
  username: $('#profile-username'),
  name_first: $('#profile-first'),
  name_last: $('#profile-last'),
  language: $('#profile-language'),
};

function fillProfile() {
  const select = profile.language;
  if (![...select.options].some((o) => o.value === user.language)) {
    select.append(h('option', { value: user.language }, user.language));
  }
  for (const [name, input] of Object.entries(profile)) input.value = user[name];
  $('#current-email').textContent = user.email;
  $('#whoami').textContent = user.username;
}
fillProfile();

// Sends only the fields that changed, then shows what the panel stored.
bindForm(profileForm, async () => {
  const changes = {};
  for (const [name, input] of Object.entries(profile)) {
    if (input.value !== user[name]) changes[name] = input.value;
  }
  const r = await api('PATCH', '/api/client/account', changes);
  if (r.status !== 200) {
    showErrors(profileForm, r.errors, profile);
    return;
  }
  const again = await api('GET', '/api/client/account');
  if (again.status === 200 && again.data.user) user = again.data.user;
  else Object.assign(user, changes);
  fillProfile();
  setStatus(profileForm, 'Profile saved.');
});

// ---- e-mail -----------------------------------------------------------------

const emailForm = $('#email-form');
bindForm(emailForm, async () => {
  const email = $('#email-new').value.trim();
  const r = await api('PUT', '/api/client/account/email', { email, password: $('#email-password').value });
  if (r.status !== 200) {
    showErrors(emailForm, r.errors, { email: $('#email-new'), password: $('#email-password') });
    return;
  }
  user.email = email;
  $('#current-email').textContent = email;
  emailForm.reset();
  setStatus(emailForm, 'E-mail changed.');
});

// ---- password -----------------------------------------------------------------

const passwordForm = $('#password-form');
bindForm(passwordForm, async () => {
  const repeat = $('#password-repeat');
  if ($('#password-new').value !== repeat.value) {
    placeErrors(passwordForm, new Map([[repeat, ['The new passwords do not match.']]]));
    return;
  }
  const r = await api('PUT', '/api/client/account/password', {
    password: $('#password-current').value,
    new_password: $('#password-new').value,
  });
  if (r.status !== 200) {
    showErrors(passwordForm, r.errors, { password: $('#password-current'), new_password: $('#password-new') });
    return;
  }
  passwordForm.reset();
  setStatus(passwordForm, 'Password changed.');
});

// ---- two-factor authentication ----------------------------------------------
// Four states (off, setup, codes, on), each rendered from its <template> into
// #tf-view, so only the current state's controls exist in the page.

const status = $('#tf-status');

const views = {
  off(view) {
    const form = $('#tf-setup-form', view);
    bindForm(form, async () => {
      status.textContent = '';
      const r = await api('GET', '/api/client/account/two-factor');
      if (r.status === 200) show('setup', '#tf-enable-code', r.data);
      else showErrors(form, r.errors);
    });
  },

  setup(view, { otp_url: url, secret }) {
    let qr;
    try {
      qr = qrSvg(url);
      qr.id = 'totp-qr';
      qr.setAttribute('aria-label', 'QR code for your authenticator app');
    } catch {
      qr = h('p', { class: 'muted' }, 'The QR code could not be drawn; type in the secret instead.');
    }
    $('#qr-holder', view).append(qr);
    $('#totp-secret', view).textContent = secret;
    $('#tf-cancel', view).addEventListener('click', () => show('off', '#tf-setup-form button'));
    const form = $('#tf-enable-form', view);
    const code = $('#tf-enable-code', view);
    const password = $('#tf-enable-password', view);
    bindForm(form, async () => {
      const r = await api('POST', '/api/client/account/two-factor', { code: code.value.trim(), password: password.value });
      if (r.status !== 200) {
        showErrors(form, r.errors, { code, password });
        return;
      }
      user.totp_enabled = true;
      show('codes', '#tf-codes-text', r.data.recovery_codes);
    });
  },

  codes(view, codes) {
    $('#recovery-codes', view).append(...codes.map((code) => h('li', {}, h('code', {}, code))));
    // the codes as a text file, one per line, through a short-lived Blob URL
    $('#tf-download', view).addEventListener('click', () => {
      const url = URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }));
      const link = h('a', { href: url, download: 'recovery-codes.txt', hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    $('#tf-done', view).addEventListener('click', () => {
      status.textContent = 'Two-factor authentication enabled.';
      show('on', '#tf-on-text');
    });
  },

  on(view) {
    const form = $('#tf-disable-form', view);
    const code = $('#tf-disable-code', view);
    const password = $('#tf-disable-password', view);
    bindForm(form, async () => {
      status.textContent = '';
      const r = await api('DELETE', '/api/client/account/two-factor', { code: code.value.trim(), password: password.value });
      if (r.status !== 200) {
        showErrors(form, r.errors, { code, password });
        return;
      }
      user.totp_enabled = false;
      status.textContent = 'Two-factor authentication disabled.';
      show('off', '#tf-off-text');
    });
  },
};

// Replaces the shown state (and whatever it held: secret, codes) with
// another; focus moves to `focus` when given.
function show(name, focus, data) {
  const view = $('#tf-view');
  view.replaceChildren($(`#tpl-tf-${name}`).content.cloneNode(true));
  views[name](view, data);
  if (focus) $(focus, view).focus();
}

show(user.totp_enabled ? 'on' : 'off');
