/**
 * Erasure of a requester's personal data (clause 7.4) on a real PostgreSQL server, checked on what the server holds:
 * a requester's cases are seeded with their name, email, an order number and a sentence nobody else writes (in
 * subjects, descriptions, messages, notes, a mediation with the supplier's statement, outbox messages, an idempotency
 * key, and the mailbox: a mail of hers on a case and one set aside, with originals, and her address marked failing
 * after a bounce); after the erasure, a dump of the whole database (`pg_dump`) contains none of those strings, while another
 * requester's case is still there, the SLA evaluations of every case are identical, and so are the SLA reports of the
 * period (`SupportDesk.slaReport`, by every grouping, satisfaction included). The same through the
 * retention sweep, and with a policy that deletes (the tallies then keep the clocks). A legal hold blocks both until
 * it is released.
 *
 * Each scenario runs on a database of its own on the test server, so a dump shows only its data; base64 text in the
 * dump (the mails' originals) is searched decoded too.
 */
import { assert, describe, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import {
  Actor,
  CaseStore,
  Mailbox,
  Parties,
  Presets,
  Randomness,
  SupportDesk,
  type SupportPolicy
} from "@support-policy/core"
import { PgStorage } from "@support-policy/sql-pg"
import { Clock, type Duration, Effect, Layer } from "effect"
import * as PgServer from "./support/PgServer.ts"
import * as PgTest from "./support/PgTest.ts"

const DAY = 86_400_000

/** Local wall-clock time at +08:00 (the preset's zone), as epoch milliseconds. */
const hk = (local: string): number => Date.parse(`${local}:00+08:00`)

/** A clock the test sets; sleeping stays real (the driver's timeouts need it). */
const settableClock = (start: number) => {
  let now = start
  const live = Clock.Clock.defaultValue()
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => now,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: live.monotonicTimeNanos,
    sleep: (duration: Duration.Duration) => live.sleep(duration)
  }
  return { clock, set: (ms: number) => (now = ms), get: () => now }
}

const zoe = Actor.requester({
  id: "buyer-zoe-4242",
  audience: "buyer",
  email: "zoe.wintermute@example.net",
  name: "Zoe Wintermute"
})
const otto = Actor.requester({ id: "buyer-otto", audience: "buyer", name: "Otto" })
const supplier = Actor.requester({ id: "supplier-lumen", audience: "supplier" })
const agent = Actor.agent("agent-ann")
const admin = Actor.administrator("admin-max")
const ORDER = "PO-55-31337"
const SENTENCE = "a heron reads the tide tables at noon"
const KEY = "zoe-key-7f3a9c"
/** A line only her mails' originals hold. */
const MAIL_LINE = "sent from the lighthouse keeper's phone"
/** The Message-ID of her reply by mail: it names her host. */
const MESSAGE_ID = "<1749.0612@lighthouse-keeper.home.example>"
/** Everything of Zoe's that must leave the database (her id too: it is personal data). */
const secrets = [zoe.id, zoe.email!, zoe.name!, ORDER, SENTENCE, KEY, MAIL_LINE, MESSAGE_ID]
/** What must stay: another requester's words. */
const control = "Otto asks about invoices"

const profile = ({ role: _role, ...rest }: Actor.Requester): Actor.RequesterProfile => rest

