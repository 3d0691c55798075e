/**
 * `pnpm mail`: sends a mail to the demo's inbound SMTP port, as a requester's mail client would.
 *
 *   pnpm mail --from ana@buyer.example --subject "Where is my order?" --text "PO-1234 has not arrived."
 *   pnpm mail --from ana@buyer.example --reply --text "It arrived, thank you!"
 *
 * `--reply` answers the newest mail the demo sent to that address (read from `/demo/mail`), threaded
 * (`In-Reply-To`, `References`), to its `Reply-To`, with the mail quoted below the text as clients do.
 * `SMTP_INBOUND_PORT` (default 2525) and `PORT` (default 3000) say where the demo listens.
 */
import { parseArgs } from "node:util"
import * as Nodemailer from "nodemailer"

const { values } = parseArgs({
  options: {
    from: { type: "string", default: "ana@buyer.example" },
    subject: { type: "string" },
    text: { type: "string" },
    reply: { type: "boolean", default: false },
    auto: { type: "boolean", default: false }
  }
})

const inboundPort = Number(process.env.SMTP_INBOUND_PORT || 2525)
const httpPort = Number(process.env.PORT || 3000)
const from = values.from!

interface SinkMail {
  readonly envelope: { readonly to: ReadonlyArray<string> }
  readonly subject: string
  readonly messageId: string | null
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

let mail: Nodemailer.SendMailOptions = {
  from,
  to: "support@desk.example",
  subject: values.subject ?? "A question",
  text: values.text ?? "Hello, I have a question about my order."
}

if (values.reply) {
  const response = await fetch(`http://127.0.0.1:${httpPort}/demo/mail`)
  const { items } = (await response.json()) as { items: ReadonlyArray<SinkMail> }
  const last = items.find((m) => m.envelope.to.includes(from))
  if (last === undefined) {
    console.error(`No mail to ${from} at http://127.0.0.1:${httpPort}/demo/mail yet: send a request first.`)
    process.exit(1)
  }
  const quoted = last.text
    .trimEnd()
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n")
  mail = {
    from,
    to: last.headers["Reply-To"] ?? last.headers.From ?? "support@desk.example",
    subject: `Re: ${last.subject}`,
    ...(last.messageId === null ? {} : { inReplyTo: last.messageId, references: [last.messageId] }),
    text: `${values.text ?? "Thank you."}\n\nOn ${last.headers.Date ?? "an earlier day"}, ${last.headers.From} wrote:\n${quoted}\n`
  }
}
if (values.auto) mail = { ...mail, headers: { "Auto-Submitted": "auto-replied" } }

const transport = Nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true })
const info = await transport.sendMail(mail)
transport.close()
console.log(`${info.response} — ${mail.subject}`)
