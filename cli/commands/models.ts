import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { type ModelKind, type TrainReport, trainModel } from '#batch';
import { UsageError } from '#core';
import {
  checkModelName,
  featureSet,
  ModelRegistry,
  ModelSession,
  type ModelSpec,
  onnxSignature,
  type ScoreResponse,
  scoreRequest,
} from '#models';
import { progressLine } from '../progress.js';
import { parsePeriod } from './profile.js';
import { timeOption } from './sql.js';

/** Where reports go; stdout unless a caller (a test) collects them. */
type Output = { write(text: string): unknown };

const iso = (ms: number) => new Date(ms).toISOString();
const DAY_MS = 86_400_000;

/** Who acts: `--actor`, else the login name (the registry records it). */
function actorOf(actor: string | undefined): string {
  if (actor !== undefined) {
    if (actor.trim() === '') throw new UsageError('--actor: expected a name');
    return actor.trim();
  }
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function versionArg(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`expected a version number (1, 2, …), got '${text}'`);
  return n;
}

function lakeMustExist(lake: string): void {
  if (!existsSync(lake)) throw new UsageError(`--lake ${lake}: no such directory`);
}

/** `palisade batch train`. */
export async function batchTrain(
  options: {
    lake: string;
    model: string;
    kind: string;
    features: string;
    from?: string;
    to?: string;
    period: string;
    seed?: string;
    trees?: string;
    maxSamples?: string;
    contamination?: string;
    labels?: string;
    promote?: boolean;
    actor?: string;
  },
  out: Output = process.stdout,
): Promise<TrainReport> {
  lakeMustExist(options.lake);
  const name = checkModelName(options.model);
  if (options.kind !== 'isolation-forest' && options.kind !== 'mad') {
    throw new UsageError(`--kind: expected isolation-forest or mad, got '${options.kind}'`);
  }
  const set = featureSet(options.features);
  const to = options.to === undefined ? Date.now() : timeOption(options.to, '--to');
  const from = options.from === undefined ? to - 14 * DAY_MS : timeOption(options.from, '--from');
  const whole = (text: string | undefined, option: string) => {
    if (text === undefined) return undefined;
    const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new UsageError(`${option}: expected a whole number > 0, got '${text}'`);
    return n;
  };
  let contamination: number | 'auto' | undefined;
  if (options.contamination !== undefined) {
    const c = options.contamination === 'auto' ? 'auto' : Number(options.contamination);
    if (c !== 'auto' && !(c > 0 && c <= 0.5)) {
      throw new UsageError(
        `--contamination: expected auto or a share in (0, 0.5], got '${options.contamination}'`,
      );
    }
    contamination = c;
  }
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new UsageError(`--seed: expected a whole number in [0, 2^32), got '${options.seed}'`);
  }
  const periodMs = parsePeriod(options.period);
  const labels = options.labels === undefined ? undefined : readLabels(options.labels);
  const trees = whole(options.trees, '--trees');
  const maxSamples = whole(options.maxSamples, '--max-samples');
  const progress = progressLine();
  let report: TrainReport;
  try {
    report = await trainModel(options.lake, {
      name,
      kind: options.kind as ModelKind,
      features: set.name,
      periodMs,
      from,
      to,
      actor: actorOf(options.actor),
      promote: options.promote === true,
      ...(seed === undefined ? {} : { seed }),
      ...(trees === undefined ? {} : { trees }),
      ...(maxSamples === undefined ? {} : { maxSamples }),
      ...(contamination === undefined ? {} : { contamination }),
      ...(labels === undefined ? {} : { labels }),
      onProgress: (step) => progress.update(`train: ${step}…`),
    });
  } finally {
    progress.done();
  }
  const { spec } = report;
  out.write(
    `model ${spec.name} version ${spec.version} (${spec.kind}, features ${spec.featureSet}: ${spec.features.join(', ')})\n` +
      `  trained on ${report.rows.toLocaleString('en')} rows from ${iso(from)} to ${iso(to)} in ${Math.round(report.trainMs)} ms\n` +
      `  ONNX export checked with ONNX Runtime: max |ONNX − TypeScript| = ${report.onnxMaxAbsDiff.toExponential(2)}\n` +
      (spec.threshold === null
        ? ''
        : `  threshold ${spec.threshold.toFixed(4)}: ${String(spec.metrics.outliers)} training rows above it\n`) +
      (report.auc === undefined ? '' : `  AUC on the labelled periods: ${report.auc.toFixed(4)}\n`) +
      (report.promoted
        ? '  promoted: it is the live version\n'
        : `  not live yet: palisade models promote ${spec.name} ${spec.version} --lake ${options.lake}\n`),
  );
  return report;
}

/**
 * `--labels FILE`: the labelled anomalous periods, one `ENTITY,TIME` per line (TIME: the
 * period's start, ISO 8601 with a zone or epoch ms); blank lines and # comments are skipped.
 */
