/**
 * Hostile text to every endpoint of the OpenAPI document, on the PostgreSQL storage (embedded PGlite and a real
 * server, where NUL, lone surrogates and over-long index entries are refused by the database itself): NUL and every
 * other C0 control character but tab and line breaks, lone surrogates, over-long values, and invalid UTF-8, in every
 * body field (and the string fields of nested objects), every query parameter and every path parameter. Every answer
 * is a 4xx problem+json; a 400 names the field; nothing reaches the store (its tables are byte for byte the same
 * afterwards). Bounded: per field, NUL, the surrogates, an over-long value and four of the other controls in turn (every
 * control is sent to dozens of fields), eight requests at a time.
 */
import { PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { createServer } from "node:http"
import { afterAll, assert, describe, it } from "vitest"
import { NodeServer } from "../src/index.ts"
import * as PgTest from "../../sql-pg/test/support/PgTest.ts"
import { act, expectJson, type Response, type Server, startServer, submit } from "./support/harness.ts"

/** C0 controls but tab, line feed and carriage return, each alone and inside text. */
const controls = Array.from({ length: 32 }, (_, c) => c)
  .filter((c) => c !== 9 && c !== 10 && c !== 13)
  .map((c) => String.fromCharCode(c))

const always: ReadonlyArray<{ readonly name: string; readonly value: string }> = [
  { name: "NUL", value: "\u0000" },
  { name: "NUL inside", value: "order\u0000PO-1" },
  { name: "lone high surrogate", value: "a\ud800b" },
  { name: "lone low surrogate", value: "\udfff" },
  { name: "surrogates reversed", value: "\udc00\ud800" }
]

const others = controls
  .slice(1)
  .map((c) => ({ name: `U+${c.charCodeAt(0).toString(16).padStart(4, "0")}`, value: `a${c}b` }))

/** Which field this is, in order: each field gets four other controls, in turn, so all of them are sent many times. */
let fieldCount = 0

/**
 * The values of a field: the hostile texts, and one character more than its documented maximum (`maxLength` in the
 * OpenAPI document; a string without one is reported, since every text the API takes is bounded).
 */
const valuesFor = (
  schema: any,
  what: string,
  where: "body" | "url" = "body"
): ReadonlyArray<{ readonly name: string; readonly value: string }> => {
  if (schema?.type === "string" && schema.enum === undefined && schema.pattern === undefined) {
    assert.isNumber(schema.maxLength, `${what}: a text without a documented maximum length`)
  }
  // a number or a literal refuses any text: a long one is enough
  const max = typeof schema?.maxLength === "number" ? schema.maxLength : where === "url" ? 999 : 20_000
  const k = fieldCount++
  const controlsOfField = [0, 1, 2, 3].map((i) => others[(k * 4 + i) % others.length])
  return [...always, ...controlsOfField, { name: `${max + 1} characters`, value: "z".repeat(max + 1) }]
}

/** Bytes that are not UTF-8: a truncated sequence, a lone continuation byte, an impossible byte. */
const invalidUtf8 = [[0xc3, 0x28], [0x80], [0xff, 0xfe]]

/** A value in a URL: percent-encoded UTF-8; a lone surrogate as the bytes of its code point (not UTF-8 either). */
const inUrl = (value: string): string => {
  try {
    return encodeURIComponent(value)
  } catch {
    return value.replace(/[\ud800-\udfff]/g, "%ED%A0%80").replace(/[^%A-Za-z0-9]/g, (c) => encodeURIComponent(c))
  }
}

interface Field {
  readonly name: string
  readonly schema: unknown
}

interface Operation {
  readonly method: string
  readonly path: string
  readonly fields: ReadonlyArray<{ readonly path: ReadonlyArray<string>; readonly schema: unknown }>
  readonly query: ReadonlyArray<Field>
  readonly params: ReadonlyArray<Field>
}

const operationsOf = (spec: any): ReadonlyArray<Operation> => {
  const resolve = (schema: any): any =>
    schema?.$ref === undefined ? schema : spec.components.schemas[schema.$ref.replace("#/components/schemas/", "")]
  const objectOf = (schema: any): any => {
    const s = resolve(schema)
    return s?.properties !== undefined ? s : (s?.anyOf ?? []).map(resolve).find((x: any) => x?.properties)
  }
  return Object.entries(spec.paths).flatMap(([path, methods]: [string, any]) =>
    Object.entries(methods).map(([method, op]: [string, any]) => {
      const body = objectOf(op.requestBody?.content?.["application/json"]?.schema)
      const fields: Array<{ readonly path: ReadonlyArray<string>; readonly schema: unknown }> = []
      for (const [name, schema] of Object.entries(body?.properties ?? {})) {
        fields.push({ path: [name], schema: resolve(schema) })
        const nested = objectOf(schema)
        for (const [inner, innerSchema] of Object.entries(nested?.properties ?? {})) {
          fields.push({ path: [name, inner], schema: resolve(innerSchema) })
        }
      }
      const parameters = (where: string): ReadonlyArray<Field> =>
        (op.parameters ?? []).filter((p: any) => p.in === where).map((p: any) => ({ name: p.name, schema: p.schema }))
      return { method: method.toUpperCase(), path, fields, query: parameters("query"), params: parameters("path") }
    })
  )
}

const bodyWith = (field: ReadonlyArray<string>, value: unknown): Record<string, unknown> =>
  field.length === 1 ? { [field[0]]: value } : { [field[0]]: { [field[1]]: value } }

/** A 4xx problem+json; a 400 names `path` (in `location`) among its problems. */
const assertRefused = (response: Response, location: string, path: string | undefined, what: string) => {
  const where = `${what} → ${response.status} ${response.text.slice(0, 300)}`
  assert.isAtLeast(response.status, 400, where)
  assert.isBelow(response.status, 500, where)
  assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/, where)
  assert.strictEqual(response.json?.status, response.status, where)
  assert.isAbove(response.json?.detail?.length ?? 0, 0, where)
  if (response.status === 400 && path !== undefined) {
    assert.isTrue(
      response.json.problems.some(
        (p: any) => p.in === location && (p.path === path || p.path.startsWith(`${path}[`) || p.path === "(root)")
      ),
      where
    )
  }
}

