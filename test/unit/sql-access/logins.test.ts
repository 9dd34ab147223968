import { describe, expect, it } from 'vitest';
import { connectionTarget, LOGIN_NAME, newLoginName, newLoginPassword, quoteIdentifier, quoteLiteral } from '../../../src/sql-access/logins';

describe('SQL access logins', () => {
  it('names a login by organization and 48 random bits, within 63 bytes', () => {
    const name = newLoginName(4_294_967, Buffer.from('a1b2c3d4e5f6', 'hex'));
    expect(name).toBe('callpulse_bi_4294967_a1b2c3d4e5f6');
    expect(name).toMatch(LOGIN_NAME);
    expect(newLoginName(2_147_483_647).length).toBeLessThanOrEqual(63);
    expect(newLoginName(1)).not.toBe(newLoginName(1));
  });

  it('makes 32-character base64url passwords', () => {
    expect(newLoginPassword()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newLoginPassword(Buffer.alloc(24, 255))).toBe('_'.repeat(32));
  });

  it('quotes identifiers and literals, refusing NUL', () => {
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
  });

  it("points BI tools at DATABASE_URL's host, port and database unless SQL_ACCESS_HOST/PORT say otherwise", () => {
    expect(connectionTarget('postgres://app:secret@db.internal:6432/callpulse', {})).toEqual({ host: 'db.internal', port: 6432, database: 'callpulse' });
    expect(connectionTarget('postgresql://app@localhost/callpulse', {})).toEqual({ host: 'localhost', port: 5432, database: 'callpulse' });
    expect(connectionTarget('postgres://app@10.0.0.5:5432/cp', { SQL_ACCESS_HOST: 'reports.example.com', SQL_ACCESS_PORT: '15432' })).toEqual({
      host: 'reports.example.com', port: 15432, database: 'cp',
    });
  });
});
