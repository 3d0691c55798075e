/**
 * The demo in a real browser: the demo server in-process on a free port, on embedded PGlite in a fresh temp folder,
 * and Debian's headless Chromium driven by playwright-core, at 1366×900 and at 390×844 (a phone).
 *
 * A requester submits a request and gets a tracking number and the promises in plain words; an agent searches a word
 * of a description and finds the case, assigns it to themself, sees it under "My cases", writes an internal note the
 * requester does not see and that looks different, answers, and sees a warning when someone else changes the case;
 * the reports screen draws its charts with the numbers of the API; a buyer switches the page to Chinese and submits a
 * request; a mistyped tracking number is answered with the number meant. On every screen, at both sizes, nothing
 * scrolls horizontally (`scrollWidth ≤ innerWidth`), axe-core finds no serious or critical violation, and a
 * screenshot is written to the screenshot folder. Then the server restarts on the same folder and the data is there.
 */
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Browser, Locator, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as DemoServer from "../src/DemoServer.ts"
import * as Browsers from "./support/Browser.ts"

const suite = Browsers.availability.run ? describe : describe.skip
if (!Browsers.availability.run) console.warn(`Browser tests skipped: ${Browsers.availability.reason}`)

const axeSource = Fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

const sizes = [
  { name: "desktop", width: 1366, height: 900 },
  { name: "phone", width: 390, height: 844 }
] as const

type Size = (typeof sizes)[number]

