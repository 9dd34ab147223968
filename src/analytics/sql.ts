/**
 * A tiny builder for parameterized SQL: values become `?` placeholders (bound by
 * the driver), identifiers come only from whitelists in code. User input never
 * reaches SQL text.
 */
export class Sql {
  constructor(
    readonly text: string,
    readonly values: readonly unknown[] = [],
  ) {}

  static join(parts: readonly Sql[], separator = ', '): Sql {
    return new Sql(parts.map((p) => p.text).join(separator), parts.flatMap((p) => p.values));
  }
}

/** sql`… ${value} …` binds values; nested Sql fragments are inlined with their values. */
export function sql(strings: TemplateStringsArray, ...args: unknown[]): Sql {
  let text = strings[0];
  const values: unknown[] = [];
  args.forEach((arg, i) => {
    if (arg instanceof Sql) {
      text += arg.text;
      values.push(...arg.values);
    } else {
      text += '?';
      values.push(arg);
    }
    text += strings[i + 1];
  });
  return new Sql(text, values);
}

/** Trusted SQL text from code (never from input). */
export const raw = (text: string) => new Sql(text);
