import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import {
  Resource_DiskInfo_Source_Type,
  Resource_ReservationInfo_Type,
  Resource_ReservationInfoSchema,
  ResourceSchema,
  Value_ScalarSchema,
  Value_Type,
  VolumeSchema,
} from "@mesos/proto";
import { MesosError } from "../errors.ts";
import { parseResources } from "./parse.ts";
import { Resources } from "./resources.ts";
import { downgradeResource, upgradeResource } from "./reservation-format.ts";
import { normalizeValue } from "./resource.ts";

const r = (text: string) => parseResources(text);

describe("parsing the text form", () => {
  test("scalars, ranges, sets and static reservations", () => {
    const res = r("cpus:4;mem:1024;ports:[31000-32000];disk(role):10;gpus:{a,b}");
    expect(res.scalar("cpus")).toBe(4);
    expect(res.scalar("mem")).toBe(1024);
    expect(res.scalar("disk")).toBe(10);
    const disk = [...res].find((x) => x.name === "disk")!;
    expect(disk.reservations).toHaveLength(1);
    expect(disk.reservations[0]!.type).toBe(Resource_ReservationInfo_Type.STATIC);
    expect(disk.reservations[0]!.role).toBe("role");
    const ports = [...res].find((x) => x.name === "ports")!;
    expect(ports.type).toBe(Value_Type.RANGES);
    expect(ports.ranges!.range.map((i) => [i.begin, i.end])).toEqual([[31000n, 32000n]]);
    expect([...res].find((x) => x.name === "gpus")!.set!.item).toEqual(["a", "b"]);
  });

  test("same names merge; ranges coalesce; scalars round to 3 decimals", () => {
    const res = r("cpus:1.0004;cpus:2;ports:[1-3,4-5];ports:[10-12,11-20]");
    expect(res.scalar("cpus")).toBe(3);
    expect(res.toString()).toBe("cpus:3; ports:[1-5, 10-20]");
  });

  test("default role applies to resources without one", () => {
    const res = parseResources("cpus:2;mem(*):10", { defaultRole: "web" });
    expect(res.reserved("web").scalar("cpus")).toBe(2);
    expect(res.unreserved().scalar("mem")).toBe(10);
  });

  test.each([
    ["cpus:abc", "'cpus:abc'", "'abc' is not a number"],
    ["cpus", "'cpus'", "missing or extra ':'"],
    ["cpus:1:2", "'cpus:1:2'", "missing or extra ':'"],
    ["cpus(role:1", "'cpus(role:1'", "mismatched parentheses"],
    ["ports:[5-1]", "'ports:[5-1]'", "begin after its end"],
    ["ports:[1-x]", "'ports:[1-x]'", "'1-x'"],
    ["cpus:-1", "'cpus:-1'", "Negative values not supported"],
    ["cpus:5e-324", "'cpus:5e-324'", "Subnormal values not supported"],
    ["cpus(/bad):1", "'cpus(/bad):1'", "cannot start with a slash"],
    ["disk:{a,}", "'disk:{a,}'", "empty item"],
    [":4", "':4'", "empty name"],
  ])("rejects %s naming the token", (text, token, why) => {
    let error: unknown;
    try {
      r(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MesosError);
    expect((error as Error).message).toContain(token);
    expect((error as Error).message).toContain(why);
  });

  test("one name with mixed types is rejected", () => {
    expect(() => r("cpus:1;cpus:[1-2]")).toThrow("same name ('cpus') but different types");
  });

  test("NaN and infinity are rejected", () => {
    expect(() => r("cpus:NaN")).toThrow("not a number");
    expect(() => r('[{"name":"cpus","type":"SCALAR","scalar":{"value":"Infinity"}}]')).toThrow("not a finite number");
  });
});

describe("parsing JSON", () => {
  test("an array of Resource objects, old role format upgraded", () => {
    const res = r('[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"web"},{"name":"mem","type":"SCALAR","scalar":{"value":64}}]');
    expect(res.reserved("web").scalar("cpus")).toBe(2);
    expect(res.unreserved().scalar("mem")).toBe(64);
  });

  test("errors name the bad item", () => {
    expect(() => r('[{"name":"cpus","type":"SCALAR"},{"nme":"x"}]')).toThrow("item 1");
    expect(() => r("[{")).toThrow("malformed");
  });
});

describe("arithmetic", () => {
  test("add and subtract with fixed-point scalars", () => {
    const a = r("cpus:0.1;mem:100");
    const b = r("cpus:0.2;mem:50");
    expect(a.plus(b).scalar("cpus")).toBe(0.3);
    expect(a.plus(b).minus(b).equals(a)).toBe(true);
    expect(a.minus(r("cpus:0.1")).names()).toEqual(["mem"]);
    expect(a.minus(r("cpus:5")).scalar("cpus")).toBe(0);
  });

  test("ranges subtract into fragments and contain by value", () => {
    const a = r("ports:[31000-32000]");
    const left = a.minus(r("ports:[31100-31199,31500-31500]"));
    expect(left.toString()).toBe("ports:[31000-31099, 31200-31499, 31501-32000]");
    expect(a.contains(r("ports:[31000-31010]"))).toBe(true);
    expect(left.contains(r("ports:[31150-31150]"))).toBe(false);
    expect(left.quantities().get("ports")).toBe(900);
  });

  test("sets", () => {
    const a = r("gpus:{a,b,c}");
    expect(a.minus(r("gpus:{b}")).toString()).toBe("gpus:{a, c}");
    expect(a.contains(r("gpus:{a,c}"))).toBe(true);
    expect(a.contains(r("gpus:{d}"))).toBe(false);
  });

  test("reserved and unreserved resources are different kinds", () => {
    const a = r("cpus:4;cpus(web):2");
    expect(a.scalar("cpus")).toBe(6);
    expect(a.contains(r("cpus(web):3"))).toBe(false);
    expect(a.contains(r("cpus:4;cpus(web):2"))).toBe(true);
    expect(a.allocatableTo("web/api").scalar("cpus")).toBe(6);
    expect(a.allocatableTo("db").scalar("cpus")).toBe(4);
  });

  test("contains compares every resource, including several of one kind", () => {
    expect(r("cpus:4;mem:512").contains(r("cpus:4;mem:513"))).toBe(false);
    expect(r("cpus:4;mem:512").contains(Resources.EMPTY)).toBe(true);
  });

  test("persistent volumes are whole things: never merged, removed only whole", () => {
    const volume = (id: string) =>
      create(ResourceSchema, {
        name: "disk",
        type: Value_Type.SCALAR,
        scalar: { value: 64 },
        reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: "db", principal: "ops" }],
        disk: { persistence: { id }, volume: { containerPath: "data", mode: 1 } },
      });
    const two = Resources.of([volume("v1"), volume("v2")]);
    expect(two.size).toBe(2);
    expect(two.persistentVolumes().size).toBe(2);
    expect(two.minus(Resources.of([volume("v1")])).size).toBe(1);
    expect(two.contains(Resources.of([volume("v2")]))).toBe(true);
    const half = volume("v1");
    half.scalar = create(Value_ScalarSchema, { value: 32 });
    expect(two.contains(Resources.of([half]))).toBe(false);
    // How a task uses a volume (its container path, RO or RW) is not what it is: Mesos ignores it.
    const readOnly = volume("v2");
    readOnly.disk!.volume = create(VolumeSchema, { containerPath: "elsewhere", mode: 2 });
    expect(two.contains(Resources.of([readOnly]))).toBe(true);
    expect(
      two
        .minus(Resources.of([readOnly]))
        .persistentVolumes()
        .toArray()[0]?.disk?.persistence?.id,
    ).toBe("v1");
  });

  test("MOUNT disks do not merge", () => {
    const mount = create(ResourceSchema, {
      name: "disk",
      type: Value_Type.SCALAR,
      scalar: { value: 100 },
      disk: { source: { type: Resource_DiskInfo_Source_Type.MOUNT, mount: { root: "/mnt/a" } } },
    });
    expect(Resources.of([mount, mount]).size).toBe(2);
  });

  test("allocate, reservations push and pop", () => {
    const a = r("cpus:2").allocate("web");
    expect([...a][0]!.allocationInfo!.role).toBe("web");
    expect(a.unallocate().equals(r("cpus:2"))).toBe(true);
    const reserved = r("cpus:2").pushReservation(
      create(Resource_ReservationInfoSchema, { type: Resource_ReservationInfo_Type.DYNAMIC, role: "web", principal: "p" }),
    );
    expect(reserved.reserved("web").scalar("cpus")).toBe(2);
    expect(reserved.dynamicallyReserved().size).toBe(1);
    expect(reserved.popReservation().equals(r("cpus:2"))).toBe(true);
  });
});

