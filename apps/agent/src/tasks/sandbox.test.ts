/** A command task's sandbox: made with its missing parents, the first one made returned (as the recursive mkdir does). */
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRunSandbox } from "./sandbox.ts";

test("the executor's directory is the first made; with no executors/ yet, or the executor there, it still makes the sandbox", () => {
  const root = mkdtempSync(join(tmpdir(), "sandbox-"));
  try {
    const executors = join(root, "frameworks", "f", "executors");
    // No executors/ yet: everything from frameworks/ down is made.
    expect(makeRunSandbox(join(executors, "e1", "runs", "c1"))).toBe(join(root, "frameworks"));
    // The common case: the executor's directory, runs/ and the run are new.
    expect(makeRunSandbox(join(executors, "e2", "runs", "c2"))).toBe(join(executors, "e2"));
    // Another run of an executor already there: only the run is new.
    expect(makeRunSandbox(join(executors, "e2", "runs", "c3"))).toBe(join(executors, "e2", "runs", "c3"));
    mkdirSync(join(executors, "e4", "runs", "c4"), { recursive: true });
    expect(makeRunSandbox(join(executors, "e4", "runs", "c4"))).toBeUndefined();
    for (const run of ["e1/runs/c1", "e2/runs/c2", "e2/runs/c3", "e4/runs/c4"]) expect(existsSync(join(executors, run))).toBe(true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
