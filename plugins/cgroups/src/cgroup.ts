/**
 * One cgroup directory, v1 or v2: create (v2: enabling the controllers on the way down), move a
 * process in, list, kill everything in it, remove. Paths are `<mount>/<root>/<name>`.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

export interface Cgroup {
  readonly version: 1 | 2;
  readonly mount: string;
  readonly path: string;
  exists(): boolean;
  /** Creates it; `controllers` are enabled in every v2 ancestor's cgroup.subtree_control. */
  create(controllers?: readonly string[]): void;
  read(file: string): string;
  readOrUndefined(file: string): string | undefined;
  write(file: string, value: string | number): void;
  /** Moves `pid` in, off the agent's thread (a v1 move waits for an RCU grace period). */
  attach(pid: number): Promise<void>;
  pids(): number[];
  /** SIGKILLs every process in it (cgroup.kill on v2) and waits until it is empty. */
  killAll(timeoutMs?: number): Promise<void>;
  /** Removes it, killing what still runs in it first. Missing is fine. */
  destroy(): Promise<void>;
}

export function cgroupAt(version: 1 | 2, mount: string, path: string): Cgroup {
  const file = (f: string) => join(path, f);
  const cg: Cgroup = {
    version,
    mount,
    path,
    exists: () => existsSync(path),
    create(controllers = []) {
      if (version === 2) {
        // Every ancestor below the mount must delegate the controllers to its children.
        const parts = relative(mount, dirname(path)).split("/").filter(Boolean);
        let dir = mount;
        for (const p of ["", ...parts]) {
          dir = p ? join(dir, p) : dir;
          if (!existsSync(dir)) mkdirSync(dir);
          enableControllers(dir, controllers);
        }
      }
      mkdirSync(path, { recursive: true }); // no error if it exists
    },
    read: (f) => readFileSync(file(f), "utf8"),
    readOrUndefined(f) {
      try {
        return readFileSync(file(f), "utf8");
      } catch {
        return undefined;
      }
    },
    write(f, value) {
      try {
        writeFileSync(file(f), String(value));
      } catch (e) {
        throw new Error(`cannot write '${value}' to ${file(f)}: ${(e as Error).message}`);
      }
    },
    async attach(pid) {
      try {
        await writeFile(file("cgroup.procs"), String(pid));
      } catch (e) {
        throw new Error(`cannot move process ${pid} into ${path}: ${(e as Error).message}`);
      }
    },
    pids() {
      const text = cg.readOrUndefined("cgroup.procs") ?? "";
      return text.split("\n").filter(Boolean).map(Number);
    },
    async killAll(timeoutMs = 5000) {
      if (!existsSync(path)) return;
      const deadline = Date.now() + timeoutMs;
      if (version === 2 && existsSync(file("cgroup.kill"))) cg.write("cgroup.kill", 1);
      for (;;) {
        const pids = cg.pids();
        if (pids.length === 0) return;
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {}
        }
        if (Date.now() > deadline) throw new Error(`processes ${pids.join(", ")} in ${path} did not die`);
        await Bun.sleep(5);
      }
    },
    async destroy() {
      // Usually empty by now (the container's processes are gone): one rmdir. Processes still
      // in it are killed first; an empty cgroup can stay busy a moment while its last one exits.
      for (let attempt = 0; ; attempt++) {
        try {
          rmdirSync(path);
          return;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === "ENOENT") return;
          if (code !== "EBUSY" || attempt >= 50) throw new Error(`cannot remove cgroup ${path}: ${(e as Error).message}`);
        }
        if (cg.pids().length > 0) await cg.killAll();
        else await Bun.sleep(10);
      }
    },
  };
  return cg;
}

function enableControllers(dir: string, controllers: readonly string[]): void {
  if (controllers.length === 0) return;
  const enabled = readFileSync(join(dir, "cgroup.subtree_control"), "utf8").trim().split(/\s+/);
  const missing = controllers.filter((c) => !enabled.includes(c));
  if (missing.length === 0) return;
  try {
    writeFileSync(join(dir, "cgroup.subtree_control"), missing.map((c) => `+${c}`).join(" "));
  } catch (e) {
    throw new Error(`cannot enable the ${missing.join(", ")} controller(s) in ${dir}/cgroup.subtree_control: ${(e as Error).message}`);
  }
}
