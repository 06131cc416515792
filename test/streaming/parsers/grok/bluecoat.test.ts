import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSensor, loadSensorConfig } from '#streaming';
import { ROOT } from '../../../helpers/cli.js';

/**
 * A Blue Coat ProxySG access log (ELFF "main" format) read through the grok parser with the
 * sample config in config/sensors/bluecoat.json: Metron dropped its Bluecoat parser in 2016,
 * and a grok pattern file plus a config is all such a sensor needs now.
 */

const { file, config } = loadSensorConfig(join(ROOT, 'config'), 'bluecoat');
const sensor = buildSensor('bluecoat', file, config);
const lines = readFileSync(join(ROOT, 'config', 'samples', 'bluecoat', 'proxysg-main.log'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');

describe('bluecoat through grok', () => {
  it('reads every sample line, typed, with the time in UTC', () => {
    const events = lines.flatMap((l) => {
      const out = sensor.parse(Buffer.from(l));
      expect(out.errors).toEqual([]);
      return out.events;
    });
    expect(events).toHaveLength(lines.length);
    expect(events[2]).toMatchObject({
      timestamp: Date.UTC(2026, 10, 2, 8, 15, 44),
      time_taken: 120,
      ip_src_addr: '10.0.0.31',
      status_code: 403,
      action: 'TCP_DENIED',
      method: 'GET',
      host: 'malware.bad.example',
      ip_dst_port: 80,
      uri_path: '/payload.exe',
      uri_query: '?id=7',
      user_agent: 'curl/8.4.0',
      filter_result: 'DENIED',
      categories: 'Malicious Sources',
      proxy_ip: '10.0.0.2',
      domain_without_subdomains: 'bad.example',
      'source.type': 'bluecoat',
    });
  });

  it('sends a line of another format to errors, saying which pattern it missed', () => {
    const out = sensor.parse(
      Buffer.from('1461576382.642 161 127.0.0.1 TCP_MISS/200 103701 GET http://example.com/'),
    );
    expect(out.events).toEqual([]);
    expect(out.errors[0]?.message).toMatch(/BLUECOAT_MAIN/);
  });
});
