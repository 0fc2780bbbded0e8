import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MASTER, masterFromConfig, resolveMasterAddress } from "./master-address.ts";

const home = () => mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "home-"));

test("--master, then MESOS_MASTER, then the config file, then the default", () => {
  const h = home();
  mkdirSync(join(h, ".mesos"));
  writeFileSync(join(h, ".mesos/config.toml"), '[master]\naddress = "conf:5050"\n');
  expect(resolveMasterAddress({ flag: "flag:1", env: { MESOS_MASTER: "env:2" }, home: h })).toBe("flag:1");
  expect(resolveMasterAddress({ env: { MESOS_MASTER: "env:2" }, home: h })).toBe("env:2");
  expect(resolveMasterAddress({ env: {}, home: h })).toBe("conf:5050");
  expect(resolveMasterAddress({ env: {}, home: home() })).toBe(DEFAULT_MASTER);
});

test("MESOS_CLI_CONFIG names the file, which must then exist", () => {
  const file = join(home(), "cli.toml");
  writeFileSync(file, '[master]\naddress = "http://named:80"\n');
  expect(resolveMasterAddress({ env: { MESOS_CLI_CONFIG: file }, home: home() })).toBe("http://named:80");
  expect(() => resolveMasterAddress({ env: { MESOS_CLI_CONFIG: `${file}.missing` }, home: home() })).toThrow("does not exist");
});

test("Mesos's CLI's rules for the [master] table", () => {
  expect(masterFromConfig("[plugins]\n", "f")).toBeUndefined();
  expect(() => masterFromConfig("master = 3\n", "f")).toThrow("must be a table");
  expect(() => masterFromConfig("[master]\nport = 1\n", "f")).toThrow("'address' string");
  expect(() => masterFromConfig('[master]\naddress = "a:1"\n[master.zookeeper]\npath = "/m"\n', "f")).toThrow("not both");
  expect(() => masterFromConfig('[master.zookeeper]\npath = "/m"\n', "f")).toThrow("ZooKeeper");
  expect(() => masterFromConfig('[master]\naddress = "10.0.0.1"\n', "f")).toThrow("without a port");
  expect(() => masterFromConfig('[master]\naddress = "ftp://x:1"\n', "f")).toThrow("unsupported scheme 'ftp'");
});
