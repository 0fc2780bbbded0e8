/**
 * What the web UI costs, against the compiled master with `--agents` hollow agents running `--tasks`
 * tasks (they run until killed):
 *   1. GET /state: latency (median of 5) and bytes;
 *   2. the UI's first paint and the time until the overview shows every task (headless chromium);
 *   3. the bytes per second the UI's live stream (operator SUBSCRIBE) costs while a framework
 *      churns through short tasks, scaled to 10 task updates per second.
 *
 *   npx bun bench/web-ui.ts [--agents=100] [--tasks=1000]
 */
import { chromium } from "playwright-core";
import { ensureManyFetches } from "./support/hollow-agents.ts";
import { startBenchFramework } from "./support/bench-framework.ts";
import { type Daemon, freePort, percentile, startHollowProcess, startMasterProcess } from "./support/bench-cluster.ts";
import { bodyLength } from "./support/body-length.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

if (await ensureManyFetches()) {
  const agents = Number(arg("agents", "100"));
  const tasks = Number(arg("tasks", "1000"));
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const daemons: Daemon[] = [];
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    daemons.push(await startMasterProcess(port, ["--registry=in_memory"]));
    daemons.push(await startHollowProcess(`127.0.0.1:${port}`, agents, ["--resources=cpus:16;mem:65536;disk:100000"]));
    const fw = await startBenchFramework(`127.0.0.1:${port}`, { name: "web-ui-bench", command: "sleep 100000", maxTasks: tasks, perOffer: 20 });
    await waitUntil(() => fw.live.size >= tasks, `${tasks} running tasks`);
    fw.launching = false;
    console.log(`web-ui: ${agents} hollow agents, ${tasks} running tasks; ${navigator.hardwareConcurrency} cpus`);

    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      bytes = await bodyLength(await fetch(`${url}/state`));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`  GET /state: ${(bytes / 1024).toFixed(0)} KiB, median ${percentile(times, 0.5).toFixed(1)} ms`);

    const page = await browser.newPage();
    const asset = await fetch(`${url}/ui/app.js`);
    console.log(`  UI bundle: ${((await asset.arrayBuffer()).byteLength / 1024).toFixed(1)} KiB of JavaScript`);
    const navigated = performance.now();
    await page.goto(`${url}/`);
    // Browser-side code as text: this file is type-checked without the DOM library.
    await page.waitForFunction(`document.querySelector('[data-state="TASK_RUNNING"]')?.textContent === "${tasks}"`, undefined, { timeout: 120_000 });
    const shown = performance.now() - navigated;
    const paint = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN);
    console.log(`  UI first contentful paint ${paint.toFixed(0)} ms; all ${tasks} tasks on the overview after ${shown.toFixed(0)} ms`);

    // Churn: short tasks, a few at a time; each gives TASK_ADDED, then TASK_UPDATED for RUNNING and FINISHED.
    const churn = await startBenchFramework(`127.0.0.1:${port}`, { name: "churn", command: "sleep 1", maxInFlight: 5, perOffer: 5 });
    await Bun.sleep(3000);
    const read = () => page.evaluate<{ bytes: number; at: number }>("({ bytes: window.mesosUi.bytes, at: performance.now() })");
    const finishedBefore = churn.finished;
    const runningBefore = churn.running.length;
    const before = await read();
    await Bun.sleep(20_000);
    const after = await read();
    const updates = churn.finished - finishedBefore + (churn.running.length - runningBefore);
    const seconds = (after.at - before.at) / 1000;
    const perSecond = (after.bytes - before.bytes) / seconds;
    const perUpdate = (after.bytes - before.bytes) / Math.max(1, updates);
    console.log(
      `  live stream: ${(updates / seconds).toFixed(1)} task updates/s cost ${(perSecond / 1024).toFixed(1)} KiB/s ` +
        `(${perUpdate.toFixed(0)} bytes per update, TASK_ADDED included): at 10 updates/s ${((perUpdate * 10) / 1024).toFixed(1)} KiB/s`,
    );
    churn.close();
    fw.close();
  } finally {
    await browser.close();
    for (const d of daemons.reverse()) await d.kill();
  }
}
