/**
 * `GET /v1/desk/alerts` through real HTTP: the SLA warnings and breaches the watcher fired, addressed to the caller or
 * their queues, newest first, with paging; staff only; bad paging named.
 */
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { expectJson, expectProblem, hk, type Server, startServer, submit } from "./support/harness.ts"

let server: Server
beforeAll(async () => {
  server = await startServer({ now: "2025-06-09T10:00" })
})
afterAll(() => server.close())

describe("GET /v1/desk/alerts", () => {
  it("lists the alerts addressed to the caller's queues, newest first, with the case and the level", async () => {
    server.setNow("2025-06-09T10:00")
    const first = await submit(server, "buyer:al1")
    server.setNow("2025-06-09T11:00")
    const second = await submit(server, "buyer:al2")
    const none = expectJson(await server.request("GET", "/v1/desk/alerts", { as: "agent" }), 200)
    assert.deepStrictEqual(none.items, [])

    // Tuesday 15:30: both first responses are past 75 % (Tue 14:30 and 15:30): one warning each
    server.setNow("2025-06-10T15:30")
    const round = await server.fireAlerts()
    assert.strictEqual(round.fired.length, 2)
    // Wednesday 10:00:01: the first one breached
    server.setNow("2025-06-11T10:00:01")
    await server.fireAlerts()

    const page = expectJson(await server.request("GET", "/v1/desk/alerts", { as: "agent" }), 200)
    assert.strictEqual(page.asOf, hk("2025-06-11T10:00:01"))
    assert.strictEqual(page.next, null)
    assert.deepStrictEqual(
      page.items.map((a: any) => [a.trackingNumber, a.type, a.metric, a.level]),
      [
        [first, "slaBreached", "firstResponse", "breached"],
        // the two warnings fired in one round: by case id, then sequence, descending
        ...[
          [first, "slaWarning", "firstResponse", "warning"],
          [second, "slaWarning", "firstResponse", "warning"]
        ].sort((a, b) => {
          const ids = Object.fromEntries(page.items.map((x: any) => [x.trackingNumber, x.caseId]))
          return ids[a[0]] < ids[b[0]] ? 1 : -1
        })
      ]
    )
    const breach = page.items[0]
    assert.strictEqual(breach.dueAt, hk("2025-06-11T10:00"))
    assert.strictEqual(breach.firedAt, hk("2025-06-11T10:00:01"))
    assert.deepStrictEqual(breach.to, [{ role: "agent" }])

    // paging: one at a time, following `next`
    const seen: Array<string> = []
    let cursor: string | null = null
    for (let i = 0; i < 5; i++) {
      const query: string = cursor === null ? "?limit=1" : `?limit=1&before=${encodeURIComponent(cursor)}`
      const one: any = expectJson(await server.request("GET", `/v1/desk/alerts${query}`, { as: "agent" }), 200)
      seen.push(...one.items.map((a: any) => `${a.caseId}/${a.sequence}`))
      cursor = one.next
      if (cursor === null) break
    }
    assert.deepStrictEqual(
      seen,
      page.items.map((a: any) => `${a.caseId}/${a.sequence}`)
    )

    // the administrator reads every queue too; an account manager only what names them
    const admin = expectJson(await server.request("GET", "/v1/desk/alerts", { as: "administrator" }), 200)
    assert.strictEqual(admin.items.length, 3)
    const manager = expectJson(await server.request("GET", "/v1/desk/alerts", { as: "accountManager" }), 200)
    assert.deepStrictEqual(manager.items, [])
  })

  it("is staff only, and names bad paging", async () => {
    expectProblem(await server.request("GET", "/v1/desk/alerts", { as: "buyer" }), 403)
    expectProblem(await server.request("GET", "/v1/desk/alerts"), 401)
    const cursor = expectProblem(
      await server.request("GET", "/v1/desk/alerts?before=yesterday", { as: "agent" }),
      400,
      "RequestInvalid"
    )
    assert.match(JSON.stringify(cursor), /before/)
    const limit = expectProblem(await server.request("GET", "/v1/desk/alerts?limit=0", { as: "agent" }), 400)
    assert.match(JSON.stringify(limit), /limit/)
  })
})
