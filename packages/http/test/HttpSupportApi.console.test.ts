/**
 * The console over real HTTP: views with counts, "Assign to me", search (staff and requesters, tracking numbers
 * with a mistyped character), cursor paging, display names, the live stream of changes (server-sent events), SLA
 * reports as JSON and CSV, and quality reviews.
 */
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { act, expectJson, expectProblem, type Server, startServer, submit } from "./support/harness.ts"

let server: Server
beforeAll(async () => {
  server = await startServer({ now: "2025-06-09T10:00", options: { liveUpdateMillis: 50 } })
})
afterAll(() => server.close())

const get = async (path: string, as: any = "agent") => server.request("GET", path, { as })
const tracking = (page: any): Array<string> => page.items.map((c: any) => c.trackingNumber)

/** A tracking number with one character changed. */
const mistype = (tn: string): string => {
  const i = tn.length - 2
  return tn.slice(0, i) + (tn[i] === "7" ? "8" : "7") + tn.slice(i + 1)
}

describe("GET /v1/desk/cases, /v1/desk/counts", () => {
  it("views by status and assignee; Assign to me puts a case under My cases; counts follow", async () => {
    server.setNow("2025-06-09T10:00")
    const a = await submit(server, "buyer:v1", { subject: "Cannot change my password" })
    const b = await submit(server, "buyer:v2", { subject: "Invoice missing" })
    const mine = async () => tracking(expectJson(await get("/v1/desk/cases?view=mine"), 200))
    assert.notInclude(await mine(), a)
    const before = expectJson(await get("/v1/desk/counts"), 200)
    await act(server, "agent", a, "assign", { to: { role: "agent", id: "agent-ann" } })
    assert.include(await mine(), a)
    const after = expectJson(await get("/v1/desk/counts"), 200)
    const count = (body: any, view: string) => body.items.find((i: any) => i.view === view).count
    assert.strictEqual(count(after, "mine"), count(before, "mine") + 1)
    assert.strictEqual(count(after, "unassigned"), count(before, "unassigned") - 1)
    assert.strictEqual(after.cap, 10_000)
    const unassigned = tracking(expectJson(await get("/v1/desk/cases?view=unassigned&sort=received&order=asc"), 200))
    assert.include(unassigned, b)
    assert.notInclude(unassigned, a)
    // display names of the staff named, from the directory
    const page = expectJson(await get("/v1/desk/cases?view=mine"), 200)
    assert.strictEqual(page.names["agent-ann"], "Ann Lee")
    const view = expectJson(await get(`/v1/cases/${a}`), 200)
    assert.strictEqual(view.names["agent-ann"], "Ann Lee")
  })

  it("pages with a cursor to the end, with no cap", async () => {
    server.setNow("2025-06-09T11:00")
    const opened: Array<string> = []
    for (let i = 0; i < 5; i++) opened.push(await submit(server, `buyer:p${i}`, { category: "order-delivery" }))
    const seen: Array<string> = []
    let cursor: string | null = null
    for (let n = 0; n < 20; n++) {
      const query = `/v1/desk/cases?view=all&category=order-delivery&sort=received&order=asc&limit=2`
      const page: any = expectJson(await get(cursor === null ? query : `${query}&cursor=${cursor}`), 200)
      seen.push(...tracking(page))
      cursor = page.next
      if (cursor === null) break
    }
    // the five were received at the same instant (in id order); every case once
    assert.sameMembers(
      seen.filter((t) => opened.includes(t)),
      opened
    )
    assert.strictEqual(new Set(seen).size, seen.length)
    const bad = expectProblem(await get("/v1/desk/cases?cursor=nonsense"), 400)
    assert.deepStrictEqual(
      bad.problems.map((p: any) => [p.in, p.path]),
      [["query", "cursor"]]
    )
    expectProblem(await get("/v1/desk/cases?view=everything"), 400)
    // a requester's list holds their own cases only
    assert.deepStrictEqual(tracking(expectJson(await get("/v1/desk/cases?view=all", "buyer:nobody"), 200)), [])
  })
})

