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

/** What a request names: the sandbox it is in, the real path, and the path as the caller wrote it. */
export interface ResolvedPath {
  real: string;
  requested: string;
}

const RUN = /^\/slaves\/([^/]+)\/frameworks\/([^/]+)\/executors\/([^/]+)\/runs\/([^/]+)(\/.*)?$/;

export interface SandboxPaths {
  /** The real path `requested` names, or undefined if it names nothing servable (404). Throws `invalid` for an escape. */
  resolve(requested: string): ResolvedPath | undefined;
}

/** `slavesDir` is `<work_dir>/slaves`; `agentId` this agent's id (a virtual path names it). */
export function createSandboxPaths(deps: { slavesDir: string; agentId: () => string }): SandboxPaths {
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
