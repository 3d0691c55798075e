/**
 * Delivery to a real SMTP server on loopback: the acknowledgment of a submission arrives threaded, marked
 * `Auto-Submitted: auto-replied`, with the tracking number and the reply-by time in the recipient's language and time
 * zone; a reply threads under it; a refused recipient is given up at once; a server that is down is retried with
 * backoff and given up after `maxAttempts`, visible in `Outbox.listFailed` and retried from there; an address that
 * bounced gets no more mail. And the whole way round: a reply sent over SMTP to the intake's own smtp-server lands in
 * the case without its quote.
 */
import { Mailbox, Outbox, Presets, SupportDesk } from "@support-policy/core"
import {
  EmailDelivery,
  EmailIntake,
  EmailThreading,
  NodemailerTransport,
  SmtpServerIntake
} from "@support-policy/email"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Nodemailer from "nodemailer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Setup from "./support/Setup.ts"
import * as SmtpSink from "./support/SmtpSink.ts"

const threading = EmailThreading.make(Setup.threading)

describe("EmailDelivery", () => {
  let sink: SmtpSink.Sink
  let runtime: ManagedRuntime.ManagedRuntime<Setup.Services | SmtpServerIntake.SmtpServerIntake, never>

  beforeAll(async () => {
    sink = await SmtpSink.start()
    runtime = ManagedRuntime.make(SmtpServerIntake.layer({ port: 0 }).pipe(Layer.provideMerge(Setup.layer(sink))))
  })
  afterAll(async () => {
    await runtime?.dispose()
    await sink?.stop()
  })

  const round = (options: Partial<EmailDelivery.Options> = {}) =>
    runtime.runPromise(EmailDelivery.round({ ...Setup.deliveryOptions, ...options }))

  /** Rounds until nothing is claimed, waiting for backoffs to pass. */
  const drain = async (options: Partial<EmailDelivery.Options> = {}) => {
    for (let i = 0; i < 200; i++) {
      const report = await round(options)
      if (report.claimed === 0) {
        const pending = await runtime.runPromise(
          Effect.gen(function* () {
            const outbox = yield* Effect.service(Outbox.Outbox)
            return yield* outbox.claim({ limit: 0, now: Date.now(), leaseMillis: 1 })
          })
        )
        if (pending.length === 0) return
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  const submit = (who: typeof Setup.ana, language = "en") =>
    runtime.runPromise(
      Effect.flatMap(Effect.service(SupportDesk.SupportDesk), (desk) =>
        desk.submit({
          requester: Setup.profileOf(who),
          channel: "email",
          category: "order-delivery",
          subject: "Where is my order?",
          description: "PO-1234 has not arrived.",
          language
        })
      )
    )

  it("sends the acknowledgment threaded and auto-replied, with the tracking number and the reply-by time", async () => {
    const before = sink.received.length
    const submission = await submit(Setup.ana)
    const report = await round()
    expect(report.sent).toBeGreaterThanOrEqual(1)
    await sink.waitFor(before + 1)
    const mail = sink.received.find((m) => m.email.subject?.includes(submission.view.case.trackingNumber))!
    expect(mail.rcptTo).toEqual(["ana@buyer.example"])
    expect(mail.email.subject).toBe(
      `[${submission.view.case.trackingNumber}] We have received your request: Where is my order?`
    )
    expect(mail.header("auto-submitted")).toBe("auto-replied")
    expect(mail.email.messageId).toBe(threading.rootId(submission.view.case.id))
    expect(mail.email.text).toContain(`Your tracking number is ${submission.view.case.trackingNumber}`)
    expect(mail.email.text).toMatch(
      /We will reply within 2 business days, by .+\(Asia\/Hong_Kong, UTC\+08:00\)|We will reply within/
    )
    expect(mail.email.html).toContain("<p>")
    expect(mail.header("reply-to")).toContain(
      `support+${threading.replyToken(submission.view.case.id)}@reply.desk.example`
    )
    const delivery = await runtime.runPromise(
      Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.get(submission.acknowledgment!.id))
    )
    expect(delivery._tag === "Some" && delivery.value.status).toBe("sent")

    // an agent's reply threads under the acknowledgment, marked auto-generated
    await runtime.runPromise(
      Effect.flatMap(Effect.service(SupportDesk.SupportDesk), (desk) =>
        desk.reply(Setup.agent, submission.view.case.trackingNumber, { body: "It left our warehouse today." })
      )
    )
    await round()
    await sink.waitFor(before + 2)
    const reply = sink.received[sink.received.length - 1]
    expect(reply.email.inReplyTo).toBe(threading.rootId(submission.view.case.id))
    expect(reply.email.references).toContain(threading.rootId(submission.view.case.id))
    expect(reply.header("auto-submitted")).toBe("auto-generated")
    expect(reply.email.text?.trim()).toBe("It left our warehouse today.")
  })

  it("writes to a Chinese-speaking requester in Simplified Chinese, times in their zone", async () => {
    const before = sink.received.length
    const submission = await submit({ ...Setup.li, timeZone: "Asia/Shanghai" } as typeof Setup.li, "zh-CN")
    await round()
    await sink.waitFor(before + 1)
    const mail = sink.received.find((m) => m.email.subject?.includes(submission.view.case.trackingNumber))!
    expect(mail.email.subject).toBe(`[${submission.view.case.trackingNumber}] 我们已收到您的请求：Where is my order?`)
    expect(mail.email.text).toContain(`您的跟踪编号是 ${submission.view.case.trackingNumber}`)
    expect(mail.email.text).toContain("Asia/Shanghai，UTC+08:00")
    expect(mail.email.text).toMatch(/我们将在 2 个工作日内（\d{4}年\d{1,2}月\d{1,2}日/)
    expect(mail.header("content-language")).toBe("zh-Hans")
  })

  it("gives up a refused recipient at once, and an address marked failing without sending", async () => {
    sink.refuse.add("gone@buyer.example")
    const gone = { ...Setup.ana, id: "buyer-gone", email: "gone@buyer.example" }
    const first = await submit(gone)
    const before = sink.received.length
    await round()
    const failed = await runtime.runPromise(
      Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.get(first.acknowledgment!.id))
    )
    expect(failed._tag === "Some" && failed.value.status).toBe("failed")
    expect(failed._tag === "Some" && failed.value.lastError).toMatch(/refused: .*550/)
    await runtime.runPromise(
      Effect.flatMap(Effect.service(Mailbox.Mailbox), (m) =>
        m.markFailing("bounced@buyer.example", { at: Date.now(), reason: "5.1.1" })
      )
    )
    const bounced = await submit({ ...Setup.ana, id: "buyer-bounced", email: "bounced@buyer.example" })
    await round()
    const skipped = await runtime.runPromise(
      Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.get(bounced.acknowledgment!.id))
    )
    expect(skipped._tag === "Some" && skipped.value.lastError).toMatch(/is failing/)
    expect(sink.received.length).toBe(before)
  })

  it("retries while the server is down, gives up after maxAttempts, and an administrator's retry delivers it", async () => {
    const closed = await SmtpSink.start()
    const closedUrl = closed.url
    await closed.stop()
    const submission = await submit({ ...Setup.ana, id: "buyer-down", email: "down@buyer.example" })
    const id = submission.acknowledgment!.id
    const down = ManagedRuntime.make(
      NodemailerTransport.layer(closedUrl).pipe(
        Layer.provideMerge(Layer.succeedContext(await runtime.runPromise(Effect.context<Setup.Services>())))
      )
    )
    const options = { ...Setup.deliveryOptions, maxAttempts: 3 }
    for (let i = 0; i < 50; i++) {
      await down.runPromise(EmailDelivery.round(options))
      const d = await runtime.runPromise(Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.get(id)))
      if (d._tag === "Some" && d.value.status === "failed") break
      await new Promise((r) => setTimeout(r, 60))
    }
    await down.dispose()
    const listed = await runtime.runPromise(
      Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.listFailed({ limit: 100 }))
    )
    const mine = listed.find((d) => d.message.id === id)
    expect(mine?.status).toBe("failed")
    expect(mine?.attempts).toBe(3)
    expect(mine?.lastError).toMatch(/gave up after 3 attempts/)
    const before = sink.received.length
    await runtime.runPromise(Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.retry(id, Date.now())))
    await drain()
    expect(
      sink.received.slice(before).some((m) => m.email.subject?.includes(submission.view.case.trackingNumber))
    ).toBe(true)
  })

  it("takes a reply over SMTP into the case, without the quote, and an auto-reply changes nothing", async () => {
    const before = sink.received.length
    const submission = await submit(Setup.ana)
    await round()
    await sink.waitFor(before + 1)
    const ack = sink.received.find((m) => m.email.messageId === threading.rootId(submission.view.case.id))!
    const { port } = await runtime.runPromise(Effect.service(SmtpServerIntake.SmtpServerIntake))
    const client = Nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true })
    const quoted = (ack.email.text ?? "")
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n")
    await client.sendMail({
      from: "Ana Silva <ana@buyer.example>",
      to: ack.header("reply-to"),
      subject: `Re: ${ack.email.subject}`,
      inReplyTo: ack.email.messageId,
      references: [ack.email.messageId!],
      headers: { "Authentication-Results": "mx.desk.example; dmarc=pass header.from=buyer.example" },
      text: `It arrived, thank you!\n\nOn Mon, 30 Nov 2026 at 09:00, Global Sources Support <support@desk.example> wrote:\n${quoted}\n`
    })
    await client.sendMail({
      from: "Ana Silva <ana@buyer.example>",
      to: ack.header("reply-to"),
      subject: `Automatic reply: ${ack.email.subject}`,
      inReplyTo: ack.email.messageId,
      headers: {
        "Auto-Submitted": "auto-replied",
        "Authentication-Results": "mx.desk.example; dmarc=pass header.from=buyer.example"
      },
      text: "I am out of the office."
    })
    client.close()
    const view = await runtime.runPromise(
      Effect.flatMap(Effect.service(SupportDesk.SupportDesk), (desk) =>
        desk.getCase(Setup.agent, submission.view.case.trackingNumber)
      )
    )
    const responses = view.events.filter((e) => e.type === "requesterResponded")
    expect(responses).toHaveLength(1)
    expect((responses[0] as { body?: string }).body).toBe("It arrived, thank you!")
    await round()
    expect(sink.received.length).toBe(before + 1)
  })
})

describe("EmailDelivery.backoffMillis", () => {
  it("doubles from the base up to the cap, within the jitter", () => {
    const b = { baseMillis: 1_000, maxMillis: 10_000, jitter: 0.2 }
    expect(EmailDelivery.backoffMillis(1, 0.5, b)).toBe(1_000)
    expect(EmailDelivery.backoffMillis(3, 0.5, b)).toBe(4_000)
    expect(EmailDelivery.backoffMillis(10, 0.5, b)).toBe(10_000)
    expect(EmailDelivery.backoffMillis(2, 0, b)).toBe(1_600)
    expect(EmailDelivery.backoffMillis(2, 0.999999, b)).toBe(2_400)
  })
})

void Presets
void EmailIntake
