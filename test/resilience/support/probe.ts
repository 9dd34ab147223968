import { Worker } from 'node:worker_threads';
import { summarize, type LatencySummary } from './figures';

export interface ProbeResult {
  healthz: LatencySummary;
  /** Probes that failed or did not answer 200, by status or error. */
  failures: string[];
  maxRssMb: number;
}

export interface Probe {
  stop(): Promise<ProbeResult>;
}

/**
 * Probes run in a worker thread with an event loop of its own, so the test's
 * own work (building 10 MB bodies, reading answers) never delays or hides a
 * slow /healthz. Open loop: one probe every `everyMs` whether or not the last
 * one answered, so a server blocked for 2 s yields 40 slow samples, not one.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const fs = require('node:fs');
const { url, pid, everyMs, timeoutMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const latencies = [];
const failures = [];
let maxRssKb = 0;
let outstanding = 0;
function probe() {
  const started = performance.now();
  let finished = false;
  outstanding++;
  const done = (failure) => {
    if (finished) return;
    finished = true;
    outstanding--;
    latencies.push(performance.now() - started);
    if (failure) failures.push(failure);
  };
  const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode === 200 ? null : 'status ' + res.statusCode));
    res.on('error', (e) => done(e.message));
  });
  req.on('timeout', () => req.destroy(new Error('no answer within ' + timeoutMs + ' ms')));
  req.on('error', (e) => done(e.message));
}
function sampleRss() {
  try {
    const match = /VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'));
    if (match) maxRssKb = Math.max(maxRssKb, Number(match[1]));
  } catch {}
}
sampleRss();
const timer = setInterval(() => { probe(); sampleRss(); }, everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  sampleRss();
  const deadline = Date.now() + timeoutMs + 1000;
  const finish = () => {
    if (outstanding > 0 && Date.now() < deadline) return setTimeout(finish, 10);
    agent.destroy();
    parentPort.postMessage({ latencies, failures, maxRssKb });
  };
  finish();
});
`;

/** Starts probing `healthzUrl` every `everyMs` and sampling process `pid`'s RSS (VmRSS). */
export function startProbe(healthzUrl: string, pid: number, everyMs = 50, timeoutMs = 5_000): Probe {
  const worker = new Worker(WORKER, { eval: true, workerData: { url: healthzUrl, pid, everyMs, timeoutMs } });
  return {
    stop: () =>
      new Promise<ProbeResult>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('message', (result: { latencies: number[]; failures: string[]; maxRssKb: number }) => {
          void worker.terminate();
          resolve({ healthz: summarize(result.latencies), failures: result.failures, maxRssMb: result.maxRssKb / 1024 });
        });
        worker.postMessage('stop');
      }),
  };
}

/** The RSS of process `pid` now, in MB. */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const match = /VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}
