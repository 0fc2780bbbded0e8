/** Isolator plugins as separate processes for tests. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { REPO_ROOT, eventually } from "./cluster.ts";

export const EXAMPLE_PLUGIN = join(REPO_ROOT, "plugins/isolator-example/src/main.ts");

export function examplePluginCommand(socket: string, extra: string[] = []): string[] {
  return [process.execPath, EXAMPLE_PLUGIN, `--socket=${socket}`, ...extra];
}

const started: Subprocess[] = [];

/** Starts the example plugin and waits for its socket. */
export async function startExamplePlugin(socket: string, extra: string[] = []): Promise<Subprocess> {
  const proc = Bun.spawn(examplePluginCommand(socket, extra), { stdio: ["ignore", "ignore", "inherit"] });
  started.push(proc);
  await eventually(() => existsSync(socket), 10_000, `the example plugin's socket ${socket}`);
  return proc;
}

export function stopPlugins(): void {
  for (const p of started.splice(0)) p.kill("SIGKILL");
}
