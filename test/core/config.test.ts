import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, globalConfigSchema, loadJsonConfig, sensorParserConfigSchema } from '#core';
import { METRON_FIXTURES } from '../helpers/metron.js';
import { tempDir } from '../helpers/tmp.js';

const parsersDir = join(METRON_FIXTURES, 'configs', 'parsers');
const metronConfigs = [
  ...readdirSync(parsersDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(parsersDir, f)),
  ...readdirSync(join(parsersDir, 'parsers-common')).map((f) => join(parsersDir, 'parsers-common', f)),
];

function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('Metron configs load unchanged', () => {
  it('finds all 15 shipped parser configs', () => {
    expect(metronConfigs).toHaveLength(15);
  });

  it.each(metronConfigs.map((f) => [f.slice(parsersDir.length + 1), f]))('%s', (_name, file) => {
    const config = loadJsonConfig(sensorParserConfigSchema, file);
    expect(config.parserClassName).toMatch(/^org\.apache\.metron\.parsers\./);
    expect(Array.isArray(config.fieldTransformations)).toBe(true);
  });

  it('loads the integration-test global config', () => {
    const g = loadJsonConfig(globalConfigSchema, join(METRON_FIXTURES, 'configs', 'global.json'));
    expect(g.fieldValidations?.[0]?.validation).toBe('IP');
  });
});

describe('config errors name the file, the JSON path and the problem — all of them', () => {
  const dir = tempDir();

  it('lists every schema problem at once', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        parserClassName: 'org.apache.metron.parsers.bro.BasicBroParser',
        parserConfig: 'oops',
        numWorkers: 'two',
        fieldTransformations: [{ input: 'a' }, { transformation: 'REMOVE', config: [] }],
      }),
    );
    const problems = problemsOf(() => loadJsonConfig(sensorParserConfigSchema, file));
    const paths = problems.map((p) => p.path).sort();
    expect(paths).toEqual([
      '$.fieldTransformations[0].transformation',
      '$.fieldTransformations[1].config',
      '$.numWorkers',
      '$.parserConfig',
    ]);
    for (const p of problems) {
      expect(p.file).toBe(file);
      expect(p.message.length).toBeGreaterThan(3);
    }
  });

  it('requires a parser', () => {
    const file = join(dir, 'noparser.json');
    writeFileSync(file, '{"sensorTopic": "x"}');
    expect(problemsOf(() => loadJsonConfig(sensorParserConfigSchema, file))[0]?.message).toMatch(
      /parserClassName or parser/,
    );
  });

  it('reports bad JSON with line and column', () => {
    const file = join(dir, 'syntax.json');
    writeFileSync(file, '{\n  "parserClassName": "x",\n  "sensorTopic": oops\n}');
    const [p] = problemsOf(() => loadJsonConfig(sensorParserConfigSchema, file));
    expect(p?.message).toMatch(/not valid JSON: .* at line 3, column \d+/);
  });

  it('reports a missing file', () => {
    const [p] = problemsOf(() => loadJsonConfig(sensorParserConfigSchema, join(dir, 'none.json')));
    expect(p?.message).toBe('file not found');
  });

  it('renders as one block naming each problem', () => {
    const e = new ConfigError([
      { file: 'a.json', path: '$.x', message: 'bad' },
      { file: 'a.json', path: '$.y[0]', message: 'worse' },
    ]);
    expect(e.message).toBe('invalid config: 2 problems\n  a.json: $.x: bad\n  a.json: $.y[0]: worse');
    expect(e.exitCode).toBe(2);
  });
});
