import { describe, expect, it } from 'vitest';
import { buildParser } from '#streaming';

const NOW = Date.UTC(2021, 5, 15, 12, 0, 0);

const parse = buildParser(
  {
    parserClassName: 'org.apache.metron.parsers.websphere.GrokWebSphereParser',
    parserConfig: {
      grokPath: '/patterns/websphere',
      patternLabel: 'WEBSPHERE',
      timestampField: 'timestamp_string',
      dateFormat: 'yyyy MMM dd HH:mm:ss',
    },
    fieldTransformations: [],
  },
  'websphere',
  'websphere.json',
  { now: () => NOW },
);

const one = (line: string) => {
  const r = parse(line);
  if (!r.ok) throw new Error(`expected a parse, got ${r.error.code}: ${r.error.message}`);
  return r.value[0] as Record<string, unknown>;
};

describe('WebSphere parser', () => {
  it('puts the current year in front of the syslog time', () => {
    const e = one('<134>Apr 15 18:02:27 HOST [0x81000019][auth][info] CLI timeout occurred.');
    expect(e.timestamp).toBe(Date.UTC(2021, 3, 15, 18, 2, 27));
    expect('timestamp_string' in e).toBe(false);
  });

  it('takes apart a login message', () => {
    const e = one(
      "<133>Apr 15 17:47:28 HOST [dom][0x81000033][auth][notice] user(bob): [10.1.2.3]: User logged into 'dom'.",
    );
    expect(e).toMatchObject({
      event_subtype: 'login',
      username: 'bob',
      ip_src_addr: '10.1.2.3',
      security_domain: 'dom',
      priority: 133,
      hostname: 'HOST',
      event_code: '0x81000033',
      event_type: 'auth',
      severity: 'notice',
    });
    expect('message' in e).toBe(false);
  });

  it('takes apart a logout message, security domain from the quotes', () => {
    const e = one(
      "<134>Apr 15 18:02:27 HOST [0x81000019][auth][info] [10.9.9.9]: User 'amy' logged out from 'prod'.",
    );
    expect(e).toMatchObject({
      event_subtype: 'logout',
      username: 'amy',
      security_domain: 'prod',
      ip_src_addr: '10.9.9.9',
    });
  });

  it('keeps a logout message without enough quotes as the message', () => {
    const e = one('<134>Apr 15 18:02:27 HOST [0x81000019][auth][info] User amy logged out.');
    expect(e).toMatchObject({ event_subtype: 'logout', message: 'User amy logged out.' });
  });

  it('splits the process off other messages', () => {
    const e = one(
      '<134>Apr 15 17:17:34 HOST [0x8240001c][audit][info] trans(191): (admin:default): state down',
    );
    expect(e).toMatchObject({ process: 'trans', message: '(admin:default): state down' });
  });

  it('drops empty fields (the optional security domain)', () => {
    const e = one('<134>Apr 15 17:46:52 HOST [0x8100448e][auth][info] CLI timeout occurred.');
    expect('security_domain' in e).toBe(false);
  });

  it('falls back to the current time when the syslog time cannot be read', () => {
    // The pattern's MONTH takes "De" (Dec?), which no month name reads as.
    const e = one('<134>De 15 10:00:00 HOST [0x8100448e][auth][info] CLI timeout occurred.');
    expect(e.timestamp).toBe(NOW);
    const f = one('<134>Dec 31 23:59:59 HOST [0x8100448e][auth][info] x');
    expect(f.timestamp).toBe(Date.UTC(2021, 11, 31, 23, 59, 59));
  });

  it.each([
    [
      'a login message whose text ends at the colon',
      '<133>Apr 15 17:47:28 HOST [0x1][auth][notice] user(x) logged into:',
    ],
    ['a process message ending in a colon', '<134>Apr 15 17:47:28 HOST [0x1][auth][info] trans(1):'],
    ['a record that is not DataPower syslog', 'hello world'],
  ])('fails, without throwing, on %s (Metron failed too)', (_name, line) => {
    const r = parse(line);
    expect(r.ok).toBe(false);
  });
});
