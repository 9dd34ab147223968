import type { EntityManager } from '@mikro-orm/postgresql';
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Logger } from '../platform/logger';
import { nextAttemptAt } from './backoff';
import { signatureHeader } from './signature';
import { isForbiddenAddress } from './target-url';

/** A POST that has not answered by then counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claimed delivery is this server's for this long; a server that died mid-delivery leaves it to others after it. */
export const LEASE_MS = DELIVERY_TIMEOUT_MS + 5_000;
/** How often the worker looks for due deliveries when idle. */
export const POLL_MS = 500;
/** Webhooks posted to at once by one server (each in order: one delivery at a time per webhook). */
export const PARALLEL_WEBHOOKS = 8;

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

/**
 * Posts the outbox (webhook_delivery): each round claims, per webhook, its oldest
 * pending delivery if it is due and not leased (a short transaction: UPDATE …
 * lease_until), posts it with no transaction open and no lock held, then records
 * the attempt (another short statement): delivered on a 2xx, else retried with
 * backoff and jitter, given up after 25 hours. A webhook's next delivery waits
 * until the one before it is delivered or given up, so each receiver gets its
 * events in order. Any server may run the worker; leases keep them apart.
 */
export function startDeliveryWorker(options: { em: () => EntityManager; logger: Logger; allowPrivate: () => boolean; pollMs?: number }): DeliveryWorker {
  const { logger } = options;
  const inFlight = new Map<string, { claimed: Claimed; request: http.ClientRequest | null }>();
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
      claimed = await claim(options.em(), PARALLEL_WEBHOOKS);
      lastPollAt = new Date();
      lastError = null;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      logger.warn({ err: error }, 'webhook worker: could not claim deliveries');
    }
    await Promise.all(claimed.map((c) => deliver(c)));
    // A full round: more may be due at once (the next of each webhook).
    schedule(claimed.length > 0 ? 0 : options.pollMs ?? POLL_MS);
  }

  async function deliver(claimed: Claimed): Promise<void> {
    const entry = { claimed, request: null as http.ClientRequest | null };
    inFlight.set(claimed.id, entry);
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await post(claimed, options.allowPrivate(), (request) => (entry.request = request));
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (!running && status === null) return; // stopped mid-post: released by stop(), tried again later
    try {
      await record(options.em(), claimed, status, error, Date.now() - started);
    } catch (e) {
      logger.warn({ err: e, delivery: claimed.id }, 'webhook worker: could not record an attempt; the lease expires and it is tried again');
    } finally {
      inFlight.delete(claimed.id);
    }
  }

  schedule(0);
  return {
    health: () => ({ running, inFlight: inFlight.size, lastPollAt: lastPollAt?.toISOString() ?? null, lastError }),
    async stop(graceMs = 5_000) {
      running = false;
      if (timer) clearTimeout(timer);
      const finished = round ?? Promise.resolve();
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      const unfinished = [...inFlight.values()];
      for (const entry of unfinished) entry.request?.destroy(new Error('server stopping'));
      if (unfinished.length) {
        await release(options.em(), unfinished.map((e) => e.claimed)).catch((error) =>
          logger.warn({ err: error }, 'webhook worker: could not release deliveries in flight; their leases expire'),
        );
      }
      await finished.catch(() => undefined);
    },
  };
}

/** Leases, per webhook, its oldest pending delivery when it is due and nobody holds it. */
async function claim(em: EntityManager, max: number): Promise<Claimed[]> {
  return em.execute<Claimed[]>(
    `with heads as (
       select distinct on (d.organization_id, d.webhook_id) d.organization_id, d.id
       from webhook_delivery d join webhook w on w.organization_id = d.organization_id and w.id = d.webhook_id and w.deleted_at is null
       where d.delivered_at is null and d.failed_at is null
       order by d.organization_id, d.webhook_id, d.id),
     due as (
       select d.organization_id, d.id from webhook_delivery d join heads h using (organization_id, id)
       where d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())
       order by d.next_attempt_at limit ?
       for update of d skip locked)
     update webhook_delivery d set lease_until = now() + make_interval(secs => ?)
     from due, webhook w
     where d.organization_id = due.organization_id and d.id = due.id
       and w.organization_id = d.organization_id and w.id = d.webhook_id
       and d.delivered_at is null and d.failed_at is null
     returning d.organization_id, d.id, d.webhook_id, d.event_id, d.body, d.created_at, d.attempts, w.url, w.secret`,
    [max, LEASE_MS / 1000],
  );
}

/** The attempt's outcome: delivered on a 2xx, else the next attempt after a backoff, or given up. */
async function record(em: EntityManager, claimed: Claimed, status: number | null, error: string | null, durationMs: number): Promise<void> {
  const attempt = claimed.attempts + 1;
  const ok = status !== null && status >= 200 && status < 300;
  const next = ok ? null : nextAttemptAt(new Date(claimed.created_at), new Date(), attempt, Math.random());
  await em.execute(
    `with attempt as (
       insert into webhook_attempt (organization_id, delivery_id, attempt, status, error, duration_ms) values (?, ?, ?, ?, ?, ?))
     update webhook_delivery set attempts = ?, last_status = ?, last_error = ?, lease_until = null,
       delivered_at = case when ? then now() end,
       failed_at = case when not ? and ?::timestamptz is null then now() end,
       next_attempt_at = coalesce(?::timestamptz, next_attempt_at)
     where organization_id = ? and id = ?`,
    [
      claimed.organization_id, claimed.id, attempt, status, error?.slice(0, 500) ?? null, Math.round(durationMs),
      attempt, status, error?.slice(0, 500) ?? null, ok, ok, next?.toISOString() ?? null, next?.toISOString() ?? null,
      claimed.organization_id, claimed.id,
    ],
  );
}

async function release(em: EntityManager, claimed: Claimed[]): Promise<void> {
  for (const c of claimed) {
    await em.execute('update webhook_delivery set lease_until = null where organization_id = ? and id = ? and delivered_at is null', [c.organization_id, c.id]);
  }
}

/** The POST, signed; resolves with the status, rejects on no answer (or a forbidden address, checked at connect time). */
function post(claimed: Claimed, allowPrivate: boolean, started: (request: http.ClientRequest) => void): Promise<number> {
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
    request.on('error', reject);
    started(request);
    request.end(body);
  });
}
