#!/usr/bin/env bun
/**
 * The example isolator plugin as a process:
 *
 *   bun plugins/isolator-example/src/main.ts --socket=/run/mesos/example.sock \
 *       [--max_sandbox_mb=N] [--poll_interval_ms=1000] [--journal=FILE]
 *
 * It serves `mesos.isolator.v1` (Identity and Isolator) over Connect on the unix socket until
 * SIGTERM. See ../README.md for how an agent uses it.
 */
import { serveIsolator } from "@mesos/plugin-api";
import { createExampleIsolator } from "./example-isolator.ts";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z_]+)=(.*)$/.exec(a);
    if (!m) {
      console.error(`example isolator: unknown argument '${a}'`);
      process.exit(2);
    }
    return [m[1]!, m[2]!] as const;
  }),
);
const socket = args.get("socket");
if (!socket) {
  console.error("example isolator: --socket=PATH is required");
  process.exit(2);
}
const number = (name: string) => (args.has(name) ? Number(args.get(name)) : undefined);
const isolator = createExampleIsolator({ maxSandboxMb: number("max_sandbox_mb"), pollMs: number("poll_interval_ms"), journal: args.get("journal") });
const served = serveIsolator(isolator, { socket, vendorVersion: "0.1.0" });
console.log(`example/sandbox isolator plugin serving on unix://${socket}`);
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, async () => {
    await served.stop();
    process.exit(0);
  });
}
