/**
 * `HttpSupportApi.toWebHandler`: the API as a Fetch handler, without a server of its own.
 */
import { Presets, SupportDesk } from "@support-policy/core"
import { Layer } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import { HttpSupportApi } from "../src/index.ts"
import { authentication, tokens } from "./support/harness.ts"

const { handler, dispose } = HttpSupportApi.toWebHandler(
  Layer.mergeAll(SupportDesk.layerMemory(Presets.globalSources), authentication)
)
afterAll(() => dispose())

const call = (path: string, init: RequestInit = {}) => handler(new Request(`http://host${path}`, init))

describe("toWebHandler", () => {
  it("answers Fetch requests: a submission, the case, a problem", async () => {
    const created = await call("/v1/cases", {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.buyer}`, "content-type": "application/json" },
      body: JSON.stringify({ category: "consultation", subject: "Hello", description: "A question" })
    })
    assert.strictEqual(created.status, 201)
    const body = (await created.json()) as any
    const read = await call(`/v1/cases/${body.trackingNumber}`, {
      headers: { authorization: `Bearer ${tokens.buyer}` }
    })
    assert.strictEqual(read.status, 200)
    assert.strictEqual(((await read.json()) as any).case.subject, "Hello")
    const bad = await call("/v1/cases", {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.buyer}`, "content-type": "application/json" },
      body: JSON.stringify({ category: "consultation", subject: 1, description: "x", extra: 1 })
    })
    assert.strictEqual(bad.status, 400)
    assert.strictEqual(bad.headers.get("content-type"), "application/problem+json")
    const problem = (await bad.json()) as any
    assert.sameDeepMembers(problem.problems, [
      { in: "body", path: "subject", message: "Expected string" },
      { in: "body", path: "extra", message: "unknown field" }
    ])
  })

  it("serves the OpenAPI document and the reference page", async () => {
    const spec = await call("/openapi.json")
    assert.strictEqual(spec.status, 200)
    assert.strictEqual(((await spec.json()) as any).info.title, "Support desk API")
    const docs = await call("/docs")
    assert.strictEqual(docs.status, 200)
    assert.match(docs.headers.get("content-type") ?? "", /^text\/html/)
    const html = await docs.text()
    assert.include(html, "Support desk API")
    // self-contained: the reference's script is inline, nothing is loaded from elsewhere
    assert.notMatch(html, /<script[^>]+src=/)
    assert.isAbove(html.length, 1_000_000)
  })
})
