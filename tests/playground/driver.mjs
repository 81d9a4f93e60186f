// Drives the Microsoft 365 Agents Playground's web UI in headless Chromium for tests/playground.
//
//   node driver.mjs CONFIG.json
//
// CONFIG: {ui, chromium, userDataDir, outDir, question, citation, timeoutMs}. The driver performs the
// steps below, waits explicitly for each one's effect, and writes OUT/result.json with what it saw (the
// Playground's log panel, the answer card's text, the requests it blocked); the Python test asserts on
// it. On a failed step it saves failure.png, failure.html and the log panel to OUT and exits 1.
//
// How the Playground is driven (version 0.2.28):
// - Opening the UI installs the app in the personal chat; selecting "Group Chat" or a team channel for
//   the first time installs it there. Each install sends installationUpdate (action "add") and
//   conversationUpdate (membersAdded: the bot) at the same moment.
// - "Mock an Activity" opens a menu of activities (Install application, Uninstall application, Add user,
//   Add application, ...); each opens a dialog with the activity's JSON and a "Send activity" button.
// - Messages are typed into the Lexical editor (role=textbox) and sent with the "Send Message" button;
//   replies with Adaptive Cards are rendered by the Adaptive Cards SDK (root element .ac-adaptiveCard).
// - The log panel lists each activity it sent ("Microsoft 365 Agents Playground -> User Application
//   <type> <status>") and each one the bot posted back ("User Application -> ... <type> <status>").
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = (name) => path.join(config.outDir, name);
const blocked = [];
const consoleErrors = [];

function log(message) {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

// The network is closed: only the Playground on loopback may be reached; anything else (the UI asks a
// CDN for Segoe UI fonts) is aborted before Chromium resolves it, and recorded.
function isLocal(url) {
  if (url.startsWith("data:") || url.startsWith("blob:")) return true;
  const { protocol, hostname } = new URL(url);
  return /^(http|ws)s?:$/.test(protocol) && ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
}

async function launch() {
  return puppeteer.launch({
    executablePath: config.chromium,
    headless: true,
    userDataDir: config.userDataDir,
    defaultViewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ],
  });
}

async function openPage(browser) {
  const page = await browser.newPage();
  page.setDefaultTimeout(config.timeoutMs);
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (isLocal(request.url())) return request.continue();
    blocked.push(request.url());
    return request.abort("blockedbyclient");
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  return page;
}

// Each line of the log panel, e.g. "[7:36:04 AM] Microsoft 365 Agents Playground -> User Application
// installationUpdate 200". The panel is the editable region that is not the message box.
async function logPanel(page) {
  return page.evaluate(() => {
    const panels = [...document.querySelectorAll('[contenteditable="true"]:not([role="textbox"])')];
    const panel = panels.find((element) => element.innerText.includes("Current version"));
    return panel ? [...panel.children].map((row) => row.innerText.replace(/\s+/g, " ").trim()) : [];
  });
}

const ENTRY = /(Microsoft 365 Agents Playground|User Application)\s*(?:->|\u2192|- >)\s*(?:Microsoft 365 Agents Playground|User Application)\s+(\S+)\s+(\d{3})\b/;

function entries(lines) {
  return lines.flatMap((line) => {
    const match = ENTRY.exec(line);
    if (!match) return [];
    const direction = match[1] === "User Application" ? "from_bot" : "to_bot";
    return [{ direction, type: match[2], status: Number(match[3]), line }];
  });
}

