import { describe, expect, it } from 'vitest';
import { Role } from '../../../src/org/api-key.entity';
import { VerifiedKeys } from '../../../src/org/verified-keys';

const principal = (apiKeyId: number) => ({ organizationId: 1, apiKeyId, role: Role.ANALYST });

describe(VerifiedKeys.name, () => {
  it('trusts a verified key for ttlMs, then forgets it', () => {
    let now = 1_000;
    const keys = new VerifiedKeys(5_000, 10, () => now);
    keys.remember('h1', principal(1));
    now += 4_999;
    expect(keys.get('h1')).toEqual(principal(1));
    now += 1;
    expect(keys.get('h1')).toBeNull();
    expect(keys.size).toBe(0);
  });

  it('forgets a revoked key at once, and only that one', () => {
    const keys = new VerifiedKeys(5_000, 10, () => 0);
    keys.remember('h1', principal(1));
    keys.remember('h2', principal(2));
    keys.forget(1);
    expect(keys.get('h1')).toBeNull();
    expect(keys.get('h2')).toEqual(principal(2));
  });

  it('keeps at most maxEntries, dropping the longest remembered', () => {
    const keys = new VerifiedKeys(5_000, 2, () => 0);
    keys.remember('h1', principal(1));
    keys.remember('h2', principal(2));
    keys.remember('h1', principal(1)); // verified again: now the newest
    keys.remember('h3', principal(3));
    expect([keys.get('h1'), keys.get('h2'), keys.get('h3')]).toEqual([principal(1), null, principal(3)]);
    expect(keys.size).toBe(2);
  });
});
