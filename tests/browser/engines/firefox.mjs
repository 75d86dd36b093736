// Runs the engine-test steps (JSON on stdin: {steps: [{url, ready, act, after}], timeoutMs}) in
// headless Firefox ESR through puppeteer-core (WebDriver BiDi) and prints one JSON result per step
// ({url, result | error, console}). Used by tests/browser/test_engines.py.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("../../js/package.json", import.meta.url));
const puppeteer = require("puppeteer-core");
const plan = JSON.parse(readFileSync(0, "utf8"));
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: plan.executable || "/usr/bin/firefox-esr",
  headless: true,
  // no telemetry, updates or other background traffic
  extraPrefsFirefox: { "network.proxy.type": 0, "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false },
});
try {
  for (const step of plan.steps) {
    const page = await browser.newPage();
    // the layout Chromium's pages get (Playwright's default viewport), not the headless window's
    // 800 px, where the portal's usage cards stand three a row at ~200 px and wrap their text
    await page.setViewport({ width: 1280, height: 720 });
    const consoleLines = [];
    page.on("console", (m) => consoleLines.push([m.type(), m.text()]));
    page.on("pageerror", (e) => consoleLines.push(["pageerror", String(e && e.message || e)]));
    const out = { url: step.url, console: consoleLines };
    try {
      await page.goto(step.url);
      await page.waitForFunction(step.ready, { timeout: plan.timeoutMs, polling: 50 });
      if (step.act) await page.evaluate(step.act);
      if (step.after) await page.waitForFunction(step.after, { timeout: plan.timeoutMs, polling: 50 });
      out.result = await page.evaluate(plan.collect);
    } catch (error) {
      out.error = String(error && error.message || error);
      try { out.result = await page.evaluate(plan.collect); } catch (_) { /* page gone */ }
    }
    process.stdout.write(JSON.stringify(out) + "\n");
    await page.close();
  }
} finally {
  await browser.close();
}
