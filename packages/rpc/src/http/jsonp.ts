/**
 * libprocess's `OK(json, jsonp)` for every v0 JSON endpoint: with `?jsonp=CB` a JSON answer is sent
 * as `CB(<json>)` with `Content-Type: text/javascript`, which is how the Mesos web UI and other
 * tools read endpoints of another origin (a script tag). Applied once, as middleware, so no
 * endpoint can forget it. Only successful JSON answers are wrapped, as in Mesos.
 */
import type { MiddlewareHandler } from "hono";

/** A callback is a dotted JavaScript name (`cb`, `angular.callbacks._0`); anything else could inject script. */
const CALLBACK = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export function jsonp(): MiddlewareHandler {
  return async (c, next) => {
    const callback = c.req.query("jsonp");
    if (callback === undefined || c.req.method !== "GET") return next();
    if (!CALLBACK.test(callback)) {
      return c.text(`Invalid 'jsonp' callback '${callback}': expected a JavaScript name.\n`, 400);
    }
    await next();
    const res = c.res;
    if (res.status !== 200 || !res.headers.get("Content-Type")?.startsWith("application/json")) return;
    const body = await res.text();
    const headers = new Headers(res.headers);
    headers.set("Content-Type", "text/javascript");
    headers.delete("Content-Length");
    c.res = new Response(`${callback}(${body})`, { status: 200, headers });
  };
}
