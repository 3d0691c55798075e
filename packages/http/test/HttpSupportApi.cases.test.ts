/**
 * Cases through real HTTP: submission (with its reply-by promise and idempotency), reading a case as each kind of
 * caller, listing one's cases, writing to a case, and every action endpoint.
 */
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { act, expectJson, expectProblem, hk, type Server, startServer, submission, submit } from "./support/harness.ts"

let server: Server
beforeAll(async () => {
  server = await startServer({ now: "2025-06-09T10:00" }) // Monday, in business hours
})
afterAll(() => server.close())

const types = (view: any): Array<string> => view.events.map((e: any) => e.type)

describe("POST /v1/cases", () => {
  it("answers 201 with the tracking number, priority, status, the plan and the reply-by promise", async () => {
    server.setNow("2025-06-09T10:00")
    const body = expectJson(await server.request("POST", "/v1/cases", { as: "buyer", body: submission() }), 201)
    assert.match(body.trackingNumber, /^GS-/)
    assert.strictEqual(body.created, true)
    assert.strictEqual(body.priority, "normal")
    assert.strictEqual(body.status, "open")
    assert.deepStrictEqual(body.channel, { requested: "online-form", taken: "online-form", nextOpening: null })
    // clause 6.1: 2 business days from Monday 10:00 is Wednesday 10:00 (+08:00)
    assert.strictEqual(body.replyBy.dueAt, hk("2025-06-11T10:00"))
    assert.strictEqual(
      body.replyBy.text,
      "We will reply within 2 business days, by Wed 11 Jun 2025, 10:00 (UTC+08:00) (clause 6.1)."
    )
    const metrics = body.plan.map((t: any) => [t.metric, t.clause, t.dueAt])
    assert.deepStrictEqual(metrics, [
      ["firstResponse", "6.1", hk("2025-06-11T10:00")],
      ["resolution", "6.3", hk("2025-06-18T10:00")]
    ])
    assert.include(body.message, body.trackingNumber)
    assert.include(body.message, "by Wed 11 Jun 2025, 10:00")
    assert.strictEqual(body.view.case.trackingNumber, body.trackingNumber)
    assert.strictEqual(body.view.case.requester.id, "buyer-ada")
    assert.deepStrictEqual(types(body.view), ["submitted"])
  })

  it("states the promise in the requester's time zone when they give one", async () => {
    server.setNow("2025-06-09T10:00")
    const body = expectJson(
      await server.request("POST", "/v1/cases", { as: "buyer", body: submission({ timeZone: "Europe/London" }) }),
      201
    )
    // Wednesday 10:00 in Hong Kong is Wednesday 03:00 in London (BST)
    assert.strictEqual(
      body.replyBy.text,
      "We will reply within 2 business days, by Wed 11 Jun 2025, 03:00 (Europe/London, UTC+01:00) (clause 6.1)."
    )
    assert.strictEqual(body.replyBy.timeZone, "Europe/London")
  })

  it("raises the priority by triage and promises daily progress updates (clause 6.2)", async () => {
    server.setNow("2025-06-09T10:00")
    const body = expectJson(
      await server.request("POST", "/v1/cases", {
        as: "buyer",
        body: submission({ category: "misconduct-fraud-report", subject: "A fraudulent supplier" })
      }),
      201
    )
    assert.strictEqual(body.priority, "high")
    const progress = body.plan.find((t: any) => t.metric === "progressUpdate")
    assert.strictEqual(progress.dueAt, hk("2025-06-10T10:00"))
    assert.strictEqual(progress.recurring, true)
    assert.include(body.message, "progress update within 1 business day")
  })

  it("takes live chat outside its hours through the online form and says when the team is back", async () => {
    server.setNow("2025-06-14T11:00") // Saturday
    const body = expectJson(
      await server.request("POST", "/v1/cases", { as: "otherBuyer", body: submission({ channel: "live-chat" }) }),
      201
    )
    assert.deepStrictEqual(body.channel, {
      requested: "live-chat",
      taken: "online-form",
      nextOpening: hk("2025-06-16T09:00")
    })
    assert.include(body.message, "Live chat is staffed during our service hours only")
    assert.include(body.message, "Mon 16 Jun 2025, 09:00")
    // counted from the next opening: two whole business days, Monday and Tuesday
    assert.strictEqual(body.replyBy.dueAt, hk("2025-06-17T18:00"))
  })

  it("replays a submission retried with the same Idempotency-Key", async () => {
    server.setNow("2025-06-09T10:00")
    const send = () =>
      server.request("POST", "/v1/cases", {
        as: "supplierWithoutManager",
        body: submission({ category: "product-uploads", subject: "Upload fails" }),
        headers: { "idempotency-key": "upload-1" }
      })
    const first = expectJson(await send(), 201)
    const second = expectJson(await send(), 201)
    assert.strictEqual(first.created, true)
    assert.strictEqual(second.created, false)
    assert.strictEqual(second.trackingNumber, first.trackingNumber)
    const mine = expectJson(await server.request("GET", "/v1/cases", { as: "supplierWithoutManager" }), 200)
    assert.strictEqual(mine.items.filter((c: any) => c.subject === "Upload fails").length, 1)
  })
})

