/**
 * The views of a case and of a submission are answered as JSON written once from the desk's values, not encoded
 * through their schemas on every request. These tests hold the two equal: for the case in every state a scenario
 * takes it through, as staff and as its requester see it, the answer written once decodes with the `HttpViews`
 * schema (no key too many) and equals what encoding the desk's own view through the schema gives, an optional key
 * left out where the schema writes `null`.
 */
import { assert, describe, it } from "@effect/vitest"
import { type Actor, MemoryStorage, Randomness, SupportDesk } from "@support-policy/core"
import { Clock, Effect, Exit, Layer, Schema } from "effect"
import * as HttpViews from "../src/HttpViews.ts"
import * as views from "../src/internal/views.ts"
import { agent, buyer, hk, policy, settableClock, startServer, supplier } from "./support/harness.ts"

const jsonCodec = <S extends Schema.Top>(schema: S) => Schema.toCodecJson(schema)

/** Drops keys that are `null` in `reference` and absent in `actual` (an optional key the schema writes as null). */
const alignNulls = (reference: unknown, actual: unknown): unknown => {
  if (reference === null || typeof reference !== "object" || actual === null || typeof actual !== "object") {
    return reference
  }
  if (Array.isArray(reference)) {
    return reference.map((r, i) => alignNulls(r, Array.isArray(actual) ? actual[i] : undefined))
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(reference)) {
    if (value === null && !(key in actual)) continue
    out[key] = alignNulls(value, (actual as Record<string, unknown>)[key])
  }
  return out
}

/** The desk's view encoded through the schema, as the API encoded it before: requesters get clocks without traces. */
const referenceCaseView = (actor: Actor.Actor, view: SupportDesk.CaseView): unknown => {
  const encoded = Schema.encodeUnknownSync(jsonCodec(HttpViews.CaseView))({
    ...view,
    case: views.caseView(actor, view).case
  }) as { sla: { clocks: Array<Record<string, unknown>> } }
  if (actor.role === "requester") for (const clock of encoded.sla.clocks) delete clock.trace
  return encoded
}

const decodeStrict = (schema: typeof HttpViews.CaseView | typeof HttpViews.Submission, json: unknown) =>
  Schema.decodeUnknownExit(jsonCodec(schema))(json, { onExcessProperty: "error" })

const checkView = (actor: Actor.Actor, view: SupportDesk.CaseView) => {
  const written = JSON.parse(JSON.stringify(views.caseView(actor, view)))
  const decoded = decodeStrict(HttpViews.CaseView, written)
  assert.isTrue(Exit.isSuccess(decoded), `the view as ${actor.role} does not decode: ${String(decoded)}`)
  assert.deepStrictEqual(written, alignNulls(referenceCaseView(actor, view), written))
}

