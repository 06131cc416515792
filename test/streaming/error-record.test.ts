import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { errorRecord } from '#streaming';

/** The `errors` row a failure becomes: the original bytes, their hash, where they came from. */
describe('errorRecord', () => {
  const origin = { sensor: 'syslog5424', file: 'in.log', line: 7 };

  it('keeps the whole record, byte for byte, when the whole record failed', () => {
    const bytes = Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0xfe, 0x0a, 0x41]);
    const row = errorRecord(
      { stage: 'parser_error', code: 'x', message: 'bad', field: 'f' },
      bytes,
      origin,
      5,
    );
    expect(row.raw_message_bytes).toEqual(bytes);
    expect(row.error_hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(row).toMatchObject({
      timestamp: 5,
      failed_sensor_type: 'syslog5424',
      error_type: 'parser_error',
      error_code: 'x',
      error_fields: 'f',
      source_file: 'in.log',
      source_line: 7,
    });
  });

  it('keeps only the failed part when the parser names it (one line of a multi-line record)', () => {
    const record = Buffer.from('good line\nBROKEN\nanother good line');
    const row = errorRecord(
      { stage: 'parser_error', code: 'x', message: 'line 2: bad', raw: Buffer.from('BROKEN') },
      record,
      origin,
    );
    expect(row.raw_message).toBe('BROKEN');
    expect(row.raw_message_bytes).toEqual(Buffer.from('BROKEN'));
    expect(row.error_hash).toBe(createHash('sha256').update('BROKEN').digest('hex'));
  });
});
