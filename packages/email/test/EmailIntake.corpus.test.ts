/**
 * The corpus: 34 mails as clients write them (Gmail, Outlook with Thread-Index and rewritten ids, Apple Mail, in
 * English and Chinese; HTML-only, quoted-printable, base64, multipart/alternative; auto-replies, a bounce, a mailing
 * list; a mail claiming to be from an agent, another requester's tracking number; over-size, broken MIME, the same
 * Message-ID twice), each with its expected outcome in `fixtures/corpus.json`, received in order by one desk.
 * Placeholders (`{{TN}}`, `{{ROOT}}`, …) are replaced with the ids of the cases the test opens first.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { CaseStore, type CaseEvent, Mailbox, Outbox, SupportDesk } from "@support-policy/core"
import { EmailIntake, EmailThreading } from "@support-policy/email"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Setup from "./support/Setup.ts"
import * as SmtpSink from "./support/SmtpSink.ts"

interface Expected {
  readonly file: string
  readonly outcome: string
  readonly case: "ana" | "li" | "new" | null
  readonly contains?: string
  readonly notContains?: string
  readonly subject?: string
  readonly language?: string
  readonly failing?: string
  readonly refusalSent?: boolean
  readonly maxBytes?: number
  readonly smtp?: number
  readonly envelopeFrom?: string
  readonly attachments?: ReadonlyArray<{ readonly filename: string; readonly contentType: string }>
}

const dir = Path.join(import.meta.dirname, "fixtures")
const corpus = JSON.parse(Fs.readFileSync(Path.join(dir, "corpus.json"), "utf8")) as ReadonlyArray<Expected>
const threading = EmailThreading.make(Setup.threading)

/** A stored case with its whole record (the store reads them apart). */
const withRecord = (store: CaseStore.CaseStore["Service"], stored: CaseStore.Stored) =>
  Effect.map(store.events(stored.case.id, { limit: 1_000_000 }), (events) => ({ ...stored, events }))

