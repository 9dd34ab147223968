import { Arg, Authorized, Resolver, Root, Subscription } from 'type-graphql';
import { KpiQuery, KpiReportView } from '../analytics/kpi.types';
import { Permission } from '../org/auth';
import { openLiveKpis, type LiveContext } from './live-kpis';

@Resolver()
export class LiveResolver {
  @Authorized(Permission.READ)
  @Subscription(() => KpiReportView, {
    description:
      'The `kpis` report of the query, sent at once and then again after every committed write (contacts, activity, survey answers) ' +
      'that changes it, at most once a second, from any server on the same database. graphql-ws over WebSocket at /graphql; ' +
      'the API key goes in connection_init\'s payload { authorization: "Bearer <key>" }.',
    subscribe: ({ args, context, info }) => openLiveKpis(context as LiveContext, args.query as KpiQuery, info),
  })
  liveKpis(@Root() report: KpiReportView, @Arg('query', () => KpiQuery) _query: KpiQuery): KpiReportView {
    return report;
  }
}
