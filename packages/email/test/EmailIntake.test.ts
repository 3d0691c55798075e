/**
 * The intake's rules beyond the corpus: a reply to an answered case reopens it; a mail about a closed case opens a new
 * one; the same mail delivered twice at once appends one event; new cases per address are rate-limited; the default
 * 10 MB limit answers 552 over SMTP; mailauth checks a mail itself (offline here: no DNS, so nothing passes).
 */
import { CaseStore, SupportDesk } from "@support-policy/core"
import { EmailIntake, EmailThreading, SmtpServerIntake } from "@support-policy/email"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Nodemailer from "nodemailer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Setup from "./support/Setup.ts"
import * as SmtpSink from "./support/SmtpSink.ts"

const threading = EmailThreading.make(Setup.threading)
const ar = "Authentication-Results: mx.desk.example; dmarc=pass header.from=buyer.example"

const mail = (o: {
  id: string
  subject?: string
  inReplyTo?: string
  body?: string
  headers?: ReadonlyArray<string>
  from?: string
}) =>
  [
    ar.replace("buyer.example", (o.from ?? "ana@buyer.example").split("@")[1]),
    `From: <${o.from ?? "ana@buyer.example"}>`,
    "To: support@desk.example",
    `Subject: ${o.subject ?? "A question"}`,
    `Message-ID: <${o.id}>`,
    ...(o.inReplyTo === undefined ? [] : [`In-Reply-To: ${o.inReplyTo}`]),
    ...(o.headers ?? []),
    "Content-Type: text/plain; charset=utf-8",
    "",
    o.body ?? "Hello, a question about my order."
  ].join("\r\n")

describe("EmailIntake", () => {
  let sink: SmtpSink.Sink
  let runtime: ManagedRuntime.ManagedRuntime<Setup.Services | SmtpServerIntake.SmtpServerIntake, never>

  beforeAll(async () => {
    sink = await SmtpSink.start()
    runtime = ManagedRuntime.make(
      SmtpServerIntake.layer({ port: 0 }).pipe(
        Layer.provideMerge(Setup.layer(sink, { newCasesPerAddress: { max: 3, windowMillis: 3_600_000 } }))
      )
    )
  })
  afterAll(async () => {
    await runtime?.dispose()
    await sink?.stop()
  })

  const receive = (raw: string) =>
    runtime.runPromise(
      Effect.flatMap(Effect.service(EmailIntake.EmailIntake), (i) =>
        i.receive(raw, { mailFrom: "ana@buyer.example", rcptTo: ["support@desk.example"] })
      )
    )
  const desk = <A, E>(f: (d: SupportDesk.Service) => Effect.Effect<A, E>) =>
    runtime.runPromise(Effect.flatMap(Effect.service(SupportDesk.SupportDesk), f))

  it("reopens an answered case with the requester's reply, and opens a new case for a closed one", async () => {
    const opened = await receive(mail({ id: "reopen-1@buyer.example", subject: "Broken lamp" }))
    expect(opened.outcome).toBe("opened")
    const tn = opened.trackingNumber!
    await desk((d) => d.resolve(Setup.agent, tn, { body: "We sent a replacement." }))
    const caseId = opened.mail!.caseId!
    const reply = await receive(
      mail({
        id: "reopen-2@buyer.example",
        inReplyTo: threading.rootId(caseId),
        body: "The replacement is broken too."
      })
    )
    expect(reply.outcome).toBe("replied")
    const view = await desk((d) => d.getCase(Setup.agent, tn))
    expect(view.case.status).toBe("open")
    expect(view.events.slice(-2).map((e) => e.type)).toEqual(["reopened", "requesterResponded"])

    await desk((d) => d.resolve(Setup.agent, tn, { body: "Refunded." }))
    await desk((d) => d.close(Setup.agent, tn, {}))
    const after = await receive(
      mail({ id: "reopen-3@buyer.example", inReplyTo: threading.rootId(caseId), subject: "Re: Broken lamp" })
    )
    expect(after.outcome).toBe("opened")
    expect(after.trackingNumber).not.toBe(tn)
  })

  it("appends one event when the same mail arrives twice at once", async () => {
    const opened = await receive(mail({ id: "twice-0@buyer.example" }))
    const raw = mail({ id: "twice-1@buyer.example", inReplyTo: threading.rootId(opened.mail!.caseId!), body: "Same." })
    const receipts = await Promise.all([receive(raw), receive(raw), receive(raw)])
    expect(receipts.map((r) => r.outcome).sort()).toEqual(["duplicate", "duplicate", "replied"])
    const stored = await runtime.runPromise(
      Effect.flatMap(Effect.service(CaseStore.CaseStore), (s) => s.events(opened.mail!.caseId!, { limit: 1_000 }))
    )
    expect(stored.filter((e) => e.type === "requesterResponded")).toHaveLength(1)
  })

  it("sets aside new requests over the limit per address, unanswered", async () => {
    const outcomes: Array<string> = []
    for (let i = 0; i < 5; i++) {
      outcomes.push((await receive(mail({ id: `limit-${i}@bigbuyer.example`, from: "li@bigbuyer.example" }))).outcome)
    }
    expect(outcomes).toEqual(["opened", "opened", "opened", "rateLimited", "rateLimited"])
  })

  it("refuses a mail over 10 MB over SMTP with a polite 552, and takes one under it", async () => {
    const { port } = await runtime.runPromise(Effect.service(SmtpServerIntake.SmtpServerIntake))
    const client = Nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true })
    try {
      const big = "x"
        .repeat(76)
        .concat("\n")
        .repeat(Math.ceil((10 * 1024 * 1024) / 77) + 10)
      const error = await client
        .sendMail({ from: "ana@buyer.example", to: "support@desk.example", subject: "big", text: big })
        .then(
          () => undefined,
          (e: { responseCode?: number; response?: string }) => e
        )
      expect(error?.responseCode).toBe(552)
      expect(error?.response).toMatch(/larger than the 10 MB we accept/)
      const small = await client.sendMail({
        from: "Ana <ana@buyer.example>",
        to: "support@desk.example",
        subject: "small",
        headers: { "Authentication-Results": "mx.desk.example; dmarc=pass header.from=buyer.example" },
        text: "fine"
      })
      expect(small.response).toMatch(/^250 /)
    } finally {
      client.close()
    }
  }, 60_000)

  it("checks a mail itself with mailauth when configured: without DNS nothing passes", async () => {
    const offline = ManagedRuntime.make(
      Setup.layer(sink, {
        authenticity: {
          trust: "mailauth",
          mta: "mx.desk.example",
          resolver: async () => {
            throw Object.assign(new Error("no DNS in tests"), { code: "ENOTFOUND" })
          }
        }
      })
    )
    try {
      const receipt = await offline.runPromise(
        Effect.flatMap(Effect.service(EmailIntake.EmailIntake), (i) =>
          i.receive(mail({ id: "mailauth-1@buyer.example" }), {
            mailFrom: "ana@buyer.example",
            rcptTo: ["support@desk.example"],
            remoteAddress: "127.0.0.1",
            clientHostname: "mail.buyer.example"
          })
        )
      )
      expect(receipt.outcome).toBe("unauthenticated")
      expect(receipt.detail).toMatch(/^mailauth: dmarc=/)
    } finally {
      await offline.dispose()
    }
  })
})
