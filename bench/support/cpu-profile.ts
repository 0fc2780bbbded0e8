/**
 * A CPU profile of this process over a stretch of a bench (the failover alone, say), where
 * `bun --cpu-prof` would cover the whole run: written as `<name>-<pid>-<epoch ms>.cpuprofile` in
 * `dir` when the returned function is called (bench/support/cpuprofile-summary.ts reads it).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

export async function startCpuProfile(dir: string, name: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
  await post("Profiler.enable");
  await post("Profiler.start");
  return async () => {
    const { profile } = (await post("Profiler.stop")) as { profile: unknown };
    writeFileSync(join(dir, `${name}-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}