// Waits until the log panel shows `count` activities of `type` sent to the bot (with any status).
async function waitForSent(page, type, count) {
  const deadline = Date.now() + config.timeoutMs;
  for (;;) {
    const seen = entries(await logPanel(page)).filter((e) => e.direction === "to_bot" && e.type === type);
    if (seen.length >= count) return;
    if (Date.now() > deadline) throw new Error(`the log panel shows ${seen.length} ${type}, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function click(page, selector) {
  const element = await page.waitForSelector(selector, { visible: true });
  await element.click();
}

async function mockActivity(page, item) {
  await click(page, '::-p-xpath(//button[contains(., "Mock an Activity")])');
  await click(page, `::-p-xpath(//*[@role="menuitem"][normalize-space(.)="${item}"])`);
  await click(page, '::-p-xpath(//*[@role="dialog"]//button[normalize-space(.)="Send activity"])');
  await page.waitForSelector('[role="dialog"]', { hidden: true });
}

async function send(page, text) {
  await click(page, '[role="textbox"][data-lexical-editor="true"]');
  await page.keyboard.type(text);
  await click(page, 'button[aria-label="Send Message"]');
}

// The answer card: an Adaptive Card whose visible text carries the citation. Nothing here depends on
// the card's layout.
async function waitForCard(page, citation) {
  try {
    const card = await page.waitForFunction(
      (wanted) =>
        [...document.querySelectorAll(".ac-adaptiveCard")].find((element) => element.innerText.includes(wanted)),
      { timeout: config.timeoutMs, polling: 250 },
      citation,
    );
    return await card.evaluate((element) => element.innerText);
  } catch (error) {
    const shown = await page.$$eval(".ac-adaptiveCard", (cards) => cards.map((card) => card.innerText));
    throw new Error(`no card cites "${citation}" (${error.message}); cards shown: ${JSON.stringify(shown)}`);
  }
}

async function scenario(page, step) {
  const result = {};
  await step("open the Playground (installs the app in the personal chat)", async () => {
    await page.goto(config.ui, { waitUntil: "domcontentloaded" });
    await page.waitForSelector('[role="textbox"][data-lexical-editor="true"]');
    await waitForSent(page, "installationUpdate", 1);
    await waitForSent(page, "conversationUpdate", 1);
  });
  await step("open the group chat (installs the app there)", async () => {
    await click(page, 'button[aria-label="Group Chat"]');
    await waitForSent(page, "installationUpdate", 2);
    await waitForSent(page, "conversationUpdate", 2);
  });
  await step("open the team's General channel (adds the app to the team)", async () => {
    await click(page, 'button[aria-label="My Team - General"]');
    await waitForSent(page, "installationUpdate", 3);
    await waitForSent(page, "conversationUpdate", 3);
  });
  await step("uninstall and install again from the personal chat's Mock an Activity menu", async () => {
    await click(page, 'button[aria-label="Personal Chat"]');
    await mockActivity(page, "Uninstall application");
    await waitForSent(page, "installationUpdate", 4);
    await mockActivity(page, "Install application");
    await waitForSent(page, "installationUpdate", 5);
  });
  await step(`ask "${config.question}" and wait for the cited card`, async () => {
    await send(page, config.question);
    result.card = await waitForCard(page, config.citation);
    await page.screenshot({ path: out("answer.png"), fullPage: true });
  });
  return result;
}

async function main() {
  const browser = await launch();
  let page;
  let failure = null;
  let current = "start Chromium";
  let result = {};
  try {
    page = await openPage(browser);
    const step = async (name, action) => {
      current = name;
      log(`step: ${name}`);
      await action();
    };
    result = await scenario(page, step);
  } catch (error) {
    failure = `step "${current}" failed: ${error.message}`;
    log(failure);
    if (page) {
      await page.screenshot({ path: out("failure.png"), fullPage: true }).catch(() => {});
      fs.writeFileSync(out("failure.html"), await page.content().catch(() => ""));
    }
  }
  const lines = page ? await logPanel(page).catch(() => []) : [];
  fs.writeFileSync(out("log-panel.txt"), lines.join("\n") + "\n");
  const report = { ...result, failure, logPanel: entries(lines), blocked, consoleErrors };
  fs.writeFileSync(out("result.json"), JSON.stringify(report, null, 2));
  await browser.close();
  process.exitCode = failure ? 1 : 0;
}

await main();
