import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { ResourceSchema } from "@mesos/proto";
import { ACTIVE_HEADROOM, formatBytes, limitationMessage, MB, megabytes, quotaLimits, quotaPolicy, sandboxQuota } from "./quota-policy.ts";

const r = (init: Parameters<typeof create<typeof ResourceSchema>>[1]) => create(ResourceSchema, init);

describe("quota policies", () => {
  test("flags to policy, as Mesos", () => {
    expect(quotaPolicy({ enforce_container_disk_quota: false, xfs_kill_containers: false })).toBe("accounting");
    expect(quotaPolicy({ enforce_container_disk_quota: false, xfs_kill_containers: true })).toBe("accounting");
    expect(quotaPolicy({ enforce_container_disk_quota: true, xfs_kill_containers: false })).toBe("passive");
    expect(quotaPolicy({ enforce_container_disk_quota: true, xfs_kill_containers: true })).toBe("active");
  });

  test("accounting clears limits; passive soft = hard; active hard = soft + 10 MB", () => {
    expect(quotaLimits("accounting", 64 * MB)).toBeUndefined();
    expect(quotaLimits("passive", 64 * MB)).toEqual({ soft: 64 * MB, hard: 64 * MB });
    expect(quotaLimits("active", 64 * MB)).toEqual({ soft: 64 * MB, hard: 74 * MB });
    expect(ACTIVE_HEADROOM).toBe(10 * 1024 * 1024);
    expect(() => quotaLimits("passive", 0)).toThrow("Quota limit must be greater than 0");
  });

  test("the sandbox quota is the sum of plain disk; volumes and disks with a DiskInfo are not in it", () => {
    expect(sandboxQuota([r({ name: "cpus", scalar: { value: 1 } })])).toBeUndefined();
    const resources = [
      r({ name: "disk", scalar: { value: 10 } }),
      r({ name: "disk", scalar: { value: 5 }, reservations: [{ role: "db" }] }),
      r({ name: "disk", scalar: { value: 100 }, reservations: [{ role: "db" }], disk: { persistence: { id: "v" } } }),
      r({ name: "disk", scalar: { value: 200 }, disk: { source: { type: 1, path: { root: "/d" } } } }),
      r({ name: "mem", scalar: { value: 64 } }),
    ];
    expect(sandboxQuota(resources)).toBe(15 * MB);
  });

  test("megabytes are whole, as Mesos's Megabytes(uint64_t)", () => {
    expect(megabytes(10.9)).toBe(10 * MB);
    expect(sandboxQuota([r({ name: "disk", scalar: { value: 0.5 } })])).toBe(0);
  });
});

describe("Mesos's words", () => {
  test("bytes print in the largest unit that loses nothing", () => {
    expect(formatBytes(0)).toBe("0B");
    expect(formatBytes(7)).toBe("7B");
    expect(formatBytes(10 * MB)).toBe("10MB");
    expect(formatBytes(10 * MB + 1024)).toBe("10241KB");
    expect(formatBytes(2048 * MB)).toBe("2GB");
    expect(formatBytes(1024 * 1024 * MB)).toBe("1TB");
  });

  test("the limitation message names used and limit bytes, and the volume", () => {
    expect(limitationMessage(15 * MB, 10 * MB)).toBe("Disk usage (15MB) exceeded quota (10MB)");
    expect(limitationMessage(10 * MB + 4096, 10 * MB, "v1")).toBe("Disk usage (10244KB) exceeded quota (10MB) for volume 'v1'");
  });
});
