import { badUserInput } from '../platform/errors';

/** Public ids are the decimal row ids; anything else is a client mistake. */
export function parseId(field: string, value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2_147_483_647) {
    throw badUserInput(`${field}: "${value}" is not a valid id`, [
      { field, rule: 'ID_FORMAT', message: 'must be an id returned by this API' },
    ]);
  }
  return Number(value);
}

export function parseIds(field: string, values: readonly string[] | null | undefined): number[] | undefined {
  return values?.map((value, i) => parseId(`${field}[${i}]`, value));
}
