/**
 * Steps that depend on one another, run on a fixed set of workers (database
 * sessions, say): each step starts on the first free worker once every step it
 * names in `after` has finished, in the order given among those ready (put the
 * longest first). The first failure stops further starts; the steps already
 * running finish, then that failure is thrown.
 */
export interface Step<W> {
  name: string;
  /** Names of the steps that must have finished first. */
  after: readonly string[];
  run(worker: W): Promise<void>;
}

/** Throws when names repeat, a step waits for an unknown one, or steps wait for each other in a circle (they would never start). */
export function checkSteps(steps: ReadonlyArray<Pick<Step<unknown>, 'name' | 'after'>>): void {
  const names = new Set<string>();
  for (const { name } of steps) {
    if (names.has(name)) throw new Error(`step "${name}" is named twice`);
    names.add(name);
  }
  for (const { name, after } of steps) {
    const unknown = after.find((a) => !names.has(a));
    if (unknown !== undefined) throw new Error(`step "${name}" waits for "${unknown}", which is not a step`);
  }
  const ordered = new Set<string>();
  while (ordered.size < steps.length) {
    const ready = steps.filter((s) => !ordered.has(s.name) && s.after.every((a) => ordered.has(a)));
    if (ready.length === 0) {
      throw new Error(`steps wait for each other: ${steps.filter((s) => !ordered.has(s.name)).map((s) => s.name).join(', ')}`);
    }
    for (const s of ready) ordered.add(s.name);
  }
}

export async function runSteps<W>(steps: ReadonlyArray<Step<W>>, workers: readonly W[]): Promise<void> {
  checkSteps(steps);
  if (workers.length === 0) throw new Error('no worker to run the steps on');
  const started = new Set<string>();
  const finished = new Set<string>();
  let failure: { error: unknown } | null = null;
  // Workers with nothing ready wait here until some step finishes.
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const finishedOne = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };

  const work = async (worker: W): Promise<void> => {
    while (failure === null && started.size < steps.length) {
      const step = steps.find((s) => !started.has(s.name) && s.after.every((a) => finished.has(a)));
      if (!step) {
        await changed;
        continue;
      }
      started.add(step.name);
      try {
        await step.run(worker);
        finished.add(step.name);
      } catch (error) {
        failure ??= { error };
      } finally {
        finishedOne();
      }
    }
  };
  await Promise.all(workers.map(work));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
