/**
 * Enforces the import rules of the design (DESIGN.md §2):
 * - plugins never import apps;
 * - the master and the agent never import each other;
 * - the CLI reaches the cluster only through @mesos/client (it may use core and proto for types);
 * - nothing outside test/ imports test/;
 * - no deep imports across packages: another workspace is reached by its name and the subpaths
 *   its package.json `exports` declares, never by a relative path into it or `@mesos/x/src/...`.
 *
 * `bun scripts/check-deps.ts` prints each violation as `file: imports 'spec' (rule)` and exits 1.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const root = resolve(import.meta.dir, "..");

interface Workspace {
  name: string;
  dir: string; // relative to root, e.g. "apps/master"
  exports: Set<string>; // "." and "./x" subpaths
}

function readWorkspaces(): Workspace[] {
  const globs: string[] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
  const dirs = globs.flatMap((g) => (g.endsWith("/*") ? readdirSync(join(root, g.slice(0, -2))).map((d) => `${g.slice(0, -2)}/${d}`) : [g]));
  return dirs
    .filter((d) => statSafe(join(root, d, "package.json")))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
      const exports = new Set<string>(pkg.exports && typeof pkg.exports === "object" ? Object.keys(pkg.exports) : ["."]);
      return { name: pkg.name as string, dir, exports };
    });
}

function statSafe(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "gen" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield path;
  }
}

const importPattern =
  /(?:^|[^\w$.])(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|(?:^|[^\w$.])import\s*\(\s*["']([^"']+)["']\s*\)|(?:^|[^\w$.])import\s+["']([^"']+)["']/gm;

export function importsOf(text: string): string[] {
  // Comments may mention imports in prose; strip them first.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  return [...code.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

type Area = "master" | "agent" | "cli" | "plugin" | "package" | "entry" | "test" | "other";

function areaOf(relPath: string): Area {
  if (relPath.startsWith(`apps${sep}master${sep}`)) return "master";
  if (relPath.startsWith(`apps${sep}agent${sep}`)) return "agent";
  if (relPath.startsWith(`apps${sep}cli${sep}`)) return "cli";
  if (relPath.startsWith(`apps${sep}mesos${sep}`)) return "entry";
  if (relPath.startsWith(`plugins${sep}`)) return "plugin";
  if (relPath.startsWith(`packages${sep}`) || relPath.startsWith(`proto${sep}`)) return "package";
  if (relPath.startsWith(`test${sep}`)) return "test";
  return "other";
}

const APPS = new Set(["@mesos/master", "@mesos/agent", "@mesos/cli", "@mesos/mesos"]);
const CLI_ALLOWED = new Set(["@mesos/client", "@mesos/core", "@mesos/proto"]);

export function checkDeps(): string[] {
  const workspaces = readWorkspaces();
  const byName = new Map(workspaces.map((w) => [w.name, w]));
  const owner = (relPath: string) => workspaces.find((w) => relPath === w.dir || relPath.startsWith(w.dir + sep));
  const problems: string[] = [];

  for (const top of ["apps", "packages", "plugins", "proto", "test", "bench", "scripts"]) {
    if (!statSafe(join(root, top))) continue;
    for (const file of sourceFiles(join(root, top))) {
      const rel = relative(root, file);
      const area = areaOf(rel);
      const home = owner(rel);
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        const report = (rule: string) => problems.push(`${rel}: imports '${spec}' (${rule})`);
        if (spec.startsWith(".")) {
          const target = relative(root, resolve(dirname(file), spec));
          if (target.startsWith(`test${sep}`) && area !== "test") report("nothing outside test/ imports test/");
          const targetHome = owner(target);
          if (targetHome && home !== targetHome) report(`a relative path into ${targetHome.name}; import it by name`);
          continue;
        }
        const m = /^(@mesos\/[^/]+)(\/.*)?$/.exec(spec);
        if (!m) continue;
        const [, name, sub] = m;
        const target = byName.get(name!);
        if (!target) {
          report("no such workspace");
          continue;
        }
        if (!target.exports.has(sub ? `.${sub}` : ".")) report(`deep import; ${name} exports ${[...target.exports].join(", ")}`);
        if (area === "plugin" && APPS.has(name!)) report("plugins never import apps");
        if (area === "master" && name === "@mesos/agent") report("the master never imports the agent");
        if (area === "agent" && name === "@mesos/master") report("the agent never imports the master");
        if (area === "cli" && !CLI_ALLOWED.has(name!)) report("the CLI reaches the cluster only through @mesos/client");
        if (area === "package" && APPS.has(name!)) report("packages never import apps");
      }
    }
  }
  return problems;
}

if (import.meta.main) {
  const problems = checkDeps();
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`\n${problems.length} import rule violation(s).`);
    process.exit(1);
  }
  console.log("imports: every rule holds");
}
