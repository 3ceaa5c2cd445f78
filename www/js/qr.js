/*
 * qr.js - minimal QR code encoder (ISO/IEC 18004), no dependencies.
 *
 * Scope: byte mode (the UTF-8 bytes of the text), error-correction level M,
 * the smallest version 1..40 that holds the data, all eight masks scored with
 * the four penalty rules and the lowest one kept.
 *
 *   qrMatrix(text)  -> rows of booleans (true = dark), no quiet zone
 *   qrSvg(text, {scale, margin}) -> <svg> element built with createElementNS;
 *       only presentation attributes, no style attribute (strict CSP).
 *
 * Coordinates: m[y][x], y = row (top down), x = column (left to right).
 */

/* Level M block structure per version 1..40:
 * [EC codewords per block, blocks in group 1, data codewords per group-1
 *  block, blocks in group 2, data codewords per group-2 block]. */
const BLOCKS_M = [
  [10, 1, 16, 0, 0], [16, 1, 28, 0, 0], [26, 1, 44, 0, 0], [18, 2, 32, 0, 0],
  [24, 2, 43, 0, 0], [16, 4, 27, 0, 0], [18, 4, 31, 0, 0], [22, 2, 38, 2, 39],
  [22, 3, 36, 2, 37], [26, 4, 43, 1, 44], [30, 1, 50, 4, 51], [22, 6, 36, 2, 37],
  [22, 8, 37, 1, 38], [24, 4, 40, 5, 41], [24, 5, 41, 5, 42], [28, 7, 45, 3, 46],
  [28, 10, 46, 1, 47], [26, 9, 43, 4, 44], [26, 3, 44, 11, 45], [26, 3, 41, 13, 42],
  [26, 17, 42, 0, 0], [28, 17, 46, 0, 0], [28, 4, 47, 14, 48], [28, 6, 45, 14, 46],
  [28, 8, 47, 13, 48], [28, 19, 46, 4, 47], [28, 22, 45, 3, 46], [28, 3, 45, 23, 46],
  [28, 21, 45, 7, 46], [28, 19, 47, 10, 48], [28, 2, 46, 29, 47], [28, 10, 46, 23, 47],
  [28, 14, 46, 21, 47], [28, 14, 46, 23, 47], [28, 12, 47, 26, 48], [28, 6, 47, 34, 48],
  [28, 29, 46, 14, 47], [28, 13, 46, 32, 47], [28, 40, 47, 7, 48], [28, 18, 47, 31, 48],
];

const dataCodewords = (v) => {
  const [, n1, d1, n2, d2] = BLOCKS_M[v - 1];
  return n1 * d1 + n2 * d2;
};
/* Character count indicator for byte mode: 8 bits up to version 9, else 16. */
const countBits = (v) => (v < 10 ? 8 : 16);

/* ---- GF(256), primitive polynomial x^8+x^4+x^3+x^2+1 (0x11D) ---- */
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
const gfMul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

/* Generator polynomial prod_{i<n} (x - a^i), coefficients highest degree
 * first, leading 1 omitted (length n). */
function rsGenerator(n) {
  let g = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array(g.length + 1).fill(0);
    for (let j = 0; j < g.length; j++) {
      next[j] ^= g[j];
      next[j + 1] ^= gfMul(g[j], EXP[i]);
    }
    g = next;
  }
  return g.slice(1);
}

/* Remainder of data(x) * x^n divided by the generator: the n EC codewords. */
function rsRemainder(data, gen) {
  const rem = new Array(gen.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ rem.shift();
    rem.push(0);
    for (let i = 0; i < gen.length; i++) rem[i] ^= gfMul(gen[i], factor);
  }
  return rem;
}