/** Zoe's cases (both closed, one a mediation), and Otto's open case; returns every tracking number. */
const seed = Effect.gen(function* () {
  const desk = yield* SupportDesk.SupportDesk
  const first = yield* desk.submit({
    requester: profile(zoe),
    channel: "online-form",
    category: "order-delivery",
    subject: `Order ${ORDER} never arrived`,
    description: `I was told ${SENTENCE}. My order ${ORDER} is missing.`,
    orderReference: ORDER,
    language: "en",
    idempotencyKey: KEY
  })
  const tn = first.view.case.trackingNumber
  yield* desk.reply(agent, tn, { body: `Dear ${zoe.name}, order ${ORDER} is with the courier.` })
  yield* desk.requestInformation(agent, tn, { body: "Which address should it go to?" })
  yield* desk.respond(zoe, tn, { body: `To my office; ${SENTENCE}. Call ${zoe.email}.`, messageKey: MESSAGE_ID })
  yield* desk.addNote(agent, tn, { body: `Spoke with ${zoe.name} at ${zoe.email}` })
  yield* desk.resolve(agent, tn, { body: `Re-shipped ${ORDER}.` })
  yield* desk.rateSatisfaction(zoe, tn, { rating: 2, comment: `Slow, but ${SENTENCE}` })
  yield* desk.close(agent, tn, { reason: `${zoe.name} confirmed` })

  const dispute = yield* desk.openMediation({
    requester: profile(zoe),
    channel: "online-form",
    subject: `Dispute over ${ORDER}`,
    description: `The lamps are wrong; ${SENTENCE}.`,
    orderReference: ORDER,
    language: "en",
    counterpartyId: supplier.id
  })
  const dn = dispute.view.case.trackingNumber
  yield* desk.postStatement(supplier, dn, { body: `We shipped ${ORDER} to ${zoe.name} as ordered.` })
  yield* desk.postStatement(zoe, dn, { body: `No: ${SENTENCE}.` })
  yield* desk.recordMediationOutcome(agent, dn, { outcome: "settled", body: `Refund for ${ORDER} agreed.` })
  yield* desk.close(agent, dn, {})

  // what the email channel kept: her mail on the first case, an out-of-office of hers set aside, and a bounce
  const mailbox = yield* Mailbox.Mailbox
  const mail = (n: number, caseId: string | null, subject: string): Mailbox.InboundMail => ({
    id: `mail-${n}`,
    messageId: `${zoe.id}-${n}@mail.example.net`,
    receivedAt: hk("2025-06-09T10:00"),
    from: zoe.email!,
    to: ["support@desk.example"],
    subject,
    size: 100,
    attachments: [{ filename: `${ORDER}.pdf`, contentType: "application/pdf", size: 10, disposition: "attachment" }],
    outcome: caseId === null ? "automatic" : "replied",
    caseId,
    trackingNumber: null,
    detail: caseId === null ? null : `added to ${tn}`
  })
  for (const m of [mail(1, first.view.case.id, `Re: Order ${ORDER}`), mail(2, null, `Out of office: ${zoe.name}`)]) {
    const original = `From: ${zoe.name} <${zoe.email}>\r\nSubject: ${m.subject}\r\n\r\n${SENTENCE}\r\n-- \r\n${MAIL_LINE}\r\n`
    yield* mailbox.record(m, new TextEncoder().encode(original))
  }
  yield* mailbox.markFailing(zoe.email!, { at: hk("2025-06-09T10:00"), reason: "550 5.2.2 mailbox full" })

  const other = yield* desk.submit({
    requester: profile(otto),
    channel: "email",
    category: "consultation",
    subject: control,
    description: "How do I download my invoices?",
    language: "en"
  })
  return { zoe: [tn, dn], otto: other.view.case.trackingNumber }
})

/** The evaluation of every case of the database at the clock's now, by case id, as plain data. */
const evaluations = Effect.gen(function* () {
  const desk = yield* SupportDesk.SupportDesk
  const store = yield* CaseStore.CaseStore
  const all = yield* store.listByStatus({
    statuses: ["open", "awaitingRequester", "onHold", "inMediation", "resolved", "explained", "refused", "closed"],
    limit: 1000
  })
  const out: Record<string, unknown> = {}
  for (const c of all) out[c.id] = JSON.parse(JSON.stringify((yield* desk.getCase(admin, c.id)).sla))
  return out
})