describe("views written once as JSON", () => {
  it.effect("equal the schema-encoded views of a case through its life, for staff and for its requester", () =>
    Effect.gen(function* () {
      const time = settableClock(hk("2025-06-09T10:00"))
      const desk = yield* SupportDesk.SupportDesk.pipe(
        Effect.provide(
          SupportDesk.layer(policy, { whenClosed: { "live-chat": "online-form" } }).pipe(
            Layer.provide(Layer.mergeAll(MemoryStorage.layerMemory, Randomness.layerSeeded(11)))
          )
        ),
        Effect.provideService(Clock.Clock, time.clock)
      )
      const at = <A, E>(local: string, effect: Effect.Effect<A, E>) =>
        Effect.suspend(() => {
          time.set(hk(local))
          return Effect.exit(effect.pipe(Effect.provideService(Clock.Clock, time.clock)))
        })
      const submitted = yield* at(
        "2025-06-09T10:00",
        desk.submit({
          requester: {
            id: supplier.id,
            audience: "supplier",
            flags: ["dedicatedAccountManager"],
            accountManagerId: "am-kim"
          },
          channel: "online-form",
          category: "orders-messages-transactions",
          subject: "Where is my order?",
          description: "My order PO-1234 has not arrived; the tracking page has not changed for a week.",
          orderReference: "PO-1234",
          language: "en"
        })
      )
      assert.isTrue(Exit.isSuccess(submitted), String(submitted))
      if (!Exit.isSuccess(submitted)) return
      const tn = submitted.value.view.case.trackingNumber
      const requester: Actor.Actor = { role: "requester", id: supplier.id, audience: "supplier", flags: [] }

      // the submission's answer, as written once and as the schema encodes it
      const zone = views.policyZone(policy)
      const written = JSON.parse(JSON.stringify(views.submission(policy, requester, submitted.value, zone)))
      assert.isTrue(Exit.isSuccess(decodeStrict(HttpViews.Submission, written)))
      const reference = Schema.encodeUnknownSync(jsonCodec(HttpViews.Submission))(
        views.submission(policy, requester, submitted.value, zone)
      )
      assert.deepStrictEqual(written, alignNulls(reference, written))

      const steps: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]> = [
        ["2025-06-09T11:00", desk.addNote(agent, tn, { body: "Checking with the carrier." })],
        ["2025-06-09T12:00", desk.requestInformation(agent, tn, { body: "Which address did you ship to?" })],
        ["2025-06-10T09:30", desk.respond(requester, tn, { body: "To our Shenzhen warehouse." })],
        ["2025-06-10T10:00", desk.progressUpdate(agent, tn, { body: "The carrier is looking for it." })],
        ["2025-06-10T11:00", desk.escalate(agent, tn, { reason: "Key account" })],
        ["2025-06-10T12:00", desk.holdForVerification(agent, tn, { reason: "Proof of shipment" })],
        ["2025-06-11T10:00", desk.concludeVerification(agent, tn, { outcome: "verified" })],
        ["2025-06-11T11:00", desk.reply(agent, tn, { body: "It is on its way again." })],
        ["2025-06-12T10:00", desk.resolve(agent, tn, { body: "Delivered today." })],
        ["2025-06-12T15:00", desk.reopen(requester, tn, { reason: "Only half arrived" })],
        ["2025-06-13T10:00", desk.explain(agent, tn, { body: "The rest ships separately." })],
        ["2025-06-20T10:00", desk.close(agent, tn, { reason: "Done" })]
      ]
      let done = 0
      for (const [local, step] of steps) {
        const exit = yield* at(local, step)
        if (Exit.isSuccess(exit)) done++
        for (const actor of [agent, requester, buyer]) {
          const read = yield* at(local, desk.getCase(actor, tn))
          if (Exit.isSuccess(read)) checkView(actor, read.value)
          else assert.strictEqual(actor, buyer, `${actor.id} should see the case`)
        }
      }
      // the scenario must reach most of its states, or it proves little
      assert.isAtLeast(done, 9)
    })
  )

  it("the API's answers decode with their schemas, no key too many", async () => {
    const server = await startServer()
    try {
      const created = await server.request("POST", "/v1/cases", {
        as: "buyer",
        body: { category: "order-delivery", subject: "Where is it?", description: "My order has not arrived yet." }
      })
      assert.strictEqual(created.status, 201)
      assert.strictEqual(created.headers.get("content-type"), "application/json")
      assert.isTrue(Exit.isSuccess(decodeStrict(HttpViews.Submission, created.json)))
      const tn = created.json.trackingNumber
      for (const as of ["agent", "buyer"] as const) {
        const read = await server.request("GET", `/v1/cases/${tn}`, { as })
        assert.strictEqual(read.status, 200)
        assert.isTrue(Exit.isSuccess(decodeStrict(HttpViews.CaseView, read.json)), `as ${as}`)
      }
      const replied = await server.request("POST", `/v1/cases/${tn}/actions/reply`, {
        as: "agent",
        body: { body: "Here is how." }
      })
      assert.strictEqual(replied.status, 200)
      assert.isTrue(Exit.isSuccess(decodeStrict(HttpViews.CaseView, replied.json)))
    } finally {
      await server.close()
    }
  })
})
