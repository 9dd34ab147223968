/**
 * An organization's name as the operator types it, and the slug derived from it
 * (`--organization SLUG` in the import commands). Pure: no database.
 */

export const MAX_ORGANIZATION_NAME_LENGTH = 100;
const MAX_SLUG_LENGTH = 50;

/** A name that breaks a rule; `rule` names which. */
export class OrganizationNameError extends Error {
  constructor(
    readonly rule: 'EMPTY' | 'TOO_LONG' | 'CONTROL_CHARACTER',
    message: string,
  ) {
    super(message);
  }
}

/** The name, trimmed; refused when empty, over 100 characters or holding a control character (tab, newline, NUL…). */
export function parseOrganizationName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new OrganizationNameError('EMPTY', 'the organization name must not be empty');
  const length = [...name].length;
  if (length > MAX_ORGANIZATION_NAME_LENGTH) {
    throw new OrganizationNameError('TOO_LONG', `the organization name must be 1 to ${MAX_ORGANIZATION_NAME_LENGTH} characters, got ${length}`);
  }
  const control = /[\p{Cc}\u2028\u2029]/u.exec(name);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new OrganizationNameError('CONTROL_CHARACTER', `the organization name must not contain control characters (U+${code} at ${control.index + 1})`);
  }
  return name;
}

/** Two names that differ only in case or spacing are the same organization to a person. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Lower-case ASCII letters, digits and single dashes, from the name ("Zürich Süd" → "zurich-sud"); "org" when nothing is left. */
export function slugFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug || 'org';
}

/** `base`, else `base-2`, `base-3`… the first one not taken. */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
