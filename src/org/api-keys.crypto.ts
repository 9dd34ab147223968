import { createHash, randomBytes } from 'node:crypto';

/** API key secrets: 32 random bytes, shown once; only their SHA-256 is stored. */
export function newSecret(): string {
  return `cp_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
