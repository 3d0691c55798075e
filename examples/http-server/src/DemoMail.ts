/**
 * The demo's email, both ways, on loopback (`layer` provides the transport, and `SmtpServerIntake`, where the inbound
 * server listens, unless inbound mail is off):
 *
 * - **Outbound**: the desk's outbox is delivered by the desk's worker (`deliveryTask`, `EmailDelivery.task` on
 *   `SupportWorker`, every second, once across every process that runs the worker) to `SMTP_URL` when set, else to an
 *   embedded SMTP sink (smtp-server on loopback, `SMTP_SINK_PORT`) that keeps the last 500 mails in memory.
 *   `GET /demo/mail` lists them as JSON, newest first, with their headers and text; `/mail` shows them as a page. A
 *   process without the worker delivers nothing.
 * - **Inbound**: `SmtpServerIntake` on `127.0.0.1:${SMTP_INBOUND_PORT:-2525}` hands every mail to `EmailIntake`: a
 *   mail from a demo requester's address opens or answers that requester's case. The demo trusts the `From` address
 *   (it listens on loopback only); a real host checks `Authentication-Results` or runs mailauth.
 */
import type { AddressInfo } from "node:net"
import {
  type CaseStore,
  type Mailbox,
  type Outbox,
  Presets,
  type Randomness,
  type SupportDesk,
  type SupportWorker
} from "@support-policy/core"
import {
  EmailDelivery,
  EmailIntake,
  type EmailTransport,
  NodemailerTransport,
  RequesterDirectory,
  SmtpServerIntake
} from "@support-policy/email"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import PostalMime from "postal-mime"
import { SMTPServer } from "smtp-server"
import * as DemoActors from "./DemoActors.ts"

/** A mail the sink took. */
export interface SinkMail {
  readonly id: number
  readonly receivedAt: string
  readonly envelope: { readonly from: string; readonly to: ReadonlyArray<string> }
  readonly from: string
  readonly to: string
  readonly subject: string
  readonly messageId: string | null
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly html: string | null
}

/** The embedded sink: where it listens and what it took (newest last). */
export interface Sink {
  readonly port: number
  readonly mails: ReadonlyArray<SinkMail>
}

const KEEP = 500

/**
 * Starts the embedded SMTP sink on `port` of 127.0.0.1 (0, the default, picks a free one), for as long as the scope
 * lasts.
 */
export const startSink = (port = 0) =>
  Effect.gen(function* () {
    const mails: Array<SinkMail> = []
    let next = 1
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Array<Buffer> = []
        stream.on("data", (c: Buffer) => chunks.push(c))
        stream.on("end", () => {
          PostalMime.parse(Buffer.concat(chunks)).then(
            (email) => {
              const headers: Record<string, string> = {}
              for (const h of email.headers) headers[h.originalKey ?? h.key] = h.value
              const mailFrom = session.envelope.mailFrom
              mails.push({
                id: next++,
                receivedAt: new Date().toISOString(),
                envelope: {
                  from: mailFrom === false ? "" : mailFrom.address,
                  to: session.envelope.rcptTo.map((r) => r.address)
                },
                from: headers.From ?? "",
                to: headers.To ?? "",
                subject: email.subject ?? "",
                messageId: email.messageId ?? null,
                headers,
                text: email.text ?? "",
                html: email.html ?? null
              })
              if (mails.length > KEEP) mails.splice(0, mails.length - KEEP)
              callback()
            },
            (error: Error) => callback(error)
          )
        })
      }
    })
    const listening = yield* Effect.acquireRelease(
      Effect.callback<number, Error>((resume) => {
        const failed = (error: Error) => resume(Effect.fail(error))
        server.once("error", failed)
        server.listen(port, "127.0.0.1", () => {
          server.off("error", failed)
          // a sender that drops its connection mid-session (ECONNRESET) must not stop the demo
          server.on("error", () => {})
          resume(Effect.succeed((server.server.address() as AddressInfo).port))
        })
      }),
      () => Effect.callback<void>((resume) => server.close(() => resume(Effect.void)))
    )
    return { port: listening, mails } satisfies Sink
  })

/** The demo's desk addresses. */
export const deskAddress = "support@desk.example"
export const deskFrom = `Global Sources Support <${deskAddress}>`

const threading = {
  // a demo secret: a real host keeps its own in its configuration (EMAIL_SECRET, say)
  secret: process.env.EMAIL_SECRET ?? "support-policy-demo-secret-not-for-production",
  domain: "desk.example"
}

export const deliveryOptions: EmailDelivery.Options = {
  from: deskFrom,
  threading,
  replyTo: { localPart: "support", domain: "desk.example" },
  templates: { policyTimeZone: Presets.globalSources.calendar.spec.timeZone },
  // staff get their notifications at the directory's addresses (the desk's messages carry none for staff)
  addressOf: (recipient) => recipient.email ?? DemoActors.staffEmailOf(recipient.id),
  backoff: { baseMillis: 5_000, maxMillis: 5 * 60_000 }
}

