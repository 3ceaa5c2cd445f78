// pages.test.mjs: the panel's pages (www/) in Debian's headless Chromium,
// driven by playwright-core, against the real stack that run.py starts.
//
//   node pages.test.mjs --base http://127.0.0.1:PORT --users FILE \
//        --secrets-out FILE --artifacts DIR
//
// FILE (mode 0600) holds {"user": {username, email, password}, ...}; the
// secrets the tests see (API keys, cookies, the TOTP secret, recovery codes)
// are written to --secrets-out so run.py can look for them in the logs.
//
// The tests select elements by the roles, labels and ids of the UI contract
// and follow one user through the pages, in order, sharing state. Every test
// fails on a console error or warning, a page error, a CSP violation, a
// failed request, or an HTTP status >= 400 it did not declare beforehand
// with expectResponse(). Prints "ok - name" / "not ok - name: reason" per
// test and "N passed, N failed" last.

import { chromium } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------
// arguments

function parseArgs(argv) {
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		const m = /^--([a-z-]+)$/.exec(argv[i]);
		if (!m || i + 1 >= argv.length) throw new Error(`usage: bad argument ${argv[i]}`);
		out[m[1]] = argv[++i];
	}
	for (const k of ['base', 'users', 'artifacts'])
		if (!out[k]) throw new Error(`usage: --${k} is required`);
	return out;
}

const ARGS = parseArgs(process.argv.slice(2));
const BASE = ARGS.base.replace(/\/+$/, '');
const USERS = JSON.parse(readFileSync(ARGS.users, 'utf8'));
const USER = USERS.user;
const SHOTS = ARGS.artifacts;
mkdirSync(SHOTS, { recursive: true });
const COOKIE = 'calagopus_session';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const OTHER_UA = 'PanelBrowserTest-OtherDevice/1.0 (second session)';

// ---------------------------------------------------------------------------
// secrets seen (for run.py's log scan)

const seen = new Set();
function secret(s) {
	if (typeof s === 'string' && s.length >= 8 && !seen.has(s)) {
		seen.add(s);
		if (ARGS['secrets-out'])
			writeFileSync(ARGS['secrets-out'], JSON.stringify([...seen]), { mode: 0o600 });
	}
	return s;
}

// ---------------------------------------------------------------------------
// assertions

class Failure extends Error {}

function assert(cond, msg) {
	if (!cond) throw new Failure(msg);
}

function norm(s) {
	return (s ?? '').replace(/\s+/g, ' ').trim();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls until fn() returns a truthy value; fails with what() otherwise.
async function until(fn, what, timeout = 8000) {
	const end = Date.now() + timeout;
	let last;
	for (;;) {
		try {
			last = await fn();
			if (last) return last;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end) {
			const why = typeof what === 'function' ? await what(last) : what;
			throw new Failure(why);
		}
		await sleep(100);
	}
}

async function visible(locator, what, timeout = 8000) {
	try {
		await locator.first().waitFor({ state: 'visible', timeout });
	} catch {
		throw new Failure(`${what} is not visible`);
	}
	return locator;
}

async function hidden(locator, what, timeout = 8000) {
	try {
		await locator.first().waitFor({ state: 'hidden', timeout });
	} catch {
		throw new Failure(`${what} is still visible`);
	}
}

// The locator's visible text (whitespace collapsed) equals text.
async function hasText(locator, text, what, timeout = 8000) {
	let got = null;
	await until(async () => {
		if (!(await locator.first().isVisible())) return false;
		got = norm(await locator.first().innerText());
		return got === text;
	}, () => `${what}: shows ${got === null ? 'nothing' : JSON.stringify(got)}, want ${JSON.stringify(text)}`, timeout);
}

// The locator's visible text contains text.
async function containsText(locator, text, what, timeout = 8000) {
	let got = null;
	await until(async () => {
		if (!(await locator.first().isVisible())) return false;
		got = norm(await locator.first().innerText());
		return got.includes(text);
	}, () => `${what}: shows ${got === null ? 'nothing' : JSON.stringify(got.slice(0, 300))}, want it to contain ${JSON.stringify(text)}`, timeout);
}

async function heading1(page, name) {
	await visible(page.getByRole('heading', { level: 1, name, exact: true }), `the <h1> "${name}"`);
}

// ---------------------------------------------------------------------------
// what the browser does: every problem ends the current test

const watch = {
	expected: [], // {method, path, status, hit}
	allowed: [], // responses that matched an expectation: {url, status}
	loadErrors: [], // "Failed to load resource" console errors: {url, status, text}
	problems: [],
	notes: [],
};

function resetWatch() {
	watch.expected = [];
	watch.allowed = [];
	watch.loadErrors = [];
	watch.problems = [];
	watch.notes = [];
}

// Declares that exactly one response of method to path (the URL's path,
// without the query) with that status is expected next; unexpected ones fail.
function expectResponse(method, path, status) {
	watch.expected.push({ method, path, status, hit: false });
}

function pathOf(url) {
	try {
		return new URL(url).pathname;
	} catch {
		return url;
	}
}

function short(url) {
	return url.startsWith(BASE) ? url.slice(BASE.length) || '/' : url;
}

const inflight = new Set(); // HTTP requests of any context not yet answered

async function watchContext(ctx) {
	ctx.on('request', (r) => {
		if (/^https?:/.test(r.url())) inflight.add(r);
	});
	ctx.on('requestfinished', (r) => inflight.delete(r));
	ctx.on('close', () => inflight.clear());
	await ctx.exposeBinding('__panelTestCsp', (_src, msg) => {
		watch.problems.push(`CSP violation: ${msg}`);
	});
	await ctx.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			// eslint-disable-next-line no-undef
			window.__panelTestCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
		}, true);
	});
	ctx.on('console', (m) => {
		const type = m.type();
		const text = m.text();
		if (/Content Security Policy/i.test(text)) {
			watch.problems.push(`console ${type} about CSP: ${text}`);
			return;
		}
		if (type !== 'error' && type !== 'warning') return;
		const f = /^Failed to load resource: the server responded with a status of (\d+)/.exec(text);
		if (f && type === 'error') {
			watch.loadErrors.push({ url: m.location()?.url ?? '', status: Number(f[1]), text });
			return;
		}
		watch.problems.push(`console ${type}: ${text}`);
	});
	ctx.on('weberror', (e) => watch.problems.push(`page error: ${e.error()?.message ?? e}`));
	ctx.on('requestfailed', (r) => {
		inflight.delete(r);
		watch.problems.push(`request failed: ${r.method()} ${short(r.url())}: ${r.failure()?.errorText}`);
	});
	ctx.on('response', (r) => {
		const status = r.status();
		if (status < 400) return;
		const method = r.request().method();
		const path = pathOf(r.url());
		const e = watch.expected.find((x) => !x.hit && x.method === method && x.path === path && x.status === status);
		if (e) {
			e.hit = true;
			watch.allowed.push({ url: r.url(), status });
		} else {
			watch.problems.push(`unexpected HTTP ${status} for ${method} ${short(r.url())}`);
		}
	});
	ctx.on('page', (p) => {
		p.on('dialog', async (d) => {
			watch.notes.push(`native ${d.type()} dialog: ${d.message()}`);
			await d.accept().catch(() => {});
		});
	});
}

