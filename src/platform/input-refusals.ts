import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isScalarType,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLInputType,
  type GraphQLScalarType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  getOperationAST,
} from 'graphql';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { badUserInput, describeProblems, type FieldProblem } from './errors';
import { numberProblem, RefusedValueError, stringProblem, type StorableCheck, type ValueProblem } from './storable-values';

/**
 * One check, before execution, of every input value of an operation (arguments
 * written in the document and the variables behind them) against what can be
 * stored: strings without NUL or lone surrogates, finite numbers, and what a
 * scalar declares it refuses (DateTime: years 1970..2100; see StorableCheck). A request
 * with any such value is refused whole, so nothing is written, with each value's
 * path as the resolvers name fields ("contacts[3].customerRef").
 */

/** At most this many problems are listed; the message still gives the total. */
export const MAX_LISTED_PROBLEMS = 1_000;

type Variables = Readonly<Record<string, unknown>> | undefined;

/** A value's place, as a linked list: spelled out ("contacts[3].customerRef") only for a problem. */
type Path = { parent: Path | undefined; key: string | number };
const at = (parent: Path | undefined, key: string | number): Path => ({ parent, key });
function spell(path: Path): string {
  const step = typeof path.key === 'number' ? `[${path.key}]` : path.key;
  return path.parent ? `${spell(path.parent)}${typeof path.key === 'number' ? step : `.${step}`}` : step;
}

/** Every unstorable value in the operation's arguments, with its path. */
export function unstorableInputs(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
): FieldProblem[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const problems: FieldProblem[] = [];
  const report = (path: Path, problem: ValueProblem) => {
    const field = spell(path);
    const index = /^[^.[]+\[(\d+)\]/.exec(field)?.[1];
    problems.push({ field, rule: problem.rule, message: problem.message, ...(index === undefined ? {} : { index: Number(index) }) });
  };
  const defaults = new Map(operation.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]) ?? []);

  const checkValue = (value: unknown, type: GraphQLInputType, path: Path): void => valueCheck(type)(value, path, report);

  const checkLiteral = (node: ValueNode, type: GraphQLInputType, path: Path): void => {
    const inner = getNullableType(type);
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      const given = variables?.[name];
      if (given !== undefined) return checkValue(given, type, path);
      const fallback = defaults.get(name);
      if (fallback) checkLiteral(fallback, type, path);
    } else if (node.kind === Kind.LIST && isListType(inner)) {
      node.values.forEach((item, i) => checkLiteral(item, inner.ofType, at(path, i)));
    } else if (isListType(inner)) {
      checkLiteral(node, inner.ofType, path);
    } else if (node.kind === Kind.OBJECT && isInputObjectType(inner)) {
      const fields = inner.getFields();
      for (const field of node.fields) {
        const def = fields[field.name.value];
        if (def) checkLiteral(field.value, def.type, at(path, field.name.value));
      }
    } else if (node.kind === Kind.STRING) {
      const problem = stringProblem(node.value);
      if (problem) report(path, problem);
    } else if (node.kind === Kind.FLOAT || node.kind === Kind.INT) {
      const problem = numberProblem(Number(node.value));
      if (problem) report(path, problem);
    }
    // A literal a scalar refuses never gets here: validation fails first (refuseUnstorableInputs names its field).
  };

  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Argument(node) {
      const argument = typeInfo.getArgument();
      if (argument) checkLiteral(node.value, argument.type, at(undefined, node.name.value));
      return false;
    },
  });
  for (const definition of [operation, ...reachableFragments(document, operation)]) visit(definition, visitor);
  return problems;
}

/** The check of one value of an input type, its problems reported with their paths. */
type ValueCheck = (value: unknown, path: Path, report: (path: Path, problem: ValueProblem) => void) => void;

/**
 * Each input type's check, built once per schema type: a batch of 10,000 contacts
 * is 170,000 values, and asking graphql-js's type predicates about each of them
 * held the event loop several times longer than the values' own checks.
 */
const valueChecks = new WeakMap<GraphQLInputType, ValueCheck>();

function valueCheck(type: GraphQLInputType): ValueCheck {
  let check = valueChecks.get(type);
  if (!check) {
    check = buildValueCheck(type);
    valueChecks.set(type, check);
  }
  return check;
}

