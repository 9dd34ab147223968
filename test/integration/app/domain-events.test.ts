import { describe, expect, it } from 'vitest';
import { ActivityService } from '../../../src/activity/activity.service';
import { setReportingZone } from '../../../src/analytics/reporting-zone';
import { ContactsService } from '../../../src/contacts/contacts.service';
import type { DomainEvents } from '../../../src/org/events';
import { EventBus } from '../../../src/platform/events';
import { SurveysService } from '../../../src/surveys/surveys.service';
import { useTestServer } from '../../support/server';

/**
 * What each writer tells after commit: the organization, the quarter hours and the
 * dimension values its change touched (both versions of a correction), and nothing
 * for a write that changed nothing.
 */
describe('domain events', () => {
  const server = useTestServer();
  const em = () => server.db.orm.em.fork();

  /** A bus that records every event told, in order. */
  function recordingBus() {
    const bus = new EventBus<DomainEvents>();
    const told: Array<[keyof DomainEvents, unknown]> = [];
    for (const name of ['contacts.recorded', 'activity.recorded', 'survey.answered', 'organization.zoneChanged'] as const) {
      bus.on(name, (payload) => void told.push([name, payload]));
    }
    return { bus, told };
  }

  const ids = async (table: string) =>
    Object.fromEntries(
      (await em().execute<Array<{ id: number; key: string }>>(`select id, key from ${table} where organization_id = ?`, [server.org.id])).map((r) => [r.key, r.id]),
    );

  const contact = (externalId: string, at: string, queue: string, channel = 'VOICE') => ({
    externalId, channel, queue, agent: 'ann', team: 'north', customerRef: `cust-${externalId}`,
    offeredAt: new Date(at), answeredAt: new Date(Date.parse(at) + 10_000), endedAt: new Date(Date.parse(at) + 300_000),
  });

  it('tells contacts.recorded with span, dimensions and new contacts; a correction touches both versions; an unchanged re-send tells nothing', async () => {
    const { bus, told } = recordingBus();
    const contacts = new ContactsService(em(), bus);
    const batch = [contact('e-1', '2026-04-01T09:05:00Z', 'care'), contact('e-2', '2026-04-01T10:20:00Z', 'care', 'CHAT')];
    await contacts.record(server.org.id, batch);
    const queues = await ids('queue');
    const [agent] = Object.values(await ids('agent'));
    const [team] = Object.values(await ids('team'));
    expect(told).toEqual([[
      'contacts.recorded',
      {
        organizationId: server.org.id,
        from: new Date('2026-04-01T09:00:00Z'),
        to: new Date('2026-04-01T10:30:00Z'),
        dimensions: { channel: ['CHAT', 'VOICE'], queue_id: [queues.care], team_id: [team], agent_id: [agent] },
        created: expect.arrayContaining([expect.objectContaining({ externalId: 'e-1', channel: 'VOICE', answered: true })]),
      },
    ]]);

    told.length = 0;
    await contacts.record(server.org.id, batch);
    expect(told).toEqual([]);

    await contacts.record(server.org.id, [contact('e-1', '2026-04-02T12:00:00Z', 'billing')]);
    const moved = (await ids('queue'));
    expect(told).toEqual([[
      'contacts.recorded',
      expect.objectContaining({
        from: new Date('2026-04-01T09:00:00Z'),
        to: new Date('2026-04-02T12:15:00Z'),
        dimensions: expect.objectContaining({ channel: ['VOICE'], queue_id: [moved.care, moved.billing].sort((a, b) => a - b) }),
        created: [],
      }),
    ]]);
  });

  it('tells activity.recorded with the agents and teams touched', async () => {
    const { bus, told } = recordingBus();
    const record = { agent: 'ann', team: 'north', intervalStart: new Date('2026-04-01T09:15:00Z'), loggedInSeconds: 900, availableSeconds: 300, handlingSeconds: 600, notReadySeconds: 0 };
    await new ActivityService(em(), bus).record(server.org.id, [record]);
    await new ActivityService(em(), bus).record(server.org.id, [record]); // unchanged: nothing told
    const [agent] = Object.values(await ids('agent'));
    const [team] = Object.values(await ids('team'));
    expect(told).toEqual([[
      'activity.recorded',
      { organizationId: server.org.id, from: new Date('2026-04-01T09:15:00Z'), to: new Date('2026-04-01T09:30:00Z'), dimensions: { team_id: [team], agent_id: [agent] } },
    ]]);
  });

  it('tells survey.answered once per response, with its contact\'s quarter hour and dimensions', async () => {
    const { bus, told } = recordingBus();
    const [invitation] = await new SurveysService(em()).invite(server.org.id, ['e-2']);
    const answer = { token: invitation!.token, csat: 5 };
    const response = await new SurveysService(em(), bus).submit(answer);
    await new SurveysService(em(), bus).submit(answer); // the same token again: the same response, nothing told
    const queues = await ids('queue');
    expect(told).toEqual([[
      'survey.answered',
      expect.objectContaining({
        organizationId: server.org.id,
        from: new Date('2026-04-01T10:15:00Z'),
        to: new Date('2026-04-01T10:30:00Z'),
        dimensions: expect.objectContaining({ channel: ['CHAT'], queue_id: [queues.care] }),
        responseId: String(response.id),
        inKpis: true,
      }),
    ]]);
  });

  it('tells organization.zoneChanged with the zone replaced, and nothing when the zone stays', async () => {
    const { bus, told } = recordingBus();
    await setReportingZone(em(), server.org.id, 'Europe/Berlin', bus);
    await setReportingZone(em(), server.org.id, 'Europe/Berlin', bus);
    expect(told).toEqual([['organization.zoneChanged', { organizationId: server.org.id, previous: 'UTC', timeZone: 'Europe/Berlin' }]]);
  });
});
