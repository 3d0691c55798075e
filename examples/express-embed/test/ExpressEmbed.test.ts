/**
 * The support desk inside an Express 5 app, through real HTTP requests to the app listening on 127.0.0.1: the app's
 * own routes keep working beside the API mounted under /support.
 */
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { makeApp } from "../src/App.ts"

let server: Server
let base: string
let dispose: () => Promise<void>

beforeAll(async () => {
  const made = makeApp()
  dispose = made.dispose
  server = await new Promise<Server>((resolve) => {
    const s = made.app.listen(0, "127.0.0.1", () => resolve(s))
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await dispose()
})

const json = { "content-type": "application/json" }

describe("an Express 5 app with the support desk mounted under /support", () => {
  it("keeps its own routes and body parser", async () => {
    const health = await fetch(`${base}/health`)
    assert.deepStrictEqual((await health.json()) as any, { ok: true })
    const created = await fetch(`${base}/products`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: "Desk fan" })
    })
    assert.strictEqual(created.status, 201)
    assert.strictEqual(((await created.json()) as any).name, "Desk fan")
    const missing = await fetch(`${base}/nothing`)
    assert.strictEqual(missing.status, 404)
    assert.match(missing.headers.get("content-type") ?? "", /text\/html/) // Express's own 404
  })

  it("serves the API: public reads, a submission with its reply-by promise, the case, an agent's reply", async () => {
    const channels = await fetch(`${base}/support/v1/channels`)
    assert.strictEqual(channels.status, 200)
    assert.isTrue(((await channels.json()) as any).channels.some((c: any) => c.id === "live-chat"))

    const submitted = await fetch(`${base}/support/v1/cases`, {
      method: "POST",
      headers: { ...json, authorization: "Bearer buyer-token", "idempotency-key": "order-42-help" },
      body: JSON.stringify({ category: "order-delivery", subject: "Where is my order?", description: "Order 42" })
    })
    assert.strictEqual(submitted.status, 201)
    const submission = (await submitted.json()) as any
    assert.match(submission.replyBy.text, /^We will reply within 2 business days, by /)

    const replied = await fetch(`${base}/support/v1/cases/${submission.trackingNumber}/actions/reply`, {
      method: "POST",
      headers: { ...json, authorization: "Bearer agent-token" },
      body: JSON.stringify({ body: "It ships tomorrow" })
    })
    assert.strictEqual(replied.status, 200)

    const read = await fetch(`${base}/support/v1/cases/${submission.trackingNumber}`, {
      headers: { authorization: "Bearer buyer-token" }
    })
    const view = (await read.json()) as any
    assert.deepStrictEqual(
      view.events.map((e: any) => e.type),
      ["submitted", "replied"]
    )
  })

  it("answers the API's errors as problems, and documents the mounted path", async () => {
    const unauthenticated = await fetch(`${base}/support/v1/cases`)
    assert.strictEqual(unauthenticated.status, 401)
    assert.strictEqual(unauthenticated.headers.get("content-type"), "application/problem+json")
    const bad = await fetch(`${base}/support/v1/cases`, {
      method: "POST",
      headers: { ...json, authorization: "Bearer buyer-token" },
      body: "{not json"
    })
    assert.strictEqual(bad.status, 400)
    assert.strictEqual(((await bad.json()) as any).problems[0].in, "body")
    const unknown = await fetch(`${base}/support/v1/nothing`)
    assert.strictEqual(unknown.status, 404)
    assert.strictEqual(((await unknown.json()) as any).code, "RouteNotFound")
    const spec = (await (await fetch(`${base}/support/openapi.json`)).json()) as any
    assert.deepStrictEqual(spec.servers, [{ url: "/support" }])
    const docs = await fetch(`${base}/support/docs`)
    assert.strictEqual(docs.status, 200)
  })
})
