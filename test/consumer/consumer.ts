/**
 * A host program that uses every entry point of the published packages, as installed from their tarballs by
 * test/Pack.test.ts (with npm, in a project outside the workspace). Each check prints `ok - …`; the first that fails
 * throws. `DATABASE_URL` names a database on a PostgreSQL server.
 */
import {
  Actor,
  BusinessCalendar,
  Mailbox,
  Presets,
  Randomness,
  Sla,
  SupportDesk,
  SupportPolicy
} from "@support-policy/core"
import { Fixtures, StorageContract } from "@support-policy/core/testing"
import {
  EmailDelivery,
  EmailIntake,
  EmailTransport,
  NodemailerTransport,
  RequesterDirectory
} from "@support-policy/email"
import { HolidaySource, HongKong } from "@support-policy/holidays"
import { Authentication, HttpSupportApi, HttpViews } from "@support-policy/http"
import { PgStorage } from "@support-policy/sql-pg"
import { PgliteClient } from "@support-policy/sql-pg/pglite"
import { Effect, Layer, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { Temporal } from "temporal-polyfill"

const check = (ok: boolean, what: string): void => {
  if (!ok) throw new Error(`not ok - ${what}`)
  console.log(`ok - ${what}`)
}

// @support-policy/core
const policy = Presets.globalSources
const christmasEve = Temporal.Instant.from("2026-12-24T17:30:00+08:00")
const { priority } = SupportPolicy.triage(policy, { category: "platform-bugs", channel: "email", audience: "buyer" })
const plan = Sla.plan(policy, { receivedAt: christmasEve, priority, category: "platform-bugs", channel: "email" })
check(
  plan.find((t) => t.metric === "firstResponse")?.due.equals(Temporal.Instant.from("2026-12-29T17:30:00+08:00")) ===
    true,
  "@support-policy/core: Sla.plan on the Global Sources preset skips Christmas and the weekend"
)
check(
  !BusinessCalendar.isOpen(SupportPolicy.calendar(policy), Temporal.Instant.from("2026-12-25T10:00:00+08:00")),
  "@support-policy/core: the preset's calendar is closed on Christmas Day"
)

// a name that is both a schema (a value) and its type keeps both sides in the published declarations
const clockSchema: Schema.Top = Sla.Clock
const views: ReadonlyArray<Schema.Top> = [HttpViews.CaseView, HttpViews.ReplyByPlan, SupportPolicy.SupportPolicy]
check(
  [clockSchema, ...views].every((s) => Schema.isSchema(s)),
  "@support-policy/core: schemas and their types under one name"
)

// @support-policy/core/testing
check(typeof StorageContract.suite === "function", "@support-policy/core/testing: StorageContract.suite")
const fixture = await Effect.runPromise(Fixtures.newCase().pipe(Effect.provide(Randomness.layer)))
check(fixture.events.length > 0, "@support-policy/core/testing: Fixtures.newCase")

// @support-policy/holidays
const hongKong = await Effect.runPromise(HongKong.publicHolidays({ from: 2026, to: 2026 }))
check(
  hongKong.some((h) => h.date === "2026-12-25"),
  "@support-policy/holidays: Hong Kong's 2026 holidays include Christmas Day"
)
const badSource = await Effect.runPromise(
  Effect.flip(HolidaySource.resolve({ kind: "date-holidays", country: "ZZ", years: [2026] }))
)
check(badSource.field === "country", "@support-policy/holidays: a bad source fails naming its field")

// @support-policy/email: a requester's mail opens a case on memory stores, and a round mails its acknowledgment
const threading = { secret: Redacted.make("consumer-secret-0123456789"), domain: "desk.example" }
const sent: Array<EmailTransport.OutgoingMail> = []
const mailed = await Effect.gen(function* () {
  const intake = yield* EmailIntake.EmailIntake
  const receipt = yield* intake.receive(
    [
      "Authentication-Results: mx.desk.example; dmarc=pass header.from=buyer.example",
      "From: Ana <ana@buyer.example>",
      "To: support@desk.example",
      "Subject: Where is my order?",
      "Message-ID: <consumer-1@buyer.example>",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Order 42 has not arrived."
    ].join("\r\n"),
    { mailFrom: "ana@buyer.example", rcptTo: ["support@desk.example"] }
  )
  const report = yield* EmailDelivery.round({
    from: "Support <support@desk.example>",
    threading,
    templates: { policyTimeZone: policy.calendar.spec.timeZone }
  }).pipe(
    Effect.provideService(
      EmailTransport.EmailTransport,
      EmailTransport.EmailTransport.of({
        send: (mail) =>
          Effect.sync(() => {
            sent.push(mail)
            return { response: "250 OK", accepted: [mail.to] }
          })
      })
    )
  )
  return { receipt, report }
}).pipe(
  Effect.provide(
    EmailIntake.layer({
      threading,
      category: "consultation",
      authenticity: { trust: "authentication-results", authservId: "mx.desk.example" }
    }).pipe(
      Layer.provideMerge(
        Layer.mergeAll(
          SupportDesk.layerMemory(policy),
          Mailbox.layerMemory,
          RequesterDirectory.layerMemory([{ id: "buyer-ana", audience: "buyer", email: "ana@buyer.example" }]),
          NodemailerTransport.layer("smtp://127.0.0.1:587"),
          Randomness.layer
        )
      )
    )
  ),
  Effect.runPromise
)
check(
  mailed.receipt.outcome === "opened" && mailed.receipt.smtp.code === 250,
  "@support-policy/email: EmailIntake.receive opens a case from a requester's mail"
)
check(
  mailed.report.sent === 1 &&
    sent[0]?.to === "ana@buyer.example" &&
    sent[0].subject.startsWith(`[${mailed.receipt.trackingNumber}] `) &&
    sent[0].headers?.["Auto-Submitted"] === "auto-replied",
  "@support-policy/email: EmailDelivery.round mails the acknowledgment with its tracking number"
)

// @support-policy/sql-pg on PGlite and on a PostgreSQL server, with the desk on top and the HTTP API over it
const requester = { id: "buyer-ana", audience: "buyer", name: "Ana" } as const
const submitAndServe = (name: string, storage: Layer.Layer<PgStorage.Services | SqlClient.SqlClient, unknown>) =>
  Effect.gen(function* () {
    const desk = yield* SupportDesk.SupportDesk
    const submission = yield* desk.submit({
      requester,
      channel: "online-form",
      category: "order-delivery",
      subject: "Where is my order?",
      description: "Order 42 has not arrived.",
      language: "en"
    })
    const trackingNumber = submission.view.case.trackingNumber
    const stored = yield* desk.getCase(Actor.requester(requester), trackingNumber)
    check(stored.case.trackingNumber === trackingNumber, `@support-policy/sql-pg on ${name}: a case stored and read`)

    // a duplicate key is SqlError's UniqueViolation, on the host's own copy of effect
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE consumer_unique (id int PRIMARY KEY)`
    yield* sql`INSERT INTO consumer_unique VALUES (1)`
    const duplicate = yield* sql`INSERT INTO consumer_unique VALUES (1)`.pipe(
      Effect.as("inserted"),
      Effect.catchReason("SqlError", "UniqueViolation", () => Effect.succeed("UniqueViolation"))
    )
    check(duplicate === "UniqueViolation", `@support-policy/sql-pg on ${name}: a duplicate key is UniqueViolation`)

    // @support-policy/http over the same desk
    const services = Layer.mergeAll(
      Layer.succeed(SupportDesk.SupportDesk, desk),
      Authentication.layerBearerTokens({ "buyer-token": Actor.requester(requester) })
    )
    const api = HttpSupportApi.toWebHandler(services)
    const { status, view } = yield* Effect.promise(async () => {
      const request = new Request(`http://localhost/v1/cases/${trackingNumber}`, {
        headers: { authorization: "Bearer buyer-token" }
      })
      const response = await api.handler(request)
      return { status: response.status, view: (await response.json()) as HttpViews.CaseView }
    })
    yield* Effect.promise(api.dispose)
    check(
      status === 200 && view.case.trackingNumber === trackingNumber,
      `@support-policy/http on ${name}: GET /v1/cases/{trackingNumber} serves the stored case`
    )
  }).pipe(
    Effect.provide(SupportDesk.layer(policy).pipe(Layer.provideMerge(storage), Layer.provide(Randomness.layer))),
    Effect.runPromise
  )

await submitAndServe("PGlite", PgStorage.layerPglite({ dataDir: "memory://" }))
check(typeof PgliteClient.layer === "function", "@support-policy/sql-pg/pglite: PgliteClient.layer")
const url = process.env.DATABASE_URL
if (url === undefined) throw new Error("not ok - DATABASE_URL is not set")
await submitAndServe("PostgreSQL", PgStorage.layerUrl(Redacted.make(url)))
