/**
 * Erasure of a requester's personal data (clause 7.4; GDPR art. 17, PIPL, PDPO) on the memory stores: an
 * administrator's request erases every case of the requester, and their statements in the mediations of others, while
 * the SLA facts stay; legal holds make cases wait; a policy that deletes leaves tallies; other holders of personal
 * data take part, the email channel's mailbox by itself when the desk's context has one. The same on a real PostgreSQL server, with a dump of the database, is in
 * `packages/sql-pg/test/Erasure.server.test.ts`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import * as Actor from "../src/Actor.ts"
import { CaseStore } from "../src/CaseStore.ts"
import * as Erasure from "../src/Erasure.ts"
import * as Mailbox from "../src/Mailbox.ts"
import { MemoryStore } from "../src/MemoryStorage.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import type * as SupportPolicy from "../src/SupportPolicy.ts"
import {
  administrator,
  agent,
  failure,
  messages,
  policy,
  request,
  setNow,
  stored,
  supplier,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk
const DAY = 86_400_000

/** A requester with a name, an email and an order number, and a sentence nobody else writes. */
const zoe = Actor.requester({
  id: "buyer-zoe-9",
  audience: "buyer",
  email: "zoe.w@example.net",
  name: "Zoe Wintermute"
})
const ORDER = "PO-778899"
const SENTENCE = "the purple elephant sang at dawn"
/** The Message-ID her mail client gave her reply (it names her host). */
const MESSAGE_ID = "<20250609.4411@zoes-laptop.home.example>"
const secrets = [zoe.id, zoe.email!, zoe.name!, ORDER, SENTENCE, MESSAGE_ID]
/** The Message-ID of the supplier's statement, sent by mail. */
const STATEMENT_ID = "<7781.statement@mail.lumen-supplies.example>"

const deskWith = (p: SupportPolicy.SupportPolicy, holders: ReadonlyArray<Erasure.PersonalDataHolder> = []) =>
  SupportDesk.layerMemory(p, {
    randomness: Randomness.layerSeeded(7),
    // the host's order data: Zoe's order is with the supplier (clause 4.5)
    orders: [{ reference: ORDER, buyerId: zoe.id, supplierId: supplier.id }]
  }).pipe(
    Layer.provideMerge(Layer.succeed(Erasure.PersonalDataHolders, holders)),
    Layer.provideMerge(MemoryStore.layer)
  )

/** Everything the memory stores hold, as text. */
const dump = Effect.map(Effect.service(MemoryStore), (state) =>
  JSON.stringify({
    cases: [...state.cases.values()],
    trackingNumbers: [...state.trackingNumbers.entries()],
    idempotency: [...state.idempotency.entries()],
    outbox: [...state.outbox.values()],
    tallies: [...state.tallies.values()]
  })
)

/** The evaluations of cases at `t`, as plain data. */
const evaluationsAt = (trackingNumbers: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const desk = yield* Desk
    const out: Array<unknown> = []
    for (const tn of trackingNumbers) {
      out.push(JSON.parse(JSON.stringify((yield* desk.getCase(administrator, tn)).sla)))
    }
    return out
  })

/**
 * Zoe's cases: one closed after a reply, one in mediation with a supplier's statement, both carrying her sentence
 * and her order number; and another buyer's case that is not hers.
 */
const seed = Effect.gen(function* () {
  const desk = yield* Desk
  yield* setNow("2025-06-09T10:00")
  const closed = yield* desk.submit({
    ...request(zoe, { subject: `Order ${ORDER} never arrived`, description: `I wrote: ${SENTENCE}.` }),
    orderReference: ORDER,
    idempotencyKey: "zoe-key-1"
  })
  const closedTn = closed.view.case.trackingNumber
  yield* desk.reply(agent, closedTn, { body: `Dear Zoe Wintermute, order ${ORDER} left the warehouse.` })
  yield* desk.respond(zoe, closedTn, { body: `Thanks, ${SENTENCE}`, messageKey: MESSAGE_ID })
  yield* desk.resolve(agent, closedTn, { body: "Resolved." })
  yield* desk.close(agent, closedTn, { reason: `Zoe says ${SENTENCE}` })
  yield* desk.addNote(agent, closedTn, { body: `Called zoe.w@example.net about ${ORDER}` })
  const { category: _category, ...asked } = request(zoe, {
    subject: "Lamps are 110 V",
    description: `Mediation: ${SENTENCE}`
  })
  const dispute = yield* desk.openMediation({ ...asked, orderReference: ORDER, counterpartyId: supplier.id })
  const disputeTn = dispute.view.case.trackingNumber
  yield* desk.postStatement(supplier, disputeTn, {
    body: `We shipped ${ORDER} to Zoe Wintermute as ordered.`,
    messageKey: STATEMENT_ID
  })
  yield* desk.recordMediationOutcome(agent, disputeTn, { outcome: "settled", body: "Refund agreed." })
  yield* desk.close(agent, disputeTn, {})
  const other = yield* desk.submit(
    request(Actor.requester({ id: "buyer-other", audience: "buyer", name: "Otto" }), { subject: "Otto's question" })
  )
  return { closedTn, disputeTn, otherTn: other.view.case.trackingNumber }
})