describe("the mail corpus", () => {
  let sink: SmtpSink.Sink
  let runtime: ReturnType<typeof Setup.runtime>
  let small: ReturnType<typeof Setup.runtime>
  const places: Record<string, string> = {}
  let anaCase = { id: "", trackingNumber: "" }
  let liCase = { id: "", trackingNumber: "" }

  const run = <A, E>(effect: Effect.Effect<A, E, any>) => runtime.runPromise(effect as Effect.Effect<A, E, never>)

  beforeAll(async () => {
    sink = await SmtpSink.start()
    runtime = Setup.runtime(sink)
    small = Setup.runtime(sink, { maxBytes: 2048 })
    await run(
      Effect.gen(function* () {
        const desk = yield* SupportDesk.SupportDesk
        const outbox = yield* Outbox.Outbox
        const submit = (who: typeof Setup.ana, subject: string) =>
          desk.submit({
            requester: Setup.profileOf(who),
            channel: "email",
            category: "order-delivery",
            subject,
            description: "My order has not arrived.",
            language: "en"
          })
        const a = (yield* submit(Setup.ana, "Where is my order?")).view.case
        const l = (yield* submit(Setup.li, "Late shipment")).view.case
        yield* desk.reply(Setup.agent, a.trackingNumber, { body: "Please send us the order number." })
        const reply = (yield* outbox.listByCase(a.id)).find((d) => d.message.kind === "reply")!.message
        anaCase = { id: a.id, trackingNumber: a.trackingNumber }
        liCase = { id: l.id, trackingNumber: l.trackingNumber }
        Object.assign(places, {
          "{{TN}}": a.trackingNumber,
          "{{LI_TN}}": l.trackingNumber,
          "{{ROOT}}": threading.rootId(a.id),
          "{{MSGID}}": threading.messageId(reply),
          "{{CASE_ID}}": a.id,
          "{{TOKEN_ADDRESS}}": `support+${threading.replyToken(a.id)}@reply.desk.example`
        })
      })
    )
  }, 60_000)

  afterAll(async () => {
    await runtime?.dispose()
    await small?.dispose()
    await sink?.stop()
  })

  const fill = (raw: string) => raw.replace(/\{\{[A-Z_]+\}\}/g, (p) => places[p] ?? p)

  it("has at least 30 mails, each with an expected outcome", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30)
    for (const e of corpus) expect(Fs.existsSync(Path.join(dir, "corpus", e.file)), e.file).toBe(true)
  })

  for (const expected of corpus) {
    it(`${expected.file}: ${expected.outcome}`, async () => {
      const raw = fill(Fs.readFileSync(Path.join(dir, "corpus", expected.file), "latin1"))
      const bytes = new Uint8Array(Buffer.from(raw, "latin1"))
      const target = expected.maxBytes === undefined ? runtime : small
      const sentBefore = sink.received.length
      const receipt = await target.runPromise(
        Effect.flatMap(Effect.service(EmailIntake.EmailIntake), (intake) =>
          intake.receive(bytes, {
            mailFrom: expected.envelopeFrom ?? "sender@example.invalid",
            rcptTo: ["support@desk.example"]
          })
        )
      )
      expect(receipt.outcome, receipt.detail).toBe(expected.outcome)
      if (expected.smtp !== undefined) expect(receipt.smtp.code).toBe(expected.smtp)
      else expect(receipt.smtp.code).toBe(250)

      const found = await run(
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const byNumber =
            receipt.trackingNumber === null ? Option.none() : yield* store.getByTrackingNumber(receipt.trackingNumber)
          return Option.isNone(byNumber) ? Option.none() : Option.some(yield* withRecord(store, byNumber.value))
        })
      )
      if (expected.case === "ana" && expected.outcome !== "duplicate") {
        expect(receipt.mail?.caseId).toBe(anaCase.id)
      }
      if (expected.case === "new") {
        expect(Option.isSome(found)).toBe(true)
        const c = Option.getOrThrow(found)
        expect([anaCase.id, liCase.id]).not.toContain(c.case.id)
        expect(c.case.channel).toBe("email")
        const submitted = c.events[0] as CaseEvent.Of<"submitted">
        if (expected.contains !== undefined) expect(submitted.body).toContain(expected.contains)
        if (expected.notContains !== undefined) expect(submitted.body).not.toContain(expected.notContains)
        if (expected.subject !== undefined) expect(c.case.subject).toBe(expected.subject)
        if (expected.language !== undefined) expect(c.case.language).toBe(expected.language)
      }
      if (expected.outcome === "replied") {
        const c = Option.getOrThrow(found)
        const last = c.events[c.events.length - 1] as CaseEvent.Of<"requesterResponded">
        expect(last.type).toBe("requesterResponded")
        expect(last.actor).toEqual({ role: "requester", id: Setup.ana.id })
        expect(last.messageKey).toBe(receipt.mail?.messageId)
        if (expected.contains !== undefined) expect(last.body).toContain(expected.contains)
        if (expected.notContains !== undefined) expect(last.body).not.toContain(expected.notContains)
      }
      if (expected.case === null || expected.outcome === "notAParty") {
        expect(receipt.trackingNumber === null || expected.outcome === "notAParty").toBe(true)
      }
      if (expected.failing !== undefined) {
        const failing = await run(Effect.flatMap(Effect.service(Mailbox.Mailbox), (m) => m.failing(expected.failing!)))
        expect(Option.isSome(failing)).toBe(true)
      }
      if (expected.refusalSent === true) {
        await sink.waitFor(sentBefore + 1)
        const answer = sink.received[sink.received.length - 1]
        expect(answer.rcptTo).toEqual([receipt.mail?.from])
        expect(answer.header("auto-submitted")).toBe("auto-replied")
      } else {
        expect(sink.received.length).toBe(sentBefore)
      }
      if (expected.attachments !== undefined) {
        expect(receipt.mail?.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType }))).toEqual(
          expected.attachments
        )
      }
      if (receipt.mail !== null && expected.outcome !== "duplicate") {
        const original = await run(Effect.flatMap(Effect.service(Mailbox.Mailbox), (m) => m.original(receipt.mail!.id)))
        expect(Buffer.from(Option.getOrThrow(original))).toEqual(Buffer.from(bytes))
      }
    })
  }

  it("left Ana's case with one message per reply (the duplicate appended nothing) and Li's case untouched", async () => {
    const [a, l] = await run(
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        return [
          yield* withRecord(store, Option.getOrThrow(yield* store.get(anaCase.id))),
          yield* withRecord(store, Option.getOrThrow(yield* store.get(liCase.id)))
        ] as const
      })
    )
    const replied = corpus.filter((e) => e.outcome === "replied" && e.case === "ana").length
    expect(a.events.filter((e) => e.type === "requesterResponded")).toHaveLength(replied)
    expect(l.events.map((e) => e.type)).toEqual(["submitted", "assigned"])
  })
})
