/**
 * The metrics registry over HTTP: libprocess's `/metrics/snapshot` (a flat JSON object; `timeout`
 * is accepted as Mesos parses it) and `/metrics` in Prometheus's text format for scrapers.
 */
import { type Metrics, parseDuration, prometheusText } from "@mesos/core";
import type { Context, Hono } from "hono";

export function mountMetrics(app: Hono, metrics: Metrics, snapshotPaths = ["/metrics/snapshot"]): void {
  const snapshot = async (c: Context) => {
    const timeout = c.req.query("timeout");
    if (timeout !== undefined) {
      try {
        parseDuration(timeout);
      } catch (e) {
        return c.text(`Invalid timeout '${timeout}': ${(e as Error).message}.\n`, 400);
      }
    }
    return c.json(await metrics.snapshot());
  };
  for (const path of snapshotPaths) app.get(path, snapshot);
  app.get("/metrics", async (c) =>
    c.body(prometheusText(await metrics.families()), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
}
