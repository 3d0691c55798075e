/**
 * Records in the demo: it publishes the Global Sources policy 1.8 as the first version of its policy store (clause
 * 7.1); and the satisfaction rating on the requester page, in Chromium (clause 7.4): the demo seeds a supplier's case
 * resolved a business day ago; the supplier opens it, sees the policy's question with its 1–5 scale, rates it with a
 * comment, and sees their rating instead of the form. The demo server runs in-process on embedded PGlite in a temp
 * folder.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Browser, Locator } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as DemoServer from "../src/DemoServer.ts"
import * as Browsers from "./support/Browser.ts"

const suite = Browsers.availability.run ? describe : describe.skip

suite("records in the demo: policy versions and the satisfaction rating", () => {
  let dataDir: string
  let demo: DemoServer.Demo
  let browser: Browser
  const errors: Array<string> = []
  const failed: Array<string> = []

  beforeAll(async () => {
    dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-demo-rating-"))
    const [started, launched] = await Promise.all([
      DemoServer.start({ port: 0, dataDir, worker: false }),
      Browsers.launch()
    ])
    demo = started
    browser = launched
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await demo?.close()
    if (dataDir !== undefined) Fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const poll = { timeout: 15_000, interval: 100 }
  const textOf = async (locator: Locator): Promise<string> =>
    (await locator.count()) === 0 ? "" : ((await locator.first().textContent()) ?? "").trim()

  it("the demo publishes the Global Sources policy 1.8 as its first version, in force", async () => {
    const response = await fetch(`${demo.url}/v1/policy/versions`, { headers: { authorization: "Bearer demo-admin" } })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { items: ReadonlyArray<{ version: string; inForce: boolean }> }
    expect(body.items.map((v) => [v.version, v.inForce])).toEqual([["1.8", true]])
    const cases = await Promise.all(
      demo.seed.trackingNumbers.map(async (tn) => {
        const r = await fetch(`${demo.url}/v1/cases/${tn}`, { headers: { authorization: "Bearer demo-admin" } })
        return ((await r.json()) as { case: { policyVersion: string } }).case.policyVersion
      })
    )
    expect(new Set(cases)).toEqual(new Set(["1.8"]))
  })

  it("the requester rates their resolved case once, and then sees the rating", async () => {
    // the seeded supplier's case, resolved a business day ago (the fifth seeded case)
    const resolved = demo.seed.trackingNumbers[4]
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    page.on("pageerror", (error) => errors.push(error.message))
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`)
    })
    await page.goto(`${demo.url}/`)
    await page.waitForSelector("body[data-ready=true]")
    await page.locator("#identity").selectOption("demo-supplier")
    await page.getByLabel("Tracking number").fill(resolved)
    await page.getByRole("button", { name: "Track" }).click()
    await expect.poll(() => textOf(page.locator("#case-view #case-tracking")), poll).toBe(resolved)

    const form = page.locator("#case-view form.satisfaction")
    expect(await textOf(form.locator("legend"))).toBe("How satisfied are you with how we handled your request?")
    expect(await form.locator("input[type=radio][name=rating]").count()).toBe(5)
    // nothing chosen: said in the page, nothing sent
    await form.getByRole("button", { name: "Send rating" }).click()
    await expect.poll(() => textOf(form.locator(".error")), poll).toBe("Please choose a rating first.")

    await form.getByLabel("4", { exact: true }).check()
    await form.getByLabel("Anything to add? (optional)").fill("Good keywords, thank you.")
    await form.getByRole("button", { name: "Send rating" }).click()
    await expect
      .poll(() => textOf(page.locator("#case-view p.satisfaction.rated")), poll)
      .toBe("You rated how we handled this request 4 out of 5. Thank you.")
    expect(await page.locator("#case-view form.satisfaction").count()).toBe(0)

    // the desk holds the rating
    const response = await fetch(`${demo.url}/v1/cases/${resolved}`, {
      headers: { authorization: "Bearer demo-supplier" }
    })
    const view = (await response.json()) as { satisfaction: { rating: { rating: number; comment: string } } }
    expect(view.satisfaction.rating).toMatchObject({ rating: 4, comment: "Good keywords, thank you." })
    await page.screenshot({ path: Path.join(Browsers.screenshotDir(), "requester-rating.png"), fullPage: true })
    await context.close()
    expect(errors).toEqual([])
    expect(failed).toEqual([])
  }, 60_000)
})
