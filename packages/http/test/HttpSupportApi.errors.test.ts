/**
 * Every error mapping of the API through real HTTP: each status, its problem+json body and its code.
 */
import * as Net from "node:net"
import { Actor, CaseStore, Incident } from "@support-policy/core"
import { Effect, Layer } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { Authentication } from "../src/index.ts"
import { act, expectJson, expectProblem, type Server, startServer, submission, submit } from "./support/harness.ts"

let server: Server
beforeAll(async () => {
  server = await startServer({ now: "2025-06-09T10:00" })
})
afterAll(() => server.close())

describe("400 application/problem+json naming each bad field", () => {
  it("a body missing fields, of the wrong types, with unknown fields", async () => {
    const problem = expectProblem(
      await server.request("POST", "/v1/cases", {
        as: "buyer",
        body: { category: 42, subject: "", description: "x", surprise: true }
      }),
      400,
      "RequestInvalid"
    )
    const paths = problem.problems.map((p: any) => `${p.in}:${p.path}`)
    assert.includeMembers(paths, ["body:category", "body:subject", "body:surprise"])
    assert.isTrue(problem.problems.every((p: any) => typeof p.message === "string" && p.message.length > 0))
  })

  it("a message over the policy's length, naming the field and the limit", async () => {
    const tn = await submit(server, "buyer:len")
    const problem = expectProblem(
      await server.request("POST", `/v1/cases/${tn}/messages`, { as: "buyer:len", body: { body: "x".repeat(20_001) } }),
      400
    )
    assert.deepStrictEqual(problem.problems, [
      { in: "body", path: "body", message: "expected a message of at most 20000 characters" }
    ])
  })

  it("malformed JSON", async () => {
    const problem = expectProblem(
      await server.request("POST", "/v1/cases", {
        as: "buyer",
        rawBody: '{"category": "consultation",',
        headers: { "content-type": "application/json" }
      }),
      400
    )
    assert.strictEqual(problem.problems[0].in, "body")
    assert.match(problem.problems[0].message, /JSON/)
  })

  it("a bad query and a bad path parameter", async () => {
    const query = expectProblem(
      await server.request("GET", "/v1/desk/queue?limit=0&breached=maybe&priority=urgent", { as: "agent" }),
      400
    )
    assert.includeMembers(
      query.problems.map((p: any) => `${p.in}:${p.path}`),
      ["query:limit", "query:breached"]
    )
    const unknown = expectProblem(await server.request("GET", "/v1/desk/queue?priority=urgent", { as: "agent" }), 400)
    assert.deepStrictEqual(unknown.problems, [
      { in: "query", path: "priority[0]", message: 'unknown priority "urgent"' }
    ])
    const path = expectProblem(await server.request("GET", `/v1/cases/${"G".repeat(101)}`, { as: "buyer" }), 400)
    assert.deepStrictEqual(
      path.problems.map((p: any) => p.in),
      ["path"]
    )
    const linked = expectProblem(
      await server.request("POST", "/v1/incidents/i-1/cases", { as: "agent", body: { trackingNumber: "" } }),
      400
    )
    assert.deepStrictEqual(linked.problems, [
      { in: "body", path: "trackingNumber", message: "expected a tracking number, got an empty text" }
    ])
  })

  it("the desk's own InputInvalid (or its schema, applied by the API), located in the body, a header or the authenticated actor", async () => {
    const category = expectProblem(
      await server.request("POST", "/v1/cases", { as: "buyer", body: submission({ category: "astrology" }) }),
      400,
      "InputInvalid"
    )
    assert.deepStrictEqual(category.problems, [
      { in: "body", path: "category", message: 'unknown category "astrology"' }
    ])

    const header = expectProblem(
      await server.request("POST", "/v1/cases", {
        as: "buyer",
        body: submission(),
        headers: { "idempotency-key": "k".repeat(201) }
      }),
      400,
      // the API decodes the header with the desk's own schema, so the desk does not decode it again
      "RequestInvalid"
    )
    assert.deepStrictEqual(
      header.problems.map((p: any) => `${p.in}:${p.path}`),
      ["header:idempotency-key"]
    )

    const tn = await submit(server, "buyer:iv")
    const priority = expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/priority`, { as: "agent", body: { priority: "urgent" } }),
      400,
      "InputInvalid"
    )
    assert.strictEqual(priority.problems[0].path, "priority")

    const alien = await startServer({
      authentication: Authentication.layerBearerTokens({
        alien: Actor.requester({ id: "x-1", audience: "martian" })
      })
    })
    try {
      const actor = expectProblem(
        await alien.request("POST", "/v1/cases", { token: "alien", body: submission() }),
        400,
        "InputInvalid"
      )
      assert.deepStrictEqual(
        actor.problems.map((p: any) => `${p.in}:${p.path}`),
        ["actor:requester.audience"]
      )
    } finally {
      await alien.close()
    }
  })
})

describe("401", () => {
  it("without credentials, or with credentials the host does not know, with a challenge", async () => {
    const none = await server.request("GET", "/v1/cases")
    expectProblem(none, 401, "Unauthenticated")
    assert.strictEqual(none.headers.get("www-authenticate"), 'Bearer realm="support-desk"')
    expectProblem(await server.request("GET", "/v1/cases", { token: "forged" }), 401, "Unauthenticated")
    expectProblem(await server.request("GET", "/v1/cases", { headers: { authorization: "Basic dXNlcjpwYXNz" } }), 401)
    // authentication comes first: a bad body without credentials is still a 401
    expectProblem(await server.request("POST", "/v1/cases", { body: { nonsense: true } }), 401)
  })
})

describe("403", () => {
  it("an action the caller may not take", async () => {
    const tn = await submit(server, "buyer:f1")
    await act(server, "agent", tn, "resolve", { body: "Done" })
    const problem = expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/reopen`, { as: "agent", body: {} }),
      403,
      "ActionForbidden"
    )
    assert.strictEqual(problem.action, "reopen")
    expectProblem(await server.request("POST", "/v1/cases", { as: "agent", body: submission() }), 403, "RequesterOnly")
  })
})

