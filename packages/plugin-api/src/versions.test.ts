import { expect, test } from "bun:test";
import { compareApiVersions, pickApiVersion } from "./versions.ts";

test("the newest version both sides know wins", () => {
  expect(pickApiVersion(["v1"], ["v1"])).toBe("v1");
  expect(pickApiVersion(["v1", "v2"], ["v1", "v2"])).toBe("v2");
  expect(pickApiVersion(["v2", "v1"], ["v1"])).toBe("v1");
  expect(pickApiVersion(["v0", "v9"], ["v1"])).toBeUndefined();
  expect(pickApiVersion([], ["v1"])).toBeUndefined();
});

test("versions order by major, then GA over beta over alpha", () => {
  expect(["v1beta1", "v2alpha1", "v1", "v1alpha3"].sort(compareApiVersions)).toEqual(["v1alpha3", "v1beta1", "v1", "v2alpha1"]);
});
