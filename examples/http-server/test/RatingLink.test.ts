/**
 * The rating link of the resolution mail, end to end with real parts (clause 7.4): the demo on in-memory PGlite
 * delivers its mail by SMTP to a real server on loopback (the email package's test sink, which parses each mail with
 * postal-mime); an agent resolves a case over HTTP; the requester's mail carries the policy's question and a signed
 * link to the demo's rating page; the link is followed over HTTP (the page, then what its script asks: the form, the
 * rating), and the case's record holds the `satisfactionRated` event. A tampered link, an expired link and a second
 * rating are refused with a 4xx problem; a policy without `satisfaction` sends no link. In Chromium, the link shows
 * the form in English and in Chinese, axe-core finds no serious violation, and a screenshot is written.
 */
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { Presets, SatisfactionToken, type SupportPolicy } from "@support-policy/core"
import { Effect, Redacted } from "effect"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as SmtpSink from "../../../packages/email/test/support/SmtpSink.ts"
import * as DemoServer from "../src/DemoServer.ts"
import * as Browsers from "./support/Browser.ts"

const axeSource = Fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

const call = async (base: string, method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    body: text === "" ? null : JSON.parse(text)
  }
}

/** Opens a case as `who` and resolves it as the demo's agent; the tracking number. */
const resolvedCase = async (base: string, who: string, language = "en") => {
  const submitted = await call(
    base,
    "POST",
    "/v1/cases",
    {
      category: "consultation",
      subject: "How do I add a second user?",
      description: "I cannot find where to add a second user to my account.",
      language
    },
    who
  )
  expect(submitted.status).toBe(201)
  const tn = submitted.body.trackingNumber as string
  const resolved = await call(
    base,
    "POST",
    `/v1/cases/${tn}/actions/resolve`,
    { body: "Settings, then Users, then Add." },
    "demo-agent"
  )
  expect(resolved.status).toBe(200)
  return tn
}

