// Round-trip test for www/js/qr.js: every matrix is rendered to a binary PGM
// (scale 4, quiet zone 4) and decoded with zbarimg (Debian zbar-tools).
// The decoded payload must equal the input's UTF-8 bytes, and the symbol must
// be the smallest version whose level-M byte capacity holds them.
//
// zbarimg runs with --raw -q -Sbinary: without -Sbinary zbar re-encodes
// byte-mode data by guessing a charset (it turns e.g. "é" x 61 into Shift-JIS
// kanji or Latin-1 mojibake), which says nothing about the encoder. Binary
// output is the exact payload bytes (no trailing newline); exit status 4
// means no symbol was found, so even the empty payload is a real decode.
// Run from the repository root: node test/browser/qr.test.mjs

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qrMatrix, qrSvg } from '../../www/js/qr.js';

const ZBARIMG = '/usr/bin/zbarimg';

// Byte-mode capacity at level M for versions 1..40 (ISO/IEC 18004 Table 7),
// kept independent of the encoder's block table.
const CAP_M = [
  14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504,
  560, 624, 666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452,
  1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
];
const utf8Len = (s) => Buffer.byteLength(s, 'utf8');
const expectedVersion = (s) => CAP_M.findIndex((c) => utf8Len(s) <= c) + 1;

