import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '#core';
import { ROOT } from '../helpers/cli.js';

describe('logger', () => {
  it('writes JSON lines to stderr and redacts secrets', () => {
    const script = `import('#core').then(({ createLogger }) => {
      const log = createLogger('t', 'info');
      log.info({ token: 'abc123', user: { password: 'hunter2' }, table: 'bro' }, 'hello');
    });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('');
    const line = JSON.parse(r.stderr.trim().split('\n')[0] ?? '{}');
    expect(line).toMatchObject({ name: 't', msg: 'hello', table: 'bro', token: '[redacted]' });
    expect(line.user.password).toBe('[redacted]');
    expect(r.stderr).not.toContain('abc123');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('telemetry', () => {
  it('keeps each registry separate and exposes Prometheus text', async () => {
    const a = createTelemetry();
    const b = createTelemetry();
    a.events.inc({ stage: 'parse', sensor: 'bro' }, 5);
    expect(await a.registry.metrics()).toMatch(/palisade_events_total\{stage="parse",sensor="bro"\} 5/);
    expect(await b.registry.metrics()).not.toMatch(/sensor="bro"/);
  });
});
