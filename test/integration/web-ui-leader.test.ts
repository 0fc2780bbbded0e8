/**
 * The web UI follows the leader: a page open on a master that stops leading (its event stream
 * ends, as a Mesos master's does when it loses leadership) finds the new leader in /state's
 * `leader_info`, says so, and moves to the leader's UI. Two in-process masters; leadership is
 * injected, as this project has no leader election yet.
 */
import { afterAll, expect, test } from "bun:test";
import type { MasterInfo } from "@mesos/proto";
import type { RunningMaster } from "@mesos/master";
import { hasChromium, launchBrowser, openPage } from "../support/browser.ts";
import { eventually, startTestMaster } from "../support/cluster.ts";

if (!hasChromium) console.warn("SKIPPING the web UI leader test: /usr/bin/chromium is not installed (apt-get install chromium)");

const masters: RunningMaster[] = [];
afterAll(async () => {
  for (const m of masters) await m.stop();
});

test.skipIf(!hasChromium)(
  "a page on a master that loses leadership shows the new leader and follows it",
  async () => {
    let leaderOfA: MasterInfo | undefined;
    // The masters advertise their IPs (not the name they resolve to), which the page shows.
    const flags = ["--no-hostname_lookup"];
    const a = await startTestMaster({ flags, leader: (self) => leaderOfA ?? self });
    masters.push(a);
    const b = await startTestMaster({ flags });
    masters.push(b);
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPage(browser);
      await page.goto(`${a.url}/`);
      await page.waitForSelector(`text=127.0.0.1:${a.port}`);
      // The page shows the master (GET_MASTER) before its event stream is open: closing the streams
      // before A holds the page's would close nothing, and the page would stay on A.
      await eventually(() => a.ctx.operatorEvents.size > 0, 30_000, "the page's event stream on A");

      leaderOfA = b.ctx.info;
      a.ctx.operatorEvents.closeAll();
      await page.waitForSelector('[data-testid="leader-banner"]');
      expect(await page.textContent('[data-testid="leader-banner"]')).toContain(`127.0.0.1:${b.port}`);
      await page.waitForURL(`${b.url}/**`, { timeout: 15_000 });
      await page.waitForSelector(`text=127.0.0.1:${b.port}`);
      // The 307s of the old master's operator API are how the page learns it does not lead.
      expect(errors.filter((e) => !e.includes("307"))).toEqual([]);
    } finally {
      await browser.close();
    }
  },
  60_000,
);