describe("404", () => {
  it("a case the caller may not see is answered exactly like a missing one", async () => {
    const tn = await submit(server, "buyer:owner")
    const hidden = expectProblem(await server.request("GET", `/v1/cases/${tn}`, { as: "buyer:stranger" }), 404)
    const missing = expectProblem(await server.request("GET", "/v1/cases/GS-0000-00000", { as: "buyer:stranger" }), 404)
    assert.deepStrictEqual(
      { ...hidden, detail: hidden.detail.replace(tn, "REF") },
      {
        ...missing,
        detail: missing.detail.replace("GS-0000-00000", "REF")
      }
    )
    const act404 = expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/close`, { as: "buyer:stranger", body: {} }),
      404,
      "CaseNotFound"
    )
    assert.notInclude(JSON.stringify(act404), "buyer-owner")
  })

  it("an unknown route or method under /v1", async () => {
    expectProblem(await server.request("GET", "/v1/nothing-here"), 404, "RouteNotFound")
    expectProblem(await server.request("DELETE", "/v1/policy"), 404, "RouteNotFound")
  })
})

describe("409", () => {
  it("an Idempotency-Key reused with another body", async () => {
    const send = (subject: string) =>
      server.request("POST", "/v1/cases", {
        as: "buyer:idem",
        body: submission({ subject }),
        headers: { "idempotency-key": "same-key" }
      })
    expectJson(await send("first"), 201)
    expectProblem(await send("second"), 409, "IdempotencyConflict")
  })

  it("an incident that keeps changing under the writer (IncidentVersionConflict)", async () => {
    const conflicted = await startServer({
      incidentStore: (store) => ({
        ...store,
        update: (incident, options) =>
          Effect.fail(
            new Incident.IncidentVersionConflict({
              incidentId: incident.id,
              expected: options.expectedVersion,
              actual: options.expectedVersion + 1
            })
          )
      })
    })
    try {
      const incident = expectJson(
        await conflicted.request("POST", "/v1/incidents", { as: "agent", body: { title: "Down", description: "x" } }),
        201
      )
      expectProblem(
        await conflicted.request("POST", `/v1/incidents/${incident.id}/resolve`, { as: "agent", body: {} }),
        409,
        "IncidentVersionConflict"
      )
    } finally {
      await conflicted.close()
    }
  })
})

describe("413 and 415", () => {
  it("a body over the size limit", async () => {
    const small = await startServer({ options: { maxBodyBytes: 10_000 } })
    try {
      expectProblem(
        await small.request("POST", "/v1/cases", {
          as: "buyer",
          body: submission({ description: "x".repeat(20_000) })
        }),
        413
      )
      expectJson(await small.request("POST", "/v1/cases", { as: "buyer", body: submission() }), 201)
    } finally {
      await small.close()
    }
    expectProblem(
      await server.request("POST", "/v1/cases", {
        as: "buyer",
        body: submission({ description: "x".repeat(2_000_000) })
      }),
      413,
      "PayloadTooLarge"
    )
  })

  it("a body declared over the size limit is refused at once, before it is sent", async () => {
    const url = new URL(server.url)
    const head = [
      "POST /v1/cases HTTP/1.1",
      `Host: ${url.host}`,
      "Authorization: Bearer buyer:declared",
      "Content-Type: application/json",
      "Content-Length: 99999999999",
      "",
      ""
    ].join("\r\n")
    // only the head and a few bytes: the answer must not wait for the rest
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = Net.connect(Number(url.port), url.hostname, () => socket.write(`${head}{"category":`))
      let text = ""
      socket.setEncoding("utf8")
      socket.on("data", (chunk: string) => {
        text += chunk
        if (text.includes("\r\n\r\n")) {
          socket.destroy()
          resolve(text)
        }
      })
      socket.on("error", reject)
    })
    assert.match(answer, /^HTTP\/1\.1 413 /)
    const listed = expectJson(await server.request("GET", "/v1/cases", { token: "buyer:declared" }), 200)
    assert.deepStrictEqual(listed.items, [])
  })

  it("a body that is not JSON", async () => {
    const problem = expectProblem(
      await server.request("POST", "/v1/cases", {
        as: "buyer",
        rawBody: "category=consultation",
        headers: { "content-type": "text/plain" }
      }),
      415,
      "UnsupportedMediaType"
    )
    assert.include(problem.detail, "application/json")
  })
})

describe("422", () => {
  it("an action the case's state does not allow", async () => {
    const tn = await submit(server, "buyer:s1")
    const problem = expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/close`, { as: "agent", body: {} }),
      422,
      "TransitionNotAllowed"
    )
    assert.strictEqual(problem.caseStatus, "open")
    assert.strictEqual(problem.action, "close")
  })

  it("a reopening after the policy's window", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:s2")
    await act(server, "agent", tn, "resolve", { body: "Done" })
    server.setNow("2025-06-30T10:00") // more than 7 business days later
    const problem = expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/reopen`, { as: "buyer:s2", body: {} }),
      422,
      "ReopenWindowClosed"
    )
    assert.isNumber(problem.reopenWindowEndedAt)
    server.setNow("2025-06-09T10:00")
  })

  it("escalation without an account manager, verification of a category the policy does not hold, a channel that opens no case", async () => {
    const tn = await submit(server, "supplierWithoutManager", { category: "listing-optimisation" })
    expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/escalate`, { as: "agent", body: {} }),
      422,
      "AccountManagerMissing"
    )
    expectProblem(
      await server.request("POST", `/v1/cases/${tn}/actions/verification/hold`, { as: "agent", body: {} }),
      422,
      "VerificationNotApplicable"
    )
    expectProblem(
      await server.request("POST", "/v1/cases", { as: "buyer:s3", body: submission({ channel: "self-help-centre" }) }),
      422,
      "ChannelNotAccepted"
    )
  })
})

