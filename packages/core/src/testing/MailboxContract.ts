/**
 * The contract of the `Mailbox` port, as a test suite every adapter runs against itself: a mail is recorded once per
 * Message-ID with its original byte for byte; settling changes what became of it; lists are ordered and paged;
 * counting by sender, window and outcome; failing addresses are marked, counted, listed and cleared, case-blind;
 * erasure deletes the mails of erased cases and of erased addresses with their originals, keeps those of held cases,
 * and forgets the addresses as failing.
 *
 * Every test uses random ids and addresses, so data left in a shared database does not disturb it.
 *
 * @since 0.1.0
 */
import { assert, describe, layer as vitestLayer } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import * as Mailbox from "../Mailbox.ts"
import * as Randomness from "../Randomness.ts"
import * as Fixtures from "./Fixtures.ts"

const mail = (overrides: Partial<Mailbox.InboundMail> = {}) =>
  Effect.gen(function* () {
    const id = yield* Fixtures.id("mail")
    return {
      id,
      messageId: `${id}@mail.example`,
      receivedAt: 1_700_000_000_000,
      from: `${id}@buyer.example`,
      to: ["support@desk.example"],
      subject: "Where is my order?",
      size: 1_234,
      attachments: [{ filename: "invoice.pdf", contentType: "application/pdf", size: 100, disposition: "attachment" }],
      outcome: "received",
      caseId: null,
      trackingNumber: null,
      detail: null,
      ...overrides
    } satisfies Mailbox.InboundMail
  })

