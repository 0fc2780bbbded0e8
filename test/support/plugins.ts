/** Isolator plugins as separate processes for tests. */
import { join } from "node:path";
import type { Subprocess } from "bun";
import { REPO_ROOT, eventually } from "./cluster.ts";

export const EXAMPLE_PLUGIN = join(REPO_ROOT, "plugins/isolator-example/src/main.ts");

export function examplePluginCommand(socket: string, extra: string[] = []): string[] {
  return [process.execPath, EXAMPLE_PLUGIN, `--socket=${socket}`, ...extra];
}

const started: Subprocess[] = [];

/**
 * Starts the example plugin and waits until it serves: it says so once it listens (the socket file
 * appears a moment earlier, when connecting to it is still refused).
 */
export async function startExamplePlugin(socket: string, extra: string[] = []): Promise<Subprocess> {
  const proc = Bun.spawn(examplePluginCommand(socket, extra), { stdio: ["ignore", "pipe", "inherit"] });
  started.push(proc);
  let said = "";
  void (async () => {
    for await (const chunk of proc.stdout) said += new TextDecoder().decode(chunk);
  })();
  await eventually(() => said.includes("serving on"), 10_000, `the example plugin to serve on ${socket}`);
  return proc;
}

export function stopPlugins(): void {
  for (const p of started.splice(0)) p.kill("SIGKILL");
}
