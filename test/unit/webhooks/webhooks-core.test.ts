import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIRST_RETRY_MS, MAX_RETRY_MS, RETRY_FOR_MS, nextAttemptAt, retryDelayMs } from '../../../src/webhooks/backoff';
import { signatureHeader, verifySignature } from '../../../src/webhooks/signature';
import { isForbiddenAddress, urlProblems } from '../../../src/webhooks/target-url';

describe(signatureHeader.name, () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>', () => {
    const body = '{"id":"e1"}';
    const expected = createHmac('sha256', 's3cret').update(`1767225600.${body}`).digest('hex');
    expect(signatureHeader('s3cret', 1767225600, body)).toBe(`t=1767225600,v1=${expected}`);
  });

  it('verifies only the same body with the same secret', () => {
    const header = signatureHeader('s3cret', 1767225600, '{"a":1}');
    expect(verifySignature('s3cret', header, '{"a":1}')).toBe(true);
    expect(verifySignature('s3cret', header, '{"a":2}')).toBe(false);
    expect(verifySignature('other', header, '{"a":1}')).toBe(false);
  });
});

describe(retryDelayMs.name, () => {
  it('retries first within 10 s, whatever the jitter', () => {
    expect(retryDelayMs(1, 0)).toBeGreaterThanOrEqual(FIRST_RETRY_MS * 0.75);
    expect(retryDelayMs(1, 0.999999)).toBeLessThan(10_000);
  });

  it('doubles the wait after each failure up to an hour, jittered by ±25 %', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 0.5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(40, 0.5)).toBe(MAX_RETRY_MS);
    expect(retryDelayMs(40, 0)).toBe(MAX_RETRY_MS * 0.75);
  });
});

describe(nextAttemptAt.name, () => {
  it('keeps retrying for at least 24 hours, then gives up', () => {
    const created = new Date('2026-03-02T00:00:00Z');
    let now = created;
    let attempts = 0;
    for (;;) {
      const next = nextAttemptAt(created, now, ++attempts, 0.999);
      if (!next) break;
      now = next;
    }
    expect(now.getTime() - created.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(now.getTime() - created.getTime()).toBeLessThanOrEqual(RETRY_FOR_MS);
  });
});

describe(urlProblems.name, () => {
  it('takes http and https URLs', () => {
    expect(urlProblems('https://hooks.example.com/callpulse')).toEqual([]);
    expect(urlProblems('http://10.0.0.5:8080/x')).toEqual([]);
  });

  it.each([
    ['ftp://example.com/x', 'NOT_HTTP'],
    ['not a url', 'NOT_A_URL'],
    ['https://user:pw@example.com/', 'CREDENTIALS'],
    [`https://example.com/${'x'.repeat(2_100)}`, 'TOO_LONG'],
  ])('refuses %s (%s), naming the field', (url, rule) => {
    expect(urlProblems(url)).toEqual([expect.objectContaining({ field: 'url', rule })]);
  });
});

describe(isForbiddenAddress.name, () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '0.0.0.0', '::', '169.254.169.254', 'fe80::1', '::ffff:127.0.0.1'])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['10.0.0.5', '192.168.1.2', '93.184.216.34', '2001:db8::1'])('allows %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});
