/**
 * Which files the agent's file API may serve: only what lies inside an executor run's sandbox,
 * named as Mesos names it, either by the virtual path Mesos attaches for every run
 * (`/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container|latest>/...`) or by
 * the sandbox's absolute path. The real path (symlinks resolved) must stay inside that sandbox;
 * a path that escapes it is refused, as Mesos refuses it ("... is inaccessible").
 */
import { realpathSync } from "node:fs";
import { join, normalize, sep } from "node:path";
import { invalid } from "@mesos/core";
import type { FileRoots, ResolvedPath } from "@mesos/rpc";
import type { AgentContext } from "../context.ts";
import { summarize } from "../projection/summaries.ts";

const RUN = /^\/slaves\/([^/]+)\/frameworks\/([^/]+)\/executors\/([^/]+)\/runs\/([^/]+)(\/.*)?$/;

/** An executor run whose sandbox is attached (listed by `/files/debug`). */
export interface AttachedRun {
  frameworkId: string;
  executorId: string;
  directory: string;
}

/**
 * `slavesDir` is `<work_dir>/slaves`; `agentId` this agent's id (a virtual path names it); `runs` the
 * executors whose sandboxes Mesos would have attached (for /files/debug; any run's sandbox resolves).
 */
export function createSandboxPaths(deps: { slavesDir: string; agentId: () => string; runs: () => AttachedRun[] }): FileRoots {
  const runRoot = (fw: string, ex: string, run: string) => join(deps.slavesDir, deps.agentId(), "frameworks", fw, "executors", ex, "runs", run);
  const realOrUndefined = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const within = (root: string, suffix: string, requested: string): ResolvedPath | undefined => {
    const rootReal = realOrUndefined(root);
    if (!rootReal) return undefined;
    const joined = join(rootReal, suffix);
    const real = realOrUndefined(joined);
    if (!real) return undefined;
    if (real !== rootReal && !real.startsWith(rootReal + sep)) throw invalid(`'${joined}' is inaccessible`);
    return { real, requested };
  };
  return {
    // Mesos attaches each executor's directory three ways: `.../runs/latest` on disk, its virtual path, and itself.
    attached() {
      const out: Record<string, string> = {};
      for (const r of deps.runs()) {
        const latest = runRoot(r.frameworkId, r.executorId, "latest");
        out[latest] = r.directory;
        out[`/slaves/${deps.agentId()}/frameworks/${r.frameworkId}/executors/${r.executorId}/runs/latest`] = r.directory;
        out[r.directory] = r.directory;
      }
      return out;
    },
    resolve(requested) {
      // `..` is resolved textually first, so `runs/x/../../y` names what it looks like it names.
      const path = normalize(requested).replace(/(.)\/+$/, "$1");
      const virtual = path.match(RUN);
      if (virtual) {
        const [, agent, fw, ex, run, rest] = virtual;
        if (agent !== deps.agentId()) return undefined;
        return within(runRoot(fw!, ex!, run!), rest ?? "", requested);
      }
      // An absolute sandbox path: <slavesDir>/<agent>/frameworks/F/executors/E/runs/R[/...]
      const prefix = join(deps.slavesDir, deps.agentId()) + sep;
      if (!path.startsWith(prefix)) return undefined;
      const parts = path.slice(prefix.length).split("/");
      if (parts.length < 6 || parts[0] !== "frameworks" || parts[2] !== "executors" || parts[4] !== "runs") return undefined;
      return within(runRoot(parts[1]!, parts[3]!, parts[5]!), parts.slice(6).join("/"), requested);
    },
  };
}

/** The runs whose sandboxes are attached: live executors and the completed ones the agent remembers. */
export function attachedRuns(ctx: AgentContext): AttachedRun[] {
  const live = summarize(ctx).executors.map((e) => ({ frameworkId: e.frameworkId, executorId: e.id, directory: e.directory }));
  const done = [...ctx.frameworks.keys()].flatMap((id) =>
    ctx.completed.completedExecutors(id).map((e) => ({ frameworkId: e.frameworkId, executorId: e.id, directory: e.directory })),
  );
  const completed = ctx.completed
    .completedFrameworks()
    .flatMap((f) => f.executors.map((e) => ({ frameworkId: e.frameworkId, executorId: e.id, directory: e.directory })));
  return [...live, ...done, ...completed];
}