/** The resolution mail of a case in the sink, once it arrived. */
const resolutionMail = async (sink: SmtpSink.Sink, tn: string) => {
  const deadline = Date.now() + 20_000
  for (;;) {
    const mail = sink.received.find(
      (m) => (m.email.subject ?? "").startsWith(`[${tn}]`) && /resolved|已解决/.test(m.email.subject ?? "")
    )
    if (mail !== undefined) return mail
    if (Date.now() > deadline)
      throw new Error(`no resolution mail for ${tn}: ${sink.received.map((m) => m.email.subject).join(" | ")}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const linkIn = (text: string, base: string): string | undefined =>
  text.split("\n").find((line) => line.startsWith(`${base}/rate#`))

describe("the rating link of the resolution mail", () => {
  let sink: SmtpSink.Sink
  let demo: DemoServer.Demo
  let withoutRatings: DemoServer.Demo

  beforeAll(async () => {
    sink = await SmtpSink.start()
    const { satisfaction: _s, ...rest } = Presets.globalSources
    const common = {
      port: 0,
      dataDir: "memory://",
      seed: false,
      // the worker delivers the outbox (delivery is its task); no SLA alerts or sweeps to write into the records
      worker: { alerts: false, closeIdle: false, retention: false },
      smtpUrl: sink.url,
      smtpInboundPort: false
    } as const
    ;[demo, withoutRatings] = await Promise.all([
      DemoServer.start(common),
      DemoServer.start({ ...common, policy: { ...rest, version: "1.8-no-ratings" } as SupportPolicy.SupportPolicy })
    ])
  }, 180_000)

  afterAll(async () => {
    await demo?.close()
    await withoutRatings?.close()
    await sink?.stop()
  })

  it("the mail carries a signed link; following it shows the question and rates the case once", async () => {
    const tn = await resolvedCase(demo.url, "demo-buyer")
    const mail = await resolutionMail(sink, tn)
    expect(mail.rcptTo).toEqual(["ana@buyer.example"])
    const text = mail.email.text ?? ""
    expect(text).toContain("How satisfied are you with how we handled your request? Rate it from 1 to 5 until ")
    const link = linkIn(text, demo.url)
    expect(link, text).toBeDefined()
    expect(mail.email.html).toContain(`<a href="${link}">`)

    // the page the link opens (the fragment stays in the browser)
    const url = new URL(link!)
    const page = await fetch(`${url.origin}${url.pathname}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script type="module" src="/assets/rate.js"></script>')
    const token = decodeURIComponent(url.hash.slice(1))

    // what the page's script asks: the form, then the rating
    const form = await call(demo.url, "POST", "/v1/satisfaction/form", { token })
    expect(form.status).toBe(200)
    expect(form.body.trackingNumber).toBe(tn)
    expect(form.body.satisfaction).toMatchObject({
      question: "How satisfied are you with how we handled your request?",
      scale: { min: 1, max: 5 },
      comment: "optional",
      rating: null
    })
    expect(form.body.satisfaction.openUntil).toBeGreaterThan(Date.now())
    const rated = await call(demo.url, "POST", "/v1/satisfaction", { token, rating: 4, comment: "Clear steps." })
    expect(rated.status).toBe(200)
    expect(rated.body).toMatchObject({ trackingNumber: tn, rating: 4 })

    // the record holds it, as the API's own rating would be
    const record = await call(demo.url, "GET", `/v1/cases/${tn}`, undefined, "demo-agent")
    const events = record.body.events as ReadonlyArray<{
      type: string
      rating?: number
      comment?: string
      actor: unknown
    }>
    const ratings = events.filter((e) => e.type === "satisfactionRated")
    expect(ratings).toHaveLength(1)
    expect(ratings[0]).toMatchObject({
      rating: 4,
      comment: "Clear steps.",
      actor: { role: "requester", id: "buyer-ana" }
    })

    // a second rating through the same link: 409, nothing written
    const again = await call(demo.url, "POST", "/v1/satisfaction", { token, rating: 1 })
    expect([again.status, again.type, again.body.code]).toEqual([
      409,
      "application/problem+json",
      "SatisfactionAlreadyRated"
    ])
    const after = await call(demo.url, "POST", "/v1/satisfaction/form", { token })
    expect(after.body.satisfaction.rating).toMatchObject({ rating: 4 })
  }, 60_000)

  it("a tampered link and an expired link get a 403 problem, never a 5xx, and write nothing", async () => {
    const tn = await resolvedCase(demo.url, "demo-supplier")
    const token = decodeURIComponent(
      new URL(linkIn((await resolutionMail(sink, tn)).email.text ?? "", demo.url)!).hash.slice(1)
    )
    const [prefix, payload, signature] = token.split(".")
    const tampered = [
      `${prefix}.${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`,
      `${prefix}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), e: 9e12 })).toString("base64url")}.${signature}`,
      "v1.not-a-token",
      "x".repeat(1000)
    ]
    for (const bad of tampered) {
      for (const path of ["/v1/satisfaction/form", "/v1/satisfaction"]) {
        const answer = await call(
          demo.url,
          "POST",
          path,
          path.endsWith("form") ? { token: bad } : { token: bad, rating: 5 }
        )
        expect([answer.status, answer.type, answer.body.code], `${path} ${bad.slice(0, 30)}`).toEqual([
          403,
          "application/problem+json",
          "SatisfactionTokenInvalid"
        ])
      }
    }
    // a link signed with the demo's secret for this case and requester, expired a minute ago
    const form = await call(demo.url, "POST", "/v1/satisfaction/form", { token })
    const caseId = JSON.parse(Buffer.from(payload, "base64url").toString()).c as string
    const expired = await Effect.runPromise(
      SatisfactionToken.make(Redacted.make(DemoServer.demoSatisfactionSecret), {
        caseId,
        requesterId: "supplier-bolt",
        expiresAt: Date.now() - 60_000
      })
    )
    const refused = await call(demo.url, "POST", "/v1/satisfaction", { token: expired, rating: 5 })
    expect([refused.status, refused.body.code, refused.body.reason]).toEqual([
      403,
      "SatisfactionTokenInvalid",
      "expired"
    ])
    const still = await call(demo.url, "POST", "/v1/satisfaction/form", { token })
    expect([form.body.satisfaction.rating, still.body.satisfaction.rating]).toEqual([null, null])
  }, 60_000)

  it("a policy without satisfaction sends no link", async () => {
    const tn = await resolvedCase(withoutRatings.url, "demo-buyer")
    const mail = await resolutionMail(sink, tn)
    expect(mail.email.text).toContain("Settings, then Users, then Add.")
    expect(mail.email.text).not.toContain("/rate#")
    expect(mail.email.text).not.toContain("How satisfied")
  }, 60_000)

  const browserIt = Browsers.availability.run ? it : it.skip
  let browser: Browser | undefined
  afterAll(async () => {
    await browser?.close()
  })

  /** No serious or critical axe-core violation on the page. */
  const axeClean = async (page: Page) => {
    await page.evaluate(axeSource)
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as any).axe
      const result = await axe.run((globalThis as any).document, { resultTypes: ["violations"] })
      return result.violations
        .filter((v: any) => v.impact === "serious" || v.impact === "critical")
        .map((v: any) => `${v.id} (${v.impact}): ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`)
    })
    expect(violations).toEqual([])
  }

  browserIt(
    "in Chromium the link shows the form, in English and in Chinese, and rates the case",
    async () => {
      browser = await Browsers.launch()
      const errors: Array<string> = []
      // English: Ana's mail, rated in the page
      const tn = await resolvedCase(demo.url, "demo-buyer")
      const link = linkIn((await resolutionMail(sink, tn)).email.text ?? "", demo.url)!
      const english = await browser.newContext({ viewport: { width: 800, height: 800 }, locale: "en-GB" })
      const page = await english.newPage()
      page.on("pageerror", (error) => errors.push(error.message))
      await page.goto(link)
      await page.waitForSelector("body[data-ready=true]")
      expect(await page.locator("#rate-case").textContent()).toBe(`Your request ${tn}`)
      const form = page.locator("form.satisfaction")
      expect(await form.locator("legend").textContent()).toBe("How satisfied are you with how we handled your request?")
      expect(await form.locator("input[type=radio][name=rating]").count()).toBe(5)
      await axeClean(page)
      await page.screenshot({ path: Path.join(Browsers.screenshotDir(), "rating-link-en.png"), fullPage: true })
      await form.getByLabel("5", { exact: true }).check()
      await form.getByRole("button", { name: "Send rating" }).click()
      await page.waitForSelector("p.satisfaction.rated")
      expect(await page.locator("p.satisfaction.rated").textContent()).toBe(
        "You rated how we handled this request 5 out of 5. Thank you."
      )
      const record = await call(demo.url, "GET", `/v1/cases/${tn}`, undefined, "demo-agent")
      const events = record.body.events as ReadonlyArray<{ type: string; rating?: number }>
      expect(events.filter((e) => e.type === "satisfactionRated").map((e) => e.rating)).toEqual([5])
      await english.close()

      // Chinese: Li's mail is written in Chinese; the page speaks the browser's language
      const zhTn = await resolvedCase(demo.url, "demo-buyer-am", "zh-CN")
      const zhMail = await resolutionMail(sink, zhTn)
      expect(zhMail.email.subject).toBe(`[${zhTn}] 您的请求已解决`)
      expect(zhMail.email.text).toContain("您对我们处理此请求的方式满意吗？请在 ")
      const zhLink = linkIn(zhMail.email.text ?? "", demo.url)!
      const chinese = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: "zh-CN" })
      const zhPage = await chinese.newPage()
      zhPage.on("pageerror", (error) => errors.push(error.message))
      await zhPage.goto(zhLink)
      await zhPage.waitForSelector("body[data-ready=true]")
      expect(await zhPage.locator("h1").textContent()).toBe("我们做得怎么样？")
      expect(await zhPage.locator("form.satisfaction button[type=submit]").textContent()).toBe("提交评分")
      expect(await zhPage.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe("zh-Hans")
      await axeClean(zhPage)
      await zhPage.screenshot({ path: Path.join(Browsers.screenshotDir(), "rating-link-zh.png"), fullPage: true })

      // a tampered link: said in the page, in its language
      await zhPage.goto(`${zhLink.slice(0, -3)}abc`)
      await zhPage.reload()
      await zhPage.waitForSelector("body[data-ready=true]")
      expect(await zhPage.locator("#rate-error").textContent()).toBe("此评分链接无效。请使用我们邮件中的原始链接。")
      expect(await zhPage.locator("form.satisfaction").count()).toBe(0)
      await axeClean(zhPage)
      await chinese.close()
      expect(errors).toEqual([])
    },
    90_000
  )
})
