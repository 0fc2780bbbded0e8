/**
 * Named steps, so a container that cannot be built fails with a message saying where:
 * `Failed to launch container: mounting tmpfs on /data: mount(tmpfs on /data, tmpfs) failed: ...`.
 */
class StepError extends Error {
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StepError";
  }
}

export function step<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof StepError) throw e;
    throw new StepError(name, e);
  }
}

export async function stepAsync<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof StepError) throw e;
    throw new StepError(name, e);
  }
}
