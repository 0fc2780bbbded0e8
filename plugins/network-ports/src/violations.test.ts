import { expect, test } from "bun:test";
import { TaskStatus_Reason, Value_Type } from "@mesos/proto";
import type { Listener } from "./port-scanner.ts";
import { findViolation, portsLimitation } from "./violations.ts";

const listener = (protocol: "tcp" | "udp", family: "ipv4" | "ipv6", address: string, port: number, pid = 10, inode = port): Listener => ({
  socket: { protocol, family, address, port, inode },
  pid,
});

test("allocated ports are fine; anything else is named with Mesos's text and the sockets", () => {
  const listeners = [listener("tcp", "ipv4", "0.0.0.0", 31000), listener("tcp", "ipv6", "::1", 31005), listener("tcp", "ipv4", "127.0.0.1", 31006)];
  expect(findViolation([[31000, 31010]], listeners, () => "c1")).toBeUndefined();
  const v = findViolation([[31000, 31000]], listeners, () => "c1")!;
  expect(v.message).toBe("Container c1 is listening on unallocated port(s): [31005-31006] (tcp 127.0.0.1:31006, tcp6 [::1]:31005)");
  expect(v.ports).toEqual([31005, 31006]);
  expect(portsLimitation(v)).toEqual({
    reason: TaskStatus_Reason.CONTAINER_LIMITATION,
    message: v.message,
    resources: [{ name: "ports", type: Value_Type.RANGES, ranges: { range: [{ begin: 31005n, end: 31006n }] } }],
  });
});

test("each container of a tree is named for its own listeners; the key changes with the set", () => {
  const listeners = [listener("tcp", "ipv4", "0.0.0.0", 31005, 10), listener("udp", "ipv6", "::", 31007, 20)];
  const v = findViolation([], listeners, (pid) => (pid === 20 ? "root.child" : "root"))!;
  expect(v.message).toBe(
    "Container root is listening on unallocated port(s): [31005-31005] (tcp 0.0.0.0:31005); " +
      "Container root.child is listening on unallocated port(s): [31007-31007] (udp6 [::]:31007)",
  );
  const again = findViolation([], [...listeners].reverse(), (pid) => (pid === 20 ? "root.child" : "root"))!;
  expect(again.key).toBe(v.key);
  expect(findViolation([], [listeners[0]!], () => "root")!.key).not.toBe(v.key);
});