/**
 * Registers the contract tests of `Mailbox` against an adapter's layer (built once for the suite, with live
 * services).
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<Mailbox.Mailbox, E>): void =>
  vitestLayer(layer, { excludeTestServices: true, timeout: "120 seconds" })(`${name}: Mailbox contract`, (it) => {
    const run = <A, E2>(effect: Effect.Effect<A, E2, Mailbox.Mailbox | Randomness.Randomness>) =>
      Effect.provide(effect, Randomness.layer)

    describe("record", () => {
      it.effect("records a mail once per Message-ID, with its original byte for byte", () =>
        run(
          Effect.gen(function* () {
            const mailbox = yield* Mailbox.Mailbox
            const first = yield* mail({ from: "Ana@Buyer.Example" })
            const original = new Uint8Array([0, 1, 2, 255, 13, 10, 0xe4, 0xbd, 0xa0])
            const recorded = yield* mailbox.record(first, original)
            assert.isTrue(recorded.created)
            assert.strictEqual(recorded.mail.from, "ana@buyer.example")
            assert.deepStrictEqual(yield* mailbox.get(first.id), Option.some(recorded.mail))
            assert.deepStrictEqual(Option.getOrThrow(yield* mailbox.original(first.id)), original)
            // the same Message-ID again, under another id: the first record answers, nothing is written
            const again = yield* mail({ messageId: first.messageId, subject: "changed" })
            const replay = yield* mailbox.record(again, new Uint8Array([9]))
            assert.isFalse(replay.created)
            assert.deepStrictEqual(replay.mail, recorded.mail)
            assert.isTrue(Option.isNone(yield* mailbox.get(again.id)))
            assert.isTrue(Option.isNone(yield* mailbox.original(again.id)))
          })
        )
      )

      it.effect("settles what became of a mail, and lists a case's mails oldest first", () =>
        run(
          Effect.gen(function* () {
            const mailbox = yield* Mailbox.Mailbox
            const caseId = yield* Fixtures.id("case")
            const a = yield* mail({ receivedAt: 2_000 })
            const b = yield* mail({ receivedAt: 1_000 })
            yield* mailbox.record(a, new Uint8Array([1]))
            yield* mailbox.record(b, new Uint8Array([2]))
            assert.deepStrictEqual(yield* mailbox.listByCase(caseId), [])
            const settled = { outcome: "opened", caseId, trackingNumber: "GS-AAAA-BBBB", detail: null } as const
            yield* mailbox.settle(a.id, settled)
            yield* mailbox.settle(b.id, { ...settled, outcome: "replied", detail: "added to the case" })
            yield* mailbox.settle(yield* Fixtures.id("mail"), settled)
            const listed = yield* mailbox.listByCase(caseId)
            assert.deepStrictEqual(
              listed.map((m) => [m.id, m.outcome, m.detail]),
              [
                [b.id, "replied", "added to the case"],
                [a.id, "opened", null]
              ]
            )
            assert.strictEqual(listed[1].trackingNumber, "GS-AAAA-BBBB")
          })
        )
      )

      it.effect("lists every mail newest first with paging, and counts a sender's mails by window and outcome", () =>
        run(
          Effect.gen(function* () {
            const mailbox = yield* Mailbox.Mailbox
            const from = `${yield* Fixtures.id("who")}@buyer.example`
            const t = 4_000_000_000_000
            const mails = yield* Effect.forEach([0, 1, 2, 3], (i) =>
              mail({ from, receivedAt: t + i * 1_000, outcome: i === 3 ? "automatic" : "opened" })
            )
            for (const m of mails) yield* mailbox.record(m, new Uint8Array([1]))
            const page = yield* mailbox.list({ limit: 2 })
            assert.deepStrictEqual(
              page.map((m) => m.id),
              [mails[3].id, mails[2].id]
            )
            const next = yield* mailbox.list({ limit: 2, offset: 2 })
            assert.deepStrictEqual(
              next.map((m) => m.id),
              [mails[1].id, mails[0].id]
            )
            assert.strictEqual(yield* mailbox.countFrom(from.toUpperCase(), t + 1_000, ["opened"]), 2)
            assert.strictEqual(yield* mailbox.countFrom(from, t, ["opened", "automatic"]), 4)
            assert.strictEqual(yield* mailbox.countFrom(from, t, []), 0)
          })
        )
      )
    })

    describe("erasure", () => {
      it.effect(
        "erases the mails of the cases and from the addresses with their originals, keeps held cases' mails",
        () =>
          run(
            Effect.gen(function* () {
              const mailbox = yield* Mailbox.Mailbox
              const ana = `${yield* Fixtures.id("ana")}@Buyer.Example`
              const bob = `${yield* Fixtures.id("bob")}@buyer.example`
              const [erased, held, others] = [
                yield* Fixtures.id("case"),
                yield* Fixtures.id("case"),
                yield* Fixtures.id("case")
              ]
              const t = 10_000
              const of = (from: string, caseId: string | null, i: number) =>
                mail({ from, caseId, receivedAt: t + i, outcome: caseId === null ? "unknownSender" : "replied" })
              const gone = [
                yield* of(ana, erased, 1), // hers, of the erased case
                yield* of(ana, null, 2), // hers, of no case (set aside)
                yield* of(ana, others, 3), // hers, naming a case of someone else
                yield* of(bob, erased, 4) // someone else's, on the erased case
              ]
              const kept = [yield* of(ana, held, 5), yield* of(bob, null, 6), yield* of(bob, others, 7)]
              for (const m of [...gone, ...kept]) yield* mailbox.record(m, new TextEncoder().encode(`From: ${m.from}`))
              yield* mailbox.markFailing(ana, { at: 1_000, reason: "550 5.1.1 unknown" })
              yield* mailbox.markFailing(bob, { at: 1_000, reason: "550 5.1.1 unknown" })
              const scope = { caseIds: [erased], heldCaseIds: [held], addresses: [ana.toUpperCase()] }
              assert.deepStrictEqual(yield* mailbox.erase(scope), { mails: 4, failing: 1 })
              for (const m of gone) {
                assert.isTrue(Option.isNone(yield* mailbox.get(m.id)), m.id)
                assert.isTrue(Option.isNone(yield* mailbox.original(m.id)), m.id)
              }
              for (const m of kept) assert.isTrue(Option.isSome(yield* mailbox.original(m.id)), m.id)
              assert.deepStrictEqual(yield* mailbox.listByCase(erased), [])
              assert.deepStrictEqual(
                (yield* mailbox.listByCase(held)).map((m) => m.id),
                [kept[0].id]
              )
              assert.strictEqual(yield* mailbox.countFrom(ana, t, ["unknownSender", "replied"]), 1)
              assert.isTrue(Option.isNone(yield* mailbox.failing(ana)))
              assert.isTrue(Option.isSome(yield* mailbox.failing(bob)))
              // idempotent: a second erasure finds nothing more
              assert.deepStrictEqual(yield* mailbox.erase(scope), { mails: 0, failing: 0 })
              assert.deepStrictEqual(yield* mailbox.erase({ caseIds: [], heldCaseIds: [], addresses: [] }), {
                mails: 0,
                failing: 0
              })
              // the rows are gone: the same mail delivered again is a new mail
              assert.isTrue((yield* mailbox.record(gone[1], new Uint8Array([1]))).created)
            })
          )
      )

      it.effect("without addresses, erases only the cases' mails and no failing address", () =>
        run(
          Effect.gen(function* () {
            const mailbox = yield* Mailbox.Mailbox
            const ana = `${yield* Fixtures.id("ana")}@buyer.example`
            const erased = yield* Fixtures.id("case")
            const ofCase = yield* mail({ from: ana, caseId: erased, outcome: "opened" })
            const loose = yield* mail({ from: ana })
            yield* mailbox.record(ofCase, new Uint8Array([1]))
            yield* mailbox.record(loose, new Uint8Array([2]))
            yield* mailbox.markFailing(ana, { at: 1_000, reason: "mailbox full" })
            assert.deepStrictEqual(yield* mailbox.erase({ caseIds: [erased], heldCaseIds: [], addresses: [] }), {
              mails: 1,
              failing: 0
            })
            assert.isTrue(Option.isNone(yield* mailbox.get(ofCase.id)))
            assert.isTrue(Option.isSome(yield* mailbox.get(loose.id)))
            assert.isTrue(Option.isSome(yield* mailbox.failing(ana)))
          })
        )
      )
    })

    describe("failing addresses", () => {
      it.effect("marks an address failing, counts its bounces, lists and clears it, case-blind", () =>
        run(
          Effect.gen(function* () {
            const mailbox = yield* Mailbox.Mailbox
            const address = `${yield* Fixtures.id("gone")}@Buyer.Example`
            assert.isTrue(Option.isNone(yield* mailbox.failing(address)))
            const first = yield* mailbox.markFailing(address, { at: 5_000_000_000_000, reason: "550 5.1.1 unknown" })
            assert.deepStrictEqual(first, {
              address: address.toLowerCase(),
              since: 5_000_000_000_000,
              lastAt: 5_000_000_000_000,
              count: 1,
              reason: "550 5.1.1 unknown"
            })
            const second = yield* mailbox.markFailing(address.toLowerCase(), {
              at: 5_000_000_001_000,
              reason: "mailbox disabled"
            })
            assert.strictEqual(second.count, 2)
            assert.strictEqual(second.since, 5_000_000_000_000)
            assert.strictEqual(second.lastAt, 5_000_000_001_000)
            assert.deepStrictEqual(yield* mailbox.failing(address.toUpperCase()), Option.some(second))
            const listed = yield* mailbox.listFailing({ limit: 1 })
            assert.deepStrictEqual(listed, [second])
            assert.isTrue(yield* mailbox.clearFailing(address))
            assert.isFalse(yield* mailbox.clearFailing(address))
            assert.isTrue(Option.isNone(yield* mailbox.failing(address)))
          })
        )
      )
    })
  })
