/**
 * `pnpm example` answers what the HTTP API answers: for several instants (Christmas Eve 2026 half an hour before
 * closing, a weekend, Lunar New Year, Easter, before opening, in the middle of a day) and categories of both
 * priorities, the example's plan equals `GET /v1/policy/reply-by` of `@support-policy/http` over the desk of the
 * same preset. And the command prints those instants.
 */
import { Presets, SupportDesk } from "@support-policy/core"
import { Authentication, HttpSupportApi } from "@support-policy/http"
import { Layer } from "effect"
import { execFileSync } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Temporal } from "temporal-polyfill"
import { afterAll, assert, describe, it } from "vitest"
import * as ReplyBy from "../src/ReplyBy.ts"

const api = HttpSupportApi.toWebHandler(
  Layer.mergeAll(SupportDesk.layerMemory(Presets.globalSources), Authentication.layerBearerTokens({}))
)
afterAll(api.dispose)

const instants = [
  "2026-12-24T17:30:00+08:00",
  "2026-12-26T10:00:00+08:00",
  "2026-02-16T17:00:00+08:00",
  "2026-04-02T16:00:00+08:00",
  "2026-06-01T08:59:59+08:00",
  "2026-06-03T12:34:56+08:00"
]
const categories = ["consultation", "platform-bugs", "data-security", "order-delivery"]

const viaHttp = async (receivedAt: string, category: string) => {
  const query = new URLSearchParams({ category, receivedAt, channel: ReplyBy.channel })
  const response = await api.handler(new Request(`http://localhost/v1/policy/reply-by?${query}`))
  assert.strictEqual(response.status, 200, await response.clone().text())
  return (await response.json()) as {
    readonly priority: string
    readonly audience: string
    readonly plan: ReadonlyArray<{ metric: string; clause: string; dueAt: number; warningsAt: ReadonlyArray<number> }>
  }
}

describe("pnpm example", () => {
  it("plans like GET /v1/policy/reply-by for every instant and category", async () => {
    for (const receivedAt of instants) {
      for (const category of categories) {
        const http = await viaHttp(receivedAt, category)
        const ours = ReplyBy.replyBy(Temporal.Instant.from(receivedAt), category)!
        const context = `${category} received ${receivedAt}`
        assert.strictEqual(ours.priority, http.priority, context)
        assert.strictEqual(ours.audience, http.audience, context)
        assert.deepStrictEqual(
          ours.targets.map((t) => ({
            metric: t.metric,
            clause: t.clause,
            dueAt: t.due.epochMilliseconds,
            warningsAt: t.warnings.map((w) => w.epochMilliseconds)
          })),
          http.plan.map((t) => ({ metric: t.metric, clause: t.clause, dueAt: t.dueAt, warningsAt: t.warningsAt })),
          context
        )
      }
    }
  })

  it("does not count Christmas 2026 or the weekend after it as business days", async () => {
    const http = await viaHttp("2026-12-24T17:30:00+08:00", "consultation")
    const first = http.plan.find((t) => t.metric === "firstResponse")!
    // 30 minutes on Thursday 24th; Friday 25th is Christmas Day, then the weekend; 9 h on Monday 28th, 8.5 h on 29th
    assert.strictEqual(first.dueAt, Temporal.Instant.from("2026-12-29T17:30:00+08:00").epochMilliseconds)
  })

  it("prints the preset's answers", () => {
    const main = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "../src/main.ts")
    const output = execFileSync(
      process.execPath,
      ["--conditions=@support-policy/source", main, "2026-12-24T17:30:00+08:00", "platform-bugs"],
      { encoding: "utf8" }
    )
    assert.include(output, "Platform bugs")
    assert.match(output, /First response \(6\.1, 2 business days\)\s+Tue, 29 Dec 2026, 17:30 GMT\+8/)
    assert.match(output, /Progress update \(6\.2, 1 business day\)\s+Mon, 28 Dec 2026, 17:30 GMT\+8/)
    assert.match(output, /Resolved or explained \(6\.3, 7 business days\)\s+Wed, 6 Jan 2027, 17:30 GMT\+8/)
  })
})
