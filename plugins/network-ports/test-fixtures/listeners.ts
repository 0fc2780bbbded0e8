/**
 * Test helpers: free ports, and listener processes (listen.ts) started plainly, as PID 1 of a new
 * PID namespace (a root container's init, as the linux launcher makes it) or inside another
 * process's PID namespace (a nested container).
 */
import { createServer } from "node:net";
import { spawnInPidNamespace } from "@mesos/linux";
import type { Subprocess } from "bun";

export const LISTEN_PROGRAM = new URL("./listen.ts", import.meta.url).pathname;

/** A TCP port nobody listens on right now (IPv4 and IPv6). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "::", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A new PID namespace, another process's, or the caller's ("plain"). */
export type Where = { new: true } | { joinPid: number } | "plain";

/** Starts `listen.ts SPECS...` (or `sleep` with no specs) and waits until it listens. */
export async function startListener(specs: string[], where: Where = "plain"): Promise<Subprocess<"ignore", "pipe", "inherit">> {
  const cmd = specs.length > 0 ? [process.execPath, LISTEN_PROGRAM, ...specs] : ["sleep", "600"];
  const spawn = () => Bun.spawn(cmd, { stdio: ["ignore", "pipe", "inherit"] });
  const proc = where === "plain" ? spawn() : spawnInPidNamespace(where, spawn);
  if (specs.length > 0) {
    const reader = proc.stdout.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    if (!new TextDecoder().decode(value).includes("listening")) throw new Error(`listener ${specs.join(" ")} did not start`);
  }
  return proc;
}
