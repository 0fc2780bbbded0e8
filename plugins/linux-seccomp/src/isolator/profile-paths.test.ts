/** Profile names stay inside --seccomp_config_dir. */
import { expect, test } from "bun:test";
import { profilePath } from "./profile-paths.ts";

test("names relative to the directory, sub-directories and harmless '..' included", () => {
  expect(profilePath("/etc/mesos/seccomp", "default.json")).toBe("/etc/mesos/seccomp/default.json");
  expect(profilePath("/etc/mesos/seccomp/", "teams/a.json")).toBe("/etc/mesos/seccomp/teams/a.json");
  expect(profilePath("/etc/mesos/seccomp", "teams/../b.json")).toBe("/etc/mesos/seccomp/b.json");
  expect(profilePath("seccomp", "./c.json")).toBe("seccomp/c.json");
  expect(profilePath("/p", "..x.json")).toBe("/p/..x.json"); // a file name starting with dots is fine
});

test.each([
  ["/etc/passwd", /is an absolute path/],
  ["../secret.json", /escapes --seccomp_config_dir/],
  ["a/../../secret.json", /escapes --seccomp_config_dir/],
  ["..", /escapes --seccomp_config_dir/],
  [".", /names --seccomp_config_dir itself/],
  ["a/..", /names --seccomp_config_dir itself/],
  ["", /Missing Seccomp profile name/],
  ["x\0.json", /contains a NUL byte/],
])("refused: %j", (name, message) => {
  expect(() => profilePath("/etc/mesos/seccomp", name)).toThrow(message);
});