function buildValueCheck(type: GraphQLInputType): ValueCheck {
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const item = inner.ofType as GraphQLInputType;
    return (value, path, report) => {
      if (value === null || value === undefined) return;
      const check = valueCheck(item); // looked up here: input types may refer to themselves
      if (!Array.isArray(value)) return check(value, path, report); // a single value stands for a list of one
      for (let i = 0; i < value.length; i++) check(value[i], at(path, i), report);
    };
  }
  if (isInputObjectType(inner)) {
    let fields: Map<string, ValueCheck> | undefined;
    return (value, path, report) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return; // coercion reports the wrong shape
      fields ??= new Map(Object.values(inner.getFields()).map((field) => [field.name, valueCheck(field.type)]));
      for (const name of Object.keys(value)) fields.get(name)?.((value as Record<string, unknown>)[name], at(path, name), report);
    };
  }
  const scalarCheck = isScalarType(inner) ? storableCheckOf(inner) : undefined;
  return (value, path, report) => {
    if (value === null || value === undefined) return;
    const problem = leafProblem(value) ?? scalarCheck?.(value) ?? null;
    if (problem) report(path, problem);
  };
}

/** A scalar's own check of values it would refuse (see StorableCheck), if it declares one. */
function storableCheckOf(scalar: GraphQLScalarType): StorableCheck | undefined {
  return scalar.extensions.storableProblem as StorableCheck | undefined;
}

function leafProblem(value: unknown): ValueProblem | null {
  if (typeof value === 'string') return stringProblem(value);
  if (typeof value === 'number') return numberProblem(value);
  return null;
}

/** The fragments the operation spreads, directly or through other fragments. */
function reachableFragments(document: DocumentNode, operation: OperationDefinitionNode): FragmentDefinitionNode[] {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) byName.set(d.name.value, d);
  const found = new Map<string, FragmentDefinitionNode>();
  const collect = (selections: SelectionSetNode | undefined) => {
    for (const selection of selections?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = byName.get(selection.name.value);
        if (fragment && !found.has(fragment.name.value)) {
          found.set(fragment.name.value, fragment);
          collect(fragment.selectionSet);
        }
      } else collect(selection.selectionSet);
    }
  };
  collect(operation.selectionSet);
  return [...found.values()];
}

/**
 * The argument path of a value node in the document ("query.range.from"), for a
 * literal that a scalar refused during validation, which graphql-js reports by
 * location only.
 */
export function argumentPathOf(document: DocumentNode, target: ASTNode): string | null {
  let found: string | null = null;
  const search = (node: ValueNode, path: string): void => {
    if (found !== null) return;
    if (node === target) found = path;
    else if (node.kind === Kind.LIST) node.values.forEach((item, i) => search(item, `${path}[${i}]`));
    else if (node.kind === Kind.OBJECT) for (const field of node.fields) search(field.value, `${path}.${field.name.value}`);
  };
  visit(document, {
    Argument(node) {
      search(node.value, node.name.value);
      return false;
    },
  });
  return found;
}

/** The refusal behind an error, when a scalar refused a value. */
function refusalIn(error: unknown): RefusedValueError | null {
  if (error instanceof RefusedValueError) return error;
  const original = (error as GraphQLError | null)?.originalError;
  return original instanceof RefusedValueError ? original : null;
}

/**
 * The Apollo plugin: refuses an operation with unstorable inputs before it runs
 * (BAD_USER_INPUT, every problem in extensions.problems), and names the field of a
 * literal that a scalar refused during validation.
 */
export function refuseUnstorableInputs(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async validationDidStart({ document }) {
          return async (errors) => {
            for (const error of errors ?? []) {
              const refusal = refusalIn(error);
              const node = (error as GraphQLError).nodes?.[0];
              if (!refusal || !node) continue;
              // Apollo copies these extensions into the validation error it sends; formatInputRefusal sets the code.
              const field = argumentPathOf(document, node) ?? '';
              Object.assign(refusal.extensions, { problems: [{ field, rule: refusal.problem.rule, message: refusal.problem.message }] });
            }
          };
        },
        async didResolveOperation({ schema, document, operationName, request }) {
          // Turns of the event loop around the scan: with a batch's variables it is
          // tens of milliseconds, as is their coercion right after (see validBatch).
          await nextTurn();
          const problems = unstorableInputs(schema, document, operationName, request.variables);
          await nextTurn();
          if (problems.length === 0) return;
          const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
          const refusal = badUserInput(describeProblems(`${problems.length} input value(s) cannot be stored; nothing was done`, listed), listed);
          // Refused before execution, like a variable that does not coerce: HTTP 400 (Apollo drops `http` from the answer).
          throw new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}

/**
 * For Apollo's formatError: a literal refused by a scalar fails validation, which
 * Apollo codes GRAPHQL_VALIDATION_FAILED; it is bad input like any other, so it is
 * sent as BAD_USER_INPUT with a message naming the field.
 */
export function formatInputRefusal(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const refusal = refusalIn(error);
  if (!refusal || formatted.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED') return formatted;
  const problems = (refusal.extensions.problems as FieldProblem[] | undefined) ?? [];
  const field = problems[0]?.field;
  return {
    ...formatted,
    message: field ? `${field}: ${refusal.message}` : formatted.message,
    extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' },
  };
}
