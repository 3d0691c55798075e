/**
 * A dispatcher in a process of its own, for the fault tests: runs `EmailDelivery` rounds on the PostgreSQL database of
 * `DATABASE_URL`, sending to `SMTP_URL`, until it is killed.
 */
import { Presets } from "@support-policy/core"
import { EmailDelivery, NodemailerTransport } from "@support-policy/email"
import { PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer, Redacted } from "effect"

const options: EmailDelivery.Options = {
  from: "Support <support@desk.example>",
  threading: { secret: "test-secret-0123456789abcdef", domain: "desk.example" },
  templates: { policyTimeZone: Presets.globalSources.calendar.spec.timeZone },
  leaseMillis: Number(process.env.LEASE_MS ?? 2_000),
  batchSize: 20,
  concurrency: 4
}

const layer = EmailDelivery.layerLoop({ ...options, intervalMillis: 50 }).pipe(
  Layer.provide(NodemailerTransport.layer(process.env.SMTP_URL!)),
  Layer.provide(PgStorage.layerUrl(Redacted.make(process.env.DATABASE_URL!), { maxConnections: 3 }))
)

process.stdout.write("dispatching\n")
Effect.runFork(Layer.launch(layer))
