/**
 * What Mesos's `master/event_queue_*` gauges count, for this master. Mesos's master is a libprocess
 * actor: messages (from agents and scheduler drivers), dispatches (deferred work of its own) and
 * HTTP requests wait in its mailbox until it takes them one at a time. This master takes requests
 * on one event loop and awaits inside them (registry commits, batched state reads), so its queue
 * is the work it has accepted and not finished:
 * - messages: calls from agents on their link (AgentLink), received and not yet answered;
 * - http_requests: every other HTTP request (scheduler and operator calls, v0 endpoints) received
 *   and not yet answered; an event stream counts until its headers are sent. Reads of the metrics
 *   do not count (Mesos serves them from another actor);
 * - dispatches: work deferred to a later turn of the loop: state views waiting for their batch
 *   (MESOS-9158) and an allocation cycle that is due.
 */
import { internal } from "@mesos/proto";
import type { MiddlewareHandler } from "hono";

const AGENT_LINK = `/${internal.AgentLink.typeName}/`;
const METRICS = /^\/metrics(\/snapshot)?$/;

export interface EventQueue {
  /** Counts each request while the master handles it. */
  middleware: MiddlewareHandler;
  messages(): number;
  httpRequests(): number;
}

export function createEventQueue(): EventQueue {
  let messages = 0;
  let httpRequests = 0;
  return {
    async middleware(c, next) {
      if (METRICS.test(c.req.path)) return next();
      const message = c.req.path.startsWith(AGENT_LINK);
      if (message) messages++;
      else httpRequests++;
      try {
        await next();
      } finally {
        if (message) messages--;
        else httpRequests--;
      }
    },
    messages: () => messages,
    httpRequests: () => httpRequests,
  };
}
