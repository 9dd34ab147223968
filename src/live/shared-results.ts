import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Executed = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql-js's `subscribe`, except that one value pushed to many subscriptions
 * is executed once: the subscriptions of one report shape are fed the very same
 * object by their shared read (shared-reads.ts), and the same shape means the
 * same operation and variables, hence the same result. With 500 wallboards
 * showing a few dozen reports, that is a few dozen executions per change
 * instead of 500. Values are remembered by identity only while they are alive.
 */
export function sharedResultsSubscribe(): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const results = new WeakMap<object, Executed>();
  const resultOf = (args: ExecutionArgs, value: unknown): Executed => {
    if (typeof value !== 'object' || value === null) return execute({ ...args, rootValue: value });
    let result = results.get(value);
    if (!result) {
      result = execute({ ...args, rootValue: value });
      results.set(value, result);
    }
    return result;
  };
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
    const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const mapped: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const step = await iterator.next();
        return step.done ? { value: undefined, done: true } : { value: await resultOf(args, step.value), done: false };
      },
      async return() {
        await iterator.return?.();
        return { value: undefined, done: true };
      },
      async throw(error?: unknown) {
        if (iterator.throw) await iterator.throw(error);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return mapped;
  };
}
