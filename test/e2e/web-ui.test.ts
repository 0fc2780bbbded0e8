/**
 * The master's web UI in a real browser (Debian's chromium, headless, driven by playwright-core)
 * against the compiled binary's `mesos local` with a finished, a failed and a running task: every
 * page renders with no console error, a task launched while a page is open appears without a
 * reload, the sandbox browser lists a completed task's sandbox and tails a running task's growing
 * stdout. Screenshots of the pages go to the folder the test prints.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { type Daemon, runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { hasChromium, launchBrowser, openPage, screenshotDir } from "../support/browser.ts";
import { eventually, tempDir } from "../support/cluster.ts";

if (!hasChromium) console.warn("SKIPPING the web UI tests: /usr/bin/chromium is not installed (apt-get install chromium)");
const browserTest = test.skipIf(!hasChromium);

let local: Daemon;
let master: string;
let browser: Browser | undefined;
const background: Promise<unknown>[] = [];

// biome-ignore lint/suspicious/noExplicitAny: v0 JSON read loosely
const getJson = async (path: string): Promise<any> => (await fetch(`http://${master}${path}`)).json();

async function taskState(id: string): Promise<string | undefined> {
  const { tasks } = await getJson("/tasks");
  return tasks.find((t: { id: string }) => t.id === id)?.state;
}

beforeAll(async () => {
  local = startDaemon(["local", `--work_dir=${tempDir("web-ui")}`, "--port=0", "--agent_port=0", "--resources=cpus:4;mem:2048;disk:1024"]);
  master = (await local.waitFor(/master http:\/\/([\d.]+:\d+)/))[1]!;
  expect((await runMesos(["execute", `--master=${master}`, "--name=hello", "--command=echo hello-from-the-sandbox"])).code).toBe(0);
  expect((await runMesos(["execute", `--master=${master}`, "--name=broken", "--command=exit 3"])).code).toBe(3);
  // A running task whose stdout grows, three lines a second.
  background.push(
    runMesos(["execute", `--master=${master}`, "--name=ticker", "--command=i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.3; done"], 120_000),
  );
  await eventually(async () => (await taskState("ticker")) === "TASK_RUNNING", 30_000, "the ticker task to run");
  if (hasChromium) browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopAllDaemons();
});

browserTest(
  "every page renders live data with no console error; new tasks appear without a reload; sandboxes list and tail",
  async () => {
    const shots = screenshotDir("mesos-web-ui");
    const { page, errors } = await openPage(browser!);
    const state = await getJson("/state");
    const agentId = state.slaves[0].id;
    const ticker = (await getJson("/tasks")).tasks.find((t: { id: string }) => t.id === "ticker");
    const hello = [...state.completed_frameworks, ...state.frameworks]
      .flatMap((f: { completed_tasks: { id: string; framework_id: string }[] }) => f.completed_tasks)
      .find((t: { id: string }) => t.id === "hello")!;

    await page.goto(`http://${master}/`);
    await page.waitForSelector('[data-state="TASK_RUNNING"]');
    expect(await page.textContent('[data-state="TASK_FINISHED"]')).toBe("1");
    expect(await page.textContent('[data-state="TASK_FAILED"]')).toBe("1");
    expect(await page.textContent('[data-testid="agents-active"]')).toBe("1");
    await page.screenshot({ path: `${shots}/overview.png`, fullPage: true });

    const pages: [string, string, string][] = [
      ["frameworks", "#/frameworks", "tr[data-framework]"],
      ["framework", `#/frameworks/${ticker.framework_id}`, 'tr[data-task="ticker"]'],
      ["agents", "#/agents", `tr[data-agent="${agentId}"]`],
      ["agent", `#/agents/${agentId}`, '[data-testid="executors"] tbody tr >> text=MB'],
      ["tasks", "#/tasks", 'tr[data-task="broken"]'],
      ["offers", "#/offers", '[data-testid="offers"]'],
      ["operations", "#/operations", '[data-testid="operations"]'],
    ];
    for (const [name, hash, selector] of pages) {
      await page.goto(`http://${master}/${hash}`);
      await page.waitForSelector(selector, { timeout: 15_000 });
      await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
      expect([name, errors]).toEqual([name, []]);
    }

    // A task launched while the tasks page is open shows up on it, and goes on to run, without a reload.
    await page.goto(`http://${master}/#/tasks`);
    await page.waitForSelector('tr[data-task="ticker"]');
    background.push(runMesos(["execute", `--master=${master}`, "--name=latecomer", "--command=sleep 60"], 120_000));
    await page.waitForSelector('tr[data-task="latecomer"] >> text=RUNNING', { timeout: 30_000 });
    await page.screenshot({ path: `${shots}/tasks-live.png`, fullPage: true });

    // The completed task's sandbox, and its stdout.
    await page.goto(`http://${master}/#/sandbox/${agentId}/${hello.framework_id}/hello`);
    await page.waitForSelector('tr[data-file="stdout"]');
    await page.goto(`http://${master}/#/file/${agentId}/${hello.framework_id}/hello?path=stdout`);
    await page.waitForSelector('[data-testid="file"] >> text=hello-from-the-sandbox');

    // The running task's stdout, followed while it grows.
    await page.goto(`http://${master}/#/sandbox/${agentId}/${ticker.framework_id}/ticker`);
    await page.waitForSelector('tr[data-file="stdout"]');
    await page.screenshot({ path: `${shots}/sandbox.png`, fullPage: true });
    await page.click('tr[data-file="stdout"] >> text=stdout');
    await page.waitForSelector('[data-testid="file"] >> text=tick-1');
    const seen = Number((await page.textContent('[data-testid="file"]'))!.match(/tick-(\d+)\s*$/)![1]);
    await page.waitForSelector(`[data-testid="file"] >> text=tick-${seen + 5}`, { timeout: 20_000 });
    await page.screenshot({ path: `${shots}/file-tail.png`, fullPage: true });

    // What the roles and maintenance pages show: a weight, a quota and a maintenance window (last:
    // once the quota is set, this cluster's one agent is no longer offered to other roles).
    const operator = async (call: unknown) => {
      const res = await fetch(`http://${master}/api/v1`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(call),
      });
      const body = await res.text();
      expect([res.status < 300, body]).toEqual([true, body]);
    };
    await operator({ type: "UPDATE_WEIGHTS", update_weights: { weight_infos: [{ role: "web", weight: 2.5 }] } });
    await operator({
      type: "SET_QUOTA",
      set_quota: { quota_request: { role: "web", guarantee: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }] } },
    });
    const start = (Date.now() + 3_600_000) * 1e6;
    await operator({
      type: "UPDATE_MAINTENANCE_SCHEDULE",
      update_maintenance_schedule: {
        schedule: { windows: [{ machine_ids: [{ hostname: "maint-host", ip: "10.0.0.9" }], unavailability: { start: { nanoseconds: start } } }] },
      },
    });

    for (const [name, hash, selector] of [
      ["roles", "#/roles", 'tr[data-role="web"] >> text=cpus 1'],
      ["maintenance", "#/maintenance", "text=maint-host (10.0.0.9)"],
    ]) {
      await page.goto(`http://${master}/${hash}`);
      await page.waitForSelector(selector!, { timeout: 15_000 });
      await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    }

    // Dark mode.
    await page.goto(`http://${master}/`);
    await page.click("button.theme");
    await page.screenshot({ path: `${shots}/overview-dark.png`, fullPage: true });

    expect(errors).toEqual([]);
  },
  180_000,
);
