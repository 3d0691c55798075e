/**
 * Records through real HTTP (clauses 7.1 and 7.4): the versions of the policy (list, read, publish, move open cases),
 * a requester's erasure request, and satisfaction ratings, signed in or through a signed link.
 */
import { Presets, SatisfactionToken } from "@support-policy/core"
import { Effect, Redacted } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { act, expectJson, expectProblem, hk, type Server, startServer, submission, submit } from "./support/harness.ts"

const secret = Redacted.make("the-demo-host-rating-link-secret-0123456789")

let server: Server
beforeAll(async () => {
  server = await startServer({
    now: "2025-06-09T10:00",
    deskOptions: { whenClosed: { "live-chat": "online-form" }, satisfactionSecret: secret }
  })
})
afterAll(() => server.close())

const presetJson = (): any => JSON.parse(JSON.stringify(Presets.globalSources))

/** Version 1.9 of the preset: a first response within 1 business day. */
const v19 = (): any => {
  const doc = presetJson()
  doc.version = "1.9"
  doc.sla[0].target = { businessDays: 1 }
  return doc
}

const types = (view: any): Array<string> => view.events.map((e: any) => e.type)

describe("policy versions (clause 7.1)", () => {
  it("GET /v1/policy/versions lists the seeded version, in force, for administrators only", async () => {
    const body = expectJson(await server.request("GET", "/v1/policy/versions", { as: "administrator" }), 200)
    assert.deepStrictEqual(
      body.items.map((v: any) => [v.id, v.version, v.inForce, v.publishedBy.role]),
      [["global-sources", "1.8", true, "system"]]
    )
    expectProblem(await server.request("GET", "/v1/policy/versions", { as: "agent" }), 403, "ActionForbidden")
    expectProblem(await server.request("GET", "/v1/policy/versions"), 401)
    const one = expectJson(await server.request("GET", "/v1/policy/versions/1.8", { as: "administrator" }), 200)
    assert.deepStrictEqual(one.policy, presetJson())
    expectProblem(
      await server.request("GET", "/v1/policy/versions/9.9", { as: "administrator" }),
      404,
      "PolicyVersionNotFound"
    )
  })

  it("POST /v1/policy/versions refuses a bad document naming each field, and publishes a version number once", async () => {
    const bad = v19()
    bad.sla[0].target = { businessDays: 1, businessHours: 2 }
    bad.sla[1].appliesTo = { priorities: ["urgent"] }
    bad.channels[0].availibility = "always"
    const refused = expectProblem(
      await server.request("POST", "/v1/policy/versions", { as: "administrator", body: bad }),
      400,
      "PolicyDecodeFailure"
    )
    const where = refused.problems.map((p: any) => `${p.in} ${p.path}`)
    assert.includeMembers(where, ["body sla[0].target", "body channels[0].availibility"])
    expectProblem(await server.request("POST", "/v1/policy/versions", { as: "agent", body: v19() }), 403)
    expectProblem(await server.request("POST", "/v1/policy/versions", { as: "administrator", body: [] }), 400)
    // texts no store could keep: refused before the store, named
    const unkeepable = v19()
    unkeepable.categories[0].name = "a\u0000b"
    unkeepable.publisher = "x\ud800"
    const named = expectProblem(
      await server.request("POST", "/v1/policy/versions", { as: "administrator", body: unkeepable }),
      400,
      "PolicyDecodeFailure"
    )
    assert.sameMembers(
      named.problems.map((p: any) => `${p.in} ${p.path}`),
      ["body categories[0].name", "body publisher"]
    )

    server.setNow("2025-06-09T10:00")
    const old = await submit(server, "buyer:versions-old")
    const published = expectJson(
      await server.request("POST", "/v1/policy/versions", { as: "administrator", body: v19() }),
      201
    )
    assert.strictEqual(published.policy.version, "1.9")
    assert.deepStrictEqual(published.publishedBy, { role: "administrator", id: "admin-max" })
    const again = expectProblem(
      await server.request("POST", "/v1/policy/versions", { as: "administrator", body: { ...v19(), title: "Other" } }),
      409,
      "PolicyVersionExists"
    )
    assert.include(again.detail, "1.9")
    // the policy in force is 1.9: GET /v1/policy and the reply-by preview say so
    assert.strictEqual(expectJson(await server.request("GET", "/v1/policy"), 200).version, "1.9")
    const preview = expectJson(await server.request("GET", "/v1/policy/reply-by?category=consultation"), 200)
    assert.strictEqual(preview.replyBy.dueAt, hk("2025-06-10T10:00"))
    // a new case is opened under 1.9; the old one keeps 1.8's deadline
    const fresh = expectJson(
      await server.request("POST", "/v1/cases", { as: "buyer:versions-new", body: submission() }),
      201
    )
    assert.strictEqual(fresh.view.case.policyVersion, "1.9")
    assert.strictEqual(fresh.replyBy.dueAt, hk("2025-06-10T10:00"))
    const oldView = expectJson(await server.request("GET", `/v1/cases/${old}`, { as: "agent" }), 200)
    assert.strictEqual(oldView.case.policyVersion, "1.8")
    assert.strictEqual(oldView.sla.clocks[0].dueAt, hk("2025-06-11T10:00"))

    // moving it: from Monday 12:00 under 1.9, with the 2 hours used kept
    server.setNow("2025-06-09T12:00")
    expectProblem(await server.request("POST", "/v1/policy/versions/1.9/move-cases", { as: "agent", body: {} }), 403)
    expectProblem(
      await server.request("POST", "/v1/policy/versions/4.0/move-cases", { as: "administrator", body: {} }),
      404
    )
    expectProblem(
      await server.request("POST", "/v1/policy/versions/1.9/move-cases", {
        as: "administrator",
        body: { trackingNumbers: [] }
      }),
      400
    )
    const move = expectJson(
      await server.request("POST", "/v1/policy/versions/1.9/move-cases", {
        as: "administrator",
        body: { trackingNumbers: [old] }
      }),
      200
    )
    assert.deepStrictEqual(
      move.moved.map((m: any) => [m.trackingNumber, m.from]),
      [[old, "1.8"]]
    )
    const moved = expectJson(await server.request("GET", `/v1/cases/${old}`, { as: "agent" }), 200)
    assert.strictEqual(moved.case.policyVersion, "1.9")
    assert.include(types(moved), "policyChanged")
    const first = moved.sla.clocks.filter((c: any) => c.metric === "firstResponse").at(-1)
    assert.strictEqual(first.dueAt, hk("2025-06-10T10:00"))
    assert.strictEqual(first.trace[0].reason, "policyChangedKeepElapsed")
  })
})