describe("reservation formats", () => {
  test("downgrade and upgrade round-trip a dynamic reservation", () => {
    const res = create(ResourceSchema, {
      name: "cpus",
      type: Value_Type.SCALAR,
      scalar: { value: 1 },
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: "web", principal: "ops" }],
    });
    const old = downgradeResource(res);
    expect(old.role).toBe("web");
    expect(old.reservations).toHaveLength(0);
    expect(old.reservation!.principal).toBe("ops");
    const back = upgradeResource(old);
    expect(Resources.of([back]).equals(Resources.of([res]))).toBe(true);
  });
});

describe("summing many bags", () => {
  test("one bag of all their resources is the bags added one by one (same resources, same order), the bags unchanged", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const texts = ["cpus:0.1;mem:64", "cpus(r):0.5;disk:100", "ports:[1-3,7-9]", "mem:32.5;ports:[4-5]", "cpus:1.333;mem:0.001", "gpus:1;cpus(r):2"];
    for (let round = 0; round < 200; round++) {
      const bags = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const bag = parseResources(pick(texts));
        return random() < 0.5 ? bag.allocate(pick(["*", "r"])) : bag;
      });
      const before = bags.map((bag) => bag.toString());
      let added = Resources.EMPTY;
      for (const bag of bags) added = added.plus(bag);
      const all = Resources.of(bags.flatMap((bag) => [...bag]));
      expect([...all]).toEqual([...added]);
      // Summing in place is on the new bag's own copies: the bags are as they were.
      expect(bags.map((bag) => bag.toString())).toEqual(before);
    }
  });
});

describe("building a bag", () => {
  test("scalars merge by identity alone (name, type, allocation role, reservations, revocable), as bags added one resource at a time do", () => {
    let seed = 11;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const resource = () =>
      create(ResourceSchema, {
        name: pick(["cpus", "mem"]),
        type: Value_Type.SCALAR,
        scalar: { value: pick([0, 0.1, 1.5, 0.0004, 32]) },
        ...pick([{}, { allocationInfo: { role: "*" } }, { allocationInfo: { role: "r" } }, { allocationInfo: {} }]),
        ...pick([{}, {}, { reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: "r" }] }]),
        ...pick([{}, {}, { revocable: {} }]),
      });
    for (let round = 0; round < 300; round++) {
      const list = Array.from({ length: Math.floor(random() * 12) }, resource);
      let oneByOne = Resources.EMPTY;
      for (const r of list) oneByOne = oneByOne.plus(Resources.fromNormalized([normalizeValue(r)]));
      expect([...Resources.of(list)]).toEqual([...oneByOne]);
    }
  });
});