/* ---- Data encoding: bit stream -> data codewords -> interleaved blocks ---- */
function encodeCodewords(bytes, v) {
  const capacity = dataCodewords(v);
  const bits = [];
  const put = (value, n) => {
    for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4); // byte mode
  put(bytes.length, countBits(v));
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity * 8 - bits.length)); // terminator
  put(0, (8 - (bits.length % 8)) % 8); // to a byte boundary
  const data = [];
  for (let i = 0; i < bits.length; i += 8) {
    data.push(bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  }
  for (let pad = 0xec; data.length < capacity; pad ^= 0xec ^ 0x11) data.push(pad);

  const [ecLen, n1, d1, n2, d2] = BLOCKS_M[v - 1];
  const gen = rsGenerator(ecLen);
  const blocks = [];
  for (let b = 0, off = 0; b < n1 + n2; b++) {
    const len = b < n1 ? d1 : d2;
    const d = data.slice(off, off + len);
    off += len;
    blocks.push({ d, ec: rsRemainder(d, gen) });
  }
  const out = [];
  for (let i = 0; i < Math.max(d1, d2); i++) {
    for (const blk of blocks) if (i < blk.d.length) out.push(blk.d[i]);
  }
  for (let i = 0; i < ecLen; i++) for (const blk of blocks) out.push(blk.ec[i]);
  return out;
}

/* ---- BCH codes for format (15,5) and version (18,6) information ---- */
function bchRemainder(value, poly, polyDegree) {
  let r = value << polyDegree;
  for (let i = 31 - Math.clz32(r); i >= polyDegree; i--) {
    if ((r >>> i) & 1) r ^= poly << (i - polyDegree);
  }
  return r;
}
/* Level M is 00, so the 5 data bits are just the mask number. */
const formatBits = (mask) => ((mask << 10) | bchRemainder(mask, 0x537, 10)) ^ 0x5412;
const versionBits = (v) => (v << 12) | bchRemainder(v, 0x1f25, 12);

/* Alignment pattern centre coordinates (both axes) for version v: first at 6,
 * last at size-7, the rest evenly spaced by an even step from the far end
 * (version 32 is the one version whose table step, 26, breaks the rule). */
function alignmentPositions(v) {
  if (v === 1) return [];
  const size = 17 + 4 * v;
  const count = Math.floor(v / 7) + 2;
  const step = v === 32 ? 26 : Math.ceil((size - 13) / (2 * count - 2)) * 2;
  const pos = [6];
  for (let p = size - 7; pos.length < count; p -= step) pos.splice(1, 0, p);
  return pos;
}

/* ---- Symbol construction ---- */
function buildBase(v) {
  const size = 17 + 4 * v;
  const dark = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (x, y, on) => {
    dark[y][x] = on;
    fixed[y][x] = true;
  };

  // Finder patterns with their separators (the 9x9 area, clipped).
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        set(x, y, d !== 2 && d !== 4);
      }
    }
  }
  // Timing patterns.
  for (let i = 8; i < size - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  // Alignment patterns, except where they would overlap a finder.
  const ap = alignmentPositions(v);
  for (const cy of ap) {
    for (const cx of ap) {
      if ((cx === 6 && cy === 6) || (cx === 6 && cy === size - 7) || (cx === size - 7 && cy === 6)) continue;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }
  }
  // Reserve the format areas (written per mask later) and the dark module;
  // index 6 is the timing pattern crossing them.
  for (let i = 0; i < 9; i++) {
    if (i === 6) continue;
    set(8, i, false);
    set(i, 8, false);
  }
  for (let i = 0; i < 8; i++) {
    set(size - 1 - i, 8, false);
    set(8, size - 1 - i, false);
  }
  set(8, size - 8, true);
  // Version information, versions 7 and up: two 6x3 blocks.
  if (v >= 7) {
    const bits = versionBits(v);
    for (let i = 0; i < 18; i++) {
      const on = ((bits >>> i) & 1) === 1;
      const a = size - 11 + (i % 3), b = Math.floor(i / 3);
      set(a, b, on);
      set(b, a, on);
    }
  }
  return { size, dark, fixed };
}

/* Place codeword bits in the two-column zigzag, bottom-right upwards,
 * skipping the vertical timing column. Remainder bits stay light. */
function placeData(base, codewords) {
  const { size, dark, fixed } = base;
  let k = 0;
  const total = codewords.length * 8;
  for (let right = size - 1, upward = true; right >= 1; right -= 2, upward = !upward) {
    if (right === 6) right = 5;
    for (let n = 0; n < size; n++) {
      const y = upward ? size - 1 - n : n;
      for (const x of [right, right - 1]) {
        if (fixed[y][x]) continue;
        dark[y][x] = k < total && ((codewords[k >> 3] >>> (7 - (k & 7))) & 1) === 1;
        k++;
      }
    }
  }
  if (k < total) throw new Error('qr: internal error, codewords do not fit');
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x, y) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