describe("429", () => {
  it("a requester over the policy's rate limit, with Retry-After", async () => {
    for (let i = 0; i < 10; i++) await submit(server, "buyer:flood", { subject: `request ${i}` })
    const response = await server.request("POST", "/v1/cases", { as: "buyer:flood", body: submission() })
    const problem = expectProblem(response, 429, "RateLimitExceeded")
    assert.strictEqual(problem.limitId, "cases-per-day")
    assert.strictEqual(problem.limit, 10)
    assert.strictEqual(response.headers.get("retry-after"), "86400")
  })

  it("too many messages within the hour", async () => {
    const tn = await submit(server, "buyer:chatty")
    let last = await server.request("POST", `/v1/cases/${tn}/messages`, { as: "buyer:chatty", body: { body: "hi" } })
    for (let i = 0; i < 40 && last.status === 200; i++) {
      last = await server.request("POST", `/v1/cases/${tn}/messages`, { as: "buyer:chatty", body: { body: "hi" } })
    }
    expectProblem(last, 429, "RateLimitExceeded")
    assert.strictEqual(last.headers.get("retry-after"), "3600")
  })
})

describe("503", () => {
  it("a case store, an incident store or an authentication that fails", async () => {
    const failure = new CaseStore.CaseStoreFailure({ reason: "Unavailable", message: "connection refused 10.0.0.7" })
    const broken = await startServer({
      caseStore: (store) => ({
        ...store,
        getByTrackingNumber: () => Effect.fail(failure),
        getWithPage: () => Effect.fail(failure),
        get: () => Effect.fail(failure)
      }),
      incidentStore: (store) => ({
        ...store,
        currentAnnouncements: () =>
          Effect.fail(new Incident.IncidentStoreFailure({ reason: "Unavailable", message: "down" }))
      })
    })
    try {
      const tn = await submit(broken, "buyer")
      const problem = expectProblem(
        await broken.request("GET", `/v1/cases/${tn}`, { as: "buyer" }),
        503,
        "CaseStoreFailure"
      )
      assert.notInclude(JSON.stringify(problem), "10.0.0.7")
      expectProblem(await broken.request("GET", "/v1/announcements"), 503, "IncidentStoreFailure")
    } finally {
      await broken.close()
    }

    const noAuth = await startServer({
      authentication: Layer.succeed(Authentication.Authentication, {
        authenticate: () => Effect.fail(new Authentication.AuthenticationUnavailable({ message: "IdP timeout" }))
      })
    })
    try {
      expectProblem(await noAuth.request("GET", "/v1/me", { token: "x" }), 503, "AuthenticationUnavailable")
      // public endpoints do not need it
      expectJson(await noAuth.request("GET", "/v1/channels"), 200)
    } finally {
      await noAuth.close()
    }
  })
})
