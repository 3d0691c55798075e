/**
 * The demo in a real browser: the demo server in-process on a free port, on embedded PGlite in a fresh temp folder,
 * and Debian's headless Chromium driven by playwright-core. A requester submits a request and gets a tracking number,
 * an agent finds the case in the console and answers it, and the requester sees the answer. Then the server restarts
 * on the same folder and the case is still there.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Browser, Locator, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as DemoServer from "../src/DemoServer.ts"
import * as Browsers from "./support/Browser.ts"

const suite = Browsers.availability.run ? describe : describe.skip
if (!Browsers.availability.run) console.warn(`Browser tests skipped: ${Browsers.availability.reason}`)

suite("the demo in Chromium", () => {
  let dataDir: string
  let demo: DemoServer.Demo
  let browser: Browser
  let trackingNumber = ""
  let seeded: ReadonlyArray<string> = []
  const errors: Array<string> = []
  const failed: Array<string> = []

  beforeAll(async () => {
    dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-demo-test-"))
    const [started, launched] = await Promise.all([DemoServer.start({ port: 0, dataDir }), Browsers.launch()])
    demo = started
    browser = launched
    seeded = started.seed.trackingNumbers
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await demo?.close()
    if (dataDir !== undefined) Fs.rmSync(dataDir, { recursive: true, force: true })
  })

  /** A new page with its own localStorage; any console error or failed script fails the test. */
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "Europe/Paris" })
    const page = await context.newPage()
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`))
    page.on("console", (message) => {
      // failed requests are checked below, by URL
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
        errors.push(`console: ${message.text()}`)
      }
    })
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`)
    })
    return page
  }

  const poll = { timeout: 15_000, interval: 100 }
  /** The text of the first element matched, "" while there is none (no waiting: `expect.poll` retries). */
  const textOf = async (locator: Locator): Promise<string> =>
    (await locator.count()) === 0 ? "" : ((await locator.first().textContent()) ?? "").trim()
  const attrOf = async (locator: Locator, name: string): Promise<string | null> =>
    (await locator.count()) === 0 ? null : locator.first().getAttribute(name)

  const apiAs = async (token: string, path: string) => {
    const response = await fetch(`${demo.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
    return { status: response.status, body: (await response.json()) as any }
  }

  it("starts seeded: the queue has breached and due-soon cases, the requester page shows the announcement", async () => {
    expect(demo.seed.seeded).toBe(true)
    expect(demo.seed.trackingNumbers).toHaveLength(6)
    const queue = await apiAs("demo-agent", "/v1/desk/queue")
    expect(queue.status).toBe(200)
    const badges = queue.body.items.map((i: { badge: string }) => i.badge)
    expect(badges).toContain("breached")
    expect(badges).toContain("dueSoon")
  })

  it("a requester submits a request and sees the tracking number and when we will reply", async () => {
    const page = await newPage()
    await page.goto(`${demo.url}/`)
    await page.waitForSelector("body[data-ready=true]")
    await expect.poll(() => textOf(page.locator(".announcement")), poll).toMatch("Scheduled maintenance")
    await expect.poll(() => textOf(page.locator("#chat-status")), poll).toMatch(/Live chat is (open|closed) now/)
    expect(await page.locator("#identity").inputValue()).toBe("demo-buyer")

    // an incomplete form is refused in the page, with the missing fields named
    await page.getByRole("button", { name: "Send request" }).click()
    await expect.poll(() => textOf(page.locator("#submit-error")), poll).toMatch("topic, subject, description")

    await page.getByLabel("Topic").selectOption({ label: "Order issues and delivery delays" })
    await page.getByLabel("Subject").fill("Parcel stuck in customs")
    await page.getByLabel("What happened?").fill("My parcel for order PO-4242 has been held in customs for 5 days.")
    await page.getByLabel("Order reference").fill("PO-4242")
    await page.getByRole("button", { name: "Send request" }).click()

    await expect.poll(() => textOf(page.locator("#submitted-tracking")), poll).toMatch(/^GS-[0-9A-Z]{4}-[0-9A-Z]{5}$/)
    trackingNumber = await textOf(page.locator("#submitted-tracking"))
    expect(await textOf(page.locator("#submitted-reply-by"))).toMatch(/^We will reply within .* by /)
    expect(await textOf(page.locator("#submitted-message"))).toContain(trackingNumber)
    // the new case is shown with its clocks, and listed among the requester's cases
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
    expect(await attrOf(page.locator("#case-status"), "data-status")).toBe("open")
    expect(await attrOf(page.locator("#case-view tr[data-metric=firstResponse]"), "data-state")).toBe("running")
    await expect.poll(() => page.locator(`#my-cases tr[data-tracking="${trackingNumber}"]`).count(), poll).toBe(1)

    await page.screenshot({ path: Path.join(Browsers.screenshotDir(), "requester.png"), fullPage: true })
    await page.context().close()
  }, 60_000)

  it("an agent finds the case in the console and answers it", async () => {
    expect(trackingNumber).not.toBe("")
    const page = await newPage()
    await page.goto(`${demo.url}/agent`)
    await page.waitForSelector("body[data-ready=true]")
    expect(await page.locator("#identity").inputValue()).toBe("demo-agent")

    // the seeded cases are highlighted: one breached, one due soon
    await expect.poll(() => page.locator("#queue tr.row.breached").count(), poll).toBeGreaterThan(0)
    expect(await page.locator("#queue tr.row.due-soon").count()).toBeGreaterThan(0)

    const row = page.locator(`#queue tr[data-tracking="${trackingNumber}"]`)
    await expect.poll(() => textOf(row), poll).toMatch("Parcel stuck in customs")
    await row.click()
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
    expect(await textOf(page.locator("#case-view"))).toMatch("held in customs")

    // the breached filter leaves the new case out
    await page.getByLabel("Breached").check()
    await expect.poll(() => row.count(), poll).toBe(0)
    expect(await attrOf(page.locator("#queue tr.row"), "data-badge")).toBe("breached")
    await page.getByLabel("All").check()
    await expect.poll(() => row.count(), poll).toBe(1)

    await page.screenshot({ path: Path.join(Browsers.screenshotDir(), "agent.png"), fullPage: true })

    await page.locator("#action-tabs button[data-action=reply]").click()
    await page.getByLabel("Message to the requester").fill("We contacted the carrier: customs released it today.")
    await page.locator("#action-submit").click()
    await expect.poll(() => textOf(page.locator("#action-ok")), poll).toMatch("Reply: done")
    expect(await textOf(page.locator("#case-view ol.record li[data-type=replied]"))).toMatch("customs released it")
    expect(await attrOf(page.locator("#case-view tr[data-metric=firstResponse]"), "data-state")).toBe("met")

    // a missing message is named in the page, not sent
    await page.locator("#action-tabs button[data-action=resolve]").click()
    await page.locator("#action-submit").click()
    await expect.poll(() => textOf(page.locator("#action-error")), poll).toMatch("Please fill in")
    await page.context().close()
  }, 60_000)

  it("the console's header counts the agent's SLA alerts, lists the seeded breach and opens its case", async () => {
    const overdue = seeded[0]
    // the worker fires the seeded case's breach within seconds of start
    await expect
      .poll(async () => {
        const alerts = await apiAs("demo-agent", "/v1/desk/alerts")
        return alerts.body.items.some((a: any) => a.trackingNumber === overdue && a.type === "slaBreached")
      }, poll)
      .toBe(true)
    const page = await newPage()
    await page.goto(`${demo.url}/agent`)
    await page.waitForSelector("body[data-ready=true]")
    await expect.poll(() => textOf(page.locator("header.top #alerts-count")), poll).toMatch(/^[1-9]\d*\+?$/)
    const breach = page.locator(`#alerts-list li[data-type=slaBreached][data-tracking="${overdue}"]`)
    expect(await breach.count()).toBe(1)
    expect(await page.locator("#alerts-panel").isVisible()).toBe(false)
    await page.locator("#alerts-toggle").click()
    expect(await page.locator("#alerts-panel").isVisible()).toBe(true)
    expect(await textOf(breach)).toMatch(/Breached .*First reply — breached, due /)
    await page.screenshot({ path: Path.join(Browsers.screenshotDir(), "agent-alerts.png") })
    await breach.getByRole("link").click()
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(overdue)
    expect(await page.locator("#alerts-panel").isVisible()).toBe(false)
    expect(await textOf(page.locator("#case-view ol.record li[data-type=slaBreached]"))).toMatch(
      /SLA breached: First reply \(breached, due .*\) — told any agent, agent-sam/
    )
    await page.context().close()
  }, 60_000)

  it("the requester sees the answer on the tracking page", async () => {
    const page = await newPage()
    await page.goto(`${demo.url}/`)
    await page.waitForSelector("body[data-ready=true]")
    await page.getByLabel("Tracking number").fill(trackingNumber)
    await page.getByRole("button", { name: "Track" }).click()
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
    expect(await textOf(page.locator("#case-view ol.record li[data-type=replied]"))).toMatch(
      "customs released it today"
    )
    expect(await attrOf(page.locator("#case-view tr[data-metric=firstResponse]"), "data-state")).toBe("met")

    // another requester cannot see it
    await page.locator("#identity").selectOption("demo-supplier")
    await page.getByLabel("Tracking number").fill(trackingNumber)
    await page.getByRole("button", { name: "Track" }).click()
    await expect
      .poll(() => textOf(page.locator("#track-error")), poll)
      .toMatch(`No request ${trackingNumber} is visible`)
    await page.context().close()
  }, 60_000)

  it("the pages logged no errors, and the only failed request was the other requester's look-up", () => {
    expect(errors).toEqual([])
    expect(failed).toEqual([`404 /v1/cases/${trackingNumber}`])
  })

  it("a restart keeps the data and does not seed again", async () => {
    await demo.close()
    demo = await DemoServer.start({ port: 0, dataDir })
    expect(demo.seed.seeded).toBe(false)
    const found = await apiAs("demo-agent", `/v1/cases/${trackingNumber}`)
    expect(found.status).toBe(200)
    expect(found.body.case.subject).toBe("Parcel stuck in customs")
    const types = found.body.events.map((e: { type: string }) => e.type)
    expect(types[0]).toBe("submitted")
    expect(types.at(-1)).toBe("replied")
    for (const seededCase of seeded) {
      expect((await apiAs("demo-admin", `/v1/cases/${seededCase}`)).status).toBe(200)
    }
    const mine = await apiAs("demo-buyer", "/v1/cases?limit=50")
    expect(mine.body.items.filter((c: { subject: string }) => c.subject === "Parcel stuck in customs")).toHaveLength(1)
  }, 120_000)
})
