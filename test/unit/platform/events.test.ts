import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/platform/events';

interface Events {
  'thing.done': { id: number };
  'other.done': string;
}

describe(EventBus.name, () => {
  it('runs the handlers of an event one after the other, in the order they were registered', async () => {
    const bus = new EventBus<Events>();
    const seen: string[] = [];
    bus.on('thing.done', async ({ id }) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(`first ${id}`);
    });
    bus.on('thing.done', ({ id }) => seen.push(`second ${id}`));
    bus.on('other.done', (text) => seen.push(`other ${text}`));
    await bus.emit('thing.done', { id: 7 });
    expect(seen).toEqual(['first 7', 'second 7']);
  });

  it('logs a failing handler and still runs the others: the write it follows has committed', async () => {
    const errors: unknown[] = [];
    const logger = { error: (fields: unknown) => errors.push(fields) } as never;
    const bus = new EventBus<Events>(logger);
    const seen: number[] = [];
    bus.on('thing.done', () => {
      throw new Error('no');
    });
    bus.on('thing.done', ({ id }) => seen.push(id));
    await expect(bus.emit('thing.done', { id: 1 })).resolves.toBeUndefined();
    expect(seen).toEqual([1]);
    expect(errors).toEqual([expect.objectContaining({ event: 'thing.done' })]);
  });

  it('tells nothing for an event nobody listens to', async () => {
    await expect(new EventBus<Events>().emit('other.done', 'x')).resolves.toBeUndefined();
  });
});