describe("GET /v1/cases/{trackingNumber}", () => {
  it("shows the requester their case without internal events or clock traces, and staff all of it", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer")
    await act(server, "agent", tn, "notes", { body: "Customer called twice" })
    const mine = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "buyer" }), 200)
    assert.deepStrictEqual(types(mine), ["submitted"])
    assert.isTrue(mine.sla.clocks.length > 0)
    assert.isTrue(mine.sla.clocks.every((c: any) => c.trace === undefined))
    const staff = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "agent" }), 200)
    assert.deepStrictEqual(types(staff), ["submitted", "assigned", "noteAdded"])
    assert.isTrue(staff.sla.clocks.every((c: any) => Array.isArray(c.trace) && c.trace.length > 0))
    const first = staff.sla.clocks.find((c: any) => c.metric === "firstResponse")
    assert.strictEqual(first.state, "running")
    assert.strictEqual(first.dueAt, hk("2025-06-11T10:00"))
  })

  it("finds a case by its tracking number typed in lower case", async () => {
    const tn = await submit(server, "buyer")
    const view = expectJson(await server.request("GET", `/v1/cases/${tn.toLowerCase()}`, { as: "buyer" }), 200)
    assert.strictEqual(view.case.trackingNumber, tn)
  })

  it("lets the clocks run on: reading later shows business time used", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer")
    server.setNow("2025-06-09T13:00")
    const view = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "agent" }), 200)
    assert.strictEqual(view.asOf, hk("2025-06-09T13:00"))
    const first = view.sla.clocks.find((c: any) => c.metric === "firstResponse")
    assert.strictEqual(first.usedMs, 3 * 3_600_000)
    server.setNow("2025-06-09T10:00")
  })
})

describe("GET /v1/cases", () => {
  it("lists the caller's own cases, newest first", async () => {
    server.setNow("2025-06-09T10:00")
    const a = await submit(server, "supplier", { category: "listing-optimisation", subject: "first" })
    server.setNow("2025-06-09T10:05")
    const b = await submit(server, "supplier", { category: "listing-optimisation", subject: "second" })
    await submit(server, "otherBuyer")
    const list = expectJson(await server.request("GET", "/v1/cases", { as: "supplier" }), 200)
    assert.deepStrictEqual(
      list.items.map((c: any) => c.trackingNumber),
      [b, a]
    )
    const one = expectJson(await server.request("GET", "/v1/cases?limit=1&offset=1", { as: "supplier" }), 200)
    assert.deepStrictEqual(
      one.items.map((c: any) => c.trackingNumber),
      [a]
    )
    server.setNow("2025-06-09T10:00")
  })
})

