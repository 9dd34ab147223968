import type pg from 'pg';

/**
 * A year of a 200-agent center generated in SQL (setseed, so every run loads the
 * same data), for the benchmarks: `contacts` contacts from `year` (an ISO instant)
 * on, 8 queues, 10 teams of 20 agents (each team on one queue, taking 20 %
 * overflow from the others; every fifth agent on the digital channels), a midday
 * peak, 93 % answered, and the agents' activity. FCR flags and rollups are left
 * to the caller (rebuildOrganizationFacts).
 */
export async function generateCenterYear(c: pg.Client, org: number, contacts: number, year: string): Promise<void> {
  await c.query(`insert into queue (organization_id, key, name) select $1, 'queue-' || q, 'Queue ' || q from generate_series(1, 8) q`, [org]);
  await c.query(`insert into team (organization_id, key, name) select $1, 'team-' || t, 'Team ' || t from generate_series(1, 10) t`, [org]);
  await c.query(
    `insert into agent (organization_id, key, name, team_id)
     select $1, 'agent-' || lpad(a::text, 3, '0'), 'Agent ' || a, (select id from team where organization_id = $1 and key = 'team-' || (1 + a % 10))
     from generate_series(1, 200) a`,
    [org],
  );
  await c.query('select setseed(0.42)');
  await c.query(
    `insert into contact (organization_id, external_id, channel, direction, queue_id, team_id, agent_id, customer_ref,
       offered_at, answered_at, ended_at, wait_seconds, talk_seconds, hold_seconds, after_contact_work_seconds, transfers, resolved)
     select $1, 'bench-' || g, x.channel, x.direction, q.id, case when x.answered then a.team_id end, case when x.answered then a.id end,
       'cust-' || x.customer, x.offered_at,
       case when x.answered then x.offered_at + make_interval(secs => x.wait) end,
       x.offered_at + make_interval(secs => x.wait + case when x.answered then x.talk else 0 end),
       x.wait, case when x.answered then x.talk else 0 end, case when x.answered then x.hold else 0 end,
       case when x.answered then x.acw else 0 end, case when x.answered and random() < 0.08 then 1 else 0 end, x.answered
     from generate_series(1, $2::int) g
     cross join lateral (
       select
         (timestamptz '${year}' + make_interval(days => floor((g - 1) * 365.0 / $2)::int)
           + make_interval(secs => floor(28800 + 43200 * (random() + random()) / 2)))::timestamptz(0) as offered_at,
         -- Every fifth agent works the digital channels; the others take calls.
         case when x0.agent_n % 5 <> 0 then 'VOICE'
              else (array['CHAT','CHAT','CHAT','CHAT','CHAT','EMAIL','EMAIL','EMAIL','MESSAGING','MESSAGING'])[1 + floor(random() * 10)::int] end as channel,
         case when random() < 0.05 then 'OUTBOUND' else 'INBOUND' end as direction,
         random() < 0.93 as answered,
         floor(-ln(1 - random()) * 18)::int as wait,
         60 + floor(random() * 500)::int as talk,
         case when random() < 0.2 then floor(random() * 90)::int else 0 end as hold,
         floor(random() * 60)::int as acw,
         floor(random() * 400000)::int as customer,
         -- 80 % from the team's own queue, the rest as overflow from any queue.
         case when random() < 0.8 then 1 + (x0.agent_n % 10) % 8 else 1 + floor(random() * 8)::int end as queue_n,
         x0.agent_n
       from (select 1 + floor(random() * 200)::int as agent_n where g > 0) x0) x
     join queue q on q.organization_id = $1 and q.key = 'queue-' || x.queue_n
     join agent a on a.organization_id = $1 and a.key = 'agent-' || lpad(x.agent_n::text, 3, '0')`,
    [org, contacts],
  );
  await generateActivity(c, org, year);
}

/**
 * Agent activity for occupancy and utilization: every agent on an 8-hour shift on
 * weekdays (08:00–16:00 UTC for odd agents, 12:00–20:00 for even ones), 32
 * fifteen-minute records a day, about 1.7 million for the year.
 */
async function generateActivity(c: pg.Client, org: number, year: string) {
  await c.query(
    `insert into agent_activity (organization_id, agent_id, team_id, interval_start, logged_in_seconds, available_seconds, handling_seconds, not_ready_seconds)
     select $1, a.id, a.team_id, x.interval_start, 900, 900 - x.handling - x.not_ready, x.handling, x.not_ready
     from agent a
     cross join generate_series(timestamptz '${year}', timestamptz '${year}' + interval '364 days', interval '1 day') d
     cross join generate_series(0, 31) i
     cross join lateral (
       select d + make_interval(hours => case when a.id % 2 = 1 then 8 else 12 end, mins => 15 * i) as interval_start,
              400 + floor(random() * 400)::int as handling, floor(random() * 60)::int as not_ready
       where a.id > 0) x
     where a.organization_id = $1 and extract(isodow from d) < 6`,
    [org],
  );
}
