/**
 * The structural target: worst-case path <= 3 * log2(rules) + 10 instructions, measured on
 * the final program's DAG (a property of the code, not a timing).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { loadProfile } from "../profile/parse-profile.ts";
import { ABIS } from "../syscalls/abis.ts";
import { compileProfile } from "./compile.ts";
import type { CompileTarget } from "./target.ts";

const bound = (rules: number) => 3 * Math.log2(rules) + 10;
const example = loadProfile(readFileSync(new URL("../../test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname, "utf8")).profile;

describe("worst-case path", () => {
  const targets: [string, CompileTarget][] = [
    ["x86_64, no capabilities", { arch: "x86_64" }],
    ["x86_64, CAP_SYS_ADMIN", { arch: "x86_64", capabilities: ["CAP_SYS_ADMIN"] }],
    ["aarch64, no capabilities", { arch: "aarch64" }],
  ];
  for (const [name, target] of targets) {
    test(`the Mesos example profile (${name}) stays within 3*log2(rules)+10`, () => {
      const c = compileProfile(example, target);
      console.log(
        `mesos example, ${name}: ${c.rules} rules, ${c.instructions} instructions, worst-case path ${c.worstCasePath}, bound ${bound(c.rules).toFixed(1)}`,
      );
      expect(c.rules).toBeGreaterThan(200);
      expect(c.worstCasePath).toBeLessThanOrEqual(bound(c.rules));
      expect(c.instructions).toBeLessThan(400);
    });
  }

  test("the linear comparison filter of the same rules is as long as the rule list", () => {
    const c = compileProfile(example, { arch: "x86_64" }, { search: "linear" });
    expect(c.worstCasePath).toBeGreaterThan(c.rules);
  });

  test("allow-lists of 1 to 360 syscalls without argument conditions stay within the bound", () => {
    const names = Object.keys(ABIS.x86_64.table);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 1; n <= 360; n += 7) {
      const picked = [...names].sort(() => rand() - 0.5).slice(0, n);
      const json = { defaultAction: "SCMP_ACT_ERRNO", syscalls: [{ names: picked, action: "SCMP_ACT_ALLOW" }] };
      for (const arch of ["x86_64", "aarch64"] as const) {
        const c = compileProfile(loadProfile(JSON.stringify(json)).profile, { arch });
        if (c.rules === 0) continue;
        expect(c.worstCasePath).toBeLessThanOrEqual(bound(c.rules));
      }
    }
  });
});
