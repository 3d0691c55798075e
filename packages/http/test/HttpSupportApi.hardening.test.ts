/**
 * What a hostile client tried on the API, answered: mediation counterparties the host did not confirm, the earlier
 * private thread of a case shown to a counterparty, internal routing shown to requesters, guessed tracking numbers
 * (throttled, missing and not-yours alike), long records read a page at a time, store refusals reported as the
 * request's fault and not as an outage, security headers, and Node's own parser errors as problem+json.
 */
import { CaseStore } from "@support-policy/core"
import { Effect } from "effect"
import { createServer } from "node:http"
import * as Net from "node:net"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { NodeServer } from "../src/index.ts"
import { act, expectJson, expectProblem, type Server, startServer, submit } from "./support/harness.ts"

let server: Server
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

describe("mediation counterparties (clause 4.5)", () => {
  it("a requester cannot draw another buyer, staff or themselves into a mediation; nothing is written", async () => {
    const tn = await submit(server, "buyer", { category: "order-delivery", orderReference: "PO-3" })
    for (const counterpartyId of ["buyer-bob", "agent-ann", "buyer-ada", "supplier-lee", "x".repeat(257)]) {
      const refused = expectProblem(
        await server.request("POST", `/v1/cases/${tn}/mediation`, {
          as: "buyer",
          body: { counterpartyId, statement: "x" }
        }),
        400
      )
      assert.deepStrictEqual(
        refused.problems.map((p: any) => `${p.in}:${p.path}`),
        ["body:counterpartyId"],
        counterpartyId.slice(0, 20)
      )
    }
    // the named buyer cannot read the case
    expectProblem(await server.request("GET", `/v1/cases/${tn}`, { as: "otherBuyer" }), 404, "CaseNotFound")
    const record = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "agent" }), 200)
    assert.deepStrictEqual(
      record.events.map((e: any) => e.type),
      ["submitted", "assigned"]
    )
  })

  it("the confirmed counterparty reads what is addressed to both parties, never the earlier private thread", async () => {
    const tn = await submit(server, "buyer", {
      category: "order-delivery",
      orderReference: "PO-3",
      subject: "PRIVATE subject",
      description: "PRIVATE description"
    })
    await act(server, "agent", tn, "reply", { body: "PRIVATE reply" })
    await act(server, "agent", tn, "notes", { body: "PRIVATE note" })
    expectJson(
      await server.request("POST", `/v1/cases/${tn}/mediation`, {
        as: "buyer",
        body: { counterpartyId: "supplier-sun", statement: "Please mediate" }
      }),
      200
    )
    const seen = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "supplier" }), 200)
    assert.deepStrictEqual(
      seen.events.map((e: any) => e.type),
      ["mediationRequested"]
    )
    assert.notInclude(JSON.stringify(seen), "PRIVATE")
    assert.notInclude(JSON.stringify(seen), "ada@example.com")
    assert.isFalse("assignee" in seen.case)
  })
})

describe("what requesters see of a case", () => {
  it("not the desk's internal assignee, in the case or in their list", async () => {
    const tn = await submit(server, "buyer:assignee", { category: "platform-bugs" })
    const own = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "buyer:assignee" }), 200)
    assert.isFalse("assignee" in own.case)
    const listed = expectJson(await server.request("GET", "/v1/cases", { as: "buyer:assignee" }), 200)
    assert.isFalse(listed.items.some((c: any) => "assignee" in c))
    const staff = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "agent" }), 200)
    assert.isTrue("assignee" in staff.case)
  })
})

