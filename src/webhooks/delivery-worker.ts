import type { EntityManager } from '@mikro-orm/postgresql';
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Logger } from '../platform/logger';
import { nextAttemptAt } from './backoff';
import { signatureHeader } from './signature';
import { isForbiddenAddress } from './target-url';
import { executeBound } from '../platform/bound-statements';
import { arrayLiteral } from '../warehouse/contact-facts';

/** A POST that has not answered by then counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claimed run of deliveries is this server's for this long; a server that died mid-delivery leaves it to others after it. */
export const LEASE_MS = DELIVERY_TIMEOUT_MS + 5_000;
/** A run starts no post later than this after its claim, so that its last post ends (or times out) within the lease. */
export const RUN_POSTING_MS = LEASE_MS - DELIVERY_TIMEOUT_MS - 1_000;
/** How often the worker looks for due deliveries when idle. */
export const POLL_MS = 500;
/** Webhooks posted to at once by one server (each in order: one delivery at a time per webhook). */
export const PARALLEL_WEBHOOKS = 8;
/**
 * Deliveries of one webhook claimed together, oldest first, and posted one after
 * the other over a kept-alive connection: one claim per run, not per event.
 */
export const RUN_LENGTH = 100;

interface Claimed {
  organization_id: number;
  id: string;
  webhook_id: string;
  event_id: string;
  body: string;
  created_at: Date;
  attempts: number;
  url: string;
  secret: string;
}

/** A delivered attempt, waiting to be written with the others of its run. */
interface Delivered {
  claimed: Claimed;
  status: number;
  durationMs: number;
}

export interface WorkerHealth {
  running: boolean;
  inFlight: number;
  lastPollAt: string | null;
  lastError: string | null;
}

export interface DeliveryWorker {
  health(): WorkerHealth;
  /** Stops claiming, waits up to `graceMs` for the posts in flight, then gives the unfinished back. */
  stop(graceMs?: number): Promise<void>;
}

/** A run being posted: its deliveries in order, and how far it got. */
interface RunState {
  claimed: Claimed[];
  /** Deliveries before this index are posted (delivered or failed). */
  next: number;
  request: http.ClientRequest | null;
}

/**
 * Posts the outbox (webhook_delivery): each round claims, per webhook whose
 * oldest pending delivery is due and not leased, a run of its pending deliveries
 * in order (one short statement: UPDATE … lease_until), posts them one after the
 * other with no transaction open and no lock held, over a kept-alive connection,
 * and records the attempts: the delivered ones a few at a time while the next
 * posts go out (one statement for all that are waiting), a failure at once
 * (retried with backoff and jitter, given up after 25 hours), which ends the
 * run: the rest of it is given back and waits behind the failed one. A webhook's
 * next delivery is posted only after the one before it was delivered or given
 * up, so each receiver gets its events in order. Any server may run the worker;
 * leases keep them apart. A crash between a post and its record posts it again
 * (at least once; receivers deduplicate by event id).
 */
