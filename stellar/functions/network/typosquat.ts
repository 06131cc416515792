import type { Value } from '../../values.js';
import { idnToAscii, idnToUnicode } from './idna.js';

/**
 * DOMAIN_TYPOSQUAT: metron-common's typosquat package, the dnstwist strategies (addition,
 * bitsquatting, homoglyph, hyphenation, insertion, omission, repetition, replacement, subdomain,
 * transposition, vowel swap) with its keyboard and homoglyph tables, in Metron's order.
 */

/** Neighbouring keys on QWERTY, QWERTZ and AZERTY keyboards: each entry is a key followed by its neighbours. */
const KEYBOARDS: readonly ReadonlyMap<string, string>[] = [
  'jikmnhu w3esaq2 vcfgb lkop y7uhgt6 xzsdc r5tfde4 u8ijhy7 aqwsz q12wa cxdfv bvghn e4rdsw3 drfcxse gyhbvft plo0 i9okju8 hujnbgy kolmji ftgvcdr mnjk sedxzaw o0plki9 nbhjm 12q 0po9 34ew2 23wq1 56tr4 45re3 78uy6 67yt5 90oi8 89iu7 zasx t6ygfr5',
  'jikmnhu w3esaq2 vcfgb lkop yasx xysdc r5tfde4 u8ijhz7 aqwsy q12wa cxdfv bvghn e4rdsw3 drfcxse gzhbvft plo0 i9okju8 hujnbgz kolmji ftgvcdr mnjk sedxyaw o0plki9 nbhjm 12q 0po9 34ew2 23wq1 56tr4 45re3 78uz6 67zt5 90oi8 89iu7 z7uhgt6 t6zgfr5',
  'jiknhu wsxq vcfgb lkopm y7uhgt6 xzsdc r5tfde4 u8ijhy7 a2zq1 qzswa cxdfv bvghn e4rdsz3 drfcxse gyhbvft plo0m i9okju8 hujnbgy kolji ftgvcdr mlp sedxwqz o0plki9 nbhj 12a 0po9 34ez2 23za1 56tr4 45re3 78uy6 67yt5 90oi8 89iu7 z3esqa2 t6ygfr5',
].map((layout) => new Map(layout.split(' ').map((e) => [e.charAt(0), e.slice(1)])));

/** Look-alikes of each letter (Metron's list), space-separated. */
const HOMOGLYPHS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    a: 'à á â ã ä å ɑ а ạ ǎ ă ȧ ӓ',
    b: 'd lb ib ʙ Ь b̔ ɓ Б',
    c: 'ϲ с ƈ ċ ć ç',
    d: 'b cl dl di ԁ ժ ɗ đ',
    e: 'é ê ë ē ĕ ě ė е ẹ ę є ϵ ҽ',
    f: 'Ϝ ƒ Ғ',
    g: 'q ɢ ɡ Ԍ ġ ğ ց ǵ ģ',
    h: 'lh ih һ հ Ꮒ н',
    i: '1 l Ꭵ í ï ı ɩ ι ꙇ ǐ ĭ',
    j: 'ј ʝ ϳ ɉ',
    k: 'lk ik lc κ ⲕ',
    l: '1 i ɫ ł',
    m: 'n nn rn rr ṃ ᴍ м ɱ',
    n: 'm r ń',
    o: '0 Ο ο О о Օ ȯ ọ ỏ ơ ó ö ӧ',
    p: 'ρ р ƿ Ϸ Þ',
    q: 'g զ ԛ գ ʠ',
    r: 'ʀ Г ᴦ ɼ ɽ',
    s: 'Ⴝ Ꮪ ʂ ś ѕ',
    t: 'τ т ţ',
    u: 'μ υ Ս ս ц ᴜ ǔ ŭ',
    v: 'ѵ ν v̇',
    w: 'vv ѡ ա ԝ',
    x: 'х ҳ ẋ',
    y: 'ʏ γ у Ү ý',
    z: 'ʐ ż ź ᴢ',
  }).map(([letter, glyphs]) => [letter, glyphs.split(' ')]),
);

const isAce = (domain: string): boolean => {
  const lower = domain.toLowerCase();
  return lower.startsWith('xn--') || lower.includes('.xn--');
};

const VOWELS = 'aeiou';