describe("a long record, a page at a time (?before=)", () => {
  it("the latest events with a cursor; pages back to the submission without gaps; a requester's pages skip notes", async () => {
    const tn = await submit(server, "buyer:pages")
    for (let i = 0; i < 60; i++) {
      await act(server, "agent", tn, i % 4 === 0 ? "reply" : "notes", { body: `event ${i}` })
    }
    const first = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "agent" }), 200)
    assert.strictEqual(first.events.length, 50)
    assert.strictEqual(first.events.at(-1).sequence, 62)
    assert.strictEqual(first.eventsBefore, first.events[0].sequence)
    const sequences: Array<number> = first.events.map((e: any) => e.sequence)
    let before = first.eventsBefore
    while (before !== null) {
      const page = expectJson(
        await server.request("GET", `/v1/cases/${tn}?before=${before}&limit=7`, { as: "agent" }),
        200
      )
      assert.isAtMost(page.events.length, 7)
      sequences.unshift(...page.events.map((e: any) => e.sequence))
      before = page.eventsBefore
    }
    assert.deepStrictEqual(
      sequences,
      Array.from({ length: 62 }, (_, i) => i + 1)
    )
    const own = expectJson(await server.request("GET", `/v1/cases/${tn}?limit=200`, { as: "buyer:pages" }), 200)
    assert.deepStrictEqual(
      own.events.map((e: any) => e.type),
      ["submitted", ...Array.from({ length: 15 }, () => "replied")]
    )
    assert.isNull(own.eventsBefore)
    const bad = expectProblem(await server.request("GET", `/v1/cases/${tn}?before=0&limit=201`, { as: "agent" }), 400)
    assert.sameMembers(
      bad.problems.map((p: any) => `${p.in}:${p.path}`),
      ["query:before", "query:limit"]
    )
  })
})

describe("guessing tracking numbers (clause 6.4)", () => {
  it("a missing case and another's case are answered alike; past the limit, 429 with Retry-After", async () => {
    const theirs = await submit(server, "buyer:victim")
    const missing = `${theirs.slice(0, -1)}${theirs.endsWith("0") ? "1" : "0"}`
    const a = await server.request("GET", `/v1/cases/${missing}`, { as: "buyer:guesser" })
    const b = await server.request("GET", `/v1/cases/${theirs}`, { as: "buyer:guesser" })
    assert.deepStrictEqual([a.status, b.status], [404, 404])
    const shape = (r: typeof a) => ({
      ...r.json,
      detail: r.json.detail.replace(missing, "X").replace(theirs, "X"),
      headers: [...r.headers.entries()].filter(([name]) => name !== "date" && name !== "content-length")
    })
    assert.deepStrictEqual(shape(a), shape(b))
    for (let i = 2; i < 20; i++) {
      expectProblem(await server.request("GET", `/v1/cases/GS-0000-000${i}`, { as: "buyer:guesser" }), 404)
    }
    const throttled = expectProblem(
      await server.request("GET", `/v1/cases/${theirs}`, { as: "buyer:guesser" }),
      429,
      "LookupThrottled"
    )
    const last = await server.request("GET", `/v1/cases/${theirs}`, { as: "buyer:guesser" })
    assert.strictEqual(last.status, 429)
    assert.isAbove(Number(last.headers.get("retry-after")), 0)
    assert.strictEqual(throttled.limitId, "failed-lookups")
    // actions go through the same lookup
    expectProblem(
      await server.request("POST", `/v1/cases/${theirs}/actions/respond`, { as: "buyer:guesser", body: { body: "x" } }),
      429
    )
    // the owner is not affected
    expectJson(await server.request("GET", `/v1/cases/${theirs}`, { as: "buyer:victim" }), 200)
  })
})

describe("store failures", () => {
  const failing = (reason: "Rejected" | "Unavailable") =>
    startServer({
      caseStore: (store) => ({
        ...store,
        update: () => Effect.fail(new CaseStore.CaseStoreFailure({ reason, message: "update: refused" }))
      })
    })

  it("a value the store refused is 400 (the request's), an outage is 503", async () => {
    for (const [reason, status] of [
      ["Rejected", 400],
      ["Unavailable", 503]
    ] as const) {
      const s = await failing(reason)
      try {
        const tn = await submit(s, "buyer")
        const problem = expectProblem(
          await s.request("POST", `/v1/cases/${tn}/actions/notes`, { as: "agent", body: { body: "x" } }),
          status
        )
        assert.strictEqual(problem.code, reason === "Rejected" ? "StoreRejected" : "CaseStoreFailure")
      } finally {
        await s.close()
      }
    }
  })
})

