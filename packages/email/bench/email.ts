/**
 * Email throughput on loopback, in one process:
 *
 * 1. **Outbound**: `EmailDelivery.round` (claim from the outbox, render, send through the pooled nodemailer transport,
 *    mark sent) against **nodemailer alone** (the same pooled transport sending the same number of ready-made mails at
 *    the same concurrency), both to one smtp-server on 127.0.0.1 that reads and drops each mail. Goal: ≥ 0.8×.
 * 2. **Inbound**: `EmailIntake.receive` on mails as a client writes them (half new requests, half replies threaded by
 *    our signed Message-ID), each parsed (postal-mime), stripped (email-reply-parser), recorded in the mailbox and
 *    written to the desk (memory storage).
 *
 * Run: `pnpm bench email` (`--quick` for small runs).
 */
import type { AddressInfo } from "node:net"
import { type Actor, Mailbox, type Outbox, Presets, Randomness, SupportDesk } from "@support-policy/core"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Nodemailer from "nodemailer"
import { SMTPServer } from "smtp-server"
import type { BenchContext, BenchModule } from "../../core/bench/harness.ts"
import { formatInteger, formatRatio, heading, table } from "../../core/bench/harness.ts"
import { EmailDelivery, EmailIntake, EmailThreading, NodemailerTransport, RequesterDirectory } from "../src/index.ts"

const CONCURRENCY = 8
const threading = { secret: "bench-secret-0123456789abcdef", domain: "desk.example" }

const startSink = () =>
  new Promise<{ port: number; count: () => number; close: () => Promise<void> }>((resolve) => {
    let count = 0
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, _session, callback) {
        stream.on("data", () => {})
        stream.on("end", () => {
          count++
          callback()
        })
      }
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.server.address() as AddressInfo).port,
        count: () => count,
        close: () => new Promise((r) => server.close(() => r()))
      })
    )
  })

const requester = (i: number): Actor.RequesterProfile => ({
  id: `buyer-${i}`,
  audience: "buyer",
  email: `buyer-${i}@buyer.example`,
  name: `Buyer ${i}`
})

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

const outbound = async (n: number, rounds: number) => {
  const sink = await startSink()
  const url = `smtp://127.0.0.1:${sink.port}`
  const options: EmailDelivery.Options = {
    from: "Support <support@desk.example>",
    threading,
    templates: { policyTimeZone: Presets.globalSources.calendar.spec.timeZone },
    batchSize: 100,
    concurrency: CONCURRENCY,
    leaseMillis: 60_000
  }
  const ours: Array<number> = []
  const peer: Array<number> = []
  for (let r = 0; r < rounds; r++) {
    // ours: n acknowledgments written by the desk (untimed), then delivered by rounds until the outbox is dry
    const runtime = ManagedRuntime.make(
      Layer.mergeAll(
        SupportDesk.layerMemory(Presets.globalSources),
        Mailbox.layerMemory,
        NodemailerTransport.layer(url)
      )
    )
    const messages = await runtime.runPromise(
      Effect.gen(function* () {
        const desk = yield* SupportDesk.SupportDesk
        const out: Array<Outbox.Message> = []
        for (let i = 0; i < n; i++) {
          const s = yield* desk.submit({
            requester: requester(i),
            channel: "email",
            category: "order-delivery",
            subject: `Order ${i}`,
            description: "Where is my order?",
            language: "en"
          })
          out.push(s.acknowledgment!)
        }
        return out
      })
    )
    // warm the pool, as the peer's is
    await runtime.runPromise(EmailDelivery.round({ ...options, batchSize: CONCURRENCY }))
    const left = n - CONCURRENCY
    let start = performance.now()
    for (;;) {
      const report = await runtime.runPromise(EmailDelivery.round(options))
      if (report.claimed === 0) break
    }
    ours.push((left * 1000) / (performance.now() - start))
    await runtime.dispose()

    // nodemailer alone: the same mails, composed once beforehand, sent by the same pooled transport
    const mails = messages.map((m) => EmailDelivery.compose(m, m.recipient.email!, options))
    const transport = Nodemailer.createTransport({ pool: true, host: "127.0.0.1", port: sink.port, secure: false })
    const send = (i: number) => {
      const m = mails[i]
      return transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        headers: { ...m.headers }
      })
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => send(i)))
    start = performance.now()
    let next = CONCURRENCY
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) await send(next++)
      })
    )
    peer.push((left * 1000) / (performance.now() - start))
    transport.close()
  }
  await sink.close()
  return { ours: median(ours), peer: median(peer), delivered: sink.count() }
}