describe("GET /v1/desk/search, GET /v1/cases?q=", () => {
  it("finds words of descriptions in English and Chinese, order references and tracking numbers", async () => {
    server.setNow("2025-06-10T10:00")
    const en = await submit(server, "buyer", {
      subject: "Parcel held",
      description: "Our parcel of zebra quartz slabs is stuck in customs.",
      orderReference: "PO-77120"
    })
    const zh = await submit(server, "buyer:zh", { subject: "斑马石英台面", description: "订单还没有发货。" })
    const search = async (q: string, as: any = "agent") =>
      expectJson(await get(`/v1/desk/search?q=${encodeURIComponent(q)}`, as), 200)
    assert.deepStrictEqual(tracking(await search("zebra quartz")), [en])
    assert.deepStrictEqual(tracking(await search("po-77120")), [en])
    assert.deepStrictEqual(tracking(await search("ada@example")), tracking(await search("ada@example")))
    assert.include(tracking(await search("ada@example")), en)
    assert.deepStrictEqual(tracking(await search("发货")), [zh])
    assert.deepStrictEqual(tracking(await search("斑马石英")), [zh])
    assert.strictEqual((await search(en)).exact.trackingNumber, en)
    assert.deepStrictEqual((await search(mistype(en))).didYouMean, [en])
    // requesters: their own cases only, through the same endpoint or /v1/cases?q=
    assert.deepStrictEqual(tracking(await search("zebra", "buyer")), [en])
    assert.deepStrictEqual(tracking(await search("发货", "buyer")), [])
    const mineByQuery = expectJson(await get(`/v1/cases?q=${encodeURIComponent(mistype(en))}`, "buyer"), 200)
    assert.deepStrictEqual(mineByQuery.didYouMean, [en])
    const other = expectJson(await get(`/v1/cases?q=${encodeURIComponent(mistype(en))}`, "otherBuyer"), 200)
    assert.deepStrictEqual(other.didYouMean, [])
    const exactly = expectJson(await get(`/v1/cases?q=${en}`, "buyer"), 200)
    assert.deepStrictEqual(tracking(exactly), [en])
    // a query no index can serve names the field
    const short = expectProblem(await get("/v1/desk/search?q=a%20b"), 400)
    assert.deepStrictEqual(
      short.problems.map((p: any) => [p.in, p.path]),
      [["query", "q"]]
    )
    expectProblem(await get("/v1/desk/search"), 400)
  })
})

describe("GET /v1/desk/people", () => {
  it("lists the staff by name for staff only", async () => {
    const people = expectJson(await get("/v1/desk/people"), 200)
    assert.deepStrictEqual(
      people.items.map((p: any) => p.name),
      ["Ann Lee", "Kim Wong", "Max Tan", "Zed Ong"]
    )
    expectProblem(await get("/v1/desk/people", "buyer"), 403)
  })
})

describe("GET /v1/desk/changes", () => {
  it("streams a case as it changes, as server-sent events", async () => {
    const controller = new AbortController()
    const response = await fetch(`${server.url}/v1/desk/changes`, {
      headers: { authorization: "Bearer t-agent" },
      signal: controller.signal
    })
    assert.strictEqual(response.status, 200)
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/)
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = ""
    const until = async (predicate: (t: string) => boolean) => {
      const deadline = Date.now() + 10_000
      while (!predicate(text) && Date.now() < deadline) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
    }
    await until((t) => t.includes('"heartbeat"'))
    assert.include(text, '"type":"heartbeat"')
    const tn = await submit(server, "buyer:live")
    await until((t) => t.includes(tn))
    controller.abort()
    const event = text
      .split("\n")
      .filter((line) => line.startsWith("data: ") && line.includes(tn))
      .map((line) => JSON.parse(line.slice(6)))[0]
    assert.deepInclude(event, { type: "changed", trackingNumber: tn, status: "open" })
    assert.isAtLeast(event.sequence, 1)
    const forbidden = await server.request("GET", "/v1/desk/changes", { as: "buyer" })
    expectProblem(forbidden, 403)
  })
})