// The problems of the test that just ran (after the browser settled).
async function settleWatch() {
	await sleep(250);
	const problems = [...watch.problems];
	const allowed = [...watch.allowed];
	for (const le of watch.loadErrors) {
		const i = allowed.findIndex((a) => a.status === le.status && (a.url === le.url || !le.url));
		if (i >= 0) allowed.splice(i, 1);
		else problems.push(`console error: ${le.text} (${short(le.url)})`);
	}
	for (const e of watch.expected)
		if (!e.hit) problems.push(`the expected HTTP ${e.status} for ${e.method} ${e.path} did not happen`);
	return problems;
}

// ---------------------------------------------------------------------------
// the browser

const LAUNCH = {
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	headless: true,
};

let browser;
const contexts = [];

async function newContext() {
	const ctx = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true, locale: 'en-US', timezoneId: 'UTC' });
	ctx.setDefaultTimeout(10000);
	ctx.setDefaultNavigationTimeout(15000);
	await watchContext(ctx);
	contexts.push(ctx);
	return ctx;
}

// Waits for the page's load event and then until no HTTP request of the
// browser has been in flight for 150 ms (at most 10 s).
async function settle(page) {
	await page.waitForLoadState('load', { timeout: 10000 }).catch(() => {});
	const end = Date.now() + 10000;
	let quietSince = Date.now();
	while (Date.now() < end) {
		if (inflight.size) quietSince = Date.now();
		else if (Date.now() - quietSince >= 150) return;
		await sleep(25);
	}
}

async function goto(page, path) {
	const r = await page.goto(BASE + path);
	assert(r, `no response for ${path}`);
	assert(r.status() === 200, `GET ${path}: HTTP ${r.status()}`);
	const csp = r.headers()['content-security-policy'] ?? '';
	assert(csp.includes("script-src 'self'") && csp.includes("style-src 'self'"),
		`GET ${path}: no Content-Security-Policy header (got ${JSON.stringify(csp)})`);
	await settle(page);
	return r;
}

// ---------------------------------------------------------------------------
// the API from Node (outside the browser)

async function api(method, path, { key, cookie, body, ua } = {}) {
	const headers = { Accept: 'application/json' };
	if (key) headers.Authorization = `Bearer ${key}`;
	if (cookie) headers.Cookie = cookie;
	if (ua) headers['User-Agent'] = ua;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await r.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch { /* not JSON */ }
	return { status: r.status, text, json, setCookies: r.headers.getSetCookie?.() ?? [] };
}

async function sessionCookie(ctx) {
	const c = (await ctx.cookies(BASE)).find((x) => x.name === COOKIE);
	return c ? secret(`${c.name}=${c.value}`) : null;
}

// ---------------------------------------------------------------------------
// TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits) and base32 (RFC 4648)

