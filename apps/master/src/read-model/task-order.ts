/**
 * `/tasks`' order (Mesos orders tasks by their first status's timestamp, tasks without statuses
 * first, then by id) without sorting every task on every read: each framework's tasks are sorted
 * once per revision of them, and a read merges those lists up to the page it shows. The result is
 * the stable sort of all of them (frameworks in order, then each list in order) sliced the same way.
 */
import type { Task } from "@mesos/proto";
import { Memo } from "./memo.ts";

export type TaskOrder = "asc" | "des";

/** Ascending: first status's timestamp (none first), then task id. */
export function ascending(a: Task, b: Task): number {
  const ta = a.statuses[0]?.timestamp;
  const tb = b.statuses[0]?.timestamp;
  if (ta === undefined || tb === undefined || ta === tb) {
    if (ta !== tb) return ta === undefined ? -1 : 1;
    return a.taskId!.value < b.taskId!.value ? -1 : a.taskId!.value > b.taskId!.value ? 1 : 0;
  }
  return ta - tb;
}

export const compareIn = (order: TaskOrder) => (order === "asc" ? ascending : (a: Task, b: Task) => ascending(b, a));

const sortedLists = new Memo<object, Record<TaskOrder, Task[] | undefined>>();

/** An owner's tasks in `order`, sorted again only when `revision` changed. */
export function sortedTasks(owner: object, revision: number, tasks: () => Task[], order: TaskOrder): Task[] {
  const sorted = sortedLists.get(owner, [revision], () => ({ asc: undefined, des: undefined }));
  return (sorted[order] ??= tasks().sort(compareIn(order)));
}

/** Tasks `offset` to `offset + limit` of the sorted `lists` merged (on a tie, the earlier list's first). */
export function mergedPage(lists: readonly Task[][], order: TaskOrder, offset: number, limit: number): Task[] {
  const compare = compareIn(order);
  const at = lists.map(() => 0);
  const out: Task[] = [];
  for (let n = 0; n < offset + limit; n++) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const t = lists[i]![at[i]!];
      if (t !== undefined && (best === -1 || compare(t, lists[best]![at[best]!]!) < 0)) best = i;
    }
    if (best === -1) break;
    const t = lists[best]![at[best]!++]!;
    if (n >= offset) out.push(t);
  }
  return out;
}
