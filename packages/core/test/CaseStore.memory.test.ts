import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Schema } from "effect"
import * as CaseEvent from "../src/CaseEvent.ts"
import * as CaseStore from "../src/CaseStore.ts"
import * as Incident from "../src/Incident.ts"
import * as MemoryStorage from "../src/MemoryStorage.ts"
import * as Outbox from "../src/Outbox.ts"
import * as PolicyStore from "../src/PolicyStore.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportCase from "../src/SupportCase.ts"
import * as TaskStore from "../src/TaskStore.ts"
import { Fixtures, StorageContract } from "../src/testing/index.ts"

// the contract every storage adapter runs, against the memory layers
StorageContract.suite("memory", MemoryStorage.layerMemory)

// the same, with the ports' memory layers composed one by one on a shared state
StorageContract.suite(
  "memory (composed)",
  Layer.mergeAll(
    CaseStore.layerMemory,
    Outbox.layerMemory,
    Incident.layerMemory,
    PolicyStore.layerMemory,
    TaskStore.layerMemory
  ).pipe(Layer.provide(MemoryStorage.layerStore))
)

describe("MemoryStorage", () => {
  it.effect("gives every build of the layer its own empty state", () =>
    Effect.gen(function* () {
      const input = yield* Fixtures.newCase()
      yield* CaseStore.CaseStore.use((store) => store.create(input)).pipe(Effect.provide(MemoryStorage.layerMemory))
      const found = yield* CaseStore.CaseStore.use((store) => store.get(input.case.id)).pipe(
        Effect.provide(MemoryStorage.layerMemory)
      )
      assert.isTrue(Option.isNone(found))
    }).pipe(Effect.provide(Randomness.layerSeeded(1)))
  )

  it.effect("writes a case's messages into the outbox that is read", () =>
    Effect.gen(function* () {
      const input = yield* Fixtures.newCase({ messages: 3 })
      const store = yield* CaseStore.CaseStore
      const outbox = yield* Outbox.Outbox
      yield* store.create(input)
      assert.strictEqual((yield* outbox.listByCase(input.case.id)).length, 3)
    }).pipe(Effect.provide(Layer.merge(MemoryStorage.layerMemory, Randomness.layerSeeded(2))))
  )

  it.effect("the fixtures are valid by the real schemas", () =>
    Effect.gen(function* () {
      const input = yield* Fixtures.newCase({ full: true, counterparties: ["supplier-1"] })
      const append = yield* Fixtures.append(input, { events: 3, status: "resolved", nextDueAt: null })
      const record = [...input.events, ...append.events]
      assert.deepStrictEqual(CaseEvent.checkRecord(record), [])
      Schema.decodeUnknownSync(CaseEvent.Record)(record)
      Schema.decodeUnknownSync(SupportCase.SupportCase)(append.case)
      for (const m of [...input.outbox, ...append.outbox]) Schema.decodeUnknownSync(Outbox.Message)(m)
      Schema.decodeUnknownSync(Incident.Incident)(yield* Fixtures.incident({ status: "resolved" }))
      Schema.decodeUnknownSync(Incident.Announcement)(yield* Fixtures.announcement({ expiresAt: 1 }))
      assert.strictEqual(input.events[0].type, "submitted")
    }).pipe(Effect.provide(Randomness.layerSeeded(3)))
  )

  const dies = <A, E, R>(effect: Effect.Effect<A, E, R>, field: string) =>
    Effect.map(Effect.exit(effect), (exit) => {
      assert.isTrue(Exit.isFailure(exit) && Exit.hasDies(exit), `expected a defect naming ${field}`)
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), field)
    })

  it.effect("dies on writes only a caller's bug can make, naming the field, and writes nothing", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const outbox = yield* Outbox.Outbox
      const incidents = yield* Incident.IncidentStore
      const input = yield* Fixtures.newCase()
      yield* store.create(input)
      // a message id that is already stored
      const reused = yield* Fixtures.append(input)
      yield* dies(
        store.append({ ...reused, outbox: [...reused.outbox, input.outbox[0]] }),
        "message ids already stored"
      )
      assert.isTrue(Option.isNone(yield* outbox.get(reused.outbox[0].id)))
      assert.strictEqual((yield* store.events(input.case.id, { limit: 100 })).length, 1)
      const other = yield* Fixtures.newCase()
      yield* dies(store.create({ ...other, outbox: input.outbox }), "message ids already stored")
      assert.isTrue(Option.isNone(yield* store.get(other.case.id)))
      // a tracking number that changes
      const renamed = yield* Fixtures.append(input)
      yield* dies(
        store.append({ ...renamed, case: { ...renamed.case, trackingNumber: "TRK-other" } }),
        "trackingNumber"
      )
      assert.isTrue(Option.isNone(yield* store.getByTrackingNumber("TRK-other")))
      // paging, claims and incidents
      yield* dies(store.listByRequester("r", { limit: -1 }), "limit")
      yield* dies(store.listByParty("r", { limit: 1, offset: 0.5 }), "offset")
      yield* dies(store.queue({ limit: Number.NaN }), "limit")
      yield* dies(store.queue({ limit: 1, offset: -1 }), "offset")
      yield* dies(store.events(input.case.id, { limit: 1, before: 1.5 }), "before")
      yield* dies(outbox.claim({ limit: 1, now: 0, leaseMillis: 0 }), "leaseMillis")
      const incident = yield* Fixtures.incident()
      yield* dies(incidents.create({ ...incident, version: 2 }, null), "version")
      yield* incidents.create(incident, null)
      yield* dies(incidents.create(incident, null), "already exists")
      yield* dies(incidents.list({ activeOnly: false, limit: -1 }), "limit")
    }).pipe(Effect.provide(Layer.merge(MemoryStorage.layerMemory, Randomness.layerSeeded(4))))
  )
})