describe("security headers", () => {
  it("on every answer of the API, errors included, the OpenAPI document and the reference", async () => {
    const answers = [
      await server.request("GET", "/v1/channels"),
      await server.request("GET", "/v1/cases", { as: "buyer" }),
      await server.request("GET", "/v1/nowhere"),
      await server.request("GET", "/v1/cases/GS-0000-00000"),
      await server.request("GET", "/openapi.json")
    ]
    for (const r of answers) {
      assert.strictEqual(r.headers.get("x-content-type-options"), "nosniff", String(r.status))
      assert.strictEqual(r.headers.get("referrer-policy"), "no-referrer")
      assert.include(r.headers.get("content-security-policy") ?? "", "frame-ancestors 'none'")
      assert.strictEqual(r.headers.get("x-frame-options"), "DENY")
      assert.strictEqual(r.headers.get("cache-control"), "no-store")
    }
    const docs = await server.request("GET", "/docs")
    assert.strictEqual(docs.status, 200)
    assert.include(docs.headers.get("content-security-policy") ?? "", "frame-ancestors 'none'")
    assert.strictEqual(docs.headers.get("x-content-type-options"), "nosniff")
  })
})

/** Sends raw bytes on a new connection and returns what comes back until the server closes it (or `ms` pass). */
const raw = (url: string, data: string, ms = 5_000) =>
  new Promise<{ readonly text: string; readonly closedAfterMs: number }>((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const started = Date.now()
    const socket = Net.connect({ host: hostname, port: Number(port) }, () => socket.write(data))
    let text = ""
    socket.setEncoding("utf8")
    socket.on("data", (chunk: string) => {
      text += chunk
    })
    socket.on("close", () => resolve({ text, closedAfterMs: Date.now() - started }))
    socket.on("error", reject)
    setTimeout(() => {
      socket.destroy()
      resolve({ text, closedAfterMs: Date.now() - started })
    }, ms)
  })

const problemOf = (text: string) => JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))

describe("Node's parser errors and timeouts (NodeServer.harden)", () => {
  let hardened: Server
  beforeAll(async () => {
    hardened = await startServer({
      nodeServer: () =>
        NodeServer.harden(createServer({ connectionsCheckingInterval: 100 }), {
          headersTimeout: 1_000,
          requestTimeout: 1_000
        })
    })
  })
  afterAll(() => hardened.close())

  it("a malformed request is a 400 problem, headers over Node's limit a 431 problem", async () => {
    const malformed = await raw(hardened.url, "GET /v1/channels HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    assert.match(malformed.text, /^HTTP\/1\.1 400 /)
    assert.match(malformed.text, /content-type: application\/problem\+json/i)
    assert.strictEqual(problemOf(malformed.text).status, 400)
    const huge = await raw(hardened.url, `GET /v1/channels HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`)
    assert.match(huge.text, /^HTTP\/1\.1 431 /)
    assert.strictEqual(problemOf(huge.text).code, "HeadersTooLarge")
  })

  it("a stalled body is answered 408 and its connection closed within the request timeout", async () => {
    const stalled = await raw(
      hardened.url,
      "POST /v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t-buyer\r\nContent-Type: application/json\r\n" +
        'Content-Length: 100\r\n\r\n{"a"',
      10_000
    )
    assert.isBelow(stalled.closedAfterMs, 5_000)
    assert.match(stalled.text, /^HTTP\/1\.1 408 /)
    assert.strictEqual(problemOf(stalled.text).status, 408)
  })

  it("sets the limits it documents", () => {
    const s = NodeServer.harden(createServer())
    assert.deepStrictEqual(
      [s.headersTimeout, s.requestTimeout, s.keepAliveTimeout, s.maxConnections, s.maxRequestsPerSocket],
      [10_000, 30_000, 5_000, 1_000, 1_000]
    )
    assert.strictEqual(s.listenerCount("clientError"), 1)
  })
})
