import { buildParser } from '#streaming';
import { broLines, withIntegralDouble } from './data.js';
import { type Check, measure, type ResultRow, rate, ratio } from './report.js';

/**
 * Case 2, parsing Bro lines: the parse function `buildParser` returns for Metron's
 * BasicBroParser config, against plain `JSON.parse` of the same lines. Two line sets: the
 * samples as they are (some lines already hold an integral double such as `"TTLs":[29.0]`),
 * and the same lines each given `"bench_ttls":[3600.0]`, which forces the lexeme-keeping path.
 */

// The parser's own pre-check for lines that need the slow path (streaming/parsers/json-lexemes.ts).
const NEEDS_LEXEMES = /\d\.\d*0\s*[,\]}]|\d[eE][+-]?\d/;

/** Run case 2 with `count` sample lines and `variantCount` lines with an integral double. */
export async function benchBroParse(
  count: number,
  variantCount: number,
  runs: number,
): Promise<{ rows: ResultRow[]; checks: Check[] }> {
  const parse = buildParser(
    {
      parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser',
      parserConfig: {},
      fieldTransformations: [],
    },
    'bro',
    'bench',
  );
  const sets = [
    { name: 'samples as they are', lines: broLines(count) },
    { name: 'every line with an integral double', lines: broLines(variantCount, withIntegralDouble) },
  ];
  const rows: ResultRow[] = [];
  const checks: Check[] = [];
  for (const set of sets) {
    const { lines } = set;
    // The warm-up parses a tenth of the lines: enough for the JIT, and cheap.
    const warmUp = lines.slice(0, Math.max(1, Math.floor(lines.length / 10)));
    const input = (run: number) => (run < 0 ? warmUp : lines);
    const bytes = lines.reduce((s, l) => s + Buffer.byteLength(l), 0);
    const slow = lines.filter((l) => NEEDS_LEXEMES.test(l)).length;
    const ours = await measure({
      runs,
      run: (i) => {
        let ok = 0;
        for (const line of input(i)) if (parse(line).ok) ok++;
        return ok;
      },
    });
    const baseline = await measure({
      runs,
      run: (i) => {
        let objects = 0;
        for (const line of input(i)) objects += JSON.parse(line) === null ? 0 : 1;
        return objects;
      },
    });
    const parsed = Math.min(...ours.values);
    checks.push({
      name: `bro parse (${set.name}): every line parses`,
      ok: parsed === lines.length,
      detail: `${parsed} of ${lines.length} lines ok in every run`,
    });
    const label = `bro parse ${lines.length.toLocaleString('en-US')} lines, ${set.name}`;
    const share = `${((slow / lines.length) * 100).toFixed(0)} % of lines on the lexeme path`;
    rows.push(
      {
        case: label,
        variant: 'ours: BasicBroParser parse fn',
        medianMs: ours.median,
        runsMs: ours.runs,
        rate: `${rate(lines.length, ours.median, 'lines')}, ${rate(bytes / 1e6, ours.median, 'MB')}`,
        ratio: ratio(ours.median, baseline.median),
        notes: share,
      },
      {
        case: label,
        variant: 'baseline: JSON.parse',
        medianMs: baseline.median,
        runsMs: baseline.runs,
        rate: `${rate(lines.length, baseline.median, 'lines')}, ${rate(bytes / 1e6, baseline.median, 'MB')}`,
        ratio: '1.00x (baseline)',
        notes: `${(bytes / 1e6).toFixed(1)} MB of lines`,
      },
    );
  }
  return { rows, checks };
}