export function startDeliveryWorker(options: { em: () => EntityManager; logger: Logger; allowPrivate: () => boolean; pollMs?: number }): DeliveryWorker {
  const { logger } = options;
  const runs = new Set<RunState>();
  const agents = new KeptAliveAgents();
  let running = true;
  let lastPollAt: Date | null = null;
  let lastError: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;

  const schedule = (ms: number) => {
    if (!running) return;
    timer = setTimeout(() => {
      timer = null;
      round = runRound().finally(() => (round = null));
    }, ms);
    timer.unref();
  };

  async function runRound(): Promise<void> {
    let claimed: Claimed[] = [];
    try {
      claimed = await claim(options.em(), PARALLEL_WEBHOOKS, RUN_LENGTH);
      lastPollAt = new Date();
      lastError = null;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      logger.warn({ err: error }, 'webhook worker: could not claim deliveries');
    }
    const byWebhook = new Map<string, Claimed[]>();
    for (const c of claimed) {
      const key = `${c.organization_id}:${c.webhook_id}`;
      byWebhook.set(key, [...(byWebhook.get(key) ?? []), c]);
    }
    await Promise.all([...byWebhook.values()].map((run) => deliverRun(run.sort((a, b) => compareIds(a.id, b.id)))));
    // Something claimed: more may be due at once (the rest of each webhook's queue).
    schedule(claimed.length > 0 ? 0 : options.pollMs ?? POLL_MS);
  }

  async function deliverRun(claimed: Claimed[]): Promise<void> {
    const run: RunState = { claimed, next: 0, request: null };
    runs.add(run);
    const recorder = new DeliveredRecorder(options.em, logger);
    const started = Date.now();
    try {
      while (run.next < claimed.length && running && Date.now() - started < RUN_POSTING_MS) {
        const c = claimed[run.next]!;
        const postStarted = Date.now();
        let status: number | null = null;
        let error: string | null = null;
        try {
          status = await post(c, options.allowPrivate(), agents, (request) => (run.request = request));
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        run.request = null;
        if (!running && status === null) break; // stopped mid-post: released by stop(), tried again later
        const durationMs = Date.now() - postStarted;
        run.next++;
        if (status !== null && status >= 200 && status < 300) {
          recorder.add({ claimed: c, status, durationMs });
          continue;
        }
        try {
          await recordFailure(options.em(), c, status, error, durationMs);
        } catch (e) {
          logger.warn({ err: e, delivery: c.id }, 'webhook worker: could not record an attempt; the lease expires and it is tried again');
        }
        break; // the rest waits behind the failed one
      }
      await recorder.flushed();
      // Not posted (a failure before them, or the run's time is up): anyone may claim them again now.
      const rest = claimed.slice(run.next);
      if (rest.length && running) await release(options.em(), rest).catch((e) => logger.warn({ err: e }, 'webhook worker: could not release deliveries; their leases expire'));
    } finally {
      if (running || run.next >= claimed.length) runs.delete(run);
    }
  }

  schedule(0);
  return {
    health: () => ({ running, inFlight: [...runs].filter((r) => r.request).length, lastPollAt: lastPollAt?.toISOString() ?? null, lastError }),
    async stop(graceMs = 5_000) {
      running = false;
      if (timer) clearTimeout(timer);
      const finished = round ?? Promise.resolve();
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      const unfinished = [...runs];
      for (const run of unfinished) run.request?.destroy(new Error('server stopping'));
      await finished.catch(() => undefined);
      // The post in flight and those after it: given back, not waiting for the lease to run out.
      const rest = unfinished.flatMap((run) => run.claimed.slice(run.next));
      if (rest.length) {
        await release(options.em(), rest).catch((error) =>
          logger.warn({ err: error }, 'webhook worker: could not release deliveries in flight; their leases expire'),
        );
      }
      agents.destroy();
    },
  };
}

/**
 * Writes delivered attempts in the background while the run posts on: whatever
 * arrived while the last write ran goes in the next one (one statement each).
 */
class DeliveredRecorder {
  private waiting: Delivered[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly em: () => EntityManager,
    private readonly logger: Logger,
  ) {}

  add(delivered: Delivered): void {
    this.waiting.push(delivered);
    this.writing ??= this.drain();
  }

  /** Resolves once everything added so far is written (or its write failed: then the lease runs out and it is posted again). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        await recordDelivered(this.em(), batch);
      } catch (e) {
        this.logger.warn({ err: e, deliveries: batch.length }, 'webhook worker: could not record delivered attempts; their leases expire and they are posted again');
      }
    }
    this.writing = null;
  }
}

const compareIds = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/**
 * Leases, per webhook whose oldest pending delivery is due and not leased, that
 * delivery and the pending ones after it (up to `runLength`, in order, stopping
 * at the first one leased). Only the oldest is locked (skip locked): two servers
 * claiming at once never get runs of the same webhook.
 */
async function claim(em: EntityManager, webhooks: number, runLength: number): Promise<Claimed[]> {
  return executeBound<Claimed>(
    em,
    `with heads as (
       select h.organization_id, h.id, h.next_attempt_at from webhook w
       cross join lateral (
         select d.organization_id, d.id, d.next_attempt_at, d.lease_until from webhook_delivery d
         where d.organization_id = w.organization_id and d.webhook_id = w.id and d.delivered_at is null and d.failed_at is null
         order by d.id limit 1) h
       where w.deleted_at is null and h.next_attempt_at <= now() and (h.lease_until is null or h.lease_until < now())
       order by h.next_attempt_at limit ?),
     locked as (
       select d.organization_id, d.id, d.webhook_id from webhook_delivery d join heads using (organization_id, id)
       where d.delivered_at is null and d.failed_at is null and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())
       for update of d skip locked),
     queued as (
       select q.organization_id, q.id, bool_and(q.free) over (partition by q.organization_id, q.webhook_id order by q.id) as free_so_far
       from locked cross join lateral (
         select d.organization_id, d.webhook_id, d.id, (d.lease_until is null or d.lease_until < now()) and d.next_attempt_at <= now() as free
         from webhook_delivery d
         where d.organization_id = locked.organization_id and d.webhook_id = locked.webhook_id and d.delivered_at is null and d.failed_at is null
           and d.id >= locked.id
         order by d.id limit ?) q)
     update webhook_delivery d set lease_until = now() + make_interval(secs => ?)
     from queued, webhook w
     where queued.free_so_far and d.organization_id = queued.organization_id and d.id = queued.id
       and w.organization_id = d.organization_id and w.id = d.webhook_id
     returning d.organization_id, d.id::text as id, d.webhook_id::text as webhook_id, d.event_id, d.body, d.created_at, d.attempts, w.url, w.secret`,
    [webhooks, runLength, LEASE_MS / 1000],
  );
}

/** Delivered attempts of one run (one organization): each attempt written, each delivery marked delivered and its lease ended. */
async function recordDelivered(em: EntityManager, delivered: readonly Delivered[]): Promise<void> {
  const organizationId = delivered[0]!.claimed.organization_id;
  await executeBound(
    em,
    `with done as (select * from unnest(?::bigint[], ?::int[], ?::int[], ?::int[]) as t(id, attempt, status, duration_ms)),
     attempt as (
       insert into webhook_attempt (organization_id, delivery_id, attempt, status, error, duration_ms)
       select ?, id, attempt, status, null, duration_ms from done)
     update webhook_delivery d set attempts = done.attempt, last_status = done.status, last_error = null, lease_until = null, delivered_at = now()
     from done where d.organization_id = ? and d.id = done.id`,
    [
      arrayLiteral(delivered.map((d) => d.claimed.id)),
      arrayLiteral(delivered.map((d) => d.claimed.attempts + 1)),
      arrayLiteral(delivered.map((d) => d.status)),
      arrayLiteral(delivered.map((d) => Math.round(d.durationMs))),
      organizationId,
      organizationId,
    ],
  );
}

/** A failed attempt: the next one after a backoff, or given up. */
async function recordFailure(em: EntityManager, claimed: Claimed, status: number | null, error: string | null, durationMs: number): Promise<void> {
  const attempt = claimed.attempts + 1;
  const next = nextAttemptAt(new Date(claimed.created_at), new Date(), attempt, Math.random());
  await em.execute(
    `with attempt as (
       insert into webhook_attempt (organization_id, delivery_id, attempt, status, error, duration_ms) values (?, ?, ?, ?, ?, ?))
     update webhook_delivery set attempts = ?, last_status = ?, last_error = ?, lease_until = null,
       failed_at = case when ?::timestamptz is null then now() end,
       next_attempt_at = coalesce(?::timestamptz, next_attempt_at)
     where organization_id = ? and id = ?`,
    [
      claimed.organization_id, claimed.id, attempt, status, error?.slice(0, 500) ?? null, Math.round(durationMs),
      attempt, status, error?.slice(0, 500) ?? null, next?.toISOString() ?? null, next?.toISOString() ?? null,
      claimed.organization_id, claimed.id,
    ],
  );
}

/** Gives claimed deliveries back (not delivered): claimable again at once, in order behind their webhook's oldest. */
async function release(em: EntityManager, claimed: readonly Claimed[]): Promise<void> {
  const byOrganization = new Map<number, string[]>();
  for (const c of claimed) byOrganization.set(c.organization_id, [...(byOrganization.get(c.organization_id) ?? []), c.id]);
  for (const [organizationId, ids] of byOrganization) {
    await executeBound(
      em,
      'update webhook_delivery set lease_until = null where organization_id = ? and id = any(?::bigint[]) and delivered_at is null',
      [organizationId, arrayLiteral(ids)],
    );
  }
}

/**
 * One kept-alive agent per scheme and per WEBHOOK_ALLOW_PRIVATE setting: a run
 * posts over one connection instead of opening one per event, and a socket opened
 * while loopback targets were allowed is never reused once they are not. Idle
 * sockets close before the receiver's keep-alive timeout (Node honours its
 * Keep-Alive hint) and never keep the process alive.
 */
class KeptAliveAgents {
  private readonly agents = new Map<string, http.Agent>();

  for(protocol: string, allowPrivate: boolean): http.Agent {
    const key = `${protocol}${allowPrivate}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: PARALLEL_WEBHOOKS, maxFreeSockets: PARALLEL_WEBHOOKS, timeout: 4_000 };
      agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/**
 * The POST, signed; resolves with the status, rejects on no answer (or a forbidden
 * address, checked at connect time). A kept-alive socket the receiver closed just
 * before it was reused fails before any answer: posted once more on a new one.
 */
async function post(claimed: Claimed, allowPrivate: boolean, agents: KeptAliveAgents, started: (request: http.ClientRequest) => void): Promise<number> {
  try {
    return await postOnce(claimed, allowPrivate, agents, started);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
      return postOnce(claimed, allowPrivate, agents, started);
    }
    throw error;
  }
}

function postOnce(claimed: Claimed, allowPrivate: boolean, agents: KeptAliveAgents, started: (request: http.ClientRequest) => void): Promise<number> {
  const url = new URL(claimed.url);
  const body = Buffer.from(claimed.body);
  const t = Math.floor(Date.now() / 1000);
  // Checked on the address actually connected to: a name that resolves elsewhere later (DNS rebinding) is refused too.
  const lookup: LookupFunction = (hostname, opts, callback) => {
    dns.lookup(hostname, { ...opts, all: false }, (error, address, family) => {
      if (!error && !allowPrivate && isForbiddenAddress(String(address))) {
        return callback(new Error(`refused: ${hostname} resolves to ${address}, a loopback or link-local address (WEBHOOK_ALLOW_PRIVATE is not 1)`), '', 4);
      }
      callback(error, address as string, family as number);
    });
  };
  if (!allowPrivate && isForbiddenAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(new Error(`refused: ${url.hostname} is a loopback or link-local address (WEBHOOK_ALLOW_PRIVATE is not 1)`));
  }
  return new Promise<number>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        agent: agents.for(url.protocol, allowPrivate),
        lookup,
        timeout: DELIVERY_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'CallPulse-Webhooks',
          'CallPulse-Event-Id': claimed.event_id,
          'CallPulse-Signature': signatureHeader(claimed.secret, t, claimed.body),
        },
      },
      (response) => {
        response.resume(); // the body is not read, only the status
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)));
    request.on('error', (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    started(request);
    request.end(body);
  });
}