export const intakeOptions: EmailIntake.Options = {
  threading,
  category: "consultation",
  ownAddresses: [deskAddress],
  authenticity: { trust: "sender" },
  unknownSender: { reply: true, from: deskFrom }
}

/** The demo requesters by email address. */
export const directory = RequesterDirectory.layerMemory(
  DemoActors.identities.flatMap((i) => {
    if (i.actor.role !== "requester") return []
    const { role: _, ...profile } = i.actor
    return [profile]
  })
)

/**
 * Outbound delivery as a task of the desk's worker: each run drains the outbox, every second (a mail goes out within
 * about a second of being written), once across the processes that run the worker.
 */
export const deliveryTask: SupportWorker.Task<Outbox.Outbox | EmailTransport.EmailTransport | Mailbox.Mailbox> =
  EmailDelivery.task(deliveryOptions)

/** The transport to `smtpUrl` (nodemailer's pooled SMTP). */
export const transport = (smtpUrl: string): Layer.Layer<EmailTransport.EmailTransport> =>
  NodemailerTransport.layer(smtpUrl)

/**
 * The transport to `smtpUrl`, for the worker's {@link deliveryTask}, and the inbound SMTP server, on the desk's
 * storage. Sends nothing by itself: delivery is the worker's.
 */
export const layer = (options: {
  readonly smtpUrl: string
  readonly inboundPort: number | false
}): Layer.Layer<
  SmtpServerIntake.SmtpServerIntake | EmailTransport.EmailTransport,
  never,
  SupportDesk.SupportDesk | CaseStore.CaseStore | Mailbox.Mailbox | Randomness.Randomness
> => {
  const inbound: Layer.Layer<
    SmtpServerIntake.SmtpServerIntake,
    never,
    | SupportDesk.SupportDesk
    | CaseStore.CaseStore
    | Mailbox.Mailbox
    | Randomness.Randomness
    | EmailTransport.EmailTransport
  > =
    options.inboundPort === false
      ? (Layer.empty as never)
      : SmtpServerIntake.layer({ port: options.inboundPort, host: "127.0.0.1" }).pipe(
          Layer.provide(EmailIntake.layer(intakeOptions)),
          Layer.provide(directory)
        )
  return inbound.pipe(Layer.provideMerge(transport(options.smtpUrl)))
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** `/mail`: the sink's mails as a page, newest first, like MailDev. */
const page = (sink: Sink | undefined, external: string | undefined) => {
  const mails = sink === undefined ? [] : [...sink.mails].reverse()
  const shown = ["Date", "From", "To", "Reply-To", "Message-ID", "In-Reply-To", "References", "Auto-Submitted"]
  const body =
    sink === undefined
      ? `<p>Outbound mail goes to <code>${escapeHtml(external ?? "")}</code> (SMTP_URL); this page shows the embedded sink only.</p>`
      : mails.length === 0
        ? "<p>No mail yet. Submit a request (or send a mail to the inbound port) and reload.</p>"
        : mails
            .map(
              (m) => `<article>
  <h2>${escapeHtml(m.subject)}</h2>
  <dl>${shown
    .filter((h) => m.headers[h] !== undefined)
    .map((h) => `<dt>${h}</dt><dd>${escapeHtml(m.headers[h])}</dd>`)
    .join("")}</dl>
  <pre>${escapeHtml(m.text)}</pre>
</article>`
            )
            .join("\n")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo mail — support desk</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;line-height:1.45}
article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
h2{font-size:1.1rem} dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;font-size:.85rem}
dt{font-weight:600} dd{margin:0;word-break:break-all} pre{white-space:pre-wrap;background:#f6f6f6;padding:.6rem}
</style></head>
<body><h1>Demo mail</h1><p>What the desk sent, newest first (<a href="/demo/mail">as JSON</a>). Reload to refresh.</p>
${body}
</body></html>`
}

/** `GET /demo/mail` and `GET /mail`. */
export const routes = (sink: Sink | undefined, external: string | undefined) =>
  HttpRouter.addAll([
    HttpRouter.route(
      "GET",
      "/demo/mail",
      Effect.sync(() =>
        HttpServerResponse.jsonUnsafe({
          sink: sink === undefined ? "external" : `smtp://127.0.0.1:${sink.port}`,
          items: sink === undefined ? [] : [...sink.mails].reverse()
        })
      )
    ),
    HttpRouter.route(
      "GET",
      "/mail",
      Effect.sync(() =>
        HttpServerResponse.text(page(sink, external), {
          contentType: "text/html; charset=utf-8",
          headers: { "cache-control": "no-cache" }
        })
      )
    )
  ])