const inbound = async (n: number) => {
  const sink = await startSink()
  const runtime = ManagedRuntime.make(
    EmailIntake.layer({
      threading,
      category: "consultation",
      authenticity: { trust: "sender" },
      newCasesPerAddress: { max: 1_000_000, windowMillis: 3_600_000 }
    }).pipe(
      Layer.provideMerge(
        Layer.mergeAll(
          SupportDesk.layerMemory(Presets.globalSources),
          Mailbox.layerMemory,
          RequesterDirectory.layerMemory(Array.from({ length: n + 100 }, (_, i) => requester(i))),
          NodemailerTransport.layer(`smtp://127.0.0.1:${sink.port}`),
          Randomness.layer
        )
      )
    )
  )
  const signer = EmailThreading.make(threading)
  const intake = await runtime.runPromise(Effect.service(EmailIntake.EmailIntake))
  const envelope = { rcptTo: ["support@desk.example"], mailFrom: "buyer@buyer.example" }
  // one case per requester to reply to
  const roots: Array<string> = []
  for (let i = 0; i < 100; i++) {
    const receipt = await runtime.runPromise(intake.receive(raw(i, `seed-${i}`, undefined), envelope))
    roots.push(signer.rootId(receipt.mail!.caseId!))
  }
  // new requests from requesters of their own (the policy limits cases per requester a day), replies to the 100 cases
  const mails = Array.from({ length: n }, (_, i) =>
    i % 2 === 0 ? raw(100 + i, `bench-${i}`, undefined) : raw(i % 100, `bench-${i}`, roots[i % 100])
  )
  const start = performance.now()
  let done = 0
  const outcomes = new Map<string, number>()
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (done < n) {
        const receipt = await runtime.runPromise(intake.receive(mails[done++], envelope))
        outcomes.set(receipt.outcome, (outcomes.get(receipt.outcome) ?? 0) + 1)
      }
    })
  )
  const perSecond = (n * 1000) / (performance.now() - start)
  await runtime.dispose()
  await sink.close()
  return { perSecond, outcomes }
}

function raw(i: number, id: string, inReplyTo: string | undefined): string {
  return [
    `From: Buyer ${i} <buyer-${i}@buyer.example>`,
    "To: support@desk.example",
    `Subject: ${inReplyTo === undefined ? `Order ${id} is late` : "Re: [GS] your request"}`,
    `Message-ID: <${id}@buyer.example>`,
    ...(inReplyTo === undefined ? [] : [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`]),
    "MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "The parcel has not arrived, could you check with the carrier? Thank you.",
    "",
    "On Mon, 30 Nov 2026 at 09:00, Support <support@desk.example> wrote:",
    "> We have received your request.",
    "> Your tracking number is GS-7KQ2-M9XD4.",
    "--b",
    "Content-Type: text/html; charset=utf-8",
    "",
    "<p>The parcel has not arrived, could you check with the carrier? Thank you.</p>",
    "--b--",
    ""
  ].join("\r\n")
}

const run = async (context: BenchContext) => {
  const quick = context.settings.samples <= 3
  console.log(heading("Email on loopback (smtp-server on 127.0.0.1)"))
  const n = quick ? 200 : 2_000
  const out = await outbound(n, quick ? 1 : 3)
  const ratio = out.ours / out.peer
  console.log(
    `\nOutbound, ${formatInteger(n)} notifications per run, ${CONCURRENCY} at once, pooled SMTP (median of runs):\n` +
      table(
        ["", " messages/s", " ÷ nodemailer alone"],
        [
          ["EmailDelivery.round (claim, render, send, mark)", formatInteger(out.ours), formatRatio(ratio)],
          ["nodemailer alone (ready-made mails)", formatInteger(out.peer), "1.00×"]
        ]
      )
  )
  if (ratio < 0.8) console.log(`  (goal ≥ 0.8×: not met, ${formatRatio(ratio)})`)
  const m = quick ? 200 : 2_000
  const inb = await inbound(m)
  console.log(
    `\nInbound, ${formatInteger(m)} mails (half new requests, half threaded replies), parsed, stripped, recorded and ` +
      `written to the desk (memory storage):\n  ${formatInteger(inb.perSecond)} mails/s  ` +
      `(${[...inb.outcomes].map(([k, v]) => `${k} ${v}`).join(", ")})`
  )
  if ((inb.outcomes.get("opened") ?? 0) + (inb.outcomes.get("replied") ?? 0) !== m) {
    context.fail(`email bench: not every inbound mail opened or answered a case: ${[...inb.outcomes]}`)
  }
}

const bench: BenchModule = { name: "email", run }
export default bench
