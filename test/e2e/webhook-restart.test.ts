import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, killAllCliProcesses, runCli, type CliProcess } from '../support/child-server';
import { adminQuery, databaseUrl } from '../support/postgres-server';

/**
 * A server killed (SIGKILL) while it posts a webhook: the delivery is not lost.
 * The restarted server (same database) posts it again once its lease runs out,
 * with the same event id, and records it delivered.
 */

const READY = /CallPulse is ready: (http:\/\/\S+)\n/;
const KEY = 'webhook-restart-key';
const dbName = `callpulse_hook_${randomBytes(6).toString('hex')}`;
let dbUrl: string;

const received: Array<{ eventId: string; answered: boolean }> = [];
/** The first request is held open (the server dies mid-delivery); later ones answer 200. */
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const eventId = String(req.headers['callpulse-event-id']);
    const hold = received.length === 0;
    received.push({ eventId, answered: !hold });
    if (hold) return; // never answered
    res.statusCode = 200;
    res.end('ok');
  });
});

async function start(): Promise<{ process: CliProcess; url: string }> {
  const process = runCli(['serve'], {
    DATABASE_URL: dbUrl, PORT: String(await freePort()), BOOTSTRAP_API_KEY: KEY, DEMO_DATA: '0', LOG_LEVEL: 'warn', WEBHOOK_ALLOW_PRIVATE: '1',
  });
  return { process, url: (await process.waitForStderr(READY, 90_000))[1]! };
}

async function gql(url: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as any;
  expect(body.errors).toBeUndefined();
  return body.data;
}

beforeAll(async () => {
  await adminQuery(inject('pgAdminUrl'), `create database ${dbName}`);
  dbUrl = databaseUrl(inject('pgAdminUrl'), dbName);
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await killAllCliProcesses();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await adminQuery(inject('pgAdminUrl'), `drop database if exists ${dbName} with (force)`);
});

describe('webhook deliveries across a crash', () => {
  it('resume after the server is killed mid-delivery', async () => {
    const first = await start();
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const { createWebhook } = await gql(first.url, 'mutation($u: String!) { createWebhook(url: $u, events: [SLA_BREACHED]) { webhook { id } } }', { u: hookUrl });
    await gql(first.url, 'mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id } }', {
      i: { name: 'Abandons', period: 'MONTH', timeZone: 'UTC', targets: [{ metric: 'abandonRate', comparator: 'AT_MOST', target: 0.1 }] },
    });
    const offered = Date.now() - 5 * 60_000;
    await gql(first.url, 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }', {
      c: [{ externalId: 'gone-1', channel: 'VOICE', queue: 'care', offeredAt: new Date(offered).toISOString(), endedAt: new Date(offered + 30_000).toISOString() }],
    });
    const deadline = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(1); // in flight, held by the receiver
    first.process.child.kill('SIGKILL');
    await first.process.exited;

    const second = await start();
    const until = Date.now() + 60_000; // the lease (15 s) runs out, then the restarted worker posts again
    while (received.length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.map((r) => r.eventId)).toEqual([received[0]!.eventId, received[0]!.eventId]);
    const deliveries = await gql(second.url, 'query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { node { eventId attempts lastStatus deliveredAt } } } }', {
      id: createWebhook.webhook.id,
    });
    const node = deliveries.webhookDeliveries.edges[0].node;
    for (let i = 0; i < 20 && !node.deliveredAt; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      Object.assign(node, (await gql(second.url, 'query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { node { eventId attempts lastStatus deliveredAt } } } }', { id: createWebhook.webhook.id })).webhookDeliveries.edges[0].node);
    }
    expect(node).toMatchObject({ eventId: received[0]!.eventId, lastStatus: 200 });
    expect(node.deliveredAt).not.toBeNull();
  }, 200_000);
});
