/**
 * The `EmailTransport` port on nodemailer: a pooled SMTP transport (`smtp://`, `smtps://` URLs or nodemailer's SMTP
 * options), closed with its layer. A 5xx answer of the server is a permanent failure; anything else (connection
 * refused, time-out, 4xx) is worth another attempt.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Redacted } from "effect"
import * as Nodemailer from "nodemailer"
import type SMTPPool from "nodemailer/lib/smtp-pool"
import { EmailTransport, type OutgoingMail, type Sent, TransportFailure } from "./EmailTransport.ts"

/**
 * Options of the transport: an SMTP URL (`smtp://user:pass@host:587`, a `Redacted` to keep a password out of logs),
 * or nodemailer's SMTP pool options.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = string | Redacted.Redacted<string> | SMTPPool.Options

const failure = (error: unknown): TransportFailure => {
  const e = error as { message?: string; responseCode?: number; code?: string }
  const code = typeof e.responseCode === "number" ? e.responseCode : undefined
  return new TransportFailure({
    message: `${e.code === undefined ? "" : `${e.code}: `}${e.message ?? String(error)}`,
    permanent: code !== undefined && code >= 500 && code < 600,
    ...(code === undefined ? {} : { responseCode: code }),
    cause: error
  })
}

const poolOptions = (options: Options): SMTPPool.Options => {
  if (typeof options === "string" || Redacted.isRedacted(options)) {
    const url = new URL(typeof options === "string" ? options : Redacted.value(options))
    const secure = url.protocol === "smtps:"
    return {
      pool: true,
      host: url.hostname,
      port: url.port === "" ? (secure ? 465 : 587) : Number(url.port),
      secure,
      ...(url.username === ""
        ? {}
        : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
      ...(url.searchParams.get("ignoreTLS") === "true" ? { ignoreTLS: true } : {})
    }
  }
  return { ...options, pool: true }
}

/**
 * A transport on nodemailer, for as long as the scope lasts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => Nodemailer.createTransport(poolOptions(options))),
      (transporter) => Effect.sync(() => transporter.close())
    ),
    (transporter) =>
      EmailTransport.of({
        send: (mail: OutgoingMail) =>
          Effect.tryPromise({
            try: () =>
              transporter.sendMail({
                from: mail.from,
                to: mail.to,
                ...(mail.replyTo === undefined ? {} : { replyTo: mail.replyTo }),
                subject: mail.subject,
                text: mail.text,
                ...(mail.html === undefined ? {} : { html: mail.html }),
                messageId: mail.messageId,
                ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
                ...(mail.references === undefined ? {} : { references: [...mail.references] }),
                headers: { ...mail.headers }
              }),
            catch: failure
          }).pipe(
            Effect.map(
              (info): Sent => ({
                response: String(info.response ?? ""),
                accepted: ((info.accepted ?? []) as ReadonlyArray<string | { readonly address: string }>).map((a) =>
                  typeof a === "string" ? a : a.address
                )
              })
            ),
            Effect.withSpan("NodemailerTransport.send")
          )
      })
  )

/**
 * The transport as a layer; the pool closes with the layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<EmailTransport> => Layer.effect(EmailTransport, make(options))
