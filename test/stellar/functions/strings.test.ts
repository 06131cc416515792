import os from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  compile,
  double,
  type FunctionDef,
  JNum,
  kindOf,
  num,
  numValue,
  StellarError,
  type StellarNumber,
  toJson,
  type Value,
} from '#stellar';
import { convertNumber } from '../../../stellar/functions/coerce.js';
import { STRING_FUNCTIONS } from '../../../stellar/functions/strings/index.js';
import { javaFormat } from '../../../stellar/functions/strings/java-format.js';
import { javaPattern } from '../../../stellar/functions/strings/java-regex.js';
import { SYSTEM_FUNCTIONS } from '../../../stellar/functions/system.js';
import { expectFullyDescribed } from '../../helpers/stellar.js';

const run = (expr: string, vars: Record<string, unknown> = {}): Value => compile(expr).evaluate(vars);
const fn = (name: string): FunctionDef => {
  const def = [...STRING_FUNCTIONS, ...SYSTEM_FUNCTIONS].find((d) => d.name === name);
  if (def?.call === undefined) throw new Error(`no function ${name}`);
  return def;
};
const call = (name: string, ...args: Value[]): Value =>
  (fn(name).call as NonNullable<FunctionDef['call']>)(args, { now: () => 0, globals: {} });

/** A typed argument from the recorded Java cases: `i:5` int, `l:` long, `d:` double, `f:` float, `s:` string, `b:` boolean. */
function arg(spec: string): Value {
  const v = spec.slice(2);
  switch (spec[0]) {
    case 'i':
      return num('int', Number(v));
    case 'l':
      return num('long', Number(v));
    case 'd':
      return double(Number(v));
    case 'f':
      return num('float', Number(v));
    case 's':
      return v;
    case 'b':
      return v === 'true';
    default:
      return null;
  }
}

describe('string, regex and conversion function definitions', () => {
  it('describes every function fully', () => {
    expectFullyDescribed(STRING_FUNCTIONS, {
      families: ['string', 'regex', 'conversion'],
      namespaces: () => [''],
      pure: () => true,
    });
  });
  it('covers the whole family', () => {
    expect(STRING_FUNCTIONS.map((d) => d.name).sort()).toEqual(
      [
        'APPEND_IF_MISSING',
        'CHOMP',
        'CHOP',
        'COUNT_MATCHES',
        'ENDS_WITH',
        'FILL_LEFT',
        'FILL_RIGHT',
        'FORMAT',
        'FUZZY_LANGS',
        'FUZZY_SCORE',
        'JOIN',
        'PREPEND_IF_MISSING',
        'REGEXP_GROUP_VAL',
        'REGEXP_MATCH',
        'REGEXP_REPLACE',
        'SPLIT',
        'STARTS_WITH',
        'STRING_ENTROPY',
        'SUBSTRING',
        'TO_DOUBLE',
        'TO_FLOAT',
        'TO_INTEGER',
        'TO_JSON_LIST',
        'TO_JSON_MAP',
        'TO_JSON_OBJECT',
        'TO_LONG',
        'TO_LOWER',
        'TO_STRING',
        'TO_UPPER',
        'TRIM',
      ].sort(),
    );
  });
});

describe('system function definitions', () => {
  it('describes every function fully', () => {
    expectFullyDescribed(SYSTEM_FUNCTIONS, {
      families: ['system'],
      namespaces: () => ['SYSTEM'],
      pure: () => false,
    });
  });
});

