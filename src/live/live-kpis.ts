import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLError, print } from 'graphql';
import { answerKpis, type KpiAnswer } from '../analytics/kpi.resolver';
import type { KpiQuery, KpiReportView } from '../analytics/kpi.types';
import { requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import type { WorkGate } from '../platform/work-gate';
import type { LiveConnection, LiveHub } from './live-hub';
import type { LiveScope } from './live-scope';
import type { SharedReads } from './shared-reads';
import { PacedFeed, type Reading } from './paced-feed';

/** What a subscription over a socket needs besides a request's context. */
export interface LiveSocketContext {
  hub: LiveHub;
  connection: LiveConnection;
  /** Reads of live reports at once on this server (each holds a pooled connection). */
  gate: WorkGate;
  /** A fresh context for one read (its own entity manager and directory loaders: new agents are seen). */
  fresh(): Context;
  /** At most one message per subscription per this many milliseconds (1,000). */
  minIntervalMs: number;
  /** Reads shared by the subscriptions of one report shape on this server. */
  reads: SharedReads<LiveReading>;
}

/** One read of a live report, as shared by every subscription of its shape. */
export type LiveReading = Reading<KpiReportView> & { asked: KpiAnswer['asked'] };

export type LiveContext = Context & { live?: LiveSocketContext };

/** Everything a report may read outside its range: the previous periods of compareWithPrevious (up to a year before). */
const PREVIOUS_REACH_MS = 400 * 86_400_000;

/**
 * Opens a `liveKpis` feed: reads the report at once (an error in the query
 * answers the subscription with that error), then again whenever a notice of
 * changed facts may touch it, sending it only when it changed (paced-feed.ts).
 * The subscription is registered before the first read, so a write committed
 * during that read is not missed.
 */
export async function openLiveKpis(ctx: LiveContext, query: KpiQuery, info: GraphQLResolveInfo): Promise<PacedFeed<KpiReportView>> {
  const live = ctx.live;
  if (!live) {
    throw new GraphQLError('liveKpis is served over WebSocket at /graphql (graphql-ws protocol), not over HTTP', {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  const principal = await requirePrincipal(ctx);
  let feed: PacedFeed<KpiReportView> | null = null;
  let pokedEarly = false;
  const entry = {
    // Until the first read resolves the range and filter: every change of the organization.
    scope: { organizationId: principal.organizationId, from: new Date(-8.64e15), to: new Date(8.64e15), filter: {} } as LiveScope,
    connection: live.connection,
    pokedAt: live.hub.clock,
    poke: () => (feed ? feed.poke() : (pokedEarly = true)),
  };
  const leaveHub = live.hub.register(entry);
  const shape = reportShape(principal.organizationId, query, info);
  const leaveShape = live.reads.join(shape);
  const unregister = () => {
    leaveHub();
    leaveShape();
  };
  // Wallboards showing the same report share each read (and its comparison key).
  const read = (): Promise<LiveReading> =>
    live.reads.read(shape, entry.pokedAt, async () => {
      const asked = performance.now();
      let started = asked;
      const answer = await live.gate.run(() => {
        started = performance.now();
        return answerKpis(live.fresh(), query, info);
      });
      const key = JSON.stringify(answer.report);
      const waitedMs = Math.round(started - asked);
      ctx.logger.debug({ waitedMs, readMs: Math.round(performance.now() - started), rows: answer.report.rows.length }, 'live report read');
      return { value: answer.view, key, asked: answer.asked };
    });
  try {
    const first = await read();
    entry.scope = {
      organizationId: first.asked.organizationId,
      from: query.compareWithPrevious ? new Date(first.asked.from.getTime() - PREVIOUS_REACH_MS) : first.asked.from,
      to: first.asked.to,
      filter: first.asked.filter,
    };
    feed = new PacedFeed({
      first,
      read,
      minIntervalMs: live.minIntervalMs,
      onClose: unregister,
      onError: (error) => ctx.logger.warn({ err: error }, 'a live report could not be read; read again at the next change'),
    });
    if (pokedEarly) feed.poke();
    return feed;
  } catch (error) {
    unregister();
    throw error;
  }
}

/**
 * What makes two subscriptions show the same report: the organization, the
 * operation as written (selection, aliases, arguments, fragments), its
 * variables (field arguments such as thresholds may come from them) and the
 * coerced query. The answer depends on nothing else of the key (any key that
 * may read sees its organization's whole report).
 */
export function reportShape(
  organizationId: number,
  query: KpiQuery,
  info: Pick<GraphQLResolveInfo, 'operation' | 'fragments' | 'variableValues'>,
): string {
  const fragments = Object.keys(info.fragments).sort().map((name) => print(info.fragments[name]!));
  return JSON.stringify([organizationId, print(info.operation), fragments, info.variableValues, query]);
}