// Deterministic printable-ASCII filler with varied characters.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;/?&=%+-_!#@()[]~\\"\'';
function filler(n, seed = 1) {
  let x = seed, out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += ALPHABET[(x >>> 16) % ALPHABET.length];
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'qr-test-'));
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok - ${name}`); };
const notOk = (name, why) => { failed++; console.log(`not ok - ${name}: ${why}`); };

function toPgm(m, scale = 4, quiet = 4) {
  const n = (m.length + 2 * quiet) * scale;
  const header = Buffer.from(`P5\n${n} ${n}\n255\n`, 'ascii');
  const px = Buffer.alloc(n * n, 255);
  for (let y = 0; y < m.length; y++) {
    for (let x = 0; x < m.length; x++) {
      if (!m[y][x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = ((y + quiet) * scale + dy) * n;
        px.fill(0, row + (x + quiet) * scale, row + (x + quiet + 1) * scale);
      }
    }
  }
  return Buffer.concat([header, px]);
}

function checkShape(m) {
  if (!Array.isArray(m) || m.length === 0) return 'not a non-empty array';
  for (const row of m) {
    if (!Array.isArray(row) || row.length !== m.length) return 'not square';
    if (!row.every((v) => typeof v === 'boolean')) return 'non-boolean module';
  }
  if ((m.length - 17) % 4 !== 0) return `bad size ${m.length}`;
  return null;
}

// Format information for level M, masks 0..7, and version information for
// versions 7..40, as listed in the standard (not computed by the encoder).
const FORMAT_M = [0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0];
const VERSION_INFO = {
  7: 0x07c94, 8: 0x085bc, 9: 0x09a99, 10: 0x0a4d3, 11: 0x0bbf6, 12: 0x0c762,
  13: 0x0d847, 14: 0x0e60d, 15: 0x0f928, 16: 0x10b78, 17: 0x1145d, 18: 0x12a17,
  19: 0x13532, 20: 0x149a6, 21: 0x15683, 22: 0x168c9, 23: 0x177ec, 24: 0x18ec4,
  25: 0x191e1, 26: 0x1afab, 27: 0x1b08e, 28: 0x1cc1a, 29: 0x1d33f, 30: 0x1ed75,
  31: 0x1f250, 32: 0x209d5, 33: 0x216f0, 34: 0x228ba, 35: 0x2379f, 36: 0x24b0b,
  37: 0x2542e, 38: 0x26a64, 39: 0x27541, 40: 0x28c69,
};
const masksSeen = new Set();

// Checks finders, separators, timing and dark module, and reads both
// format-information copies and both version-information blocks (bit 0 =
// least significant); returns an error string or null.
function checkInfo(m, version) {
  const n = m.length;
  const bits = (cells) => cells.reduce((acc, [r, c], i) => acc | (m[r][c] ? 1 << i : 0), 0);
  const fmt1 = [], fmt2 = [];
  for (let i = 0; i <= 5; i++) fmt1.push([i, 8]);
  fmt1.push([7, 8], [8, 8], [8, 7]);
  for (let c = 5; c >= 0; c--) fmt1.push([8, c]);
  for (let i = 0; i < 8; i++) fmt2.push([8, n - 1 - i]);
  for (let r = n - 7; r < n; r++) fmt2.push([r, 8]);
  const f1 = bits(fmt1), f2 = bits(fmt2);
  if (f1 !== f2) return `format copies differ (${f1.toString(16)} / ${f2.toString(16)})`;
  const mask = FORMAT_M.indexOf(f1);
  if (mask < 0) return `format info ${f1.toString(16)} is not level M`;
  if (!m[n - 8][8]) return 'dark module missing';
  for (let i = 8; i < n - 8; i++) {
    if (m[6][i] !== (i % 2 === 0) || m[i][6] !== (i % 2 === 0)) return `timing pattern wrong at ${i}`;
  }
  for (const [r0, c0] of [[0, 0], [0, n - 7], [n - 7, 0]]) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const rr = r0 + r, cc = c0 + c;
        if (rr < 0 || cc < 0 || rr >= n || cc >= n) continue;
        const ring = Math.max(Math.abs(2 * r - 6), Math.abs(2 * c - 6)) / 2; // 0 centre .. 4 separator
        if (m[rr][cc] !== (ring <= 1 || ring === 3)) return `finder/separator wrong at row ${rr} col ${cc}`;
      }
    }
  }
  if (version >= 7) {
    const bl = [], tr = [];
    for (let i = 0; i < 18; i++) {
      bl.push([n - 11 + (i % 3), Math.floor(i / 3)]);
      tr.push([Math.floor(i / 3), n - 11 + (i % 3)]);
    }
    const v1 = bits(bl), v2 = bits(tr);
    if (v1 !== VERSION_INFO[version] || v2 !== VERSION_INFO[version]) {
      return `version info ${v1.toString(16)} / ${v2.toString(16)}, expected ${VERSION_INFO[version].toString(16)}`;
    }
  }
  masksSeen.add(mask);
  return null;
}

let fileNo = 0;
function roundTrip(name, text) {
  try {
    const m = qrMatrix(text);
    const shape = checkShape(m);
    if (shape) return notOk(name, shape);
    const version = (m.length - 17) / 4;
    const want = expectedVersion(text);
    if (version !== want) return notOk(name, `version ${version}, expected ${want} (${utf8Len(text)} bytes)`);
    const info = checkInfo(m, version);
    if (info) return notOk(name, info);
    const file = join(dir, `case${fileNo++}.pgm`);
    writeFileSync(file, toPgm(m));
    let out;
    try {
      out = execFileSync(ZBARIMG, ['--raw', '-q', '-Sbinary', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      return notOk(name, `zbarimg found no symbol (v${version}, exit ${e.status})`);
    }
    const want8 = Buffer.from(text, 'utf8');
    if (!out.equals(want8)) {
      const got = out.toString('utf8');
      return notOk(name, `decoded ${JSON.stringify(got.slice(0, 60))} differs (v${version}, ${out.length} vs ${want8.length} bytes)`);
    }
    if (out.toString('utf8') !== text) return notOk(name, 'decoded bytes are not the text as UTF-8');
    ok(`${name} (v${version}, ${utf8Len(text)} bytes)`);
  } catch (e) {
    notOk(name, `threw ${e.message}`);
  }
}

const cases = [
  ['empty string', ''],
  ['1 char', 'A'],
  ['non-ASCII UTF-8 (accents, CJK, emoji)', 'Grüße aus Zürich – 東京 ✓ 🔐'],
  ['non-ASCII UTF-8, 2-byte only', 'çàéèêëïîôöùûüÿñ'],
  ['otpauth URL, e-mail label', 'otpauth://totp/Calagopus:admin%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Calagopus'],
  ['otpauth URL, short', 'otpauth://totp/Calagopus:bob?secret=JBSWY3DPEHPK3PXP&issuer=Calagopus'],
  ['otpauth URL, full parameters', 'otpauth://totp/Calagopus:a.very.long.user.name%2Bqr%40subdomain.example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBV&issuer=Calagopus&algorithm=SHA1&digits=6&period=30'],
  ['otpauth URL, encoded issuer with space', 'otpauth://totp/Calagopus%20Panel:user%40example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Calagopus%20Panel'],
];
// Capacity edges: exactly full, and one byte over the previous version.
for (const v of [1, 2, 6, 7, 10, 20, 40]) {
  cases.push([`v${v} full (${CAP_M[v - 1]} bytes)`, filler(CAP_M[v - 1], v)]);
  const over = v === 1 ? 1 : CAP_M[v - 2] + 1;
  const label = v === 1 ? '1 byte' : `${over} bytes, one over v${v - 1}`;
  cases.push([`v${v} smallest (${label})`, filler(over, 100 + v)]);
}
// Capacity edge built from multi-byte characters (2 bytes each).
cases.push(['v7 full with 2-byte UTF-8 characters', 'é'.repeat(CAP_M[6] / 2)]);
// Every other version full, so each block table entry is exercised.
for (let v = 1; v <= 40; v++) {
  if (![1, 2, 6, 7, 10, 20, 40].includes(v)) cases.push([`v${v} full`, filler(CAP_M[v - 1], 200 + v)]);
}

for (const [name, text] of cases) roundTrip(name, text);

// Across the decoded cases every mask pattern must have been chosen at least
// once, so each format-information value was read by the decoder.
{
  const missing = [0, 1, 2, 3, 4, 5, 6, 7].filter((k) => !masksSeen.has(k));
  if (missing.length) notOk('all 8 masks decoded', `mask ${missing.join(', ')} never chosen`);
  else ok('all 8 masks decoded');
}

// qrSvg with a minimal stand-in for document.createElementNS: attributes,
// no style attribute, and the path rasterised back must equal the matrix.
function fakeDocument() {
  const make = (ns, name) => ({
    ns, name, attrs: new Map(), children: [],
    setAttribute(k, v) { this.attrs.set(k, String(v)); },
    getAttribute(k) { return this.attrs.has(k) ? this.attrs.get(k) : null; },
    appendChild(c) { this.children.push(c); return c; },
  });
  return { createElementNS: make };
}
function checkSvg(text, opts, scale, margin) {
  const svg = qrSvg(text, opts);
  const m = qrMatrix(text);
  const n = m.length + 2 * margin;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  if (svg.ns !== SVG_NS || svg.name !== 'svg') return 'root is not an SVG <svg>';
  const want = { width: `${n * scale}`, height: `${n * scale}`, viewBox: `0 0 ${n} ${n}`, 'shape-rendering': 'crispEdges', role: 'img' };
  for (const [k, v] of Object.entries(want)) if (svg.getAttribute(k) !== v) return `${k}=${svg.getAttribute(k)}, expected ${v}`;
  const all = [svg, ...svg.children];
  if (all.some((e) => e.attrs.has('style'))) return 'style attribute present';
  if (svg.children.length !== 2) return `${svg.children.length} children`;
  const [rect, path] = svg.children;
  if (rect.ns !== SVG_NS || rect.name !== 'rect' || path.ns !== SVG_NS || path.name !== 'path') return 'children are not <rect>, <path>';
  if (!['#fff', '#ffffff', 'white'].includes(rect.getAttribute('fill'))) return 'background not white';
  if ((rect.getAttribute('x') ?? '0') !== '0' || (rect.getAttribute('y') ?? '0') !== '0' ||
      rect.getAttribute('width') !== `${n}` || rect.getAttribute('height') !== `${n}`) return 'background does not cover the viewBox';
  if (!['#000', '#000000', 'black'].includes(path.getAttribute('fill'))) return 'path not black';
  const grid = Array.from({ length: n }, () => new Array(n).fill(false));
  const d = path.getAttribute('d');
  const re = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/y;
  let pos = 0;
  while (pos < d.length) {
    re.lastIndex = pos;
    const g = re.exec(d);
    if (!g) return `unexpected path data at ${pos}: ${d.slice(pos, pos + 20)}`;
    const [x, y, w, back] = g.slice(1).map(Number);
    if (w !== back || w === 0) return 'path segment not a closed 1-high run';
    for (let i = x; i < x + w; i++) {
      if (grid[y][i]) return `module ${i},${y} drawn twice`;
      grid[y][i] = true;
    }
    pos = re.lastIndex;
  }
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const mm = m[y - margin]?.[x - margin] ?? false;
      if (grid[y][x] !== mm) return `path differs from matrix at ${x},${y}`;
    }
  }
  return null;
}
{
  globalThis.document = fakeDocument();
  const url = 'otpauth://totp/Calagopus:admin%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Calagopus';
  for (const [name, opts, scale, margin] of [
    ['qrSvg defaults', undefined, 4, 4],
    ['qrSvg scale 6 margin 2', { scale: 6, margin: 2 }, 6, 2],
    ['qrSvg margin 0', { margin: 0 }, 4, 0],
  ]) {
    try {
      const why = checkSvg(url, opts, scale, margin);
      if (why) notOk(name, why);
      else ok(name);
    } catch (e) {
      notOk(name, `threw ${e.message}`);
    }
  }
  delete globalThis.document;
}

// One byte over the version-40-M capacity must throw.
for (const [name, text] of [
  ['2332 ASCII bytes throws', filler(2332, 7)],
  ['2332 UTF-8 bytes (1166 x "é") throws', 'é'.repeat(1166)],
]) {
  try {
    qrMatrix(text);
    notOk(name, 'no error thrown');
  } catch (e) {
    if (e instanceof Error) ok(name);
    else notOk(name, `threw a non-Error ${e}`);
  }
}

rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