function readLabels(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--labels ${file}: ${(e as Error).message}`);
  }
  const labels = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const comma = line.lastIndexOf(',');
    if (comma <= 0) throw new UsageError(`${file}:${i + 1}: expected ENTITY,TIME`);
    labels.add(`${line.slice(0, comma).trim()}\0${timeOption(line.slice(comma + 1), `${file}:${i + 1}`)}`);
  });
  return labels;
}

/** `palisade models list`. */
export async function list(
  options: { lake: string; format: string },
  out: Output = process.stdout,
): Promise<void> {
  lakeMustExist(options.lake);
  const models = await new ModelRegistry(options.lake).list();
  if (options.format === 'json') {
    out.write(`${JSON.stringify(models, null, 2)}\n`);
    return;
  }
  if (models.length === 0) {
    out.write(`no models in ${options.lake} (train one with \`palisade batch train\` or register one)\n`);
    return;
  }
  const rows = models.map((m) => [
    m.name,
    m.live === null ? '-' : String(m.live),
    m.versions.join(','),
    m.kind,
    m.features.join(','),
  ]);
  const head = ['name', 'live', 'versions', 'kind', 'features'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const r of [head, ...rows])
    out.write(
      `${r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/** `palisade models register FILE.onnx`. */
export async function register(
  options: {
    lake: string;
    file: string;
    name: string;
    features: string;
    input?: string;
    output?: string;
    score?: string;
    threshold?: string;
    lowerIsAnomalous?: boolean;
    featureSet?: string;
    period?: string;
    promote?: boolean;
    actor?: string;
  },
  out: Output = process.stdout,
): Promise<ModelSpec> {
  const name = checkModelName(options.name);
  let onnx: Uint8Array;
  try {
    onnx = new Uint8Array(await readFile(options.file));
  } catch (e) {
    throw new UsageError(`${options.file}: ${(e as Error).message}`);
  }
  const features = options.features
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  if (features.length === 0)
    throw new UsageError('--features: expected a comma-separated list of feature names');
  if (options.featureSet !== undefined) {
    const set = featureSet(options.featureSet);
    const expected = set.features.map((f) => f.name);
    if (expected.join(',') !== features.join(',')) {
      throw new UsageError(
        `--features must be feature set '${set.name}''s, in order (${expected.join(', ')}) for the stream to compute them`,
      );
    }
    if (options.period === undefined)
      throw new UsageError("--feature-set needs --period (the profiles' period)");
  }
  const signature = await onnxSignature(onnx);
  const input = options.input ?? (signature.inputs.length === 1 ? signature.inputs[0]?.name : undefined);
  if (input === undefined) {
    throw new UsageError(
      `${options.file} has ${signature.inputs.length} inputs (${signature.inputs.map((i) => i.name).join(', ')}); name one with --input`,
    );
  }
  const floats = signature.outputs.filter((o) => o.type === 'float32' || o.type === 'float64');
  const output = options.output ?? (floats.length === 1 ? floats[0]?.name : undefined);
  if (output === undefined) {
    throw new UsageError(
      `${options.file} has ${floats.length} float outputs (${signature.outputs.map((o) => `${o.name}: ${o.type}`).join(', ')}); name the score with --output`,
    );
  }
  const threshold = options.threshold === undefined ? null : Number(options.threshold);
  if (threshold !== null && !Number.isFinite(threshold)) {
    throw new UsageError(`--threshold: expected a number, got '${options.threshold}'`);
  }
  const spec = await new ModelRegistry(options.lake).register(
    onnx,
    {
      name,
      kind: 'onnx',
      features,
      ...(options.featureSet === undefined ? {} : { featureSet: options.featureSet }),
      ...(options.period === undefined ? {} : { periodMs: parsePeriod(options.period) }),
      input,
      output,
      score: options.score ?? `output '${output}' of ${options.file.split('/').pop()}`,
      threshold,
      higherIsAnomalous: options.lowerIsAnomalous !== true,
      registeredBy: actorOf(options.actor),
    },
    { promote: options.promote === true },
  );
  out.write(
    `registered ${spec.name} version ${spec.version} (input ${spec.input}, score from output ${spec.output}, ${spec.features.length} features)` +
      `${options.promote ? '; promoted' : `; promote with: palisade models promote ${spec.name} ${spec.version} --lake ${options.lake}`}\n`,
  );
  return spec;
}

/** `palisade models promote NAME VERSION`. */
export async function promote(
  options: { lake: string; name: string; version: string; actor?: string },
  out: Output = process.stdout,
): Promise<void> {
  lakeMustExist(options.lake);
  const r = await new ModelRegistry(options.lake).promote(
    checkModelName(options.name),
    versionArg(options.version),
    actorOf(options.actor),
  );
  out.write(
    r.from === r.to
      ? `${options.name} version ${r.to} was already live\n`
      : `${options.name}: version ${r.to} is live${r.from === null ? '' : ` (was ${r.from})`}\n`,
  );
}

/** `palisade models rollback NAME`. */
export async function rollback(
  options: { lake: string; name: string; actor?: string },
  out: Output = process.stdout,
): Promise<void> {
  lakeMustExist(options.lake);
  const r = await new ModelRegistry(options.lake).rollback(
    checkModelName(options.name),
    actorOf(options.actor),
  );
  out.write(`${options.name}: version ${r.to} is live again (was ${r.from})\n`);
}

/**
 * `palisade models score NAME --input JSON`: `{"rows": [...]}` (also a bare list of rows or one
 * row), inline, `@file.json` or `-` for stdin; prints what `POST /api/models/:name/score` answers.
 */
export async function score(
  options: { lake: string; name: string; input: string; version?: string },
  out: Output = process.stdout,
): Promise<ScoreResponse> {
  lakeMustExist(options.lake);
  const name = checkModelName(options.name);
  let text = options.input;
  try {
    if (text === '-') text = readFileSync(0, 'utf8');
    else if (text.startsWith('@')) text = readFileSync(text.slice(1), 'utf8');
  } catch (e) {
    throw new UsageError(`--input ${options.input}: ${(e as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--input: not JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(body)) body = { rows: body };
  else if (typeof body === 'object' && body !== null && !('rows' in body)) body = { rows: [body] };
  const registry = new ModelRegistry(options.lake);
  const { spec, onnx } = await registry.load(
    name,
    ...(options.version === undefined ? [] : [versionArg(options.version)]),
  );
  const session = await ModelSession.open(spec, onnx);
  try {
    const response = await scoreRequest(session, body);
    out.write(`${JSON.stringify(response)}\n`);
    return response;
  } finally {
    await session.close();
  }
}
