import 'reflect-metadata';
/**
 * What one recordContacts request of 10,000 demo contacts costs in the server
 * before any SQL: JSON parse of the body, GraphQL parse and validation, variable
 * coercion (graphql-js, and graphql-jit's compiled coercion the server uses), the
 * unstorable-value walk, the contacts' own validation, and the batch's own column
 * arrays (built before the write lock). Median of 7 runs each.
 *
 *   npx tsx bench/request-cost.ts
 */
import { getVariableValues, parse, validate, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { buildAppSchema } from '../src/app/schema';
import { generateDemoContacts } from '../src/demo/demo-generator';
import { unstorableInputs } from '../src/platform/input-refusals';
import { validateContacts } from '../src/contacts/contact.validation';
import { ownColumns } from '../src/contacts/contact-columns';
import { machine, summarize } from './support';

const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }';
const schema = await buildAppSchema();
const contacts = [...generateDemoContacts({ endDate: '2026-03-31', days: 8, seed: 7 })].flat().slice(0, 10_000).map((c) => ({
  ...c, offeredAt: c.offeredAt.toISOString(), answeredAt: c.answeredAt?.toISOString() ?? null, endedAt: c.endedAt.toISOString(),
}));
const body = JSON.stringify({ query: RECORD, variables: { c: contacts } });
const time = async (name: string, fn: () => unknown) => {
  const ms: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  const s = summarize(ms);
  console.log(`| ${name} | ${s.min} / ${s.median} / ${s.max} ms |`);
};
console.log(machine());
console.log(`${contacts.length.toLocaleString('en')} contacts, body ${(body.length / 1e6).toFixed(1)} MB`);
console.log('| step | min / median / max |\n|---|---|');
const document = parse(RECORD);
const operation = document.definitions[0] as OperationDefinitionNode;
const variables = (JSON.parse(body) as { variables: Record<string, unknown> }).variables;
await time('JSON.parse of the body', () => JSON.parse(body));
await time('GraphQL parse + validate of the document', () => validate(schema, parse(RECORD)));
await time('graphql-js variable coercion (getVariableValues)', () => getVariableValues(schema, operation.variableDefinitions ?? [], variables));
const compiled = compileQuery(schema, document);
if (!isCompiledQuery(compiled)) throw new Error('not compiled');
const coerce = (compiled as unknown as { variables: (v: unknown) => unknown }).variables;
if (typeof coerce === 'function') await time('graphql-jit compiled variable coercion', () => coerce(variables));
await time('unstorable-value walk (input-refusals)', () => unstorableInputs(schema, document, undefined, variables));
const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
const fields = (coerced.coerced?.c ?? []) as Parameters<typeof validateContacts>[0];
await time('validateContacts', () => validateContacts(fields));
const { contacts: valid } = validateContacts(fields);
await time('the batch\'s own column arrays (ownColumns, with its turns of the event loop)', () => ownColumns(valid));