describe("POST /v1/cases/{trackingNumber}/messages", () => {
  it("takes the requester's message as an answer and an agent's as a reply (first response met)", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer")
    const answered = expectJson(
      await server.request("POST", `/v1/cases/${tn}/messages`, { as: "buyer", body: { body: "More details" } }),
      200
    )
    assert.deepStrictEqual(types(answered), ["submitted", "requesterResponded"])
    server.setNow("2025-06-09T11:00")
    const replied = expectJson(
      await server.request("POST", `/v1/cases/${tn}/messages`, { as: "agent", body: { body: "Here is how" } }),
      200
    )
    assert.strictEqual(replied.events.at(-1).type, "replied")
    const first = replied.sla.clocks.find((c: any) => c.metric === "firstResponse")
    assert.strictEqual(first.state, "met")
    assert.strictEqual(first.metAt, hk("2025-06-09T11:00"))
    server.setNow("2025-06-09T10:00")
  })
})

describe("POST /v1/cases/{trackingNumber}/actions/…", () => {
  it("runs a case through request-information, respond, progress-update, priority, assign, resolve, reopen, explain, close", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:lia")
    let view = await act(server, "agent", tn, "request-information", { body: "Which account?" })
    assert.strictEqual(view.case.status, "awaitingRequester")
    view = await act(server, "buyer:lia", tn, "respond", { body: "The main one" })
    assert.strictEqual(view.case.status, "open")
    view = await act(server, "agent", tn, "priority", { priority: "high", reason: "urgent" })
    assert.strictEqual(view.case.priority, "high")
    view = await act(server, "agent", tn, "progress-update", { body: "Working on it" })
    assert.strictEqual(view.events.at(-1).type, "progressUpdated")
    view = await act(server, "agent", tn, "assign", { to: { role: "agent", id: "agent-ann" } })
    assert.deepStrictEqual(view.case.assignee, { role: "agent", id: "agent-ann" })
    view = await act(server, "agent", tn, "reply", { body: "Found it" })
    assert.strictEqual(view.events.at(-1).type, "replied")
    view = await act(server, "agent", tn, "resolve", { body: "Done" })
    assert.strictEqual(view.case.status, "resolved")
    assert.isNumber(view.reopenableUntil)
    view = await act(server, "buyer:lia", tn, "reopen", { reason: "Not quite" })
    assert.strictEqual(view.case.status, "open")
    view = await act(server, "agent", tn, "explain", { body: "This is how it works", reason: "by design" })
    assert.strictEqual(view.case.status, "explained")
    view = await act(server, "buyer:lia", tn, "close", {})
    assert.strictEqual(view.case.status, "closed")
  })

  it("escalates a supplier's case to their account manager (clause 2.4)", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "supplier", { category: "listing-optimisation" })
    const view = await act(server, "agent", tn, "escalate", { reason: "VIP" })
    assert.deepStrictEqual(view.case.assignee, { role: "accountManager", id: "am-kim" })
    const seen = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "accountManager" }), 200)
    assert.strictEqual(seen.case.trackingNumber, tn)
  })

  it("holds a case for verification and concludes it (clause 7.2)", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:vera", { category: "account-access" })
    let view = await act(server, "agent", tn, "verification/hold", { reason: "documents" })
    assert.strictEqual(view.case.status, "onHold")
    view = await act(server, "agent", tn, "verification/conclude", { outcome: "verified" })
    assert.strictEqual(view.case.status, "open")
    await act(server, "agent", tn, "verification/hold", {})
    view = await act(server, "agent", tn, "verification/conclude", {
      outcome: "rejected",
      explanation: "The documents were not genuine"
    })
    assert.strictEqual(view.case.status, "explained")
  })

  it("refuses an abusive request with a reason code of the policy (clause 7.3)", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:rex")
    const view = await act(server, "agent", tn, "refuse", { reason: "abusive-language", body: "Please stay civil" })
    assert.strictEqual(view.case.status, "refused")
    assert.strictEqual(view.events.at(-1).reason, "abusive-language")
  })

  it("keeps internal notes from the requester", async () => {
    const tn = await submit(server, "buyer:nora")
    const staff = await act(server, "agent", tn, "notes", { body: "Check the logs" })
    assert.strictEqual(staff.events.at(-1).type, "noteAdded")
    const mine = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "buyer:nora" }), 200)
    assert.notInclude(types(mine), "noteAdded")
    expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/notes`, { as: "buyer:nora", body: { body: "x" } }),
      403,
      "ActionForbidden"
    )
  })
})
