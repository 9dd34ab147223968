import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelOnDisconnect } from '../../../src/platform/db-guard';
import { EventBus } from '../../../src/platform/events';
import { createTestDatabase, type TestDatabase } from '../../support/database';

interface Events {
  'batch.committed': { id: number };
}

/**
 * A writer tells its event inside the request of a client that then disconnects:
 * the request's statements are cancelled from then on (db-guard.ts), a detached
 * handler's are not, so a committed batch's follow-up work (survey invitations)
 * is not lost with the client.
 */
describe('detached event handlers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Emits inside a fake request, then closes its response unfinished (the client left). */
  function emitThenDisconnect(bus: EventBus<Events>) {
    const res = Object.assign(new EventEmitter(), { writableFinished: false, locals: {} });
    let inRequest!: <T>(fn: () => Promise<T>) => Promise<T>;
    let emitted!: Promise<void>;
    // The middleware runs the rest of the request at once, inside the request's statement store.
    cancelOnDisconnect(async () => {}, { warn() {} } as never)({} as never, res as never, () => {
      inRequest = AsyncLocalStorage.snapshot();
      emitted = bus.emit('batch.committed', { id: 1 });
    });
    res.emit('close');
    return { inRequest, emitted };
  }

  it('runs outside the request: its statements still run after the client disconnected', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus<Events>({ error: (fields: unknown) => errors.push(fields) } as never);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const seen: number[] = [];
    bus.on('batch.committed', async () => {
      await gate; // still running when the client leaves
      const [row] = await db.orm.em.fork().execute<Array<{ n: number }>>('select 41 + 1 as n');
      seen.push(row!.n);
    }, { detached: true });

    const { inRequest, emitted } = emitThenDisconnect(bus);
    await emitted; // returned without waiting for the handler
    expect(seen).toEqual([]);
    await expect(inRequest(() => db.orm.em.fork().execute('select 1'))).rejects.toThrow(/disconnected/);
    open();
    await bus.settled();
    expect(seen).toEqual([42]);
    expect(errors).toEqual([]);
  });

  it('an awaited handler runs inside the request, and is cancelled with it', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus<Events>({ error: (fields: unknown) => errors.push(fields) } as never);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    bus.on('batch.committed', async () => {
      await gate;
      await db.orm.em.fork().execute('select 1');
    });
    const { emitted } = emitThenDisconnect(bus);
    open();
    await emitted;
    expect(errors).toEqual([expect.objectContaining({ event: 'batch.committed', err: expect.objectContaining({ message: expect.stringMatching(/disconnected/) }) })]);
  });
});
