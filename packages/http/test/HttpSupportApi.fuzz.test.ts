/**
 * Whatever a client sends, the API answers without a 5xx and never with an empty error body: malformed JSON, wrong
 * types in every field of every body, huge strings, junk in queries, paths and headers, to every endpoint of the
 * OpenAPI document, as every kind of caller.
 */
import fc from "fast-check"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { act, expectJson, type Response, type Server, startServer, submit } from "./support/harness.ts"

let server: Server
let spec: any
let realIds: Record<string, string>

beforeAll(async () => {
  server = await startServer()
  spec = expectJson(await server.request("GET", "/openapi.json"), 200)
  const trackingNumber = await submit(server, "buyer")
  await act(server, "agent", trackingNumber, "notes", { body: "seed" })
  const incident = expectJson(
    await server.request("POST", "/v1/incidents", { as: "agent", body: { title: "Outage", description: "Down" } }),
    201
  )
  const announcement = expectJson(
    await server.request("POST", "/v1/announcements", { as: "agent", body: { title: "News", body: "Hello" } }),
    201
  )
  realIds = { trackingNumber, incidentId: incident.id, announcementId: announcement.id }
})
afterAll(() => server.close())

interface Operation {
  readonly method: string
  readonly path: string
  readonly fields: ReadonlyArray<string>
  readonly query: ReadonlyArray<string>
  readonly hasBody: boolean
}

const resolve = (schema: any): any =>
  schema?.$ref === undefined ? schema : spec.components.schemas[schema.$ref.replace("#/components/schemas/", "")]

/** Every operation but the live stream (it never ends; HttpSupportApi.console.test.ts reads it). */
const operations = (): Array<Operation> =>
  Object.entries(spec.paths)
    .filter(([path]) => path !== "/v1/desk/changes")
    .flatMap(([path, methods]: [string, any]) =>
      Object.entries(methods).map(([method, op]: [string, any]) => {
        const body = resolve(op.requestBody?.content?.["application/json"]?.schema)
        return {
          method: method.toUpperCase(),
          path,
          fields: Object.keys(body?.properties ?? {}),
          query: (op.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => p.name),
          hasBody: op.requestBody !== undefined
        }
      })
    )

/** No 5xx; an error is a problem+json with a type, a title, its status and a detail. */
const assertWellAnswered = (response: Response, what: string) => {
  const where = `${what} → ${response.status} ${response.text.slice(0, 200)}`
  assert.isBelow(response.status, 500, where)
  if (response.status >= 400) {
    assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/, where)
    assert.strictEqual(response.json?.status, response.status, where)
    assert.isString(response.json?.type, where)
    assert.isString(response.json?.title, where)
    assert.isAbove(response.json?.detail?.length ?? 0, 0, where)
    if (response.status === 400) assert.isArray(response.json?.problems, where)
  }
}

const callers = fc.constantFrom<"buyer" | "agent" | "administrator" | "supplier" | "none" | `buyer:${string}`>(
  "buyer",
  "agent",
  "administrator",
  "supplier",
  "none",
  "buyer:fuzz-a",
  "buyer:fuzz-b"
)

const pathValue = fc.oneof(
  fc.constant("real"),
  fc.constantFrom("GS-0000-00000", "x", "%20", "..", "%00", "%E2%98%83", "a".repeat(100)),
  fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent)
)

const concretePath = (path: string, choice: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (choice === "real" ? (realIds[name] ?? "x") : choice))

const junkValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "high", "resolved", "online-form", "-1", "1e309", "NaN", "true"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant("x".repeat(100_000))
)

const body = (fields: ReadonlyArray<string>) =>
  fields.length === 0
    ? fc.dictionary(fc.string({ maxLength: 10 }), junkValue, { maxKeys: 3 })
    : fc
        .record(Object.fromEntries(fields.map((f) => [f, junkValue])), { requiredKeys: [] })
        .chain((record) =>
          fc.oneof(
            fc.constant(record as Record<string, unknown>),
            fc.constant({ ...record, unexpected: 1 } as Record<string, unknown>)
          )
        )

