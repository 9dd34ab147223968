import type { LimitExceeded } from './limit-error';

/**
 * The shape of a GraphQL document read in one pass over its characters, without
 * parsing it: graphql-js needs seconds and hundreds of megabytes for a 10 MB
 * document of aliases, this scan a few milliseconds and no tree. What it counts:
 *
 * - tokens: as graphql's lexer would (punctuators, names, numbers, strings; not comments or commas);
 * - depth: nesting of selection sets (an inline fragment's braces are not a level); the selections under `__schema`/`__type` and
 *   fragments on `__*` types are counted apart as introspectionDepth (GraphiQL's
 *   schema query nests `ofType` nine times) with their own, larger bound;
 * - aliases, directives (every `@`), rootFields (selections directly in an operation),
 *   duplicateFields (a response name or fragment spread repeated in one selection set:
 *   graphql's field-merging check compares those pairwise).
 *
 * It is a bound, not validation: fragments are not expanded (the cost plugin measures
 * the expanded depth after parsing), and a malformed document is left to the parser.
 */

export interface DocumentShape {
  tokens: number;
  depth: number;
  introspectionDepth: number;
  aliases: number;
  directives: number;
  rootFields: number;
  duplicateFields: number;
  /** Brackets of any kind open at once (inline fragments, input objects and lists too): the parser recurses once per level. */
  nesting: number;
}

export type DocumentLimits = DocumentShape;

export const DOCUMENT_LIMITS: DocumentLimits = {
  tokens: 20_000,
  depth: 12,
  introspectionDepth: 30,
  aliases: 200,
  directives: 50,
  rootFields: 200,
  duplicateFields: 100,
  nesting: 64,
};

const WHAT: Record<keyof DocumentShape, string> = {
  tokens: 'tokens',
  depth: 'levels of nested selections',
  introspectionDepth: 'levels of nested introspection selections',
  aliases: 'aliases',
  directives: 'directives',
  rootFields: 'fields at the root of one operation',
  duplicateFields: 'repeated fields (one name or fragment spread repeated in a selection set)',
  nesting: 'levels of nested braces, brackets and parentheses (inline fragments and input values included)',
};

/**
 * The limit the shape exceeds most (by its ratio to the limit), or null. An
 * incomplete count (`complete: false`) is a lower bound: the message says "at least".
 */
export function exceededLimit(shape: DocumentShape & { complete?: boolean }, limits: DocumentLimits = DOCUMENT_LIMITS): LimitExceeded | null {
  let worst: keyof DocumentShape | null = null;
  for (const limit of Object.keys(limits) as Array<keyof DocumentShape>) {
    if (shape[limit] > limits[limit] && (worst === null || shape[limit] / limits[limit] > shape[worst] / limits[worst])) worst = limit;
  }
  if (worst === null) return null;
  const actual = shape[worst];
  const count = shape.complete === false ? `at least ${actual}` : `${actual}`;
  return {
    limit: worst,
    max: limits[worst],
    actual,
    message: `Query refused before execution: ${count} ${WHAT[worst]}, more than the limit of ${limits[worst]} (${worst})`,
  };
}

// Character codes.
const TAB = 9, LF = 10, CR = 13, SPACE = 32, QUOTE = 34, HASH = 35;
const LPAREN = 40, RPAREN = 41, COMMA = 44, MINUS = 45, DOT = 46, COLON = 58, AT = 64;
const LBRACKET = 91, RBRACKET = 93;
const BACKSLASH = 92, UNDERSCORE = 95, LBRACE = 123, RBRACE = 125, BOM = 0xfeff;

/** What the previous token means for the name that follows it (selection level only). */
const enum Prev {
  OTHER,
  /** A new selection's first name: a field name, or an alias if a colon follows. */
  SELECTION_NAME,
  /** The colon after an alias: the field's name follows. */
  ALIAS_COLON,
  AT,
  SPREAD,
  /** `... on`: a type name follows. */
  ON,
}

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Counting stops once a count reaches this many times its limit: the refusal then says "at least". */
export const STOP_FACTOR = 4;

/**
 * Counts the document's shape. A 10 MB document must be refused in milliseconds,
 * so counting stops once any count reaches STOP_FACTOR times its limit
 * (`complete: false`: the counts are then lower bounds); once any limit is passed
 * the scan also stops tracking repeated names, the only costly count.
 */
