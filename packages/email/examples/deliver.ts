import { Mailbox, Presets, SupportDesk } from "@support-policy/core"
import { EmailDelivery, NodemailerTransport } from "@support-policy/email"
import { Effect, Layer, Redacted } from "effect"
import type { AddressInfo } from "node:net"
import PostalMime, { type Email } from "postal-mime"
import { SMTPServer } from "smtp-server"

// an SMTP server on loopback that keeps what it receives: your mail relay, in production
const received: Array<Email> = []
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Array<Buffer> = []
    stream.on("data", (chunk: Buffer) => chunks.push(chunk))
    stream.on("end", () => {
      PostalMime.parse(Buffer.concat(chunks)).then((email) => {
        received.push(email)
        callback()
      }, callback)
    })
  }
})
await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening))
const smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`

const delivery: EmailDelivery.Options = {
  from: "Global Sources Support <support@desk.example>",
  // signs Message-IDs and reply addresses; the intake checks replies with the same secret (from your configuration)
  threading: { secret: Redacted.make("a-secret-of-16-characters-or-more"), domain: "desk.example" },
  replyTo: { localPart: "support", domain: "reply.desk.example" }, // optional: support+<token>@reply.desk.example
  templates: {
    policyTimeZone: Presets.globalSources.calendar.spec.timeZone,
    // English and Simplified Chinese are built in; override them, or add a language
    overrides: {
      pt: { acknowledgment: (c) => ({ subject: "Recebemos o seu pedido", text: `Número: ${c.trackingNumber}` }) }
    }
  }
}

const program = Effect.gen(function* () {
  const desk = yield* SupportDesk.SupportDesk
  const submit = (id: string, email: string, language: string, subject: string) =>
    desk.submit({
      requester: { id, audience: "buyer", email },
      channel: "online-form",
      category: "order-delivery",
      subject,
      description: "Order 42 has not arrived.",
      language
    })
  yield* submit("buyer-ana", "ana@buyer.example", "en", "Where is my order?")
  yield* submit("buyer-li", "li@buyer.example", "zh-CN", "我的订单在哪里？")
  yield* submit("buyer-joao", "joao@buyer.example", "pt-BR", "Onde está o meu pedido?")

  // one round: claim the outbox's due messages, render, send, mark; the desk's worker runs them (EmailDelivery.task)
  const report = yield* EmailDelivery.round(delivery)
  console.log(`claimed ${report.claimed}, sent ${report.sent}`)
})

const services = Layer.mergeAll(
  // the desk writes the outbox with the events (PgStorage to keep it); under it the mailbox, which erasure reaches
  SupportDesk.layerMemory(Presets.globalSources).pipe(Layer.provideMerge(Mailbox.layerMemory)), // bounced addresses
  NodemailerTransport.layer(Redacted.make(smtpUrl)) // e.g. smtp://user:password@smtp.desk.example:587
)
await Effect.runPromise(program.pipe(Effect.provide(services)))
await new Promise<void>((closed) => server.close(() => closed()))

for (const email of received.sort((a, b) => String(a.to?.[0]?.address).localeCompare(String(b.to?.[0]?.address)))) {
  const header = (name: string) => email.headers.find((h) => h.key === name)?.value
  const subject = email.subject?.replace(/^\[[^\]]+\]/, "[tracking number]") // random: left out of what it prints
  console.log(`${email.to?.[0]?.address} (${header("content-language")}, ${header("auto-submitted")}): ${subject}`)
}
// Prints:
// claimed 3, sent 3
// ana@buyer.example (en, auto-replied): [tracking number] We have received your request: Where is my order?
// joao@buyer.example (pt, auto-replied): [tracking number] Recebemos o seu pedido
// li@buyer.example (zh-Hans, auto-replied): [tracking number] 我们已收到您的请求：我的订单在哪里？