function applyMask(base, mask) {
  const { size, dark, fixed } = base;
  const m = dark.map((row, y) => row.map((on, x) => (fixed[y][x] ? on : on !== MASKS[mask](x, y))));
  const bits = formatBits(mask);
  for (let i = 0; i < 15; i++) {
    const on = ((bits >>> i) & 1) === 1;
    // Copy 1, around the top-left finder.
    if (i < 6) m[i][8] = on;
    else if (i < 8) m[i + 1][8] = on;
    else if (i === 8) m[8][7] = on;
    else m[8][14 - i] = on;
    // Copy 2, split between the top-right and bottom-left finders.
    if (i < 8) m[8][size - 1 - i] = on;
    else m[size - 15 + i][8] = on;
  }
  return m;
}

/* Penalty score: rule 1 runs of 5+, rule 2 2x2 blocks, rule 3 finder-like
 * 1:1:3:1:1 with 4 light modules on a side, rule 4 dark-ratio deviation. */
function penalty(m) {
  const size = m.length;
  let score = 0;
  const lines = [];
  for (let i = 0; i < size; i++) {
    lines.push(m[i]);
    lines.push(m.map((row) => row[i]));
  }
  const core = [true, false, true, true, true, false, true];
  for (const line of lines) {
    for (let i = 0, run = 1; i < size; i++, run++) {
      if (i === size - 1 || line[i + 1] !== line[i]) {
        if (run >= 5) score += 3 + (run - 5);
        run = 0;
      }
    }
    const at = (i) => i >= 0 && i < size && line[i]; // outside is light
    for (let i = 0; i + 7 <= size; i++) {
      if (!core.every((c, k) => line[i + k] === c)) continue;
      const lightBefore = [1, 2, 3, 4].every((k) => !at(i - k));
      const lightAfter = [0, 1, 2, 3].every((k) => !at(i + 7 + k));
      if (lightBefore || lightAfter) score += 40;
    }
  }
  let darkCount = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (m[y][x]) darkCount++;
      if (x + 1 < size && y + 1 < size) {
        const c = m[y][x];
        if (m[y][x + 1] === c && m[y + 1][x] === c && m[y + 1][x + 1] === c) score += 3;
      }
    }
  }
  const total = size * size;
  score += 10 * Math.floor(Math.abs(20 * darkCount - 10 * total) / total);
  return score;
}

export function qrMatrix(text) {
  const bytes = new TextEncoder().encode(String(text));
  let v = 1;
  while (v <= 40 && 4 + countBits(v) + 8 * bytes.length > 8 * dataCodewords(v)) v++;
  if (v > 40) throw new Error(`qr: text too long (${bytes.length} bytes, at most 2331 at level M)`);
  const base = buildBase(v);
  placeData(base, encodeCodewords(bytes, v));
  let best = null, bestScore = Infinity;
  for (let mask = 0; mask < 8; mask++) {
    const m = applyMask(base, mask);
    const s = penalty(m);
    if (s < bestScore) {
      best = m;
      bestScore = s;
    }
  }
  return best;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function qrSvg(text, { scale = 4, margin = 4 } = {}) {
  const m = qrMatrix(text);
  const n = m.length + 2 * margin;
  let d = '';
  m.forEach((row, y) => {
    for (let x = 0; x < row.length; ) {
      if (!row[x]) {
        x++;
        continue;
      }
      let end = x;
      while (end < row.length && row[end]) end++;
      d += `M${x + margin} ${y + margin}h${end - x}v1h${x - end}z`;
      x = end;
    }
  });
  const el = (name, attrs) => {
    const e = document.createElementNS(SVG_NS, name);
    for (const [k, val] of Object.entries(attrs)) e.setAttribute(k, String(val));
    return e;
  };
  const svg = el('svg', {
    width: n * scale,
    height: n * scale,
    viewBox: `0 0 ${n} ${n}`,
    'shape-rendering': 'crispEdges',
    role: 'img',
  });
  svg.appendChild(el('rect', { width: n, height: n, fill: '#fff' }));
  svg.appendChild(el('path', { d, fill: '#000' }));
  return svg;
}
