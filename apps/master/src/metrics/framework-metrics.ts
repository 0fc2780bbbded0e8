/**
 * Mesos 1.8's per-framework metrics (src/master/metrics.cpp, FrameworkMetrics), published for every
 * framework the master holds (not the completed ones) under
 * `master/frameworks/<name, percent-encoded>/<id>/`: `subscribed`; `calls` and `calls/<type>`;
 * `events` and `events/<type>`; `offers/{sent,accepted,declined,rescinded}`; `tasks/active/<state>`
 * (non-terminal states, a gauge) and `tasks/terminal/<state>` (a counter); `operations` and
 * `operations/<type>`. Every name is there from the start, at 0, as Mesos registers them all.
 * The counters are the Framework's own (framework.ts), the terminal task counts the TaskLedger's,
 * the active task counts are read from its tasks (once per change of them).
 */
import { isTerminalState } from "@mesos/core";
import { Offer_Operation_Type, scheduler, type Task, TaskState } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { Memo } from "../read-model/memo.ts";

/** The lower-case names of an enum's values but UNKNOWN. */
const names = (e: Record<string, string | number>) =>
  Object.entries(e)
    .filter(([name, value]) => typeof value === "number" && name !== "UNKNOWN")
    .map(([name, value]) => ({ name: name.toLowerCase(), value: value as number }));

const CALLS = names(scheduler.Call_Type).map((c) => `calls/${c.name}`);
const EVENTS = names(scheduler.Event_Type).map((e) => `events/${e.name}`);
const OPERATIONS = names(Offer_Operation_Type).map((o) => `operations/${o.name}`);
const OFFERS = ["offers/sent", "offers/accepted", "offers/declined", "offers/rescinded"];
const STATES = names(TaskState);
const ACTIVE_STATES = STATES.filter((s) => !isTerminalState(s.value));
const TERMINAL_STATES = STATES.filter((s) => isTerminalState(s.value));
const COUNTERS = ["calls", ...CALLS, "events", ...EVENTS, ...OFFERS, "operations", ...OPERATIONS];

/** libprocess's http::encode: reserved and unsafe characters, controls and non-ASCII bytes as %XX. */
export function percentEncode(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += byte < 0x20 || byte > 0x7f || `$&+,/:;=?@ "<>#%{}|\\^~[]\``.includes(c) ? `%${byte.toString(16).toUpperCase().padStart(2, "0")}` : c;
  }
  return out;
}

const activeCounts = new Memo<Framework, Map<TaskState, number>>();

function countStates(tasks: Iterable<Task>, into: Map<TaskState, number>): void {
  for (const t of tasks) into.set(t.state, (into.get(t.state) ?? 0) + 1);
}

/** The framework's active and unreachable tasks by state (terminal ones not yet acknowledged too), counted once per change. */
export function activeTaskCounts(ctx: MasterContext, f: Framework): ReadonlyMap<TaskState, number> {
  return activeCounts.get(f, [ctx.tasks.revision(f.id)], () => {
    const counts = new Map<TaskState, number>();
    countStates(ctx.tasks.active(f.id).values(), counts);
    countStates(ctx.tasks.unreachable(f.id).values(), counts);
    return counts;
  });
}

/** Every framework's metrics, by their full names. */
export function frameworkMetrics(ctx: MasterContext): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of ctx.frameworks.values()) {
    const prefix = `master/frameworks/${percentEncode(f.info.name)}/${f.id}/`;
    out[`${prefix}subscribed`] = f.active ? 1 : 0;
    for (const name of COUNTERS) out[prefix + name] = f.counters.get(name) ?? 0;
    const active = activeTaskCounts(ctx, f);
    for (const s of ACTIVE_STATES) out[`${prefix}tasks/active/${s.name}`] = active.get(s.value) ?? 0;
    const terminal = ctx.tasks.terminalCounts(f.id);
    for (const s of TERMINAL_STATES) out[`${prefix}tasks/terminal/${s.name}`] = terminal.get(s.value) ?? 0;
  }
  return out;
}
