/**
 * Where a master handles the agents' attach requests: in turns of at most TURN_BUDGET_MS, between
 * which the event loop reads every other socket, instead of each as its frame is read. After a
 * failover 10,000 agents attach within a second or two, and one poll of the event loop hands the
 * master up to a thousand of their frames at once (about a quarter of a second of work): handled as
 * read, a framework's request body (its RECONCILE of 10,000 tasks, a few reads) waited behind every
 * one of them, and the master answered it 3.0-3.8 s after it was sent, after the last agent was
 * back. Mesos's master takes messages in the order they arrive, whoever sends them; this keeps the
 * agents' order among themselves and lets the rest in between turns.
 */

/** A turn's length: long enough that yielding costs nothing measurable, short enough that a request waits at most about this. */
export const TURN_BUDGET_MS = 10;

export interface AttachTurns {
  /** Runs `job` in a later turn, after those queued before it. */
  push(job: () => void): void;
  /** Jobs queued and not run yet. */
  readonly queued: number;
}

export function createAttachTurns(budgetMs = TURN_BUDGET_MS, now: () => number = () => performance.now()): AttachTurns {
  let jobs: (() => void)[] = [];
  let next = 0;
  let scheduled = false;

  function turn(): void {
    scheduled = false;
    const until = now() + budgetMs;
    while (next < jobs.length) {
      const job = jobs[next]!;
      jobs[next++] = noop;
      job();
      if (now() >= until) break;
    }
    if (next < jobs.length) schedule();
    else {
      jobs = [];
      next = 0;
    }
  }
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // setImmediate: after the event loop has polled its sockets again (a microtask would run before).
    setImmediate(turn);
  }
  return {
    push(job) {
      jobs.push(job);
      schedule();
    },
    get queued() {
      return jobs.length - next;
    },
  };
}

const noop = () => {};