/** Every row of the desk's tables, as one text per table. */
const snapshot = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = [
    "support_cases",
    "support_case_events",
    "support_case_clock_events",
    "support_case_parties",
    "support_idempotency_keys",
    "support_outbox",
    "support_incidents",
    "support_announcements"
  ]
  const out: Record<string, string> = {}
  for (const table of tables) {
    const [row] = yield* sql<{ rows: string | null }>`
      SELECT string_agg(t::text, E'\\n' ORDER BY t::text) AS rows FROM ${sql(table)} t`
    out[table] = row?.rows ?? ""
  }
  return out
})

/** Runs `tasks` eight at a time. */
const inBatches = async (tasks: ReadonlyArray<() => Promise<void>>) => {
  for (let i = 0; i < tasks.length; i += 8) await Promise.all(tasks.slice(i, i + 8).map((t) => t()))
}

const backends = [
  { name: "PGlite", shared: PgTest.sharedPglite(), skip: false },
  { name: "PostgreSQL", shared: PgTest.sharedServerDatabase(), skip: PgTest.skipServer }
] as const

afterAll(async () => {
  await backends[0].shared.close()
})

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hostile text on ${backend.name}`, () => {
    it("every endpoint refuses it with a 4xx problem naming the field, and the store is unchanged", async () => {
      const storage = PgStorage.layer.pipe(Layer.provideMerge(backend.shared.layer), Layer.orDie)
      // served as the package tells hosts to serve it (NodeServer.harden)
      const server: Server = await startServer({ storage, nodeServer: () => NodeServer.harden(createServer()) })
      try {
        // real data to aim at
        const trackingNumber = await submit(server, "buyer")
        await act(server, "agent", trackingNumber, "notes", { body: "seed" })
        const incident = expectJson(
          await server.request("POST", "/v1/incidents", { as: "agent", body: { title: "Outage", description: "x" } }),
          201
        )
        const announcement = expectJson(
          await server.request("POST", "/v1/announcements", { as: "agent", body: { title: "News", body: "Hi" } }),
          201
        )
        const real: Record<string, string> = {
          trackingNumber,
          incidentId: incident.id,
          announcementId: announcement.id
        }
        const spec = expectJson(await server.request("GET", "/openapi.json"), 200)
        const operations = operationsOf(spec)
        assert.isAtLeast(operations.length, 30)
        const concrete = (path: string, override?: { readonly name: string; readonly value: string }) =>
          path.replace(/\{(\w+)\}/g, (_, name: string) =>
            override !== undefined && override.name === name ? override.value : encodeURIComponent(real[name] ?? "x")
          )
        const before = await Effect.runPromise(snapshot.pipe(Effect.provide(backend.shared.layer)))

        const tasks: Array<() => Promise<void>> = []
        let requests = 0
        for (const op of operations) {
          // every string the body may hold, and a field of each nested object
          for (const field of op.fields) {
            const what = `${op.method} ${op.path} ${field.path.join(".")}`
            for (const h of valuesFor(field.schema, what)) {
              tasks.push(async () => {
                requests++
                const response = await server.request(op.method, concrete(op.path), {
                  as: "agent",
                  body: bodyWith(field.path, h.value)
                })
                assertRefused(response, "body", field.path.join("."), `${what} = ${h.name}`)
              })
            }
          }
          if (op.fields.length > 0) {
            for (const bytes of invalidUtf8) {
              tasks.push(async () => {
                requests++
                const prefix = new TextEncoder().encode(`{"${op.fields[0].path[0]}":"`)
                const body = new Uint8Array([...prefix, ...bytes, 0x22, 0x7d])
                const response = await server.request(op.method, concrete(op.path), {
                  as: "agent",
                  rawBody: body,
                  headers: { "content-type": "application/json" }
                })
                assertRefused(response, "body", "(root)", `${op.method} ${op.path} with bytes ${bytes}`)
              })
            }
          }
          for (const { name, schema } of op.query) {
            const values = valuesFor(schema, `${op.method} ${op.path}?${name}`, "url").map((h) => inUrl(h.value))
            for (const value of [...values, "%FF", "%C3%28"]) {
              tasks.push(async () => {
                requests++
                const response = await server.request(op.method, `${concrete(op.path)}?${name}=${value}`, {
                  as: "agent",
                  ...(op.method === "GET" ? {} : { body: {} })
                })
                assertRefused(response, "query", name, `${op.method} ${op.path}?${name}=${value.slice(0, 20)}`)
              })
            }
          }
          for (const { name, schema } of op.params) {
            const values = valuesFor(schema, `${op.method} ${op.path} {${name}}`, "url").map((h) => inUrl(h.value))
            for (const value of [...values, "%FF", "%C3%28"]) {
              tasks.push(async () => {
                requests++
                const response = await server.request(op.method, concrete(op.path, { name, value }), {
                  as: "agent",
                  ...(op.method === "GET" ? {} : { body: {} })
                })
                assertRefused(response, "path", name, `${op.method} ${op.path} {${name}} = ${value.slice(0, 20)}`)
              })
            }
          }
        }
        await inBatches(tasks)
        console.log(`${backend.name}: ${requests} hostile requests`)
        assert.isAtLeast(requests, 1_000)
        const after = await Effect.runPromise(snapshot.pipe(Effect.provide(backend.shared.layer)))
        for (const table of Object.keys(before)) assert.strictEqual(after[table], before[table], table)
      } finally {
        await server.close()
      }
    }, 300_000)
  })
}
