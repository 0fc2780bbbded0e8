/**
 * The master's own file API: with --log_dir the compiled master logs to mesos-master.INFO there and
 * serves it as `/master/log` through /files (and READ_FILE), as Mesos attaches its log; the web UI
 * links it from its overview and tails it.
 */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon, stopAllDaemons } from "../support/binary.ts";
import { hasChromium, launchBrowser, openPage } from "../support/browser.ts";
import { eventually, tempDir } from "../support/cluster.ts";

afterAll(stopAllDaemons);

test("--log_dir: the log is written there and served as /master/log", async () => {
  const logDir = join(tempDir("master-log"), "logs");
  const master = startDaemon(["master", "--registry=in_memory", "--port=0", `--log_dir=${logDir}`]);
  const url = (await master.waitFor(/listening on (http:\/\/[\d.]+:\d+)/))[1]!;
  expect(await (await fetch(`${url}/files/debug`)).json()).toEqual({ "/master/log": join(logDir, "mesos-master.INFO") });
  const read = await eventually(async () => {
    const r = (await (await fetch(`${url}/files/read?path=/master/log&offset=0`)).json()) as { offset: number; data: string };
    return r.data.includes("listening on") ? r : undefined;
  });
  expect(read.offset).toBe(0);
  const listing = (await (await fetch(`${url}/files/browse?path=/master/log`)).json()) as unknown[];
  expect(listing).toEqual([]);
  const v1 = await fetch(`${url}/api/v1`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ type: "READ_FILE", read_file: { path: "/master/log", offset: 0 } }),
  });
  const body = (await v1.json()) as { read_file: { size: number; data: string } };
  expect(Buffer.from(body.read_file.data, "base64").toString()).toContain("listening on");
  expect((await fetch(`${url}/files/read?path=/master/log/../../etc/passwd&offset=0`)).status).toBe(404);

  // The web UI links the log from its overview and tails it.
  if (!hasChromium) return console.warn("SKIPPING the master log in the web UI: /usr/bin/chromium is not installed");
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser);
    await page.goto(`${url}/`);
    await page.click("text=mesos-master.INFO");
    await page.waitForSelector('[data-testid="file"] >> text=listening on');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}, 60_000);