export function documentShape(source: string, limits: DocumentLimits = DOCUMENT_LIMITS): DocumentShape & { complete: boolean } {
  const shape: DocumentShape = { tokens: 0, depth: 0, introspectionDepth: 0, aliases: 0, directives: 0, rootFields: 0, duplicateFields: 0, nesting: 0 };
  const stop: DocumentLimits = { ...limits };
  for (const key of Object.keys(stop) as Array<keyof DocumentLimits>) stop[key] = limits[key] * STOP_FACTOR;
  const countsReach = (bound: DocumentLimits) =>
    shape.tokens >= bound.tokens ||
    shape.depth >= bound.depth ||
    shape.introspectionDepth >= bound.introspectionDepth ||
    shape.aliases >= bound.aliases ||
    shape.rootFields >= bound.rootFields ||
    shape.duplicateFields >= bound.duplicateFields ||
    shape.directives >= bound.directives ||
    shape.nesting >= bound.nesting;
  let exceeded = false;

  let nesting = 0; // every bracket: 2,000 nested inline fragments once overflowed the parser's stack
  let braceDepth = 0; // selection sets only
  let parenDepth = 0; // arguments and variable definitions: braces there are input objects
  let prev = Prev.OTHER;
  /** The field whose arguments or directives we are after: its `{` opens its selections. */
  let lastFieldIsIntrospection = false;
  /** After `...` until a fragment's name: the next `{` opens an inline fragment, not a level. */
  let inlinePending = false;
  let inlineLevels = 0;
  const inlineAt: boolean[] = [];
  /** Inside `__schema {…}`, `__type {…}` or a fragment on `__*`: depth counted from exemptBase. */
  let exempt = false;
  let exemptBase = 0;
  // Between definitions: `fragment F on __Type` is introspection.
  let definitionIsFragment = false;
  let definitionOnIntrospection = false;
  let definitionPrev = '';
  /** Response names seen per open selection set (created on first name). */
  const names: Array<Set<string> | undefined> = [];

  const see = (key: string) => {
    let set = names[braceDepth];
    if (!set) names[braceDepth] = set = new Set();
    if (set.has(key)) shape.duplicateFields++;
    else set.add(key);
  };

  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === SPACE || c === COMMA || c === LF || c === CR || c === TAB || c === BOM) {
      i++;
      continue;
    }
    if (c === HASH) {
      while (i < n && source.charCodeAt(i) !== LF && source.charCodeAt(i) !== CR) i++;
      continue;
    }
    shape.tokens++;
    // Checked every 64 tokens: the counts move by at most one per token.
    if ((shape.tokens & 63) === 0) {
      if (countsReach(stop)) return { ...shape, complete: false };
      if (!exceeded) {
        exceeded = exceededLimit(shape, limits) !== null;
        if (exceeded) names.length = 0;
      }
    }

    if (isNameStart(c)) {
      const start = i;
      i++;
      while (i < n && isNameChar(source.charCodeAt(i))) i++;
      if (parenDepth > 0) continue;
      if (braceDepth === 0) {
        // Between definitions: only the fragment's type condition matters.
        const name = i - start <= 8 ? source.slice(start, i) : '';
        if (definitionPrev === '' && name === 'fragment') definitionIsFragment = true;
        else if (definitionIsFragment && definitionPrev === 'on') definitionOnIntrospection = source.charCodeAt(start) === UNDERSCORE && source.charCodeAt(start + 1) === UNDERSCORE;
        definitionPrev = name || 'name';
        continue;
      }
      switch (prev) {
        case Prev.AT:
          prev = Prev.OTHER; // a directive's name
          break;
        case Prev.SPREAD:
          if (i - start === 2 && source.charCodeAt(start) === 111 && source.charCodeAt(start + 1) === 110) prev = Prev.ON; // "on"
          else {
            if (!exceeded) see(`...${source.slice(start, i)}`);
            inlinePending = false;
            prev = Prev.OTHER;
          }
          break;
        case Prev.ON:
          prev = Prev.OTHER; // an inline fragment's type
          break;
        case Prev.ALIAS_COLON:
          lastFieldIsIntrospection = isIntrospectionField(source, start, i);
          prev = Prev.OTHER;
          break;
        default:
          if (!exceeded) see(source.slice(start, i));
          if (braceDepth - inlineLevels === 1 && !definitionIsFragment) shape.rootFields++;
          lastFieldIsIntrospection = isIntrospectionField(source, start, i);
          prev = Prev.SELECTION_NAME;
      }
      continue;
    }

    if (c === LBRACE || c === LPAREN || c === LBRACKET) {
      if (++nesting > shape.nesting) shape.nesting = nesting;
    } else if ((c === RBRACE || c === RPAREN || c === RBRACKET) && nesting > 0) nesting--;

    switch (c) {
      case LBRACE:
        if (parenDepth === 0) {
          if (!exempt && ((braceDepth > 0 && lastFieldIsIntrospection) || (braceDepth === 0 && definitionOnIntrospection))) {
            exempt = true;
            exemptBase = braceDepth;
          }
          braceDepth++;
          if (!exceeded) names[braceDepth] = undefined;
          inlineAt[braceDepth] = inlinePending;
          if (inlinePending) inlineLevels++;
          inlinePending = false;
          if (exempt) shape.introspectionDepth = Math.max(shape.introspectionDepth, braceDepth - exemptBase);
          else if (braceDepth - inlineLevels > shape.depth) shape.depth = braceDepth - inlineLevels;
          lastFieldIsIntrospection = false;
          prev = Prev.OTHER;
        }
        i++;
        break;
      case RBRACE:
        if (parenDepth === 0 && braceDepth > 0) {
          if (!exceeded) names[braceDepth] = undefined;
          if (inlineAt[braceDepth]) inlineLevels--;
          braceDepth--;
          if (exempt && braceDepth === exemptBase) exempt = false;
          if (braceDepth === 0) {
            definitionIsFragment = definitionOnIntrospection = false;
            definitionPrev = '';
          }
          lastFieldIsIntrospection = false;
          prev = Prev.OTHER;
        }
        i++;
        break;
      case LPAREN:
        parenDepth++;
        i++;
        break;
      case RPAREN:
        if (parenDepth > 0) parenDepth--;
        prev = Prev.OTHER;
        i++;
        break;
      case COLON:
        if (parenDepth === 0 && braceDepth > 0 && prev === Prev.SELECTION_NAME) {
          shape.aliases++;
          prev = Prev.ALIAS_COLON;
        }
        i++;
        break;
      case AT:
        shape.directives++;
        if (parenDepth === 0) prev = Prev.AT;
        i++;
        break;
      case DOT:
        if (source.charCodeAt(i + 1) === DOT && source.charCodeAt(i + 2) === DOT) {
          i += 3;
          if (parenDepth === 0) {
            prev = Prev.SPREAD;
            inlinePending = true;
            lastFieldIsIntrospection = false;
          }
        } else i++;
        break;
      case QUOTE:
        i = skipString(source, i);
        break;
      default:
        if (c === MINUS || isDigit(c)) {
          i++;
          while (i < n) {
            const d = source.charCodeAt(i);
            if (isDigit(d) || d === DOT || d === 101 || d === 69 || d === 43 || d === MINUS) i++; // digits . e E + -
            else break;
          }
        } else {
          i++; // ! $ & = [ ] | are one token each; anything else is the parser's to refuse

        }
    }
  }
  return { ...shape, complete: true };
}

function isIntrospectionField(source: string, start: number, end: number): boolean {
  if (source.charCodeAt(start) !== UNDERSCORE || source.charCodeAt(start + 1) !== UNDERSCORE) return false;
  const name = source.slice(start, end);
  return name === '__schema' || name === '__type';
}

/** The index after the string starting at `start` (a quote): "…" with escapes, or """…""". */
function skipString(source: string, start: number): number {
  const n = source.length;
  if (source.charCodeAt(start + 1) === QUOTE && source.charCodeAt(start + 2) === QUOTE) {
    let i = start + 3;
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === QUOTE && source.charCodeAt(i + 1) === QUOTE && source.charCodeAt(i + 2) === QUOTE) return i + 3;
      i += c === BACKSLASH && source.startsWith('"""', i + 1) ? 4 : 1;
    }
    return n;
  }
  let i = start + 1;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === LF || c === CR) return i; // unterminated: the parser reports it
    i += c === BACKSLASH ? 2 : 1;
  }
  return n;
}
