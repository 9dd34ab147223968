import { spawn } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './child-server';

/** True when something accepts connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A data directory under .test-data that the embedded cluster's `postgres` OS user can reach. */
export async function embeddedDataDir(name: string): Promise<string> {
  const dir = path.join(REPO_ROOT, '.test-data', name);
  await mkdir(dir, { recursive: true });
  await chmod(path.dirname(dir), 0o755);
  await chmod(dir, 0o755);
  return dir;
}

/** `npm run build:server -- --outdir DIR` as a child process; rejects with its stderr on failure. */
export function buildServerInto(outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--outdir', outdir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`build failed (${code}):\n${err}`))));
  });
}
