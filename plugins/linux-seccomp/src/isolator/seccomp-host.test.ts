/** Reading the host: kernel release, capability bounding set. */
import { expect, test } from "bun:test";
import { capabilitiesFromMask, capabilityNumber } from "../profile/capabilities.ts";
import { boundingSetFromStatus, parseKernelRelease } from "./seccomp-host.ts";

test("kernel releases", () => {
  expect(parseKernelRelease("6.1.0-18-amd64")).toEqual([6, 1]);
  expect(parseKernelRelease("5.15.153.1-microsoft-standard-WSL2")).toEqual([5, 15]);
  expect(parseKernelRelease("weird")).toBeUndefined();
});

test("the bounding set from /proc/self/status", () => {
  const status = "Name:\tbun\nCapInh:\t0000000000000000\nCapBnd:\t0000000000200001\nCapAmb:\t0000000000000000\n";
  expect(boundingSetFromStatus(status)).toEqual(["CAP_CHOWN", "CAP_SYS_ADMIN"]);
  expect(capabilitiesFromMask("000001ffffffffff")).toHaveLength(41);
  expect(capabilitiesFromMask(0n)).toEqual([]);
  expect(capabilityNumber("sys_admin")).toBe(21);
  expect(capabilityNumber("CAP_CHECKPOINT_RESTORE")).toBe(40);
  expect(capabilityNumber("CAP_NOPE")).toBeUndefined();
  expect(() => boundingSetFromStatus("Name:\tx\n")).toThrow(/no CapBnd/);
});