describe('FORMAT (Java String.format)', () => {
  it('matches the JDK on recorded conversions, flags, widths, precisions and errors', () => {
    expect(FORMAT_CASES.length).toBeGreaterThan(200);
    const mismatches: string[] = [];
    for (const [format, args, want] of FORMAT_CASES) {
      let got: string;
      try {
        got = javaFormat(format, args.map(arg));
      } catch (e) {
        got = `ERR ${/FORMAT: (\w+)/.exec((e as Error).message)?.[1] ?? (e as Error).message}`;
      }
      if (got !== want)
        mismatches.push(
          `${format} ${args.join(' ')}: java ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
        );
    }
    expect(mismatches).toEqual([]);
  });

  it('rounds half-up on the shortest decimal digits, not on the binary value', () => {
    expect(javaFormat('%.2f|%.1f|%.0f|%.0f|%.2f', [1.005, 0.15, 2.5, 0.5, 0.005])).toBe('1.01|0.2|3|1|0.01');
    expect(javaFormat('%.20f', [0.1])).toBe('0.10000000000000000000');
    expect(javaFormat('%.10f', [num('float', 0.1)])).toBe('0.1000000015');
  });

  it('takes explicit, relative and ordinary argument positions', () => {
    expect(javaFormat('%2$s %1$s %<s %s', ['a', 'b'])).toBe('b a a a');
    expect(run("FORMAT('%s-%s', 'x', 5)")).toBe('x-5');
  });

  it('prints collections with Java toString and %h with Java hashCode', () => {
    expect(javaFormat('%s|%h|%h|%h', [[1, 'a'], 'hello', num('long', 5), 1.5])).toBe(
      '[1, a]|5e918d2|5|3ff80000',
    );
    expect(javaFormat('%10h|', [[1, 2]])).toBe('       3e2|');
  });

  it('formats epoch-millisecond longs in UTC with %t', () => {
    expect(javaFormat('%tc', [num('long', 1500000000123)])).toBe('Fri Jul 14 02:40:00 UTC 2017');
    expect(javaFormat('%1$tF %1$tT.%1$tL %1$Tp', [num('long', 1500000000123)])).toBe(
      '2017-07-14 02:40:00.123 AM',
    );
  });

  it('fails as Java does, through Stellar', () => {
    for (const expr of [
      'FORMAT()',
      "FORMAT('missing: %d')",
      "FORMAT('%f', 5)",
      "FORMAT('%d', 5.0)",
      "FORMAT('%c', 'a')",
      "FORMAT('%-d', 5)",
      "FORMAT('%q', 1)",
      "FORMAT('abc%')",
      'FORMAT(null, 1)',
      "FORMAT('%tY', 5)",
      "FORMAT('%a', 1.5)",
    ]) {
      expect(() => run(expr), expr).toThrow(StellarError);
    }
  });
});

describe('Java regular expressions', () => {
  it('replaces like Matcher.replaceAll, including its replacement-string errors', () => {
    for (const [pattern, input, replacement, want] of REPLACE_CASES) {
      const got = () => call('REGEXP_REPLACE', input, pattern, replacement);
      if (want === 'ERR') expect(got, `${pattern} ${replacement}`).toThrow(/REGEXP_REPLACE/);
      else expect(got(), `${pattern} ${replacement}`).toBe(want);
    }
  });

  it('keeps Java group numbers when atomic groups and possessive quantifiers add JavaScript groups', () => {
    expect(call('REGEXP_GROUP_VAL', 'xaab', '(x)(?>a+)(b)', 2)).toBe('b');
    expect(call('REGEXP_GROUP_VAL', 'xaab', '(x)a++(b)', 2)).toBe('b');
    expect(call('REGEXP_REPLACE', 'xaab', '(x)a*+(b)', '$2$1')).toBe('bx');
  });

  it('compiles each pattern once', () => {
    expect(javaPattern('(?i)caching-test-\\d+')).toBe(javaPattern('(?i)caching-test-\\d+'));
  });

  it('refuses Java constructs JavaScript cannot express, with a clear message', () => {
    expect(() => javaPattern('\\p{InGreek}')).toThrow(/Unicode blocks/);
    expect(() => javaPattern('\\Ga')).toThrow(/\\G is not supported/);
  });

  it('handles REGEXP_MATCH pattern lists, nulls and non-strings as Metron does', () => {
    expect(call('REGEXP_MATCH', 'abcde', [null, '\\d+', 'abc.*'])).toBe(true);
    expect(call('REGEXP_MATCH', 'abcde', new Set(['x', 'y']))).toBe(false);
    expect(call('REGEXP_MATCH', 'abcde', 5)).toBe(false);
    expect(() => call('REGEXP_MATCH', 5, 'a')).toThrow(/cannot be cast/);
    expect(call('REGEXP_GROUP_VAL', null, 'a', 0)).toBeNull();
    expect(call('REGEXP_GROUP_VAL', 'abc', 'x', 0)).toBe('abc');
    expect(call('REGEXP_GROUP_VAL', 'abc', '(a)(x)?bc', 2)).toBeNull();
    expect(call('REGEXP_GROUP_VAL', 'abc', '(a)bc', 'one')).toBeNull();
  });
});

describe('number conversion (commons-beanutils, as Metron configures it)', () => {
  const cases: [string, Value, number | null, string?][] = [
    ['TO_INTEGER', '5', 5, 'int'],
    ['TO_INTEGER', ' 5 ', 5, 'int'],
    ['TO_INTEGER', '5.0', null],
    ['TO_INTEGER', '+5', 5, 'int'],
    ['TO_INTEGER', '2147483648', null],
    ['TO_INTEGER', num('long', 3000000000), null],
    ['TO_INTEGER', 10.7, 10, 'int'],
    ['TO_INTEGER', -10.7, -10, 'int'],
    ['TO_INTEGER', Number.NaN, 0, 'int'],
    ['TO_INTEGER', double(1e300), null],
    ['TO_INTEGER', true, 1, 'int'],
    ['TO_INTEGER', '1e3', null],
    ['TO_INTEGER', ['7', '8'], 7, 'int'],
    ['TO_INTEGER', [], null],
    ['TO_INTEGER', '', null],
    ['TO_INTEGER', '-2147483648', -2147483648, 'int'],
    ['TO_INTEGER', '-2147483649', null],
    ['TO_INTEGER', '0000000000042', 42, 'int'],
    ['TO_LONG', '-9223372036854775808', -(2 ** 63), 'long'],
    ['TO_LONG', '2147483648', 2147483648, 'long'],
    ['TO_LONG', 10.7, 10, 'long'],
    ['TO_LONG', double(1e300), 2 ** 63, 'long'],
    ['TO_LONG', '9223372036854775808', null],
    ['TO_LONG', '0x10', null],
    ['TO_FLOAT', '1e3', 1000, 'float'],
    ['TO_FLOAT', 12.2, Math.fround(12.2), 'float'],
    ['TO_FLOAT', double(1e300), null],
    ['TO_FLOAT', double(-1e300), Number.NEGATIVE_INFINITY, 'float'],
    ['TO_FLOAT', 'NaN', Number.NaN, 'float'],
    ['TO_DOUBLE', '5', 5, 'double'],
    ['TO_DOUBLE', '1.5f', 1.5, 'double'],
    ['TO_DOUBLE', '-Infinity', Number.NEGATIVE_INFINITY, 'double'],
    ['TO_DOUBLE', '0x1.8p1', 3, 'double'],
    ['TO_DOUBLE', '  ', null],
    ['TO_DOUBLE', false, 0, 'double'],
  ];
  it.each(cases)('%s(%j) is %j', (name, input, value, kind) => {
    const r = call(name, input);
    if (value === null) expect(r).toBeNull();
    else {
      expect(kindOf(r as StellarNumber)).toBe(kind);
      expect(numValue(r as StellarNumber)).toEqual(value);
    }
  });
  it('converts through Stellar with Java kinds', () => {
    expect(kindOf(run('TO_FLOAT(12.2) * (1.2f + 7L)') as StellarNumber)).toBe('float');
    expect(run('TO_DOUBLE(5)')).toEqual(new JNum('double', 5));
    expect(convertNumber('-0', 'double')).toEqual(new JNum('double', -0));
  });
});

describe('JSON parsing (typed as Jackson types it)', () => {
  it('keeps ints, longs and doubles apart and preserves key order', () => {
    const m = run('TO_JSON_OBJECT(s)', {
      s: '{"z": 2, "b": 2.0, "c": 3000000000, "d": 1e2, "e": [true, null], "f": "x\\u00e9\\n"}',
    });
    expect(m).toBeInstanceOf(Map);
    const map = m as Map<Value, Value>;
    expect([...map.keys()]).toEqual(['z', 'b', 'c', 'd', 'e', 'f']);
    expect(kindOf(map.get('z') as StellarNumber)).toBe('int');
    expect(map.get('b')).toEqual(new JNum('double', 2));
    expect(kindOf(map.get('c') as StellarNumber)).toBe('long');
    expect(map.get('d')).toEqual(new JNum('double', 100));
    expect(map.get('e')).toEqual([true, null]);
    expect(map.get('f')).toBe('xé\n');
  });
  it('lets the last duplicate key win and returns scalars at the top level', () => {
    expect(toJson(call('TO_JSON_MAP', '{"a": 1, "a": 2}'))).toEqual({ a: 2 });
    expect(call('TO_JSON_OBJECT', '"text"')).toBe('text');
    expect(call('TO_JSON_OBJECT', ' 7 ')).toBe(7);
  });
  it('passes null, the empty string and JSON null through', () => {
    expect(call('TO_JSON_OBJECT', null)).toBeNull();
    expect(call('TO_JSON_LIST', '')).toBe('');
    expect(call('TO_JSON_MAP', 'null')).toBeNull();
  });
  it('rejects malformed or mis-shaped JSON and non-strings', () => {
    for (const [name, text] of [
      ['TO_JSON_OBJECT', '123, 456'],
      ['TO_JSON_OBJECT', '{"foo" : 2'],
      ['TO_JSON_OBJECT', "{'a': 1}"],
      ['TO_JSON_OBJECT', '[1,]'],
      ['TO_JSON_OBJECT', '01'],
      ['TO_JSON_OBJECT', 'NaN'],
      ['TO_JSON_OBJECT', '   '],
      ['TO_JSON_MAP', '[1]'],
      ['TO_JSON_LIST', '{"a": 1}'],
    ] as const) {
      expect(() => call(name, text), `${name} ${text}`).toThrow(/JSON/);
    }
    expect(() => call('TO_JSON_OBJECT', 5)).toThrow(/cannot be cast/);
    expect(() => call('TO_JSON_OBJECT', `${'['.repeat(5000)}${']'.repeat(5000)}`)).toThrow(/nesting/);
    expect(toJson(call('TO_JSON_OBJECT', `${'['.repeat(100)}${']'.repeat(100)}`))).toHaveLength(1);
  });
});

describe('string helpers with Java library semantics', () => {
  it('computes STRING_ENTROPY bit for bit as Java, summing in HashMap order', () => {
    // Values printed by Metron's algorithm on the JDK; a different summation order changes the last bits.
    const cases: [string, number][] = [
      ['The quick brown fox jumps over the lazy dog', 4.431965045349459],
      ['zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA9876543210!!!???...,,,;;;', 5.95802761198299],
      ['x7f9q2kd81mz0p.ddns.net', 4.142914673354254],
      ['αβγδεζηθικλμνξοπρστυφχψω ABCDEFGHabcdefgh 0123456789 αβγ', 5.615303359518975],
    ];
    for (const [s, want] of cases) expect(numValue(call('STRING_ENTROPY', s) as StellarNumber)).toBe(want);
    expect(call('STRING_ENTROPY', 'aaaa')).toEqual(new JNum('double', 0));
  });

  it('scores like commons-text FuzzyScore, lower-casing in the given locale', () => {
    const cases: [string, string, string, number][] = [
      ['TITLE', 'ti', 'tr', 1],
      ['TITLE', 'ti', 'en', 4],
      ['Workshop', 'ws', 'en', 2],
      ['abcabc', 'cba', 'en', 2],
      ['abc', 'abcd', 'en', 7],
    ];
    for (const [term, query, lang, want] of cases) expect(call('FUZZY_SCORE', term, query, lang)).toBe(want);
    expect(call('FUZZY_SCORE', 'abc', null, 'en')).toBe(0);
    expect(call('FUZZY_SCORE', '', 'a', 'en')).toBe(0);
    expect(() => call('FUZZY_SCORE', 'abc', 'a', 'EN')).toThrow(/BCP47/);
    const langs = call('FUZZY_LANGS') as string[];
    expect(langs).toEqual(expect.arrayContaining(['en', 'fr', 'de', 'en-US', 'he', 'und']));
    expect(langs).not.toContain('Kling');
  });

  it('trims only chars up to U+0020, as String.trim does', () => {
    expect(call('TRIM', '\u0001 x \t')).toBe('x');
    expect(call('TRIM', '\u00a0x\u00a0')).toBe('\u00a0x\u00a0');
  });

  it('chops and chomps like commons-lang', () => {
    const chop: [string, string][] = [
      ['\r\n', ''],
      ['a', ''],
      ['ab\n', 'ab'],
      ['a\n\r', 'a\n'],
    ];
    for (const [s, want] of chop) expect(call('CHOP', s)).toBe(want);
    const chomp: [string, string][] = [
      ['\r', ''],
      ['a\r', 'a'],
      ['a\n\r', 'a\n'],
      ['a\r\n\r\n', 'a\r\n'],
    ];
    for (const [s, want] of chomp) expect(call('CHOMP', s)).toBe(want);
  });

  it('substrings with Java int semantics and bounds errors', () => {
    expect(call('SUBSTRING', 'abcdef', num('long', 2), 4.9)).toBe('cd');
    expect(call('SUBSTRING', '', 5)).toBe('');
    expect(() => call('SUBSTRING', 'abc', -1)).toThrow(/SUBSTRING/);
    expect(() => call('SUBSTRING', 'abc', 2, 1)).toThrow(/SUBSTRING/);
  });

  it('splits with Guava semantics and joins any iterable', () => {
    expect(call('SPLIT', 1.5, '.')).toEqual(['1', '5']);
    expect(() => call('SPLIT', 'a', null)).toThrow(/delimiter/);
    expect(call('JOIN', new Set([1, num('long', 2), null]), '|')).toBe('1|2');
    expect(() => call('JOIN', 'abc', ',')).toThrow(/list or set/);
  });

  it('pads with the first char of the fill and converts the length', () => {
    expect(call('FILL_LEFT', 7, 'ab', '3')).toBe('aa7');
    expect(call('FILL_RIGHT', null, 'x', 3)).toBeNull();
    expect(() => call('FILL_LEFT', '1', 'x', null)).toThrow(/both required/);
  });
});

describe('system functions', () => {
  it('reads environment variables when called, not at compile time', () => {
    const expr = compile("SYSTEM_ENV_GET('PALISADE_STRINGS_TEST_VAR')");
    delete process.env.PALISADE_STRINGS_TEST_VAR;
    expect(expr.evaluate({})).toBeNull();
    process.env.PALISADE_STRINGS_TEST_VAR = 'set';
    try {
      expect(expr.evaluate({})).toBe('set');
    } finally {
      delete process.env.PALISADE_STRINGS_TEST_VAR;
    }
  });

  it('maps Java system properties to Node', () => {
    expect(call('SYSTEM_PROPERTY_GET', 'user.dir')).toBe(process.cwd());
    expect(call('SYSTEM_PROPERTY_GET', 'user.home')).toBe(os.homedir());
    expect(call('SYSTEM_PROPERTY_GET', 'line.separator')).toBe(os.EOL);
    expect(call('SYSTEM_PROPERTY_GET', 'java.version')).toBe(process.versions.node);
    expect(call('SYSTEM_PROPERTY_GET', 'file.separator')).toBe('/');
    expect(call('SYSTEM_PROPERTY_GET', 'path.separator')).toBe(':');
    expect(call('SYSTEM_PROPERTY_GET', 'os.name')).toBe(
      process.platform === 'linux' ? 'Linux' : call('SYSTEM_PROPERTY_GET', 'os.name'),
    );
    expect(call('SYSTEM_PROPERTY_GET', 'os.arch')).toBe(
      process.arch === 'x64' ? 'amd64' : call('SYSTEM_PROPERTY_GET', 'os.arch'),
    );
    expect(call('SYSTEM_PROPERTY_GET', 'toString')).toBeNull();
  });
});

/** Java 17 `String.format` outputs (US locale, UTC), recorded from the JDK. */
const FORMAT_CASES: [string, string[], string][] = [
  ['[%, .1g]', ['f:3.3333333'], '[ 3]'],
  ['[%20.10g]', ['f:3.3333333'], '[         3.333333254]'],
  ['[%+8.1e]', ['f:0.1'], '[+1.0e-01]'],
  ['[%-5c]', ['i:0'], '[\u0000    ]'],
  ['[%#x]', ['i:2147483647'], '[0x7fffffff]'],
  ['[%(5.15f]', ['f:3.3333333'], '[3.333333253860474]'],
  ['[%(20.0e]', ['f:1.1'], '[               1e+00]'],
  ['[%-20c]', ['i:5'], '[\u0005                   ]'],
  ['[%(20.0G]', ['d:Infinity'], '[            INFINITY]'],
  ['[%,020g]', ['d:1.0E7'], '[0000000001.00000e+07]'],
  ['[%.0f]', ['d:0.05'], '[0]'],
  ['[%-10b]', ['s:abc'], '[true      ]'],
  ['[%s]', ['l:-5'], '[-5]'],
  ['[%12c]', ['i:65'], '[           A]'],
  ['[%020o]', ['l:-5'], '[1777777777777777777773]'],
  ['[%1x]', ['i:1234567'], '[12d687]'],
  ['[%-10x]', ['l:1000000'], '[f4240     ]'],
  ['[%12.15E]', ['f:1.1'], '[1.100000023841858E+00]'],
  ['[%12E]', ['f:-2.5'], '[-2.500000E+00]'],
  ['[%-5c]', ['i:1000'], '[Ϩ    ]'],
  ['[%+-12.15E]', ['d:1e20'], '[+1.000000000000000E+20]'],
  ['[%-10d]', ['l:-9007199254740991'], '[-9007199254740991]'],
  ['[%-1.3s]', ['b:true'], '[tru]'],
  ['[%(1d]', ['i:255'], '[255]'],
  ['[%5.10f]', ['f:0.1'], '[0.1000000015]'],
  ['[%20.3e]', ['f:100.0'], '[           1.000e+02]'],
  ['[%-12c]', ['i:5'], '[\u0005           ]'],
  ['[%.2e]', ['d:1.0'], '[1.00e+00]'],
  ['[%#01X]', ['l:9007199254740991'], '[0X1FFFFFFFFFFFFF]'],
  ['[%12X]', ['i:5'], '[           5]'],
  ['[%-10.1S]', ['l:5'], '[5         ]'],
  ['[%8s]', ['b:false'], '[   false]'],
  ['[%+-5G]', ['d:3.0e-10'], '[+3.00000E-10]'],
  ['[%,-20d]', ['l:1234567890123'], '[1,234,567,890,123   ]'],
  ['[%1.0f]', ['d:0.95'], '[1]'],
  ['[%5.2g]', ['f:1.1'], '[  1.1]'],
  ['[%#20o]', ['i:-5'], '[        037777777773]'],
  ['[%,(.15f]', ['f:-2.5'], '[(2.500000000000000)]'],
  ['[%-8x]', ['i:0'], '[0       ]'],
  ['[%-20.15s]', ['l:9007199254740991'], '[900719925474099     ]'],
  ['[%.15s]', ['i:1000'], '[1000]'],
  ['[%8S]', ['l:-5'], '[      -5]'],
  ['[%5.5S]', ['i:-5'], '[   -5]'],
  ['[%8.15b]', ['l:-1'], '[    true]'],
  ['[%8S]', ['b:true'], '[    TRUE]'],
  ['[%-10X]', ['i:-255'], '[FFFFFF01  ]'],
  ['[%010.10E]', ['d:99999.0'], '[9.9999000000E+04]'],
  ['[%-12.10S]', ['l:-9007199254740991'], '[-900719925  ]'],
  ['[%x]', ['l:1000000'], '[f4240]'],
  ['[%12.5S]', ['s:Hello World'], '[       HELLO]'],
  ['[%+-10.10e]', ['f:100.0'], '[+1.0000000000e+02]'],
  ['[%(05.3f]', ['d:123456.789'], '[123456.789]'],
  ['[%+.3E]', ['d:0.005'], '[+5.000E-03]'],
  ['[%-10.2S]', ['s:'], '[          ]'],
  ['[%-12.5s]', ['l:0'], '[0           ]'],
  ['[%(08.1G]', ['d:1e-300'], '[001E-300]'],
  ['[%#-8X]', ['l:-5'], '[0XFFFFFFFFFFFFFFFB]'],
  ['[%(12.2e]', ['d:99.5'], '[    9.95e+01]'],
  ['[%1d]', ['i:-255'], '[-255]'],
  ['[%g]', ['d:-2.5'], '[-2.50000]'],
  ['[%-,10f]', ['d:0.0001'], '[0.000100  ]'],
  ['[%(12d]', ['i:0'], '[           0]'],
  ['[%12d]', ['i:65'], '[          65]'],
  ['[%-20.2s]', ['b:false'], '[fa                  ]'],
  ['[%.0b]', ['l:9007199254740991'], '[]'],
  ['[%-10.1S]', ['i:255'], '[2         ]'],
  ['[%,#f]', ['d:1e-300'], '[0.000000]'],
  ['[%8.2f]', ['d:-Infinity'], '[-Infinity]'],
  ['[%12.2s]', ['i:1234567'], '[          12]'],
  ['[%8.15b]', ['b:true'], '[    true]'],
  ['[%#01X]', ['l:5'], '[0X5]'],
  ['[%X]', ['l:1234567890123'], '[11F71FB04CB]'],
  ['[%20.3G]', ['d:1.5e300'], '[           1.50E+300]'],
  ['[%05o]', ['i:2147483647'], '[17777777777]'],
  ['[%,010.1g]', ['f:100.0'], '[000001e+02]'],
  ['[%(.1f]', ['f:-2.5'], '[(2.5)]'],
  ['[%20.1G]', ['f:0.1'], '[                 0.1]'],
  ['[%-5s]', ['i:-255'], '[-255 ]'],
  ['[%5.0g]', ['d:0.15'], '[  0.2]'],
  ['[%(12d]', ['i:0'], '[           0]'],
  ['[%f]', ['f:100.0'], '[100.000000]'],
  ['[%1b]', ['i:65'], '[true]'],
  ['[%.3G]', ['f:-2.5'], '[-2.50]'],
  ['[%,.0g]', ['f:0.1'], '[0.1]'],
  ['[%010.1e]', ['d:1e20'], '[0001.0e+20]'],
  ['[%#+20.3e]', ['f:-2.5'], '[          -2.500e+00]'],
  ['[%+5.5e]', ['d:0.0001'], '[+1.00000e-04]'],
  ['[%0#12X]', ['i:65'], '[0X0000000041]'],
  ['[%08X]', ['l:-5'], '[FFFFFFFFFFFFFFFB]'],
  ['[%20.15f]', ['f:-2.5'], '[  -2.500000000000000]'],
  ['[%-1.15f]', ['d:99999.0'], '[99999.000000000000000]'],
  ['[%(5g]', ['d:-3.14159'], '[(3.14159)]'],
  ['[%8X]', ['i:1234567'], '[  12D687]'],
  ['[%-10X]', ['i:2147483647'], '[7FFFFFFF  ]'],
  ['[%-#8.5f]', ['d:-3.14159'], '[-3.14159]'],
  ['[%010.5g]', ['f:1.1'], '[00001.1000]'],
  ['[%-5.3f]', ['f:100.0'], '[100.000]'],
  ['[%12b]', ['l:-9007199254740991'], '[        true]'],
  ['[%.10b]', ['s:Hello World'], '[true]'],
  ['[%#-8o]', ['l:-5'], '[01777777777777777777773]'],
  ['[%-12X]', ['i:65'], '[41          ]'],
  ['[%g]', ['d:9.999999999e6'], '[1.00000e+07]'],
  ['[%-10X]', ['i:-2147483648'], '[80000000  ]'],
  ['[%0#10o]', ['l:1000000'], '[0003641100]'],
  ['[%-8c]', ['i:5'], '[\u0005       ]'],
  ['[% (20.0G]', ['d:0.5'], '[                 0.5]'],
  ['[%12.15f]', ['f:1.1'], '[1.100000023841858]'],
  ['[%(.1G]', ['d:0.1'], '[0.1]'],
  ['[%1c]', ['i:1000'], '[Ϩ]'],
  ['[%-20x]', ['l:5'], '[5                   ]'],
  ['[%20s]', ['b:true'], '[                true]'],
  ['[%#.5E]', ['f:0.1'], '[1.00000E-01]'],
  ['[%,#20.3f]', ['f:-2.5'], '[              -2.500]'],
  ['[%0#5.5e]', ['d:-3.14159'], '[-3.14159e+00]'],
  ['[%-12.3s]', ['b:true'], '[tru         ]'],
  ['[%20.2G]', ['d:2.5'], '[                 2.5]'],
  ['[%o]', ['i:-5'], '[37777777773]'],
  ['[%d]', ['l:5'], '[5]'],
  ['[%8E]', ['d:Infinity'], '[INFINITY]'],
  ['[%20.0e]', ['d:99999.0'], '[               1e+05]'],
  ['[%+(5.3e]', ['f:100.0'], '[+1.000e+02]'],
  ['[%1.1G]', ['d:0.0001'], '[0.0001]'],
  ['[%5X]', ['i:65'], '[   41]'],
  ['[%1o]', ['l:5'], '[5]'],
  ['[%(,5.15f]', ['d:7.0E-4'], '[0.000700000000000]'],
  ['[%5.15e]', ['f:100.0'], '[1.000000000000000e+02]'],
  ['[%-12.10S]', ['i:-5'], '[-5          ]'],
  ['[%-1.15b]', ['i:2147483647'], '[true]'],
  ['[%5o]', ['l:0'], '[    0]'],
  ['[%012g]', ['f:100.0'], '[00000100.000]'],
  ['[%8.5s]', ['s:abc'], '[     abc]'],
  ['[% 5S]', ['i:65'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%+,.1f]', ['i:-255'], 'ERR IllegalFormatConversionException'],
  ['[%-,5%]', ['f:3.4028235E38'], 'ERR IllegalFormatFlagsException'],
  ['[%+020.6x]', ['n:'], 'ERR IllegalFormatPrecisionException'],
  ['[%-12.6X]', ['b:true'], 'ERR IllegalFormatPrecisionException'],
  ['[%+0.1e]', ['f:0.1'], 'ERR MissingFormatWidthException'],
  ['[% 12s]', ['n:'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%+5.3%]', ['d:123456.789'], 'ERR IllegalFormatPrecisionException'],
  ['[%(20.6%]', ['l:-1'], 'ERR IllegalFormatPrecisionException'],
  ['[%#20.0c]', ['n:'], 'ERR IllegalFormatPrecisionException'],
  ['[%#020g]', ['l:9007199254740991'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%(05.3b]', ['s:Hello World'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%(1.10G]', ['i:65'], 'ERR IllegalFormatConversionException'],
  ['[%0,.10X]', ['d:0.15'], 'ERR MissingFormatWidthException'],
  ['[%-01.10e]', ['l:-1'], 'ERR IllegalFormatFlagsException'],
  ['[%0.17o]', ['l:-1'], 'ERR MissingFormatWidthException'],
  ['[%-.17S]', ['l:1234567890123'], 'ERR MissingFormatWidthException'],
  ['[%#12.0o]', ['l:1500000000123'], 'ERR IllegalFormatPrecisionException'],
  ['[%-0.6G]', ['l:-1'], 'ERR MissingFormatWidthException'],
  ['[% 1.6x]', ['n:'], 'ERR IllegalFormatPrecisionException'],
  ['[%-,5.0X]', ['b:true'], 'ERR IllegalFormatPrecisionException'],
  ['[% 01.1b]', ['l:1500000000123'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%-,5.6s]', ['i:2147483647'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%-,20.6d]', ['s:abc'], 'ERR IllegalFormatPrecisionException'],
  ['[%(.2o]', ['s:abc'], 'ERR IllegalFormatPrecisionException'],
  ['[%(E]', ['b:false'], 'ERR IllegalFormatConversionException'],
  ['[%-,.17b]', ['b:false'], 'ERR MissingFormatWidthException'],
  ['[%+,1.1x]', ['l:-1'], 'ERR IllegalFormatPrecisionException'],
  ['[% 012G]', ['b:false'], 'ERR IllegalFormatConversionException'],
  ['[%0,1x]', ['b:false'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%#0.3o]', ['d:-0.0'], 'ERR MissingFormatWidthException'],
  ['[%.10x]', ['s:abc'], 'ERR IllegalFormatPrecisionException'],
  ['[%#020.0o]', ['d:7.0E-4'], 'ERR IllegalFormatPrecisionException'],
  ['[%0,12.1o]', ['n:'], 'ERR IllegalFormatPrecisionException'],
  ['[%-05.6h]', ['l:-5'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%#20.1d]', ['n:'], 'ERR IllegalFormatPrecisionException'],
  ['[%-,12.2s]', ['l:9007199254740991'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%-,5.6c]', ['b:true'], 'ERR IllegalFormatPrecisionException'],
  ['[%0,.3x]', ['f:3.4028235E38'], 'ERR MissingFormatWidthException'],
  ['[%+05.2b]', ['f:3.4028235E38'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%0,n]', ['l:-1'], 'ERR IllegalFormatFlagsException'],
  ['[%0,12.0%]', ['b:true'], 'ERR IllegalFormatPrecisionException'],
  ['[%#20.0X]', ['f:3.4028235E38'], 'ERR IllegalFormatPrecisionException'],
  ['[%+,.0o]', ['s:Hello World'], 'ERR IllegalFormatPrecisionException'],
  ['[% 0.1x]', ['s:Hello World'], 'ERR MissingFormatWidthException'],
  ['[%#0.1E]', ['d:12345.678'], 'ERR MissingFormatWidthException'],
  ['[% 012.17f]', ['l:1500000000123'], 'ERR IllegalFormatConversionException'],
  ['[%#.10x]', ['f:0.1'], 'ERR IllegalFormatPrecisionException'],
  ['[% x]', ['d:1.0E7'], 'ERR IllegalFormatConversionException'],
  ['[%+,.10E]', ['i:2147483647'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%0.17c]', ['l:-1'], 'ERR IllegalFormatPrecisionException'],
  ['[%+.2b]', ['n:'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%0,.3E]', ['i:0'], 'ERR MissingFormatWidthException'],
  ['[%+,5.10%]', ['d:999999.5'], 'ERR IllegalFormatPrecisionException'],
  ['[% 01.0g]', ['b:false'], 'ERR IllegalFormatConversionException'],
  ['[%-.6f]', ['l:0'], 'ERR MissingFormatWidthException'],
  ['[%-0.10s]', ['b:false'], 'ERR MissingFormatWidthException'],
  ['[%#05.17g]', ['l:0'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%+20.6c]', ['s:Hello World'], 'ERR IllegalFormatPrecisionException'],
  ['[%-,20.6G]', ['l:9007199254740991'], 'ERR IllegalFormatConversionException'],
  ['[%-,.0%]', ['n:'], 'ERR IllegalFormatPrecisionException'],
  ['[%+0.10h]', ['d:0.15'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%(5.6S]', ['b:true'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%(.1h]', ['f:3.4028235E38'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%#020g]', ['s:Hello World'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%-05.0g]', ['b:true'], 'ERR IllegalFormatFlagsException'],
  ['[%-1.1n]', ['n:'], 'ERR IllegalFormatPrecisionException'],
  ['[%-0.10E]', ['n:'], 'ERR MissingFormatWidthException'],
  ['[%-,20.2X]', ['i:1234567'], 'ERR IllegalFormatPrecisionException'],
  ['[% 0.2f]', ['s:Hello World'], 'ERR MissingFormatWidthException'],
  ['[% 01.10h]', ['b:true'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%0,e]', ['d:0.0'], 'ERR MissingFormatWidthException'],
  ['[% .2b]', ['f:100.0'], 'ERR FormatFlagsConversionMismatchException'],
  ['[%(.1%]', ['d:9.999999999e6'], 'ERR IllegalFormatPrecisionException'],
  ['[%+,20x]', ['b:false'], 'ERR FormatFlagsConversionMismatchException'],
  ['%tM|%TM|%-30tM|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%th|%Th|%-30th|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tc|%Tc|%-30tc|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tY|%TY|%-30tY|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tY|%TY|%-30tY|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tm|%Tm|%-30tm|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%td|%Td|%-30td|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%te|%Te|%-30te|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%te|%Te|%-30te|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tH|%TH|%-30tH|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tI|%TI|%-30tI|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%tk|%Tk|%-30tk|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tk|%Tk|%-30tk|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tl|%Tl|%-30tl|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tM|%TM|%-30tM|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%tS|%TS|%-30tS|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tS|%TS|%-30tS|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tL|%TL|%-30tL|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tN|%TN|%-30tN|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%tp|%Tp|%-30tp|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tp|%Tp|%-30tp|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tz|%Tz|%-30tz|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tZ|%TZ|%-30tZ|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%ts|%Ts|%-30ts|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%ts|%Ts|%-30ts|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tQ|%TQ|%-30tQ|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tB|%TB|%-30tB|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%tb|%Tb|%-30tb|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tb|%Tb|%-30tb|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%th|%Th|%-30th|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tA|%TA|%-30tA|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%ta|%Ta|%-30ta|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%ta|%Ta|%-30ta|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tC|%TC|%-30tC|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%ty|%Ty|%-30ty|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%tj|%Tj|%-30tj|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tj|%Tj|%-30tj|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tR|%TR|%-30tR|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tT|%TT|%-30tT|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%tr|%Tr|%-30tr|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tr|%Tr|%-30tr|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
  ['%tD|%TD|%-30tD|', ['l:-86400000'], 'ERR MissingFormatArgumentException'],
  ['%tF|%TF|%-30tF|', ['l:1500000000123'], 'ERR MissingFormatArgumentException'],
  ['%tc|%Tc|%-30tc|', ['l:0'], 'ERR MissingFormatArgumentException'],
  ['%tc|%Tc|%-30tc|', ['l:951782400000'], 'ERR MissingFormatArgumentException'],
];
/** Matcher.replaceAll results (`\u007B` spells the `{` of Java's named-group syntax). */
const REPLACE_CASES: [string, string, string, string][] = [
  ['(\\d+)-(\\d+)', '123-456', '$2-$1', '456-123'],
  ['(\\d+)-(\\d+)', '123-456', '$21', '4561'],
  ['(\\d+)-(\\d+)', '123-456', '$3', 'ERR'],
  ['(\\d+)-(\\d+)', '123-456', '\\$1', '$1'],
  ['(\\d+)-(\\d+)', '123-456', 'a\\', 'ERR'],
  ['(\\d+)-(\\d+)', '123-456', 'a$', 'ERR'],
  ['(\\d+)-(\\d+)', '123-456', '$\u007Bx}', 'ERR'],
  ['(?<x>\\d+)-(\\d+)', '123-456', '$\u007Bx}!', '123!'],
  ['(?<x>\\d+)-(\\d+)', '123-456', '$\u007B1x}', 'ERR'],
  ['x', 'abc', '$', 'abc'],
  ['x', 'abc', '$9', 'abc'],
  ['a(b)?', 'ac a ab', '[$1]', '[]c [] [b]'],
  ['a*', 'bab', '-', '-b--b-'],
  ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)', 'abcdefghijk', '$11$10$1', 'kja'],
  ['\\.', 'a.b.c', '_', 'a_b_c'],
  ['(?i)B', 'abAB', 'x', 'axAx'],
];