describe("POST /v1/requesters/{id}/erasure (clause 7.4)", () => {
  it("erases a requester's personal data for an administrator, and answers which cases were erased", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:erase-me", { subject: "My order PO-4444 is late" })
    await act(server, "agent", tn, "resolve", { body: "Sent again." })
    await act(server, "agent", tn, "close", {})
    expectProblem(await server.request("POST", "/v1/requesters/buyer-erase-me/erasure", { as: "agent" }), 403)
    expectProblem(await server.request("POST", "/v1/requesters/buyer-erase-me/erasure"), 401)
    const report = expectJson(
      await server.request("POST", "/v1/requesters/buyer-erase-me/erasure", { as: "administrator" }),
      200
    )
    assert.deepStrictEqual(
      report.anonymised.map((c: any) => c.trackingNumber),
      [tn]
    )
    assert.deepStrictEqual([report.deleted, report.held], [[], []])
    assert.match(report.erasureId, /^[0-9a-f]{32}$/)
    const view = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "agent" }), 200)
    assert.strictEqual(view.case.subject, "[redacted]")
    assert.strictEqual(view.case.requester.id, "[redacted]")
    assert.notInclude(JSON.stringify(view), "PO-4444")
    // the requester, once erased, no longer has the case
    expectProblem(await server.request("GET", `/v1/cases/${tn}`, { as: "buyer:erase-me" }), 404)
    const nothing = expectJson(
      await server.request("POST", "/v1/requesters/buyer-erase-me/erasure", { as: "administrator" }),
      200
    )
    assert.deepStrictEqual([nothing.anonymised, nothing.deleted, nothing.held], [[], [], []])
  })
})