suite("the demo in Chromium", () => {
  let dataDir: string
  let demo: DemoServer.Demo
  let browser: Browser
  let trackingNumber = ""
  let seeded: ReadonlyArray<string> = []
  const errors: Array<string> = []
  const failed: Array<string> = []
  const checked: Array<string> = []

  beforeAll(async () => {
    dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-demo-test-"))
    const [started, launched] = await Promise.all([DemoServer.start({ port: 0, dataDir }), Browsers.launch()])
    demo = started
    browser = launched
    seeded = started.seed.trackingNumbers
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await demo?.close()
    if (dataDir !== undefined) Fs.rmSync(dataDir, { recursive: true, force: true })
  })

  /** A new page with its own localStorage; any console error or failed script fails the test. */
  const newPage = async (size: Size = sizes[0], locale = "en-GB"): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      timezoneId: "Europe/Paris",
      locale
    })
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

  const apiAs = async (token: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${demo.url}${path}`, {
      method: init.method ?? "GET",
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
    })
    return { status: response.status, body: (await response.json()) as any }
  }

  /**
   * The checks of every screen: no horizontal scrolling, no serious or critical axe-core violation, a screenshot.
   */
  const checkScreen = async (page: Page, name: string, size: Size) => {
    const [scrollWidth, innerWidth] = await page.evaluate(() => [
      (globalThis as any).document.documentElement.scrollWidth,
      (globalThis as any).innerWidth
    ])
    expect(scrollWidth, `${name} at ${size.width} px scrolls horizontally`).toBeLessThanOrEqual(innerWidth)
    await page.evaluate(axeSource)
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as any).axe
      const result = await axe.run((globalThis as any).document, { resultTypes: ["violations"] })
      return result.violations
        .filter((v: any) => v.impact === "serious" || v.impact === "critical")
        .map((v: any) => `${v.id} (${v.impact}): ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`)
    })
    expect(violations, `${name} at ${size.width} px`).toEqual([])
    await page.screenshot({ path: Path.join(Browsers.screenshotDir(), `${name}-${size.name}.png`), fullPage: true })
    checked.push(`${name}-${size.name}`)
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

  it("a requester submits a request and sees the tracking number and our promises in plain words", async () => {
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
    await page.getByLabel("What happened?").fill("My parcel of zebra quartz tiles for PO-4242 is held in customs.")
    await page.getByLabel("Order reference").fill("PO-4242")
    await page.getByRole("button", { name: "Send request" }).click()

    await expect.poll(() => textOf(page.locator("#submitted-tracking")), poll).toMatch(/^GS-[0-9A-Z]{4}-[0-9A-Z]{5}$/)
    trackingNumber = await textOf(page.locator("#submitted-tracking"))
    // the promise in plain words, the clause a small link apart
    const first = page.locator("#submitted-promises li").first()
    expect(await textOf(first)).toMatch(/^We will reply within 2 business days, by .*\.clause 6\.1$/)
    expect(await attrOf(first.locator("a.clause"), "href")).toBe("/policy#clause-6.1")
    // the new case is shown with its clocks and its order reference, and listed among the requester's cases
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
    expect(await attrOf(page.locator("#case-status"), "data-status")).toBe("open")
    expect(await textOf(page.locator("#case-order"))).toBe("PO-4242")
    expect(await attrOf(page.locator("#case-view li[data-metric=firstResponse]"), "data-state")).toBe("running")
    await expect.poll(() => page.locator(`#my-cases [data-tracking="${trackingNumber}"]`).count(), poll).toBe(1)
    await checkScreen(page, "requester", sizes[0])
    await page.context().close()
  }, 60_000)

  it("an agent searches a word of a description, assigns the case to themself, notes internally and answers", async () => {
    expect(trackingNumber).not.toBe("")
    const page = await newPage()
    await page.goto(`${demo.url}/agent`)
    await page.waitForSelector("body[data-ready=true]")
    expect(await page.locator("#identity").inputValue()).toBe("demo-agent")
    // the seeded cases, with names instead of ids, the breached one marked
    await expect.poll(() => page.locator("button.case-row.breached").count(), poll).toBeGreaterThan(0)
    expect(await textOf(page.locator("#case-list"))).not.toMatch(/agent-sam|am-chen/)
    await checkScreen(page, "console", sizes[0])

    await page.getByLabel("Search cases").fill("zebra")
    await page.getByRole("button", { name: "Search", exact: true }).click()
    const row = page.locator(`#case-list button[data-tracking="${trackingNumber}"]`)
    await expect.poll(() => row.count(), poll).toBe(1)
    expect(await page.locator("#case-list button.case-row").count()).toBe(1)
    await row.click()
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)

    await page.getByRole("button", { name: "Assign to me" }).click()
    await expect.poll(() => textOf(page.locator("#case-assignee")), poll).toBe("Sam Taylor")
    await page.locator('button.view[data-view="mine"]').click()
    await expect.poll(() => row.count(), poll).toBe(1)
    expect(await attrOf(page.locator('button.view[data-view="mine"] .count'), "data-count")).not.toBe("0")

    // an internal note: marked in the composer, and apart in the record
    await page.locator("#action-tabs button[data-action=note]").click()
    expect(await textOf(page.locator("#internal-mark"))).toMatch("the requester will not see this")
    await page.getByLabel("Note for the team").fill("Customs broker is Kowloon Freight; call them first.")
    await page.getByRole("button", { name: "Add internal note" }).click()
    const note = page.locator("#case-view ol.record li[data-type=noteAdded]")
    await expect.poll(() => textOf(note), poll).toMatch("Kowloon Freight")
    const look = (locator: Locator) =>
      locator.evaluate((node) => {
        const style = (globalThis as any).getComputedStyle(node)
        return `${style.backgroundColor} ${style.borderStyle}`
      })
    expect(await look(note)).not.toBe(await look(page.locator("#case-view ol.record li[data-type=submitted]")))
    expect(await textOf(note)).toMatch("Internal")
    await checkScreen(page, "console-case", sizes[0])

    // the Send button of the composer is in view (the panel keeps it above the fold)
    await page.locator("#action-tabs button[data-action=reply]").click()
    expect(await page.locator("#action-submit").isVisible()).toBe(true)
    const inView = await page
      .locator("#action-submit")
      .evaluate((node) => node.getBoundingClientRect().bottom <= (globalThis as any).innerHeight)
    expect(inView).toBe(true)

    // someone else changes the case: the page says so
    await apiAs("demo-admin", `/v1/cases/${trackingNumber}/actions/priority`, {
      method: "POST",
      body: { priority: "high", reason: "Customs deadline" }
    })
    await expect.poll(() => textOf(page.locator("#stale")), poll).toMatch("Someone else changed this case")
    await page.getByRole("button", { name: "Show the latest" }).click()
    await expect.poll(() => page.locator("#stale").isHidden(), poll).toBe(true)

    await page.getByLabel("Message to the requester").fill("We contacted the carrier: customs released it today.")
    await page.getByRole("button", { name: "Send reply" }).click()
    await expect.poll(() => textOf(page.locator("#action-ok")), poll).toMatch("Reply: done")
    expect(await textOf(page.locator("#case-view ol.record li[data-type=replied]"))).toMatch("customs released it")
    expect(await attrOf(page.locator("#case-view tr[data-metric=firstResponse]"), "data-state")).toBe("met")

    // a missing message is named in the page, not sent
    await page.locator("#action-tabs button[data-action=resolve]").click()
    await page.locator("#action-submit").click()
    await expect.poll(() => textOf(page.locator("#action-error")), poll).toMatch("Please fill in")
    await page.context().close()
  }, 90_000)

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
      /SLA breached: First reply \(breached, due .*\) — told any agent, Sam Taylor/
    )
    await page.context().close()
  }, 60_000)

  it("the requester sees the answer, not the internal note; a mistyped number is answered with the number meant", async () => {
    const page = await newPage()
    await page.goto(`${demo.url}/`)
    await page.waitForSelector("body[data-ready=true]")
    await page.getByLabel("Tracking number").fill(trackingNumber)
    await page.getByRole("button", { name: "Track" }).click()
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
    const record = await textOf(page.locator("#case-view ol.record"))
    expect(record).toMatch("customs released it today")
    expect(record).not.toMatch("Kowloon Freight")
    expect(await attrOf(page.locator("#case-view li[data-metric=firstResponse]"), "data-state")).toBe("met")

    const i = trackingNumber.length - 2
    const typo = trackingNumber.slice(0, i) + (trackingNumber[i] === "7" ? "8" : "7") + trackingNumber.slice(i + 1)
    await page.getByLabel("Tracking number").fill(typo)
    await page.getByRole("button", { name: "Track" }).click()
    await expect
      .poll(() => textOf(page.locator("#track-error")), poll)
      .toBe(`Check the characters; did you mean ${trackingNumber}?`)

    // another requester cannot see it
    await page.locator("#identity").selectOption("demo-supplier")
    await page.getByLabel("Tracking number").fill(trackingNumber)
    await page.getByRole("button", { name: "Track" }).click()
    await expect
      .poll(() => textOf(page.locator("#track-error")), poll)
      .toMatch(`No request ${trackingNumber} is visible`)
    await page.context().close()
  }, 60_000)

  it("the reports screen draws its charts with the numbers of the API", async () => {
    const page = await newPage()
    await page.goto(`${demo.url}/agent#reports`)
    await page.waitForSelector("body[data-ready=true]")
    await page.waitForSelector("#screen-reports[data-rendered=true]")
    const from = await page.locator("#report-form input[name=from]").inputValue()
    const to = await page.locator("#report-form input[name=to]").inputValue()
    const weekly = (await apiAs("demo-agent", `/v1/reports/sla?from=${from}&to=${to}&groupBy=week`)).body
    const backlog = JSON.parse((await attrOf(page.locator("#chart-backlog"), "data-values")) ?? "[]")
    expect(backlog).toEqual([weekly.groups.map((g: any) => g.backlog)])
    expect(backlog[0].some((n: number) => n > 0)).toBe(true)
    const attainment = JSON.parse((await attrOf(page.locator("#chart-attainment"), "data-values")) ?? "[]")
    expect(attainment[0]).toEqual(
      weekly.groups.map((g: any) => {
        const a = g.metrics.find((m: any) => m.metric === "firstResponse").attainment
        return a === null ? null : Math.round(a * 1000) / 10
      })
    )
    // the canvases were drawn on
    for (const id of ["chart-attainment", "chart-breaches", "chart-backlog"]) {
      const inked = await page.locator(`#${id}`).evaluate((canvas) => {
        const c = canvas as any
        const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data
        let n = 0
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++
        return n
      })
      expect(inked, id).toBeGreaterThan(500)
    }
    const total = weekly.total.metrics.find((m: any) => m.metric === "firstResponse")
    expect(
      await textOf(page.locator('#report-table tr[data-group="total"][data-metric="firstResponse"] td:nth-child(3)'))
    ).toBe(String(total.counted))
    await page.context().close()
  }, 60_000)

  it("the reports screen shows the satisfaction ratings of the period: average, count, low share, by score", async () => {
    // three ratings now: the seeded supplier's resolved case (2, low), and two new cases resolved and rated 5 and 4
    const rate = async (token: string, tn: string, rating: number) =>
      expect((await apiAs(token, `/v1/cases/${tn}/satisfaction`, { method: "POST", body: { rating } })).status).toBe(
        200
      )
    await rate("demo-supplier", demo.seed.trackingNumbers[4], 2)
    for (const [token, rating] of [
      ["demo-buyer", 5],
      ["demo-buyer-am", 4]
    ] as const) {
      const submitted = await apiAs(token, "/v1/cases", {
        method: "POST",
        body: { category: "consultation", subject: "Second user", description: "How do I add a second user?" }
      })
      const tn = submitted.body.trackingNumber as string
      const resolved = await apiAs("demo-agent", `/v1/cases/${tn}/actions/resolve`, {
        method: "POST",
        body: { body: "Settings, then Users." }
      })
      expect(resolved.status).toBe(200)
      await rate(token, tn, rating)
    }

    const page = await newPage()
    await page.goto(`${demo.url}/agent#reports`)
    await page.waitForSelector("#screen-reports[data-rendered=true]")
    const from = await page.locator("#report-form input[name=from]").inputValue()
    const to = await page.locator("#report-form input[name=to]").inputValue()
    const total = (await apiAs("demo-agent", `/v1/reports/sla?from=${from}&to=${to}&groupBy=week`)).body.total
      .satisfaction
    expect(total.rated).toBeGreaterThanOrEqual(3)
    expect(await textOf(page.locator("#satisfaction-average"))).toBe(total.average.toFixed(2))
    expect(await textOf(page.locator("#satisfaction-rated"))).toBe(String(total.rated))
    expect(await textOf(page.locator("#satisfaction-low"))).toBe(
      `${total.low} (${((total.low / total.rated) * 100).toFixed(1)} %)`
    )
    // the chart and its table say the same as the API, score by score
    const drawn = JSON.parse((await attrOf(page.locator("#chart-satisfaction"), "data-values")) ?? "[]")
    expect(drawn).toEqual([total.distribution.map((d: { count: number }) => d.count)])
    expect(total.distribution.map((d: { rating: number }) => d.rating)).toEqual([1, 2, 3, 4, 5])
    for (const d of total.distribution) {
      expect(await textOf(page.locator(`#satisfaction-table tr[data-rating="${d.rating}"] td`))).toBe(String(d.count))
    }
    expect(await attrOf(page.locator("#chart-satisfaction"), "aria-label")).toBe(
      `Ratings by score: ${total.distribution.map((d: { rating: number; count: number }) => `${d.count} rated ${d.rating}`).join(", ")}`
    )
    const inked = await page.locator("#chart-satisfaction").evaluate((canvas) => {
      const c = canvas as any
      const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++
      return n
    })
    expect(inked).toBeGreaterThan(500)
    await checkScreen(page, "reports-satisfaction", sizes[0])

    // the same period filter as the rest of the page: a period before the ratings has none
    await page.locator("#report-form input[name=from]").fill("2024-01-01")
    await page.locator("#report-form input[name=to]").fill("2024-02-01")
    await page.getByRole("button", { name: "Show" }).click()
    await expect.poll(() => textOf(page.locator("#satisfaction-rated")), poll).toBe("0")
    expect(await textOf(page.locator("#satisfaction-average"))).toBe("—")
    expect(JSON.parse((await attrOf(page.locator("#chart-satisfaction"), "data-values")) ?? "[]")).toEqual([
      [0, 0, 0, 0, 0]
    ])
    await page.context().close()
  }, 90_000)

  it("a buyer switches the page to Chinese and submits a request", async () => {
    const page = await newPage(sizes[1])
    await page.goto(`${demo.url}/`)
    await page.waitForSelector("body[data-ready=true]")
    await page.locator("#language").selectOption("zh")
    await expect.poll(() => textOf(page.locator("#ask-title")), poll).toBe("寻求帮助")
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe("zh-Hans")
    await page.getByLabel("主题").selectOption({ label: "订单问题与发货延迟" })
    await page.getByLabel("标题").fill("斑马石英台面订单没有发货")
    await page.getByLabel("发生了什么？").fill("我们上周下的订单还没有发货，请帮忙查一下。")
    await page.getByRole("button", { name: "提交请求" }).click()
    await expect.poll(() => textOf(page.locator("#submitted-tracking")), poll).toMatch(/^GS-/)
    expect(await textOf(page.locator("#submitted-promises li").first())).toMatch(
      /^我们将在 2 个工作日内回复您，最迟 .*第 6\.1 条$/
    )
    await expect.poll(() => textOf(page.locator("#case-status")), poll).toBe("处理中 — 我们尚未答复")
    await checkScreen(page, "requester-zh", sizes[1])
    // the choice is remembered
    await page.reload()
    await page.waitForSelector("body[data-ready=true]")
    expect(await page.locator("#language").inputValue()).toBe("zh")
    await page.context().close()
  }, 60_000)

  it("a browser that prefers Chinese gets the page in Chinese", async () => {
    const page = await newPage(sizes[0], "zh-CN")
    await page.goto(`${demo.url}/`)
    await page.waitForSelector("body[data-ready=true]")
    expect(await textOf(page.locator("#ask-title"))).toBe("寻求帮助")
    await page.context().close()
  }, 60_000)

  for (const size of sizes) {
    it(`every screen at ${size.width}×${size.height}: no horizontal scrolling, no serious axe violation, a screenshot`, async () => {
      const page = await newPage(size)
      await page.goto(`${demo.url}/`)
      await page.waitForSelector("body[data-ready=true]")
      await page.getByLabel("Tracking number").fill(trackingNumber)
      await page.getByRole("button", { name: "Track" }).click()
      await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
      await checkScreen(page, "requester-case", size)
      await page.goto(`${demo.url}/policy`)
      await page.waitForSelector("body[data-ready=true]")
      await checkScreen(page, "policy", size)

      await page.goto(`${demo.url}/agent#${trackingNumber}`)
      await page.waitForSelector("body[data-ready=true]")
      await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
      await checkScreen(page, "console", size)
      for (const screen of ["incidents", "mediation", "quality", "reports"]) {
        await page.locator(`nav.screens a[data-screen=${screen}]`).click()
        await expect.poll(() => page.locator(`#screen-${screen} h1`).count(), poll).toBe(1)
        if (screen === "reports") await page.waitForSelector("#screen-reports[data-rendered=true]")
        else await page.waitForTimeout(300)
        await checkScreen(page, screen, size)
      }
      await page.context().close()
    }, 120_000)
  }

  it("the pages logged no errors, and the only failed requests were the other requester's look-ups", () => {
    expect(errors).toEqual([])
    expect(failed).toEqual([])
    expect(checked.length).toBeGreaterThanOrEqual(2 * 8)
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
    const search = await apiAs("demo-agent", "/v1/desk/search?q=zebra")
    expect(search.body.items.map((c: { trackingNumber: string }) => c.trackingNumber)).toContain(trackingNumber)
  }, 180_000)

  it("a long record shows its latest events, and the earlier ones on demand (?before=)", async () => {
    for (let i = 0; i < 60; i++) {
      const response = await fetch(`${demo.url}/v1/cases/${trackingNumber}/actions/notes`, {
        method: "POST",
        headers: { authorization: "Bearer demo-agent", "content-type": "application/json" },
        body: JSON.stringify({ body: `note ${i}` })
      })
      expect(response.status).toBe(200)
    }
    const all = await apiAs("demo-agent", `/v1/cases/${trackingNumber}?limit=200`)
    const total = all.body.events.length
    expect(all.body.eventsBefore).toBeNull()
    expect(total).toBeGreaterThan(60)
    expect(total).toBeLessThanOrEqual(100)
    const page = await newPage()
    await page.goto(`${demo.url}/agent#${trackingNumber}`)
    await page.waitForSelector("body[data-ready=true]")
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(trackingNumber)
    await expect.poll(() => page.locator("#case-view ol.record li").count(), poll).toBe(50)
    const earlier = page.getByRole("button", { name: "Show earlier events" })
    expect(await earlier.isVisible()).toBe(true)
    await earlier.click()
    await expect.poll(() => page.locator("#case-view ol.record li").count(), poll).toBe(total)
    expect(await earlier.isVisible()).toBe(false)
    expect(await attrOf(page.locator("#case-view ol.record li"), "data-type")).toBe("submitted")
    await page.context().close()
    expect(errors).toEqual([])
  }, 120_000)
})