const rawBodies = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    "}",
    "[]",
    "null",
    "0",
    '"text"',
    "{'single': 'quotes'}",
    '{"a":1,}',
    "\u0000\u0001\u0002",
    `${"[".repeat(5_000)}${"]".repeat(5_000)}`,
    `{"body": "${"é".repeat(300_000)}"}`
  ),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes))
)

const send = (op: Operation, as: string, path: string, init: { body?: unknown; rawBody?: string; query?: string }) =>
  server.request(op.method, `${path}${init.query ?? ""}`, {
    ...(as === "none" ? {} : { as: as as any }),
    ...(init.rawBody !== undefined
      ? { rawBody: init.rawBody, headers: { "content-type": "application/json" } }
      : init.body !== undefined
        ? { body: init.body }
        : {})
  })

describe("fuzz", () => {
  it("wrong types, missing and unknown fields in every body, as every caller", async () => {
    for (const op of operations()) {
      await fc.assert(
        fc.asyncProperty(callers, pathValue, body(op.fields), async (as, choice, value) => {
          const path = concretePath(op.path, choice)
          const response = await send(op, as, path, op.hasBody ? { body: value } : {})
          assertWellAnswered(response, `${op.method} ${path} as ${as} with ${JSON.stringify(value).slice(0, 200)}`)
        }),
        { numRuns: 25 }
      )
    }
    // 25 requests per endpoint: the time grows with the API, and with the load of a shared machine
  }, 120_000)

  it("malformed JSON and garbage bodies", async () => {
    for (const op of operations().filter((o) => o.hasBody)) {
      await fc.assert(
        fc.asyncProperty(callers, rawBodies, async (as, raw) => {
          const path = concretePath(op.path, "real")
          const response = await send(op, as, path, { rawBody: raw })
          assertWellAnswered(response, `${op.method} ${path} as ${as} with raw ${JSON.stringify(raw.slice(0, 100))}`)
        }),
        { numRuns: 12 }
      )
    }
  })

  it("junk in query strings", async () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom("", "true", "false", "0", "-5", "99999999999999999999", "1.5", "high", "x".repeat(5_000))
    )
    for (const op of operations().filter((o) => o.query.length > 0)) {
      await fc.assert(
        fc.asyncProperty(
          callers,
          fc.array(fc.tuple(fc.constantFrom(...op.query, "unknownParam"), junk), { maxLength: 4 }),
          async (as, pairs) => {
            const query = `?${new URLSearchParams(pairs).toString()}`
            const response = await send(op, as, concretePath(op.path, "real"), { query })
            assertWellAnswered(response, `${op.method} ${op.path}${query} as ${as}`)
          }
        ),
        { numRuns: 25 }
      )
    }
  })

  it("bodies over the size limit, odd content types and odd headers", async () => {
    for (const op of operations().filter((o) => o.hasBody)) {
      const path = concretePath(op.path, "real")
      const huge = await server.request(op.method, path, {
        as: "agent",
        body: Object.fromEntries((op.fields.length === 0 ? ["x"] : op.fields).map((f) => [f, "x".repeat(1_100_000)]))
      })
      assertWellAnswered(huge, `${op.method} ${path} with a 1 MB+ body`)
      assert.strictEqual(huge.status, 413)
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "foo"]) {
        const response = await server.request(op.method, path, {
          as: "agent",
          rawBody: "a=1",
          headers: { "content-type": contentType }
        })
        assertWellAnswered(response, `${op.method} ${path} as ${contentType}`)
      }
    }
    for (const authorization of [
      "",
      "Bearer",
      "Bearer ",
      "Basic x",
      "Bearer a b",
      "bearer t-agent",
      "x".repeat(8_000)
    ]) {
      const response = await server.request("GET", "/v1/cases", { headers: { authorization } })
      assertWellAnswered(response, `authorization ${authorization.slice(0, 20)}`)
    }
    for (const key of ["", " ", "k".repeat(5_000), "cl\u00e9"]) {
      const response = await server.request("POST", "/v1/cases", {
        as: "buyer:fuzz-key",
        body: { category: "consultation", subject: "s", description: "d" },
        headers: { "idempotency-key": key }
      })
      assertWellAnswered(response, `idempotency-key ${key.slice(0, 20)}`)
    }
  })
})
