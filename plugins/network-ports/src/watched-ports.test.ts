import { expect, test } from "bun:test";
import { watchedPorts } from "./watched-ports.ts";

const base = { check_agent_port_range_only: false };

test("every port by default; the isolated range when given", () => {
  expect(watchedPorts(base)).toBeUndefined();
  expect(watchedPorts({ ...base, container_ports_isolated_range: "[0-35000]" })).toEqual([[0, 35000]]);
  expect(watchedPorts({ ...base, container_ports_isolated_range: "[100-200, 150-300, 400-400]" })).toEqual([
    [100, 300],
    [400, 400],
  ]);
});

test("--check_agent_port_range_only: the agent's ports, Mesos's default when --resources has none", () => {
  const only = { check_agent_port_range_only: true };
  expect(watchedPorts({ ...only })).toEqual([[31000, 32000]]);
  expect(watchedPorts({ ...only, resources: "cpus:2;mem:100" })).toEqual([[31000, 32000]]);
  expect(watchedPorts({ ...only, resources: "ports:[1000-2000];ports(web):[5000-5001]", default_role: "*" })).toEqual([
    [1000, 2000],
    [5000, 5001],
  ]);
  // An empty ports resource is dropped when parsed, and the agent then offers the default: so do we.
  expect(watchedPorts({ ...only, resources: "ports:[]" })).toEqual([[31000, 32000]]);
});

test("both range flags, a bad range, bad resources: errors that say so", () => {
  expect(() => watchedPorts({ check_agent_port_range_only: true, container_ports_isolated_range: "[1-2]" })).toThrow(
    "Only one of `--check_agent_port_range_only` or '--container_ports_isolated_range` should be specified",
  );
  expect(() => watchedPorts({ ...base, container_ports_isolated_range: "0-100" })).toThrow(
    "Failed to parse isolated ports range '0-100': '0-100' is not a range list",
  );
  expect(() => watchedPorts({ ...base, container_ports_isolated_range: "[0-70000]" })).toThrow(
    "Failed to parse isolated ports range '[0-70000]': port 70000 is not in 0-65535",
  );
  expect(() => watchedPorts({ check_agent_port_range_only: true, resources: "ports:oops" })).toThrow(/^Failed to parse agent resources: /);
});