/** The SLA reports of June 2025 by every grouping, at the clock's now. */
const reports = Effect.gen(function* () {
  const desk = yield* SupportDesk.SupportDesk
  const out: Record<string, unknown> = {}
  for (const groupBy of ["week", "category", "priority", "channel", "queue", "agent"] as const) {
    out[groupBy] = yield* desk.slaReport(admin, { from: hk("2025-06-01T00:00"), to: hk("2025-07-01T00:00"), groupBy })
  }
  return out
})

/**
 * Runs a scenario on a fresh database with the desk of `policy`, the clock at Monday 9 June 2025 10:00 (+08:00):
 * `dump()` gives the whole database as `pg_dump` writes it.
 */
const scenario = <A, E>(
  policy: SupportPolicy.SupportPolicy,
  body: (tools: {
    readonly dump: Effect.Effect<string>
    readonly time: ReturnType<typeof settableClock>
  }) => Effect.Effect<A, E, SupportDesk.SupportDesk | CaseStore.CaseStore | Mailbox.Mailbox>
) =>
  Effect.gen(function* () {
    const { endpoint, database } = yield* PgTest.createDatabase
    const time = settableClock(hk("2025-06-09T10:00"))
    const client = PgClient.layer({
      host: endpoint.socketDir,
      port: endpoint.port,
      username: endpoint.username,
      database,
      maxConnections: 5
    })
    const desk = SupportDesk.layer(policy).pipe(
      Layer.provideMerge(PgStorage.layer),
      Layer.provide(
        Layer.mergeAll(
          client,
          Randomness.layer,
          // the host's order data: Zoe's order is with the supplier (clause 4.5)
          Parties.layerMemory([{ reference: ORDER, buyerId: zoe.id, supplierId: supplier.id }])
        )
      ),
      Layer.orDie
    )
    const dump = Effect.map(
      Effect.promise(() => PgServer.dump(endpoint, database)),
      withBase64Decoded
    )
    return yield* body({ dump, time }).pipe(Effect.provide(desk), Effect.provideService(Clock.Clock, time.clock))
  })

/**
 * The dump with every base64 run in it decoded and appended (the mailbox keeps originals as base64 text, so a line of
 * a mail is found only decoded).
 */
const withBase64Decoded = (text: string): string =>
  [
    text,
    ...[...text.matchAll(/[A-Za-z0-9+/]{24,}={0,2}/g)].map((m) => Buffer.from(m[0], "base64").toString("utf8"))
  ].join("\n")

const expectGone = (text: string) => {
  for (const secret of secrets) assert.notInclude(text, secret, `the dump still holds "${secret}"`)
  assert.include(text, control, "another requester's case is still there")
}

const expectPresent = (text: string) => {
  for (const secret of secrets) assert.include(text, secret, `the seed should hold "${secret}"`)
}

const deleting = (policy: SupportPolicy.SupportPolicy): SupportPolicy.SupportPolicy => ({
  ...policy,
  retention: { ...policy.retention, afterwards: "delete" }
})

