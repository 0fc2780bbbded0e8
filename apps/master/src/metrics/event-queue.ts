/**
 * What Mesos's `master/event_queue_*` gauges count, for this master. Mesos's master is a libprocess
 * actor: messages (from agents and scheduler drivers), dispatches (deferred work of its own) and
 * HTTP requests wait in its mailbox until it takes them one at a time. This master takes requests
 * on one event loop and awaits inside them (registry commits, batched state reads), so its queue
 * is the work it has accepted and not finished (from a request's arrival, its body still being
 * read, until its answer):
 * - messages: agents' attaches (the first frame on their link) not yet answered, those waiting their
 *   turn (agents/attach-turns.ts) included; the link's later
 *   frames are handled as they arrive, without waiting;
 * - http_requests: every HTTP request (scheduler and operator calls, v0 endpoints) received
 *   and not yet answered; an event stream counts until its headers are sent. Reads of the metrics
 *   do not count (Mesos serves them from another actor);
 * - dispatches: work deferred to a later turn of the loop: state views waiting for their batch
 *   (MESOS-9158) and an allocation cycle that is due.
 */
import type { AttachCounter } from "../agents/agent-link-session.ts";

const METRICS = /^\/metrics(\/snapshot)?$/;

type Fetch = (req: Request, ...rest: never[]) => Response | Promise<Response>;

export interface EventQueue extends AttachCounter {
  /** `fetch`, counting each request from its arrival until its answer (Connect's fast paths included). */
  wrap<F extends Fetch>(fetch: F): F;
  messages(): number;
  httpRequests(): number;
}

export function createEventQueue(): EventQueue {
  let messages = 0;
  let httpRequests = 0;
  return {
    wrap<F extends Fetch>(fetch: F): F {
      return ((req: Request, ...rest: never[]) => {
        // The path without parsing the URL (this runs for every request: a scheduler call costs ~60 µs).
        const url = req.url;
        const start = url.indexOf("/", url.indexOf("://") + 3);
        const path = start < 0 ? "/" : url.slice(start, url.indexOf("?", start) >>> 0);
        if (METRICS.test(path)) return fetch(req, ...rest);
        httpRequests++;
        const done = () => httpRequests--;
        try {
          const answer = fetch(req, ...rest);
          if (answer instanceof Promise) return answer.finally(done);
          done();
          return answer;
        } catch (e) {
          done();
          throw e;
        }
      }) as F;
    },
    attachStarted() {
      messages++;
    },
    attachEnded() {
      messages--;
    },
    messages: () => messages,
    httpRequests: () => httpRequests,
  };
}