describe("SupportDesk erasure (clause 7.4)", () => {
  it.effect("7.4 an administrator erases a requester: none of their data remains, the SLA facts do", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const { closedTn, disputeTn, otherTn } = yield* seed
      const before = yield* stored(closedTn)
      const beforeDispute = yield* stored(disputeTn)
      for (const secret of secrets) assert.include(yield* dump, secret)
      yield* setNow("2025-06-20T10:00")
      const evaluations = yield* evaluationsAt([closedTn, disputeTn])

      assert.strictEqual((yield* failure(desk.eraseRequester(agent, zoe.id)))._tag, "ActionForbidden")
      assert.strictEqual((yield* failure(desk.eraseRequester(administrator, "  ")))._tag, "InputInvalid")
      const report = yield* desk.eraseRequester(administrator, zoe.id)
      assert.sameMembers(
        report.anonymised.map((c) => c.trackingNumber),
        [closedTn, disputeTn]
      )
      assert.deepStrictEqual([report.deleted, report.held], [[], []])

      const text = yield* dump
      for (const secret of secrets) assert.notInclude(text, secret, secret)
      // the SLA facts: the same clocks, evaluated at the same instant
      assert.deepStrictEqual(yield* evaluationsAt([closedTn, disputeTn]), evaluations)
      const after = yield* stored(closedTn)
      assert.deepStrictEqual(
        after.events.slice(0, before.events.length).map((e) => [e.sequence, e.type, e.at, e.actor.role]),
        before.events.map((e) => [e.sequence, e.type, e.at, e.actor.role])
      )
      const [c, b] = [after.case, before.case]
      assert.deepStrictEqual(
        [c.category, c.priority, c.channel, c.status, c.openedAt, c.requester.audience, c.requester.flags],
        [b.category, b.priority, b.channel, b.status, b.openedAt, b.requester.audience, b.requester.flags]
      )
      const last = after.events[after.events.length - 1]
      assert.deepStrictEqual(last.type === "anonymised" && [last.basis, last.erasureId, last.actor], [
        "request",
        report.erasureId,
        { role: "administrator", id: administrator.id }
      ])
      // the mediation: the supplier stays a party, the dispute's facts stay, every statement is redacted
      const dispute = yield* stored(disputeTn)
      assert.deepStrictEqual(dispute.case.parties, ["[redacted]", supplier.id])
      assert.deepStrictEqual(types(dispute.events).slice(0, beforeDispute.events.length), types(beforeDispute.events))
      // the outbox: every message of her cases is redacted, none is left to send
      for (const m of yield* messages(after.case.id))
        assert.deepStrictEqual([m.subject, m.body], ["[redacted]", "[redacted]"])
      // another requester's case is untouched
      assert.strictEqual((yield* stored(otherTn)).case.subject, "Otto's question")
      // the same request again finds nothing of hers
      const again = yield* desk.eraseRequester(administrator, zoe.id)
      assert.deepStrictEqual([again.anonymised, again.deleted, again.held], [[], [], []])
      // and her idempotency key is gone with her: the same key opens a new case
      const retry = yield* desk.submit({ ...request(zoe), idempotencyKey: "zoe-key-1" })
      assert.isTrue(retry.created)
    }).pipe(Effect.provide(deskWith(policy)))
  )

  it.effect("7.4 an open case is closed by the erasure ('erasure'), the facts until then kept", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const open = (yield* desk.submit(request(zoe, { subject: SENTENCE }))).view.case.trackingNumber
      yield* setNow("2025-06-09T15:00")
      const report = yield* desk.eraseRequester(administrator, zoe.id)
      assert.deepStrictEqual(
        report.anonymised.map((c) => c.trackingNumber),
        [open]
      )
      const after = yield* stored(open)
      assert.deepStrictEqual(types(after.events).slice(-2), ["closed", "anonymised"])
      const closing = after.events[after.events.length - 2]
      assert.strictEqual(closing.type === "closed" && closing.reason, "erasure")
      assert.strictEqual(after.case.status, "closed")
      assert.strictEqual(after.case.nextDueAt, null)
      // what was measured until the erasure stays: 5 business hours used, then cancelled by the closing
      const view = yield* desk.getCase(administrator, open)
      assert.deepStrictEqual(
        view.sla.clocks.map((clock) => [clock.metric, clock.state, clock.usedMs]),
        [
          ["firstResponse", "cancelled", 5 * 3_600_000],
          ["resolution", "cancelled", 5 * 3_600_000]
        ]
      )
    }).pipe(Effect.provide(deskWith(policy)))
  )

  it.effect("7.4 a case on a legal hold waits, untouched, and is erased when the hold is released", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const { closedTn, disputeTn } = yield* seed
      yield* desk.placeLegalHold(administrator, disputeTn, { reason: "Chargeback dispute 5521" })
      const report = yield* desk.eraseRequester(administrator, zoe.id)
      assert.deepStrictEqual(
        report.held.map((c) => c.trackingNumber),
        [disputeTn]
      )
      assert.deepStrictEqual(
        report.anonymised.map((c) => c.trackingNumber),
        [closedTn]
      )
      const held = yield* stored(disputeTn)
      assert.strictEqual(held.case.requester.name, zoe.name)
      assert.strictEqual(types(held.events).at(-1), "erasureRequested")
      // a second request does not stack another request on the held case
      yield* desk.eraseRequester(administrator, zoe.id)
      assert.strictEqual(types((yield* stored(disputeTn)).events).filter((t) => t === "erasureRequested").length, 1)
      // retention does not touch it either, while held
      yield* TestClock.setTime(held.case.updatedAt + 3000 * DAY)
      assert.deepStrictEqual(yield* desk.applyRetention(), [])
      const released = yield* desk.releaseLegalHold(administrator, disputeTn, {})
      assert.strictEqual(released.case.requester.id, "[redacted]")
      const erased = yield* stored(disputeTn)
      assert.deepStrictEqual(types(erased.events).slice(-2), ["legalHoldReleased", "anonymised"])
      const text = yield* dump
      for (const secret of secrets) assert.notInclude(text, secret, secret)
    }).pipe(Effect.provide(deskWith(policy)))
  )

  it.effect(
    "7.4 erasing a counterparty redacts their statements and id in others' mediations, and keeps the rest",
    () =>
      Effect.gen(function* () {
        const desk = yield* Desk
        const { disputeTn } = yield* seed
        assert.include(JSON.stringify(yield* stored(disputeTn)), STATEMENT_ID)
        const report = yield* desk.eraseRequester(administrator, supplier.id)
        assert.deepStrictEqual(
          report.anonymised.map((c) => c.trackingNumber),
          [disputeTn]
        )
        const after = yield* stored(disputeTn)
        assert.deepStrictEqual(after.case.parties, [zoe.id, "[redacted]"])
        assert.strictEqual(after.case.requester.name, zoe.name)
        const statement = after.events.find((e) => e.type === "counterpartyResponded")
        assert.deepStrictEqual(
          statement?.type === "counterpartyResponded" && [statement.body, statement.counterpartyId, statement.actor.id],
          ["[redacted]", "[redacted]", "[redacted]"]
        )
        assert.notInclude(JSON.stringify(after), supplier.id)
        assert.notInclude(JSON.stringify(after), STATEMENT_ID)
        const last = after.events[after.events.length - 1]
        assert.strictEqual(last.type === "anonymised" && last.whose, "counterparty")
        // the requester's own erasure still erases the case later
        const hers = yield* desk.eraseRequester(administrator, zoe.id)
        assert.include(
          hers.anonymised.map((c) => c.trackingNumber),
          disputeTn
        )
      }).pipe(Effect.provide(deskWith(policy)))
  )

  it.effect("7.4 a policy that deletes: the cases and their rows go, the tallies keep the facts reports count", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const store = yield* CaseStore
      const { closedTn, disputeTn } = yield* seed
      const before = yield* stored(closedTn)
      yield* setNow("2025-06-20T10:00")
      const [evaluation] = yield* evaluationsAt([closedTn])
      const report = yield* desk.eraseRequester(administrator, zoe.id)
      assert.sameMembers(
        report.deleted.map((c) => c.trackingNumber),
        [closedTn, disputeTn]
      )
      assert.isTrue(Option.isNone(yield* store.getByTrackingNumber(closedTn)))
      assert.deepStrictEqual(yield* messages(before.case.id), [])
      const tallies = yield* store.listTallies({ limit: 10 })
      const tally = tallies.find((t) => t.caseId === before.case.id)!
      assert.deepStrictEqual(
        tally.clocks.map(({ facts: _facts, ...clock }) => clock),
        (evaluation as any).clocks.map(
          ({ trace: _t, leftMs: _l, carriedMs: _c, warningsAt: _w, pausedSince: _p, target: _x, ...rest }: any) => rest
        )
      )
      assert.deepStrictEqual(
        [tally.category, tally.priority, tally.channel, tally.status, tally.openedAt, tally.erasure.basis],
        [before.case.category, before.case.priority, before.case.channel, "closed", before.case.openedAt, "request"]
      )
      const text = yield* dump
      for (const secret of secrets) assert.notInclude(text, secret, secret)
    }).pipe(Effect.provide(deskWith({ ...policy, retention: { ...policy.retention, afterwards: "delete" } })))
  )

  it.effect(
    "7.4 the other holders of personal data erase theirs first; one that fails leaves the cases as they were",
    () => {
      const subjects: Array<Erasure.Subject> = []
      let failing = true
      const holder: Erasure.PersonalDataHolder = {
        name: "inbound mail",
        erase: (subject) =>
          failing
            ? Effect.fail(new Erasure.HolderFailure({ holder: "inbound mail", message: "mail store unavailable" }))
            : Effect.sync(() => {
                subjects.push(subject)
              })
      }
      return Effect.gen(function* () {
        const desk = yield* Desk
        const { closedTn, disputeTn } = yield* seed
        yield* desk.placeLegalHold(administrator, disputeTn, {})
        const error = yield* failure(desk.eraseRequester(administrator, zoe.id))
        assert.strictEqual(error._tag, "HolderFailure")
        assert.strictEqual((yield* stored(closedTn)).case.requester.email, zoe.email)
        failing = false
        yield* desk.eraseRequester(administrator, zoe.id)
        assert.strictEqual(subjects.length, 1)
        const [subject] = subjects
        assert.deepStrictEqual(
          [subject.requesterId, subject.emails, subject.erasure.basis, subject.heldCaseIds],
          [zoe.id, [zoe.email], "request", [(yield* stored(disputeTn)).case.id]]
        )
        assert.deepStrictEqual(subject.caseIds, [(yield* stored(closedTn)).case.id])
        // the held case's turn comes with its release
        yield* desk.releaseLegalHold(administrator, disputeTn, {})
        assert.deepStrictEqual(subjects[1].caseIds, [(yield* stored(disputeTn)).case.id])
      }).pipe(Effect.provide(deskWith(policy, [holder])))
    }
  )

  it.effect("7.4 retention goes through the same erasure, and deletes when the policy says so", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const store = yield* CaseStore
      const { closedTn, disputeTn } = yield* seed
      const last = Math.max((yield* stored(closedTn)).case.updatedAt, (yield* stored(disputeTn)).case.updatedAt)
      yield* TestClock.setTime(last + 730 * DAY + 1)
      const erased = yield* desk.applyRetention()
      assert.strictEqual(erased.length, 2)
      assert.isTrue(Option.isNone(yield* store.getByTrackingNumber(closedTn)))
      const tallies = yield* store.listTallies({ limit: 10 })
      assert.deepStrictEqual(
        tallies.map((t) => [t.erasure.basis, t.erasure.by]),
        [
          ["retention", Actor.system],
          ["retention", Actor.system]
        ]
      )
      const text = yield* dump
      for (const secret of secrets) assert.notInclude(text, secret, secret)
      assert.deepStrictEqual(yield* desk.applyRetention(), [])
    }).pipe(Effect.provide(deskWith({ ...policy, retention: { ...policy.retention, afterwards: "delete" } })))
  )

  describe("the mailbox takes part by itself", () => {
    const deskWithMailbox = (p: SupportPolicy.SupportPolicy) =>
      deskWith(p).pipe(Layer.provideMerge(Mailbox.layerMemory))

    /** Zoe's mails: one of each case of hers, one set aside (no case), and another sender's; her address bounced. */
    const mails = (ids: { readonly closed: string; readonly dispute: string; readonly other: string }) =>
      Effect.gen(function* () {
        const mailbox = yield* Mailbox.Mailbox
        const mail = (id: string, from: string, caseId: string | null, text: string): Mailbox.InboundMail => ({
          id,
          messageId: `${id}@mail.example.net`,
          receivedAt: 1_749_434_400_000,
          from,
          to: ["support@desk.example"],
          subject: text,
          size: text.length,
          attachments: [],
          outcome: caseId === null ? "automatic" : "replied",
          caseId,
          trackingNumber: null,
          detail: null
        })
        const all = {
          closed: mail("mail-closed", zoe.email!, ids.closed, `Order ${ORDER}: ${SENTENCE}`),
          loose: mail("mail-loose", zoe.email!, null, `Out of office: ${zoe.name}`),
          held: mail("mail-held", zoe.email!.toUpperCase(), ids.dispute, `The lamps of ${ORDER}`),
          otto: mail("mail-otto", "otto@example.org", ids.other, "Otto's question")
        }
        for (const m of Object.values(all)) {
          yield* mailbox.record(m, new TextEncoder().encode(`From: ${zoe.name} <${m.from}>\r\n\r\n${m.subject}`))
        }
        yield* mailbox.markFailing(zoe.email!, { at: 1_749_434_400_000, reason: "550 mailbox full" })
        return all
      })

    const present = (id: string) =>
      Effect.map(
        Effect.flatMap(Mailbox.Mailbox, (m) => m.original(id)),
        Option.isSome
      )
    const failingZoe = Effect.map(
      Effect.flatMap(Mailbox.Mailbox, (m) => m.failing(zoe.email!)),
      Option.isSome
    )

    it.effect("7.4 a request erases the requester's mails and bounced address; a held case's mails wait for it", () =>
      Effect.gen(function* () {
        const desk = yield* Desk
        const { closedTn, disputeTn, otherTn } = yield* seed
        const ids = {
          closed: (yield* stored(closedTn)).case.id,
          dispute: (yield* stored(disputeTn)).case.id,
          other: (yield* stored(otherTn)).case.id
        }
        const all = yield* mails(ids)
        // erasing the supplier, the counterparty of her dispute, leaves the dispute's mails: they are hers
        yield* desk.eraseRequester(administrator, supplier.id)
        assert.deepStrictEqual(
          [yield* present(all.closed.id), yield* present(all.held.id), yield* present(all.loose.id)],
          [true, true, true]
        )
        yield* desk.placeLegalHold(administrator, disputeTn, {})
        yield* desk.eraseRequester(administrator, zoe.id)
        assert.deepStrictEqual(
          [yield* present(all.closed.id), yield* present(all.loose.id), yield* failingZoe],
          [false, false, false]
        )
        assert.deepStrictEqual([yield* present(all.held.id), yield* present(all.otto.id)], [true, true])
        yield* desk.releaseLegalHold(administrator, disputeTn, {})
        assert.deepStrictEqual([yield* present(all.held.id), yield* present(all.otto.id)], [false, true])
      }).pipe(Effect.provide(deskWithMailbox(policy)))
    )

    it.effect("7.4 the retention sweep erases each case's mails, and the address with the requester's last case", () =>
      Effect.gen(function* () {
        const desk = yield* Desk
        const { closedTn, disputeTn, otherTn } = yield* seed
        const ids = {
          closed: (yield* stored(closedTn)).case.id,
          dispute: (yield* stored(disputeTn)).case.id,
          other: (yield* stored(otherTn)).case.id
        }
        const all = yield* mails(ids)
        // only the first case runs out while the second still knows the address: her address stays
        const closedAt = (yield* stored(closedTn)).case.updatedAt
        yield* desk.placeLegalHold(administrator, disputeTn, {})
        yield* TestClock.setTime(closedAt + 731 * DAY)
        assert.deepStrictEqual(yield* desk.applyRetention(), [ids.closed])
        assert.deepStrictEqual(
          [yield* present(all.closed.id), yield* present(all.loose.id), yield* failingZoe],
          [false, true, true]
        )
        yield* desk.releaseLegalHold(administrator, disputeTn, {})
        // the release is the case's last update: its period runs from there
        yield* TestClock.adjust(`${731 * DAY} millis`)
        assert.deepStrictEqual(yield* desk.applyRetention(), [ids.dispute])
        assert.deepStrictEqual(
          [yield* present(all.held.id), yield* present(all.loose.id), yield* failingZoe, yield* present(all.otto.id)],
          [false, false, false, true]
        )
      }).pipe(Effect.provide(deskWithMailbox(policy)))
    )
  })
})
