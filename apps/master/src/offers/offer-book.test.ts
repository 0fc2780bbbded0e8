/** The OfferBook keeps its three indexes in step, hands resources back once, and times offers out. */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { ManualClock, Metrics, parseResources } from "@mesos/core";
import { OfferSchema, scheduler } from "@mesos/proto";
import type { Framework } from "../frameworks/framework.ts";
import { OfferBook, type OfferRecord } from "./offer-book.ts";

function setup(offerTimeoutMs?: number) {
  const clock = new ManualClock();
  const metrics = new Metrics();
  const recovered: string[] = [];
  const sent: scheduler.Event[] = [];
  const framework = { connected: true, send: (e: scheduler.Event) => sent.push(e) > 0, count: () => {} } as unknown as Framework;
  const book = new OfferBook({
    clock,
    metrics,
    offerTimeoutMs,
    allocator: { recoverResources: (f, a, r, refuse) => recovered.push(`${f}@${a}: ${r} (${refuse} s)`) },
    framework: (id) => (id === "f" ? framework : undefined),
  });
  return {
    book,
    clock,
    metrics,
    recovered,
    rescinded: () => sent.filter((e) => e.type === scheduler.Event_Type.RESCIND).map((e) => e.rescind!.offerId!.value),
  };
}

const offer = (id: string, frameworkId = "f", agentId = "a", role = "*"): OfferRecord => ({
  offer: create(OfferSchema, { id: { value: id } }),
  frameworkId,
  agentId,
  role,
  resources: parseResources("cpus:1"),
});
const ids = (records: OfferRecord[]) => records.map((r) => r.offer.id!.value);

describe("OfferBook", () => {
  test("offers are found by id, framework and agent until removed", () => {
    const { book } = setup();
    book.add(offer("o1"));
    book.add(offer("o2", "f", "b"));
    book.add(offer("o3", "g", "a"));
    expect([book.size, ids(book.ofFramework("f")), ids(book.onAgent("a"))]).toEqual([3, ["o1", "o2"], ["o1", "o3"]]);
    expect(book.remove("o1")?.offer.id?.value).toBe("o1");
    expect(book.remove("o1")).toBeUndefined();
    expect([book.size, ids(book.ofFramework("f")), ids(book.onAgent("a"))]).toEqual([2, ["o2"], ["o3"]]);
  });

  test("removing with recover gives the resources back with the refusal filter; rescind tells the framework", () => {
    const { book, recovered, rescinded } = setup();
    book.add(offer("o1"));
    book.add(offer("o2"));
    book.remove("o1", { recover: true, refuseSeconds: 5 });
    book.remove("o2", { rescind: true });
    expect(recovered).toEqual(["f@a: cpus:1 (5 s)"]);
    expect(rescinded()).toEqual(["o2"]);
  });

  test("rescinding a framework's offers (some of them) or an agent's", () => {
    const { book, recovered, rescinded } = setup();
    book.add(offer("web", "f", "a", "web"));
    book.add(offer("db", "f", "b", "db"));
    book.add(offer("other", "g", "b"));
    book.rescindFramework("f", (o) => o.role === "web");
    expect(ids([...book.all()])).toEqual(["db", "other"]);
    book.rescindAgent("b");
    expect(book.size).toBe(0);
    expect(rescinded()).toEqual(["web", "db"]);
    expect(recovered).toHaveLength(3);
  });

  test("--offer_timeout rescinds an offer left alone, and counts it", () => {
    const { book, clock, metrics, rescinded } = setup(1000);
    book.add(offer("slow"));
    book.add(offer("taken"));
    book.remove("taken");
    clock.advance(1000);
    expect(rescinded()).toEqual(["slow"]);
    expect(book.size).toBe(0);
    expect(metrics.get("master/offers_timed_out")).toBe(1);
  });
});
