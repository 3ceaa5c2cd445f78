// api.js: the one fetch wrapper of the pages. Same-origin JSON requests;
// every answer becomes {status, data, errors} and nothing is thrown.

// Some endpoints double-encode validation errors: one string holding the
// JSON of another {"errors": [...]} body. Unwrap those into their strings.
function unwrap(list) {
  const out = [];
  for (const item of Array.isArray(list) ? list : []) {
    const text = String(item);
    let inner = null;
    if (text.startsWith('{')) {
      try {
        inner = JSON.parse(text);
      } catch {
        inner = null;
      }
    }
    if (inner && Array.isArray(inner.errors)) out.push(...unwrap(inner.errors));
    else out.push(text);
  }
  return out;
}

// api('GET', '/api/client/account') or api('POST', path, body).
// status 0 means the request did not reach the panel.
export async function api(method, path, body) {
  const init = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { Accept: 'application/json' },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { status: 0, data: null, errors: ['The panel could not be reached. Check the connection and try again.'] };
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (res.ok) return { status: res.status, data: data ?? {}, errors: [] };
  let errors = unwrap(data && data.errors);
  if (errors.length === 0) errors = [`The request failed (HTTP ${res.status}).`];
  return { status: res.status, data, errors };
}