/** Every candidate of every strategy, in strategy order (addition, bitsquatting, homoglyph, …). */
export function typosquats(domain: string): Set<Value> {
  const out = new Set<Value>();
  const add = (candidate: string) => {
    if (candidate !== domain) out.add(candidate);
  };
  const n = domain.length;
  const at = (i: number) => domain.charAt(i);
  // Addition: a letter appended.
  for (let c = 97; c < 123; c++) add(domain + String.fromCharCode(c));
  // Bitsquatting: one bit of one char flipped, keeping to [0-9a-z-].
  for (let i = 0; i < n; i++) {
    const code = domain.charCodeAt(i);
    for (let bit = 1; bit < 256; bit <<= 1) {
      const flipped = code ^ bit;
      if ((flipped >= 48 && flipped <= 57) || (flipped >= 97 && flipped <= 122) || flipped === 45) {
        add(domain.slice(0, i) + String.fromCharCode(flipped) + domain.slice(i + 1));
      }
    }
  }
  homoglyphs(domain, add);
  // Hyphenation: a '-' between two chars.
  for (let i = 1; i < n; i++) add(`${domain.slice(0, i)}-${domain.slice(i)}`);
  // Insertion: a neighbouring key before or after an inner char.
  for (let i = 1; i < n - 1; i++) {
    for (const keyboard of KEYBOARDS) {
      const near = keyboard.get(at(i));
      if (near === undefined) continue;
      for (const k of near) {
        add(domain.slice(0, i) + k + at(i) + domain.slice(i + 1));
        add(domain.slice(0, i) + at(i) + k + domain.slice(i + 1));
      }
    }
  }
  // Omission: one char dropped.
  for (let i = 0; i < n; i++) add(domain.slice(0, i) + domain.slice(i + 1));
  // Repetition: a letter doubled.
  for (let i = 0; i < n; i++) {
    if (/^\p{L}$/u.test(at(i))) add(domain.slice(0, i) + at(i) + at(i) + domain.slice(i + 1));
  }
  // Replacement: a char replaced by a neighbouring key.
  for (let i = 0; i < n; i++) {
    for (const keyboard of KEYBOARDS) {
      const near = keyboard.get(at(i));
      if (near === undefined) continue;
      for (const k of near) add(domain.slice(0, i) + k + domain.slice(i + 1));
    }
  }
  // Subdomain: a '.' between two chars, neither of them '-' or '.'.
  for (let i = 1; i < n; i++) {
    const c = at(i);
    const prev = at(i - 1);
    if (c !== '-' && c !== '.' && prev !== '-' && prev !== '.')
      add(`${domain.slice(0, i)}.${domain.slice(i)}`);
  }
  // Transposition: two different neighbours swapped.
  for (let i = 0; i < n - 1; i++) {
    if (at(i) !== at(i + 1)) add(domain.slice(0, i) + at(i + 1) + at(i) + domain.slice(i + 2));
  }
  // Vowel swap: a vowel replaced by each vowel.
  for (let i = 0; i < n; i++) {
    if (VOWELS.includes(at(i))) for (const v of VOWELS) add(domain.slice(0, i) + v + domain.slice(i + 1));
  }
  return out;
}

/**
 * Homoglyphs as Metron generates them: in every window of the name (shorter than the whole
 * name), every occurrence of one letter is replaced by a look-alike; each result is kept in
 * Unicode and, when it converts, as punycode.
 */
function homoglyphs(original: string, add: (candidate: string) => void): void {
  if (original === '') return;
  const domain = isAce(original) ? idnToUnicode(original) : original;
  const n = domain.length;
  const ascii = new Map<string, string | null>();
  for (let ws = 1; ws < n; ws++) {
    for (let i = 0; i + ws <= n; i++) {
      const win = domain.slice(i, i + ws);
      for (let j = 0; j < ws; j++) {
        const c = win.charAt(j);
        const glyphs = HOMOGLYPHS.get(c);
        if (glyphs === undefined) continue;
        for (const g of glyphs) {
          const d = domain.slice(0, i) + win.split(c).join(g) + domain.slice(i + ws);
          add(d);
          if (isAce(d)) continue;
          let converted = ascii.get(d);
          if (converted === undefined) {
            try {
              converted = idnToAscii(d, true);
            } catch {
              converted = null;
            }
            ascii.set(d, converted);
          }
          if (converted !== null && converted !== d) add(converted);
        }
      }
    }
  }
}