describe.skipIf(PgTest.skipServer)("Erasure on a PostgreSQL server (clause 7.4)", () => {
  it.live(
    "an erasure request leaves none of the requester's data in a dump of the database; every evaluation is the same",
    () =>
      scenario(Presets.globalSources, ({ dump, time }) =>
        Effect.gen(function* () {
          const desk = yield* SupportDesk.SupportDesk
          const cases = yield* seed
          expectPresent(yield* dump)
          time.set(hk("2025-06-20T10:00"))
          const before = yield* evaluations
          const reportsBefore = yield* reports
          const report = yield* desk.eraseRequester(admin, zoe.id)
          assert.sameMembers(
            report.anonymised.map((c) => c.trackingNumber),
            cases.zoe
          )
          expectGone(yield* dump)
          assert.deepStrictEqual(yield* evaluations, before)
          assert.deepStrictEqual(yield* reports, reportsBefore)
        })
      ),
    120_000
  )

  it.live(
    "the retention sweep erases the same way",
    () =>
      scenario(Presets.globalSources, ({ dump, time }) =>
        Effect.gen(function* () {
          const desk = yield* SupportDesk.SupportDesk
          const cases = yield* seed
          expectPresent(yield* dump)
          time.set(time.get() + 731 * DAY)
          const before = yield* evaluations
          const reportsBefore = yield* reports
          const erased = yield* desk.applyRetention()
          assert.strictEqual(erased.length, cases.zoe.length)
          expectGone(yield* dump)
          assert.deepStrictEqual(yield* evaluations, before)
          assert.deepStrictEqual(yield* reports, reportsBefore)
        })
      ),
    120_000
  )

  it.live(
    "a policy that deletes: the cases and every row of them go; their tallies keep the clocks they had",
    () =>
      scenario(deleting(Presets.globalSources), ({ dump, time }) =>
        Effect.gen(function* () {
          const desk = yield* SupportDesk.SupportDesk
          const store = yield* CaseStore.CaseStore
          yield* seed
          expectPresent(yield* dump)
          time.set(hk("2025-06-20T10:00"))
          const before = yield* evaluations
          const reportsBefore = yield* reports
          const report = yield* desk.eraseRequester(admin, zoe.id)
          assert.strictEqual(report.deleted.length, 2)
          expectGone(yield* dump)
          // the report of the period counts the deleted cases through their tallies: the same figures
          assert.deepStrictEqual(yield* reports, reportsBefore)
          const after = yield* evaluations
          const tallies = yield* store.listTallies({ limit: 100 })
          assert.strictEqual(tallies.length, 2)
          // the cases left are those not erased, evaluated as before; the deleted ones live on as their tallies
          assert.deepStrictEqual(
            Object.keys(after),
            Object.keys(before).filter((id) => !tallies.some((t) => t.caseId === id))
          )
          for (const tally of tallies) {
            const clocks = (before[tally.caseId] as { clocks: ReadonlyArray<Record<string, unknown>> }).clocks
            assert.deepStrictEqual(
              tally.clocks.map(({ facts: _facts, ...clock }) => clock) as unknown,
              clocks.map(
                ({ trace: _t, leftMs: _l, carriedMs: _c, warningsAt: _w, pausedSince: _p, target: _x, ...rest }) => rest
              )
            )
          }
          // and through the sweep, on a second requester's case
          const ottos = (yield* store.listByRequester(otto.id, { limit: 1 }))[0].id
          yield* desk.resolve(agent, ottos, { body: "Invoices are under Orders." })
          yield* desk.close(agent, ottos, {})
          time.set(time.get() + 731 * DAY)
          assert.strictEqual((yield* desk.applyRetention()).length, 1)
          const text = yield* dump
          assert.notInclude(text, control)
          assert.strictEqual((yield* store.listTallies({ limit: 100 })).length, 3)
        })
      ),
    120_000
  )

  it.live(
    "a legal hold blocks the request and the sweep until it is released",
    () =>
      scenario(Presets.globalSources, ({ dump, time }) =>
        Effect.gen(function* () {
          const desk = yield* SupportDesk.SupportDesk
          const cases = yield* seed
          const [held] = cases.zoe
          yield* desk.placeLegalHold(admin, held, { reason: "Court order 2025/117" })
          const report = yield* desk.eraseRequester(admin, zoe.id)
          assert.deepStrictEqual(
            report.held.map((c) => c.trackingNumber),
            [held]
          )
          // the held case keeps everything: the order number, the sentence, the name
          const whileHeld = yield* dump
          for (const secret of [ORDER, SENTENCE, zoe.name!]) assert.include(whileHeld, secret)
          time.set(time.get() + 3 * 365 * DAY)
          assert.deepStrictEqual(yield* desk.applyRetention(), [])
          assert.include(yield* dump, SENTENCE)
          yield* desk.releaseLegalHold(admin, held, {})
          expectGone(yield* dump)
        })
      ),
    120_000
  )
})
