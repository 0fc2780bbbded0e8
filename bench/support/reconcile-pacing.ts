/**
 * When a framework re-asks the master about the tasks reconciliation has not answered yet. After a
 * master's restart it stays silent about a task whose agent has not re-registered (Mesos 1.8), so
 * a framework asks again until every task is answered; how soon decides how long the last agents'
 * tasks wait after those agents are back. A fixed second made it up to a second (at 10,000 agents
 * the last task was confirmed 0.8 s after the last agent). Here the wait is proportional to how
 * many are outstanding: the master decodes and looks up each asked task, so a call's cost is its
 * size, and a framework re-asks at most about MAX_ASKS_PER_SECOND tasks a second whatever it has
 * left. Many outstanding (the agents still coming back) wait up to a second, as before; the last
 * few are asked about every MIN_MS, cheap calls, so the tail shrinks to about that.
 */

/** The shortest wait: a few tasks' call costs the master about as much as its HTTP request (tens of µs). */
export const RECONCILE_RETRY_MIN_MS = 100;
/** The longest: what every outstanding task waited before. */
export const RECONCILE_RETRY_MAX_MS = 1000;
/** Tasks re-asked a second at most, once the wait is below its longest (5,000: a second's wait for 5,000 outstanding). */
export const MAX_ASKS_PER_SECOND = 5000;

/** How long to wait before asking again about `outstanding` tasks not answered yet. */
export function reconcileRetryMs(outstanding: number): number {
  const proportional = (outstanding / MAX_ASKS_PER_SECOND) * 1000;
  return Math.min(RECONCILE_RETRY_MAX_MS, Math.max(RECONCILE_RETRY_MIN_MS, proportional));
}

/**
 * Probes asked a second at most (reconcile-probes.ts): one stands for all of an agent's tasks, and
 * at 10,000 agents most are not back yet, so rounds of probes were most of what reconciliation
 * asked. Half the tasks' rate: the first agents' tasks are confirmed later, which changes nothing
 * (the last agent decides), and a round comes every tenth of a second once a few hundred agents
 * are left (the last ones back wait that long).
 */
export const MAX_PROBES_PER_SECOND = 2500;

/**
 * The wait before the next round of `probes`: proportional to their number, as tasks are above;
 * while the master has answered nothing since the re-subscription (`silentRounds` rounds in a row:
 * its agents are not back yet) it doubles each round up to the longest.
 */
export function probeWaitMs(probes: number, silentRounds: number): number {
  const proportional = Math.max(RECONCILE_RETRY_MIN_MS, (probes / MAX_PROBES_PER_SECOND) * 1000);
  return Math.min(RECONCILE_RETRY_MAX_MS, proportional * 2 ** Math.max(0, silentRounds - 1));
}
