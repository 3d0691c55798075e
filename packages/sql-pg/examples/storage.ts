import { Actor, Presets, Randomness, SupportDesk } from "@support-policy/core"
import { PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer, Redacted } from "effect"

// a PostgreSQL server when DATABASE_URL is set; else embedded PGlite, in memory here (or in a folder: ".data/support")
const storage = process.env.DATABASE_URL
  ? PgStorage.layerUrl(Redacted.make(process.env.DATABASE_URL))
  : PgStorage.layerPglite({ dataDir: "memory://" })

const desk = SupportDesk.layer(Presets.globalSources).pipe(Layer.provideMerge(storage), Layer.provide(Randomness.layer))

const program = Effect.gen(function* () {
  const desk = yield* SupportDesk.SupportDesk
  const requester = { id: "buyer-ana", audience: "buyer", name: "Ana" } as const
  const submission = yield* desk.submit({
    requester,
    channel: "online-form",
    category: "order-delivery",
    subject: "Where is my order?",
    description: "Order 42 has not arrived.",
    language: "en"
  })
  const stored = yield* desk.getCase(Actor.requester(requester), submission.view.case.trackingNumber)
  console.log(`${stored.case.trackingNumber} is stored: ${stored.case.status}, ${stored.events.length} event(s)`)
})

Effect.runPromise(program.pipe(Effect.provide(desk)))