function base32Decode(s) {
	const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let val = 0;
	const out = [];
	for (const c of s.replace(/=+$/, '').toUpperCase()) {
		const i = A.indexOf(c);
		if (i < 0) throw new Failure(`not base32: ${JSON.stringify(s)}`);
		val = ((val << 5) | i) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			out.push((val >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function totp(secretB32, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', base32Decode(secretB32)).update(msg).digest();
	const off = mac[mac.length - 1] & 15;
	const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
	return String(n).padStart(6, '0');
}

const nowStep = () => Math.floor(Date.now() / 1000 / 30);

// A code the server takes: steps only go up (a step is used once), and the
// server accepts the current step +-1. Waits for the next step if needed.
async function nextTotp() {
	let step = Math.max(nowStep(), (S.lastStep ?? -1) + 1);
	while (step > nowStep() + 1) await sleep(250);
	S.lastStep = step;
	return totp(S.totpSecret, step);
}

// A six-digit code that is not valid now.
function wrongTotp() {
	const valid = new Set([-2, -1, 0, 1, 2].map((d) => totp(S.totpSecret, nowStep() + d)));
	for (let n = 123456; ; n = (n + 111111) % 1000000) {
		const c = String(n).padStart(6, '0');
		if (!valid.has(c)) return c;
	}
}

// ---------------------------------------------------------------------------
// screenshots and the accessibility smoke check

const shots = {}; // name -> [problems]

async function a11yProblems(page) {
	return page.evaluate(() => {
		const out = [];
		const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
		for (const el of document.querySelectorAll('input, select, textarea')) {
			if (el.type === 'hidden') continue;
			let name = '';
			const lb = el.getAttribute('aria-labelledby');
			if (lb) name = lb.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim();
			if (!name) name = (el.getAttribute('aria-label') ?? '').trim();
			if (!name && el.labels) name = [...el.labels].map(text).join(' ').trim();
			if (!name) name = (el.getAttribute('title') ?? '').trim();
			if (!name) out.push(`<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${el.name ? ` name="${el.name}"` : ''}> has no accessible name`);
		}
		const h1 = document.querySelectorAll('h1').length;
		if (h1 !== 1) out.push(`${h1} <h1> elements`);
		return out;
	});
}

// Tab from the top of a freshly loaded page focuses its first link or control.
async function tabProblems(page) {
	await page.evaluate(() => {
		document.activeElement?.blur?.();
		window.scrollTo(0, 0);
	});
	await page.keyboard.press('Tab');
	return page.evaluate(() => {
		const sel = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]';
		const usable = (el) => {
			if (el.disabled || el.getAttribute('tabindex') === '-1') return false;
			if (el.closest('[hidden], [inert]')) return false;
			const d = el.closest('dialog');
			if (d && !d.open) return false;
			const st = getComputedStyle(el);
			if (st.visibility === 'hidden' || st.display === 'none') return false;
			return el.getClientRects().length > 0;
		};
		const first = [...document.querySelectorAll(sel)].find(usable);
		const a = document.activeElement;
		const desc = (el) => el ? `<${el.tagName.toLowerCase()}> "${(el.getAttribute('aria-label') || el.textContent || el.id || '').replace(/\s+/g, ' ').trim().slice(0, 40)}"` : 'nothing';
		if (!first) return ['no focusable link or control'];
		if (a !== first) return [`Tab focused ${a === document.body ? 'nothing' : desc(a)}, not the first control ${desc(first)}`];
		return [];
	});
}

// Screenshots at desktop and phone size, plus the smoke checks (for j).
async function shoot(page, name, { copyTo } = {}) {
	const problems = [];
	await settle(page);
	const desktop = join(SHOTS, `${name}-desktop.png`);
	await page.screenshot({ path: desktop, fullPage: true });
	// the README's screenshot is refreshed on request only, so a test run
	// leaves the checkout unchanged: UPDATE_README_SCREENSHOT=1
	if (copyTo && process.env.UPDATE_README_SCREENSHOT === '1') copyFileSync(desktop, copyTo);
	await page.setViewportSize(PHONE);
	await sleep(200);
	await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
	const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	if (over > 1) problems.push(`${over} px wider than a 390 px phone (horizontal scrolling)`);
	await page.setViewportSize(DESKTOP);
	await sleep(100);
	problems.push(...await a11yProblems(page));
	shots[name] = problems;
}

// ---------------------------------------------------------------------------
// the tests

const S = {}; // shared state
const tests = [];
function test(name, fn) {
	tests.push({ name, fn });
}

function need(...keys) {
	for (const k of keys) if (!S[k]) throw new Failure(`cannot run: an earlier test did not provide ${k}`);
}

async function fillLogin(page, who, password) {
	const form = page.locator('form').filter({ has: page.getByLabel('Password', { exact: true }) });
	await visible(form.getByLabel('Username or e-mail', { exact: true }), 'the "Username or e-mail" input');
	await form.getByLabel('Username or e-mail', { exact: true }).fill(who);
	await form.getByLabel('Password', { exact: true }).fill(password);
	await form.getByRole('button', { name: 'Log in', exact: true }).click();
}

async function landedOnServers(page) {
	try {
		await page.waitForURL(BASE + '/', { timeout: 10000 });
	} catch {
		throw new Failure(`did not land on / (at ${short(page.url())})`);
	}
	await heading1(page, 'Servers');
	await hasText(page.locator('#whoami'), USER.username, '#whoami');
}

async function checkpointShown(page) {
	await visible(page.getByRole('heading', { name: 'Two-factor authentication', exact: true }), 'the "Two-factor authentication" heading');
	await visible(page.getByRole('tab', { name: 'Authenticator app', exact: true }), 'the "Authenticator app" tab');
	await visible(page.getByRole('tab', { name: 'Recovery code', exact: true }), 'the "Recovery code" tab');
}

async function nav(page, name, h1) {
	await settle(page);
	const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
	await visible(link, `the "${name}" link in the Main navigation`);
	await link.click();
	await heading1(page, h1);
	await settle(page);
}

async function logout(page) {
	await settle(page);
	const b = page.getByRole('button', { name: 'Log out', exact: true });
	await visible(b, 'the "Log out" button');
	await b.click();
	try {
		await page.waitForURL(BASE + '/login.html', { timeout: 10000 });
	} catch {
		throw new Failure(`"Log out" did not go to /login.html (at ${short(page.url())})`);
	}
	await heading1(page, 'Log in');
	await settle(page);
}

// --- 0 ---------------------------------------------------------------------
// The watchers themselves: each kind of problem is seen (then forgotten).
test('0. the watchers see an undeclared 404, a console error, a CSP violation and a failed request', async () => {
	const ctx = await newContext();
	const page = await ctx.newPage();
	await goto(page, '/login.html');
	await page.goto(BASE + '/no-such-page.html');
	await page.goBack();
	await settle(page);
	await page.route('**/watcher-self-test', (route) => route.abort());
	await page.evaluate(() => {
		console.error('watcher self-test');
		const d = document.createElement('div');
		d.setAttribute('style', 'color: red');
		document.body.append(d);
		fetch('/watcher-self-test').catch(() => {});
	});
	const want = {
		'an undeclared 404': (p) => p.startsWith('unexpected HTTP 404 for GET /no-such-page.html'),
		'the console error': (p) => p === 'console error: watcher self-test',
		'the CSP violation event': (p) => p.startsWith('CSP violation: style-src'),
		'the failed request': (p) => p.startsWith('request failed: GET /watcher-self-test'),
	};
	let missing = [];
	await until(async () => {
		const seen = await settleWatch();
		missing = Object.entries(want).filter(([, f]) => !seen.some(f)).map(([k]) => k);
		return missing.length === 0;
	}, () => `the watchers missed ${missing.join(', ')} (they saw ${JSON.stringify(watch.problems)})`, 5000);
	await ctx.close();
	resetWatch();
});

// --- a ---------------------------------------------------------------------
test('a. a wrong password shows the API error in #login-error', async () => {
	const ctx = await newContext();
	const page = await ctx.newPage();
	S.ctx = ctx;
	S.page = page;
	const apiCalls = [];
	const onReq = (r) => {
		if (pathOf(r.url()).startsWith('/api/')) apiCalls.push(`${r.method()} ${short(r.url())}`);
	};
	page.on('request', onReq);
	await goto(page, '/login.html');
	page.off('request', onReq);
	assert(apiCalls.length === 0, `the login page requested ${apiCalls.join(', ')} on load`);
	await heading1(page, 'Log in');
	expectResponse('POST', '/api/auth/login', 400);
	await fillLogin(page, USER.username, USER.password + 'x');
	await hasText(page.locator('#login-error'), 'invalid username or password', '#login-error');
	assert(await page.locator('#login-error').getAttribute('role') === 'alert', '#login-error has no role="alert"');
});

// --- b ---------------------------------------------------------------------
test('b. log in by username and by e-mail lands on / with "Servers" and #whoami', async () => {
	need('page');
	const page = S.page;
	await fillLogin(page, USER.username, USER.password);
	await landedOnServers(page);
	S.loggedIn = true;
	await visible(page.getByText('You have no servers yet.', { exact: true }), '"You have no servers yet."');
	await shoot(page, 'servers');

	const ctx2 = await newContext();
	const p2 = await ctx2.newPage();
	await goto(p2, '/login.html');
	await fillLogin(p2, USER.email, USER.password);
	try {
		await p2.waitForURL(BASE + '/', { timeout: 10000 });
	} catch {
		throw new Failure(`log in by e-mail did not land on / (at ${short(p2.url())})`);
	}
	await heading1(p2, 'Servers');
	await hasText(p2.locator('#whoami'), USER.username, '#whoami after log in by e-mail');
	await settle(p2);
	await ctx2.close();
});

// --- c ---------------------------------------------------------------------
async function keysPage(page) {
	if (pathOf(page.url()) !== '/api-keys.html') await nav(page, 'API keys', 'API keys');
	const table = page.getByRole('table', { name: 'API keys' });
	await visible(table, 'the table captioned "API keys"');
	return table;
}

function keyRow(page, name) {
	return page.getByRole('table', { name: 'API keys' }).getByRole('row')
		.filter({ has: page.getByRole('cell', { name, exact: true }) });
}

async function openCreate(page) {
	await page.getByRole('button', { name: 'Create API key', exact: true }).click();
	const dlg = page.getByRole('dialog', { name: 'Create API key' });
	await visible(dlg, 'the "Create API key" dialog');
	await visible(dlg.getByLabel('Name', { exact: true }), 'the "Name" input');
	return dlg;
}

async function createKey(page, name, { ips = '', perms = [], shot = false } = {}) {
	const dlg = await openCreate(page);
	await dlg.getByLabel('Name', { exact: true }).fill(name);
	await dlg.getByLabel('Allowed IPs', { exact: true }).fill(ips);
	for (const p of perms) {
		const cb = dlg.getByRole('checkbox', { name: p, exact: true });
		await visible(cb, `the "${p}" checkbox`);
		await cb.check();
	}
	if (shot) {
		await dlg.getByLabel('Name', { exact: true }).scrollIntoViewIfNeeded();
		await shoot(page, 'api-keys-create');
	}
	await dlg.getByRole('button', { name: 'Create', exact: true }).click();
	await hidden(dlg, 'the "Create API key" dialog after Create');
	return readNewKey(page, shot);
}

// The "Your new API key" dialog: the key once; Done removes it.
async function readNewKey(page, shot) {
	const dlg = page.getByRole('dialog', { name: 'Your new API key' });
	await visible(dlg, 'the "Your new API key" dialog');
	const code = page.locator('#new-api-key');
	let key = '';
	await until(async () => {
		key = norm(await code.innerText());
		return key.length > 0;
	}, '#new-api-key stays empty');
	secret(key);
	secret(key.slice(16));
	assert(/^ptlc_[A-Za-z0-9]{43}$/.test(key), `#new-api-key shows ${JSON.stringify(key)}: not 48 characters starting with ptlc_`);
	await containsText(dlg, 'Copy this key now. It will not be shown again.', 'the new-key dialog');
	if (shot) await shoot(page, 'api-keys-new-key');
	await dlg.getByRole('button', { name: 'Done', exact: true }).click();
	await hidden(dlg, 'the "Your new API key" dialog after Done');
	await settle(page);
	return key;
}

// Nothing in the page, its storage or its URL holds the key.
async function keyGone(page, key, when) {
	const where = await page.evaluate((k) => {
		const out = [];
		if (document.documentElement.outerHTML.includes(k)) out.push('the HTML');
		if (document.body.innerText.includes(k)) out.push('the text');
		for (const el of document.querySelectorAll('input, textarea'))
			if (el.value.includes(k)) out.push(`the value of <${el.tagName.toLowerCase()}>`);
		for (const st of [localStorage, sessionStorage])
			for (let i = 0; i < st.length; i++)
				if ((st.getItem(st.key(i)) ?? '').includes(k) || st.key(i).includes(k)) out.push('web storage');
		if (location.href.includes(k)) out.push('the URL');
		return out;
	}, key);
	const html = await page.content();
	if (html.includes(key) && !where.includes('the HTML')) where.push('the HTML');
	assert(where.length === 0, `the full key is still in ${where.join(', ')} ${when}`);
}

test('c. API keys: create (shown once, works, scoped), delete, recreate', async () => {
	need('loggedIn');
	const page = S.page;
	await keysPage(page);
	const key = await createKey(page, 'browser-key', { ips: '127.0.0.1', perms: ['account.infos', 'api-keys.read'], shot: true });
	S.key1 = key;

	let r = await api('GET', '/api/client/account', { key });
	assert(r.status === 200, `GET /api/client/account with the new key: HTTP ${r.status} ${r.text}`);
	assert(r.json?.user?.username === USER.username, `the key belongs to ${r.json?.user?.username}`);

	const row = keyRow(page, 'browser-key');
	await containsText(row, key.slice(0, 16), 'the "browser-key" row (key_start)');
	await containsText(row, '127.0.0.1', 'the "browser-key" row (allowed IPs)');
	await containsText(row, 'account.infos', 'the "browser-key" row (scopes)');
	await containsText(row, 'api-keys.read', 'the "browser-key" row (scopes)');
	assert(await page.locator('#new-api-key').evaluate((e) => e.textContent) === '', '#new-api-key is not emptied after Done');
	await keyGone(page, key, 'after Done');
	await page.reload();
	await heading1(page, 'API keys');
	await settle(page);
	await containsText(keyRow(page, 'browser-key'), key.slice(0, 16), 'the "browser-key" row after a reload');
	await keyGone(page, key, 'after a reload');
	await shoot(page, 'api-keys', { copyTo: join(HERE, 'screenshot-api-keys.png') });

	r = await api('GET', '/api/client/account/sessions', { key });
	assert(r.status === 403, `GET /api/client/account/sessions outside the key's scopes: HTTP ${r.status} ${r.text}`);
	assert(r.json?.errors?.[0] === 'you do not have permission to perform this action: sessions.read',
		`403 body: ${r.text}`);

	// delete through the confirmation dialog
	await page.getByRole('button', { name: 'Delete API key browser-key', exact: true }).click();
	const del = page.getByRole('dialog', { name: 'Delete API key browser-key?' });
	await visible(del, 'the "Delete API key browser-key?" dialog');
	await containsText(del, 'Programs using this key stop working at once.', 'the delete dialog');
	await del.getByRole('button', { name: 'Delete', exact: true }).click();
	await hidden(del, 'the delete dialog after Delete');
	await until(async () => (await keyRow(page, 'browser-key').count()) === 0, 'the "browser-key" row is still listed after Delete');
	r = await api('GET', '/api/client/account', { key });
	assert(r.status === 401 && r.text === '{"errors":["invalid api key"]}',
		`the deleted key: HTTP ${r.status} ${r.text}, want 401 {"errors":["invalid api key"]}`);
	await containsText(page.getByRole('table', { name: 'API keys' }), 'You have no API keys yet.', 'the empty API keys table');

	// recreate
	const k2 = await createKey(page, 'second-key', { perms: ['account.infos'] });
	assert(k2 !== key, 'the second key equals the first');
	r = await api('GET', '/api/client/account', { key: k2 });
	assert(r.status === 200, `the second key: HTTP ${r.status} ${r.text}`);
	await page.getByRole('button', { name: 'Recreate API key second-key', exact: true }).click();
	const rec = page.getByRole('dialog', { name: 'Recreate API key second-key?' });
	await visible(rec, 'the "Recreate API key second-key?" dialog');
	await containsText(rec, 'The old key stops working at once.', 'the recreate dialog');
	await rec.getByRole('button', { name: 'Recreate', exact: true }).click();
	await hidden(rec, 'the recreate dialog after Recreate');
	const k3 = await readNewKey(page, false);
	assert(k3 !== k2, 'the recreated key equals the old one');
	r = await api('GET', '/api/client/account', { key: k3 });
	assert(r.status === 200, `the recreated key: HTTP ${r.status} ${r.text}`);
	r = await api('GET', '/api/client/account', { key: k2 });
	assert(r.status === 401 && r.text === '{"errors":["invalid api key"]}',
		`the key before recreate: HTTP ${r.status} ${r.text}, want 401 {"errors":["invalid api key"]}`);
	await containsText(keyRow(page, 'second-key'), k3.slice(0, 16), 'the "second-key" row after recreate');
	await keyGone(page, k3, 'after Done (recreate)');
	await keyGone(page, k2, 'after recreate');
});

// --- d ---------------------------------------------------------------------
// The error text next to a field: in an element its aria-describedby names.
async function fieldError(page, input, text, what) {
	let got = [];
	await until(async () => {
		const ids = (await input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
		got = [];
		for (const id of ids) {
			const el = page.locator(`[id="${id}"]`);
			if ((await el.count()) && (await el.isVisible())) got.push(norm(await el.innerText()));
		}
		return got.some((t) => t.includes(text));
	}, () => `${what}: ${JSON.stringify(text)} is not in an element named by its aria-describedby (those show ${JSON.stringify(got)})`);
}

test('d. API key validation errors show the API messages', async () => {
	need('loggedIn');
	const page = S.page;
	await keysPage(page);
	let dlg = await openCreate(page);
	const name = dlg.getByLabel('Name', { exact: true });
	await name.fill('ab');
	await dlg.getByRole('checkbox', { name: 'account.infos', exact: true }).check();
	expectResponse('POST', '/api/client/account/api-keys', 400);
	await dlg.getByRole('button', { name: 'Create', exact: true }).click();
	await containsText(dlg, 'name: length is lower than 3', 'the create dialog after a 2-character name');
	await fieldError(page, name, 'name: length is lower than 3', 'the "Name" field');

	await name.fill('valid-name');
	await dlg.getByLabel('Allowed IPs', { exact: true }).fill('not-an-ip');
	expectResponse('POST', '/api/client/account/api-keys', 400);
	await dlg.getByRole('button', { name: 'Create', exact: true }).click();
	await containsText(dlg, 'allowed_ips[0]: invalid IP address or network', 'the create dialog after an invalid IP');
	await dlg.getByRole('button', { name: 'Cancel', exact: true }).click();
	await hidden(dlg, 'the create dialog after Cancel');
	await settle(page);
	assert(await keyRow(page, 'valid-name').count() === 0, 'a key "valid-name" was created anyway');
	dlg = null;
});

// --- e ---------------------------------------------------------------------
function tfaRegion(page) {
	return page.getByRole('region', { name: 'Two-factor authentication' });
}

test('e. two-factor setup: QR code, secret, enable, recovery codes, download', async () => {
	need('loggedIn');
	const page = S.page;
	await nav(page, 'Account', 'Account');
	const region = tfaRegion(page);
	await visible(region, 'the "Two-factor authentication" region');
	await visible(region.getByText('Two-factor authentication is off.', { exact: true }), '"Two-factor authentication is off."');
	const setupResp = page.waitForResponse((r) => pathOf(r.url()) === '/api/client/account/two-factor' && r.request().method() === 'GET');
	await region.getByRole('button', { name: 'Set up two-factor authentication', exact: true }).click();
	const setup = await (await setupResp).json();
	secret(setup.secret);
	await hasText(page.locator('#totp-secret'), setup.secret, '#totp-secret');
	const secretText = await page.locator('#totp-secret').innerText();
	assert(secretText === setup.secret, `#totp-secret is ${JSON.stringify(secretText)}, not exactly the API's secret`);
	S.totpSecret = secretText;

	const qr = page.locator('#totp-qr');
	await visible(qr, 'the QR code #totp-qr');
	assert(await qr.getAttribute('aria-label') === 'QR code for your authenticator app', '#totp-qr has not the aria-label "QR code for your authenticator app"');
	const png = join(SHOTS, 'totp-qr.png');
	await qr.screenshot({ path: png });
	let decoded;
	try {
		decoded = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
	} catch (e) {
		throw new Failure(`zbarimg could not decode the QR code (${png}): status ${e.status}`);
	}
	assert(decoded.startsWith('otpauth://totp/'), `the QR code holds ${JSON.stringify(decoded)}, not an otpauth://totp/ URL`);
	assert(decoded.includes(`secret=${S.totpSecret}`), `the QR code ${JSON.stringify(decoded)} lacks secret=${S.totpSecret}`);
	assert(decoded === setup.otp_url, `the QR code ${JSON.stringify(decoded)} is not the API's otp_url ${JSON.stringify(setup.otp_url)}`);
	await shoot(page, 'account-2fa-setup');

	await region.getByLabel('Code from the app', { exact: true }).fill(await nextTotp());
	await region.getByLabel('Current password', { exact: true }).fill(USER.password);
	await region.getByRole('button', { name: 'Enable two-factor authentication', exact: true }).click();
	const list = page.locator('#recovery-codes');
	await visible(list, 'the recovery codes #recovery-codes');
	await containsText(region, 'These recovery codes are shown only once.', 'the two-factor region');
	const items = list.locator('li');
	await until(async () => (await items.count()) === 10, async () => `#recovery-codes has ${await items.count()} items, want 10`);
	const codes = (await items.allInnerTexts()).map(norm);
	for (const c of codes) {
		secret(c);
		assert(/^[A-Za-z0-9]{10}$/.test(c), `recovery code ${JSON.stringify(c)} is not 10 letters or digits`);
	}
	assert(new Set(codes).size === 10, 'the recovery codes are not all different');
	assert(await list.locator('li code').count() === 10, 'the recovery codes are not <li><code> items');
	S.recovery = codes;
	S.tfaOn = true;

	const [download] = await Promise.all([
		page.waitForEvent('download', { timeout: 10000 }),
		region.getByRole('button', { name: 'Download recovery codes', exact: true }).click(),
	]);
	assert(download.suggestedFilename() === 'recovery-codes.txt', `the download is named ${download.suggestedFilename()}`);
	const file = join(SHOTS, 'recovery-codes.txt');
	await download.saveAs(file);
	const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
	assert(JSON.stringify(lines) === JSON.stringify(codes),
		`recovery-codes.txt holds ${lines.length} lines that are not the 10 codes shown`);
	writeFileSync(file, '(removed by the test)\n');

	await region.getByRole('button', { name: 'Done', exact: true }).click();
	await until(async () => (await page.locator('#recovery-codes').count()) === 0 || !(await page.locator('#recovery-codes').isVisible()),
		'#recovery-codes is still shown after Done');
	const text = await page.evaluate(() => document.body.innerText);
	assert(!codes.some((c) => text.includes(c)), 'a recovery code is still in the page after Done');
	await visible(region.getByText('Two-factor authentication is on.', { exact: true }), '"Two-factor authentication is on." after Done');
	await shoot(page, 'account');
});

// --- f ---------------------------------------------------------------------
test('f. log out goes to the login page and ends the session', async () => {
	need('loggedIn');
	const page = S.page;
	const cookie = await sessionCookie(S.ctx);
	assert(cookie, 'no session cookie before logging out');
	let r = await api('GET', '/api/client/account', { cookie });
	assert(r.status === 200, `the session cookie before logging out: HTTP ${r.status}`);
	await logout(page);
	S.loggedIn = false;
	r = await api('GET', '/api/client/account', { cookie });
	assert(r.status === 401, `the old session's cookie after logging out: HTTP ${r.status} ${r.text}, want 401`);
	// a signed-in page without a session goes to the login page
	expectResponse('GET', '/api/client/account', 401);
	await page.goto(BASE + '/sessions.html');
	try {
		await page.waitForURL(BASE + '/login.html', { timeout: 10000 });
	} catch {
		throw new Failure(`/sessions.html without a session stays at ${short(page.url())}`);
	}
	await heading1(page, 'Log in');
	await settle(page);
	await shoot(page, 'login');
});

// --- g ---------------------------------------------------------------------
test('g. two-factor checkpoint: wrong code, back, recovery code, then a fresh TOTP code', async () => {
	need('tfaOn');
	const page = S.page;
	if (pathOf(page.url()) !== '/login.html') await goto(page, '/login.html');
	await fillLogin(page, USER.username, USER.password);
	await checkpointShown(page);
	await shoot(page, 'checkpoint');
	const app = page.getByRole('tabpanel', { name: 'Authenticator app' });
	await visible(app, 'the "Authenticator app" tab panel');
	expectResponse('POST', '/api/auth/login/checkpoint', 400);
	await app.getByLabel('Authentication code', { exact: true }).fill(wrongTotp());
	await app.getByRole('button', { name: 'Verify', exact: true }).click();
	await hasText(page.locator('#checkpoint-error'), 'invalid confirmation code', '#checkpoint-error');
	assert(await page.locator('#checkpoint-error').getAttribute('role') === 'alert', '#checkpoint-error has no role="alert"');

	// "Back to log in" returns to the form; log in again
	const back = page.getByRole('button', { name: 'Back to log in', exact: true })
		.or(page.getByRole('link', { name: 'Back to log in', exact: true }));
	await back.first().click();
	await visible(page.getByLabel('Username or e-mail', { exact: true }), 'the login form after "Back to log in"');
	await fillLogin(page, USER.username, USER.password);
	await checkpointShown(page);
	await page.getByRole('tab', { name: 'Recovery code', exact: true }).click();
	const rec = page.getByRole('tabpanel', { name: 'Recovery code' });
	await visible(rec, 'the "Recovery code" tab panel');
	await rec.getByLabel('Recovery code', { exact: true }).fill(S.recovery[0]);
	await rec.getByRole('button', { name: 'Verify', exact: true }).click();
	await landedOnServers(page);
	S.loggedIn = true;

	// second login: the authenticator app, with a code of a step not used yet
	await logout(page);
	S.loggedIn = false;
	await fillLogin(page, USER.email, USER.password);
	await checkpointShown(page);
	const tab1 = page.getByRole('tab', { name: 'Authenticator app', exact: true });
	const tab2 = page.getByRole('tab', { name: 'Recovery code', exact: true });
	await tab1.focus();
	await page.keyboard.press('ArrowRight');
	await until(async () => (await tab2.getAttribute('aria-selected')) === 'true' && await tab2.evaluate((e) => e === document.activeElement),
		'ArrowRight on the "Authenticator app" tab does not select and focus "Recovery code"');
	await visible(page.getByRole('tabpanel', { name: 'Recovery code' }), 'the "Recovery code" panel after ArrowRight');
	await page.keyboard.press('ArrowLeft');
	await until(async () => (await tab1.getAttribute('aria-selected')) === 'true',
		'ArrowLeft does not select "Authenticator app" again');
	await visible(app, 'the "Authenticator app" panel after ArrowLeft');
	await app.getByLabel('Authentication code', { exact: true }).fill(await nextTotp());
	await app.getByRole('button', { name: 'Verify', exact: true }).click();
	await landedOnServers(page);
	S.loggedIn = true;
});

// --- h ---------------------------------------------------------------------
test('h. sessions: another session is listed, this one marked, revoke ends it; revoke all others', async () => {
	need('loggedIn', 'tfaOn');
	const page = S.page;
	let r = await api('POST', '/api/auth/login', { ua: OTHER_UA, body: { user: USER.username, password: USER.password } });
	assert(r.status === 200 && r.json?.type === 'two_factor_required',
		`log in from Node: HTTP ${r.status} ${r.json?.type}`);
	secret(r.json.token);
	r = await api('POST', '/api/auth/login/checkpoint', { ua: OTHER_UA, body: { code: S.recovery[1], confirmation_token: r.json.token } });
	assert(r.status === 200, `the checkpoint from Node: HTTP ${r.status} ${r.text}`);
	const other = secret(r.setCookies.map((c) => c.split(';')[0]).find((c) => c.startsWith(`${COOKIE}=`)));
	assert(other, 'no session cookie from the checkpoint');
	r = await api('GET', '/api/client/account', { cookie: other, ua: OTHER_UA });
	assert(r.status === 200, `the other session before revoking: HTTP ${r.status}`);

	await nav(page, 'Sessions', 'Sessions');
	const table = page.getByRole('table', { name: 'Sessions' });
	await visible(table, 'the table captioned "Sessions"');
	const otherRow = table.getByRole('row').filter({ hasText: OTHER_UA });
	await visible(otherRow, `the row of the session with user agent "${OTHER_UA}"`);
	const mine = table.getByRole('row').filter({ hasText: 'This session' });
	await until(async () => (await mine.count()) === 1, async () => `${await mine.count()} rows are marked "This session", want 1`);
	const ua = await page.evaluate(() => navigator.userAgent);
	await containsText(mine, ua, 'the row marked "This session"');
	assert(!norm(await otherRow.innerText()).includes('This session'), 'the other session is marked "This session"');
	await shoot(page, 'sessions');

	const revoke = otherRow.getByRole('button', { name: `Revoke session from 127.0.0.1, ${OTHER_UA}`, exact: true });
	await visible(revoke, `the button "Revoke session from 127.0.0.1, ${OTHER_UA}"`);
	await revoke.click();
	await until(async () => (await otherRow.count()) === 0, 'the revoked session\'s row is still listed');
	await until(async () => (await mine.count()) === 1, 'the current session\'s row is gone after revoking the other');
	r = await api('GET', '/api/client/account', { cookie: other, ua: OTHER_UA });
	assert(r.status === 401, `the revoked session's cookie: HTTP ${r.status} ${r.text}, want 401`);
	r = await api('GET', '/api/client/account', { cookie: await sessionCookie(S.ctx) });
	assert(r.status === 200, `this session after revoking the other: HTTP ${r.status}`);

	// "Revoke all other sessions": a third session (and any left from b.)
	r = await api('POST', '/api/auth/login', { ua: OTHER_UA, body: { user: USER.email, password: USER.password } });
	assert(r.status === 200 && r.json?.type === 'two_factor_required', `log in from Node again: HTTP ${r.status}`);
	secret(r.json.token);
	r = await api('POST', '/api/auth/login/checkpoint', { ua: OTHER_UA, body: { code: S.recovery[3], confirmation_token: r.json.token } });
	assert(r.status === 200, `the checkpoint from Node again: HTTP ${r.status} ${r.text}`);
	const third = secret(r.setCookies.map((c) => c.split(';')[0]).find((c) => c.startsWith(`${COOKIE}=`)));
	await page.reload();
	await heading1(page, 'Sessions');
	await visible(otherRow, 'the row of the third session after a reload');
	const rows = table.locator('tbody tr');
	const n = (await rows.count()) - 1;
	assert(n >= 1, `${n + 1} rows listed with a second session`);
	await page.getByRole('button', { name: 'Revoke all other sessions', exact: true }).click();
	await hasText(page.getByRole('status').filter({ hasText: 'Revoked' }), `Revoked ${n} sessions.`, 'the status after "Revoke all other sessions"');
	await until(async () => (await rows.count()) === 1 && (await mine.count()) === 1,
		async () => `${await rows.count()} rows listed after "Revoke all other sessions", want only this session`);
	r = await api('GET', '/api/client/account', { cookie: third, ua: OTHER_UA });
	assert(r.status === 401, `a session after "Revoke all other sessions": HTTP ${r.status}, want 401`);
	r = await api('GET', '/api/client/account', { cookie: await sessionCookie(S.ctx) });
	assert(r.status === 200, `this session after "Revoke all other sessions": HTTP ${r.status}`);
});

// --- i ---------------------------------------------------------------------
test('i. account: save the first name; disable two-factor with a code', async () => {
	need('loggedIn');
	const page = S.page;
	await nav(page, 'Account', 'Account');
	const profile = page.getByRole('region', { name: 'Profile' });
	await visible(profile, 'the "Profile" region');
	const first = profile.getByLabel('First name', { exact: true });
	await until(async () => (await first.inputValue()) === 'Alice', async () => `"First name" shows ${JSON.stringify(await first.inputValue())}, want "Alice"`);
	await first.fill('Alicia');
	await profile.getByRole('button', { name: 'Save profile', exact: true }).click();
	await hasText(profile.getByRole('status'), 'Profile saved.', 'the Profile status');
	let r = await api('GET', '/api/client/account', { cookie: await sessionCookie(S.ctx) });
	assert(r.json?.user?.name_first === 'Alicia', `name_first is ${JSON.stringify(r.json?.user?.name_first)} after saving`);
	await page.reload();
	await heading1(page, 'Account');
	await until(async () => (await page.getByRole('region', { name: 'Profile' }).getByLabel('First name', { exact: true }).inputValue()) === 'Alicia',
		'"First name" does not show "Alicia" after a reload');
	await settle(page);

	need('tfaOn');
	const region = tfaRegion(page);
	await visible(region.getByText('Two-factor authentication is on.', { exact: true }), '"Two-factor authentication is on."');
	await region.getByLabel('Authentication or recovery code', { exact: true }).fill(S.recovery[2]);
	await region.getByLabel('Current password', { exact: true }).fill(USER.password);
	await region.getByRole('button', { name: 'Disable two-factor authentication', exact: true }).click();
	await visible(region.getByText('Two-factor authentication is off.', { exact: true }), '"Two-factor authentication is off." after disabling', 10000);
	S.tfaOn = false;
	r = await api('GET', '/api/client/account', { cookie: await sessionCookie(S.ctx) });
	assert(r.status === 200 && r.json?.user?.totp_enabled === false, `after disabling: HTTP ${r.status}, totp_enabled ${r.json?.user?.totp_enabled}`);
	await visible(region.getByRole('button', { name: 'Set up two-factor authentication', exact: true }), 'the "Set up two-factor authentication" button after disabling');
});

// --- j ---------------------------------------------------------------------
const PAGES = [
	{ name: 'servers', path: '/', h1: 'Servers' },
	{ name: 'account', path: '/account.html', h1: 'Account' },
	{ name: 'api-keys', path: '/api-keys.html', h1: 'API keys' },
	{ name: 'sessions', path: '/sessions.html', h1: 'Sessions' },
];
const ALL_SHOTS = ['login', 'checkpoint', 'servers', 'account', 'account-2fa-setup',
	'api-keys', 'api-keys-create', 'api-keys-new-key', 'sessions'];

test('j. screenshots (desktop, phone) and accessibility smoke check of every page', async () => {
	const problems = [];
	// the login page, signed out
	const ctx = await newContext();
	const lp = await ctx.newPage();
	await goto(lp, '/login.html');
	await heading1(lp, 'Log in');
	if (!shots.login) await shoot(lp, 'login');
	for (const p of await tabProblems(lp)) problems.push(`login: ${p}`);
	await ctx.close();

	need('loggedIn');
	const page = S.page;
	for (const pg of PAGES) {
		await goto(page, pg.path);
		await heading1(page, pg.h1);
		await settle(page);
		await shoot(page, pg.name, pg.name === 'api-keys' && !shots['api-keys'] ? { copyTo: join(HERE, 'screenshot-api-keys.png') } : {});
		for (const p of await tabProblems(page)) problems.push(`${pg.name}: ${p}`);
		const skip = page.getByRole('link', { name: 'Skip to content', exact: true });
		if (await skip.count() !== 1) problems.push(`${pg.name}: no "Skip to content" link`);
		else if (await skip.getAttribute('href') !== '#main' || await page.locator('main#main').count() !== 1)
			problems.push(`${pg.name}: "Skip to content" does not lead to <main id="main">`);
	}
	for (const name of ALL_SHOTS) {
		if (!shots[name]) {
			problems.push(`${name}: no screenshot (its test failed earlier)`);
			continue;
		}
		for (const p of shots[name]) problems.push(`${name}: ${p}`);
		for (const size of ['desktop', 'phone']) {
			const f = join(SHOTS, `${name}-${size}.png`);
			let ok = false;
			try {
				ok = statSync(f).size > 1000 && readFileSync(f).subarray(1, 4).toString() === 'PNG';
			} catch { /* missing */ }
			if (!ok) problems.push(`${name}: ${f} is missing or not a PNG`);
		}
	}
	assert(problems.length === 0, problems.join('; '));
});

// ---------------------------------------------------------------------------
// the runner

async function main() {
	let passed = 0;
	let failed = 0;
	const t0 = Date.now();
	try {
		browser = await chromium.launch(LAUNCH);
	} catch (e) {
		console.log(`not ok - launch ${LAUNCH.executablePath}: ${e.message.split('\n')[0]}`);
		console.log(`0 passed, ${tests.length + 1} failed`);
		process.exitCode = 1;
		return;
	}
	for (const t of tests) {
		resetWatch();
		const t1 = Date.now();
		let err = null;
		let timer;
		try {
			await Promise.race([
				t.fn(),
				new Promise((_, reject) => {
					timer = setTimeout(() => reject(new Failure('took longer than 90 s')), 90000);
				}),
			]);
		} catch (e) {
			err = e instanceof Failure ? e.message : `${e.name}: ${e.message.split('\n')[0]}`;
		} finally {
			clearTimeout(timer);
		}
		const problems = await settleWatch();
		if (err) problems.unshift(err);
		for (const n of watch.notes) console.log(`# ${t.name}: ${n}`);
		const secs = ((Date.now() - t1) / 1000).toFixed(1);
		if (problems.length === 0) {
			passed++;
			console.log(`ok - ${t.name} (${secs} s)`);
		} else {
			failed++;
			console.log(`not ok - ${t.name}: ${problems.join(' | ')} (${secs} s)`);
		}
	}
	for (const c of contexts) await c.close().catch(() => {});
	await browser.close().catch(() => {});
	console.log(`# pages.test.mjs took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

await main();