describe("GET /v1/reports/sla", () => {
  it("reports per group and metric as JSON, and as CSV with Accept: text/csv", async () => {
    server.setNow("2025-06-16T09:00")
    const report = expectJson(await get("/v1/reports/sla?from=2025-06-09&to=2025-06-16&groupBy=category"), 200)
    assert.strictEqual(report.groupBy, "category")
    assert.strictEqual(report.timeZone, "+08:00")
    assert.isAbove(report.cases, 0)
    const first = report.total.metrics.find((m: any) => m.metric === "firstResponse")
    assert.isAbove(first.counted, 0)
    assert.strictEqual(first.counted, first.met + first.breached + first.refused)
    const csv = await server.request("GET", "/v1/reports/sla?from=2025-06-09&to=2025-06-16&groupBy=category", {
      as: "agent",
      headers: { accept: "text/csv" }
    })
    assert.strictEqual(csv.status, 200)
    assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/)
    const lines = csv.text.trimEnd().split("\r\n")
    assert.match(lines[0], /^category,label,metric,counted,met,breached,refused,attainment_percent/)
    assert.strictEqual(lines.length, 1 + (report.groups.length + 1) * report.total.metrics.length)
    const bad = expectProblem(await get("/v1/reports/sla?from=yesterday&to=2025-06-16"), 400)
    assert.deepStrictEqual(
      bad.problems.map((p: any) => p.path),
      ["from"]
    )
    expectProblem(await get("/v1/reports/sla?from=2025-06-16&to=2025-06-09"), 400)
    expectProblem(await get("/v1/reports/sla?from=2025-06-09&to=2025-06-16", "buyer"), 403)
  })
})

describe("GET /v1/quality-reviews", () => {
  it("lists the cases selected for review, and a reviewer rates one", async () => {
    server.setNow("2025-06-17T10:00")
    const tn = await submit(server, "buyer:qr")
    // answered late (the first response was due Thursday 10:00): always selected for review as it closes
    server.setNow("2025-06-20T10:00")
    await act(server, "agent", tn, "resolve", { body: "Done." })
    await act(server, "agent", tn, "close", {})
    const pending = expectJson(await get("/v1/quality-reviews"), 200)
    const item = pending.items.find((i: any) => i.case.trackingNumber === tn)
    assert.include(item.reasons, "breached")
    const rated = await act(server, "agent", tn, "quality-review", { rating: 4, note: "Late, but clear." })
    assert.strictEqual(rated.events.at(-1).type, "qualityReviewed")
    const after = expectJson(await get("/v1/quality-reviews"), 200)
    assert.notInclude(
      after.items.map((i: any) => i.case.trackingNumber),
      tn
    )
    expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/quality-review`, { as: "agent", body: { rating: 9 } }),
      400
    )
  })
})

describe("texts a requester reads, in English and Chinese", () => {
  it("promises in plain words with the clause apart, in the language of the request or of Accept-Language", async () => {
    server.setNow("2025-06-09T10:00")
    const zh = expectJson(
      await server.request("POST", "/v1/cases", {
        as: "buyer:lang1",
        body: { category: "consultation", subject: "账户问题", description: "无法登录。", language: "zh-CN" }
      }),
      201
    )
    assert.strictEqual(zh.language, "zh")
    assert.strictEqual(
      zh.replyBy.plainText,
      "我们将在 2 个工作日内回复您，最迟 2025年6月11日（周三）10:00（UTC+08:00）。"
    )
    assert.strictEqual(zh.replyBy.clauseText, "第 6.1 条")
    assert.include(zh.message, `您的跟踪编号是 ${zh.trackingNumber}`)
    const en = expectJson(
      await server.request("POST", "/v1/cases", {
        as: "buyer:lang2",
        body: { category: "consultation", subject: "Account", description: "Cannot log in." }
      }),
      201
    )
    assert.strictEqual(
      en.replyBy.plainText,
      "We will reply within 2 business days, by Wed 11 Jun 2025, 10:00 (UTC+08:00)."
    )
    assert.strictEqual(
      en.replyBy.text,
      "We will reply within 2 business days, by Wed 11 Jun 2025, 10:00 (UTC+08:00) (clause 6.1)."
    )
    const quote = expectJson(
      await server.request("GET", "/v1/policy/reply-by?category=consultation", {
        headers: { "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" }
      }),
      200
    )
    assert.match(quote.replyBy.plainText, /^我们将在 2 个工作日内回复您/)
  })
})