describe("satisfaction ratings (clause 7.4)", () => {
  it("POST /v1/cases/{trackingNumber}/satisfaction: the requester rates once, on the scale, an answered case", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:rater")
    expectProblem(
      await server.request("POST", `/v1/cases/${tn}/satisfaction`, { as: "buyer:rater", body: { rating: 4 } }),
      422,
      "TransitionNotAllowed"
    )
    await act(server, "agent", tn, "resolve", { body: "Done." })
    const view = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "buyer:rater" }), 200)
    assert.strictEqual(view.satisfaction.question, "How satisfied are you with how we handled your request?")
    assert.deepStrictEqual(view.satisfaction.scale, { min: 1, max: 5 })
    assert.isNull(view.satisfaction.rating)
    const out = expectProblem(
      await server.request("POST", `/v1/cases/${tn}/satisfaction`, { as: "buyer:rater", body: { rating: 9 } }),
      400
    )
    assert.deepStrictEqual(
      out.problems.map((p: any) => [p.in, p.path]),
      [["body", "rating"]]
    )
    expectProblem(
      await server.request("POST", `/v1/cases/${tn}/satisfaction`, { as: "agent", body: { rating: 3 } }),
      403
    )
    const rated = expectJson(
      await server.request("POST", `/v1/cases/${tn}/satisfaction`, {
        as: "buyer:rater",
        body: { rating: 2, comment: "It took long." }
      }),
      200
    )
    assert.deepStrictEqual(rated.satisfaction.rating, {
      rating: 2,
      comment: "It took long.",
      at: hk("2025-06-09T10:00")
    })
    expectProblem(
      await server.request("POST", `/v1/cases/${tn}/satisfaction`, { as: "buyer:rater", body: { rating: 5 } }),
      409,
      "SatisfactionAlreadyRated"
    )
    // too late for another case: 7 business days after its answer
    const late = await submit(server, "buyer:late-rater")
    await act(server, "agent", late, "resolve", { body: "Done." })
    server.setNow("2025-06-18T10:01")
    const closed = expectProblem(
      await server.request("POST", `/v1/cases/${late}/satisfaction`, { as: "buyer:late-rater", body: { rating: 5 } }),
      422,
      "SatisfactionNotAvailable"
    )
    assert.deepStrictEqual([closed.reason, closed.windowEndedAt], ["windowClosed", hk("2025-06-18T10:00")])
  })

  it("POST /v1/satisfaction rates through a signed link, without signing in", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:linked")
    const resolved = await act(server, "agent", tn, "resolve", { body: "Done." })
    const token = await Effect.runPromise(
      SatisfactionToken.make(secret, {
        caseId: resolved.case.id,
        requesterId: resolved.case.requester.id,
        expiresAt: hk("2025-06-30T00:00")
      })
    )
    expectProblem(
      await server.request("POST", "/v1/satisfaction", { body: { token: `${token}x`, rating: 5 } }),
      403,
      "SatisfactionTokenInvalid"
    )
    const rated = expectJson(await server.request("POST", "/v1/satisfaction", { body: { token, rating: 5 } }), 200)
    assert.deepStrictEqual(rated, { trackingNumber: tn, rating: 5, ratedAt: hk("2025-06-09T10:00") })
    expectProblem(await server.request("POST", "/v1/satisfaction", { body: { token, rating: 4 } }), 409)
    expectProblem(await server.request("POST", "/v1/satisfaction", { body: { rating: 4 } }), 400)
  })
})
