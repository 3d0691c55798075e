/**
 * The reply-by preview is the desk's own quote: it runs the steps of a submission without writing, so it honours
 * the desk's options (a host's `whenClosed`) and promises what a submission at the same instant is promised.
 */
import { assert, describe, it } from "@effect/vitest"
import { expectJson, hk, startServer, submission } from "./support/harness.ts"

describe("GET /v1/policy/reply-by and POST /v1/cases", () => {
  it("name the same channel and the same due instants under a host's whenClosed option", async () => {
    const saturday = "2025-06-14T11:00"
    const server = await startServer({ now: saturday, deskOptions: { whenClosed: { "live-chat": "email" } } })
    try {
      const quoted = expectJson(
        await server.request(
          "GET",
          `/v1/policy/reply-by?category=consultation&channel=live-chat&receivedAt=${hk(saturday)}`
        ),
        200
      )
      const submitted = expectJson(
        await server.request("POST", "/v1/cases", { as: "buyer", body: submission({ channel: "live-chat" }) }),
        201
      )
      assert.deepStrictEqual(quoted.channel, {
        requested: "live-chat",
        taken: "email",
        nextOpening: hk("2025-06-16T09:00")
      })
      assert.deepStrictEqual(submitted.channel, quoted.channel)
      assert.strictEqual(submitted.view.case.channel, "email")
      assert.deepStrictEqual(
        submitted.plan.map((t: any) => [t.metric, t.rule, t.dueAt, t.warningsAt]),
        quoted.plan.map((t: any) => [t.metric, t.rule, t.dueAt, t.warningsAt])
      )
      assert.deepStrictEqual(submitted.replyBy, quoted.replyBy)
    } finally {
      await server.close()
    }
  })
})
