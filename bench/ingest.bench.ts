import 'reflect-metadata';
/**
 * Ingest rate: contacts/s through `recordContacts` and agent activity records/s
 * through `recordAgentActivity`, over HTTP, in batches of 1,000, into a fresh
 * database. Uses the demo generator's realistic contacts and the activity of its shifts.
 *
 *   npm run bench:ingest            # BENCH_DAYS=20 by default (~30k contacts)
 *   BENCH_REPORTING_ZONE=Europe/Berlin npm run bench:ingest   # an organization keeping local days too
 *   BENCH_DATABASE_URL=postgres://… npm run bench:ingest   # admin URL of the server to use
 */
import { demoActivity, demoDates, generateDemoContacts } from '../src/demo/demo-generator';
import { OrganizationService } from '../src/org/organization.service';
import { formatSummary, machine, runBench, startBenchServer, summarize, withBenchDatabase, type Summary } from './support';

const BATCH = 1000;
const days = Number(process.env.BENCH_DAYS ?? 20);
const reportingZone = process.env.BENCH_REPORTING_ZONE ?? 'UTC';
const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }';
const RECORD_ACTIVITY = 'mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { created updated unchanged } }';

runBench(() =>
  withBenchDatabase('bench', async ({ orm, organizationId }) => {
    await new OrganizationService(orm.em.fork()).setReportingTimeZone(organizationId, reportingZone);
    const { server, post } = await startBenchServer(orm);
    const options = { endDate: '2026-03-31', days, seed: 7 };
    const byDay = [...generateDemoContacts(options)];
    const contacts = byDay.flat();
    const dates = demoDates(options);
    const activity = byDay
      .flatMap((day, i) => demoActivity(options, dates[i]!, day))
      .map((a) => ({ ...a, intervalStart: a.intervalStart.toISOString() }));

    const timeAll = async (items: readonly unknown[], send: (batch: unknown[]) => Promise<unknown>) => {
      const ms: number[] = [];
      const started = performance.now();
      for (let i = 0; i < items.length; i += BATCH) {
        const t = performance.now();
        await send(items.slice(i, i + BATCH));
        ms.push(performance.now() - t);
      }
      return { perBatch: summarize(ms), rate: items.length / ((performance.now() - started) / 1000) };
    };
    const sendContacts = (c: unknown[]) => post(RECORD, { c });
    const sendActivity = (a: unknown[]) => post(RECORD_ACTIVITY, { a });
    const fresh = await timeAll(contacts, sendContacts); // every contact created
    const resend = await timeAll(contacts, sendContacts); // every contact unchanged
    const freshActivity = await timeAll(activity, sendActivity);
    const resendActivity = await timeAll(activity, sendActivity);
    await server.close();

    const line = (name: string, r: { perBatch: Summary; rate: number }, unit: string) =>
      `| ${name} | ${formatSummary(r.perBatch)} | ${Math.round(r.rate).toLocaleString('en')} ${unit}/s |`;
    console.log(machine());
    console.log(`data: ${contacts.length.toLocaleString('en')} demo contacts and ${activity.length.toLocaleString('en')} activity records (${days} days), in batches of ${BATCH}; reporting zone ${reportingZone}`);
    console.log('| run | per batch (min / median / max) | rate |\n|---|---|---|');
    console.log(line('new contacts', fresh, 'contacts'));
    console.log(line('same contacts re-sent', resend, 'contacts'));
    console.log(line('new activity records', freshActivity, 'records'));
    console.log(line('same activity records re-sent', resendActivity, 'records'));
  }),
);
