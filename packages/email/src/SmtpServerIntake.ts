/**
 * An SMTP (or LMTP) server for hosts that receive mail directly: smtp-server takes each mail and hands it to
 * `EmailIntake.receive`, answering the client with the intake's verdict: `250` taken (a case, a reply, or set aside
 * for staff), `552` over the size limit (smtp-server stops reading at the limit), `554` unreadable, `451` try again
 * later when storage is down (the sending server keeps the mail and retries).
 *
 * Authentication of clients and TLS are smtp-server's options (`serverOptions`); the default listens on loopback
 * without either, for a host's own MTA relaying to it, or a demo.
 *
 * @since 0.1.0
 */
import type { AddressInfo } from "node:net"
import { Context, Effect, Layer } from "effect"
import { SMTPServer, type SMTPServerOptions } from "smtp-server"
import { EmailIntake } from "./EmailIntake.ts"

/**
 * Options of the server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The TCP port; 0 picks a free one. */
  readonly port: number
  /** The interface (default `127.0.0.1`). */
  readonly host?: string | undefined
  /** The largest mail taken, in bytes (default 10 MB); announced in `EHLO` as `SIZE`. */
  readonly maxBytes?: number | undefined
  /** LMTP instead of SMTP. */
  readonly lmtp?: boolean | undefined
  /** More smtp-server options (TLS, authentication, banner, …). */
  readonly serverOptions?: Omit<SMTPServerOptions, "onData" | "size" | "lmtp"> | undefined
}

/**
 * The running server: where it listens.
 *
 * @since 0.1.0
 * @category services
 */
export class SmtpServerIntake extends Context.Service<
  SmtpServerIntake,
  { readonly host: string; readonly port: number }
>()("@support-policy/email/SmtpServerIntake") {}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code })

/**
 * Starts the server on the intake in context, for as long as the layer lives.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<SmtpServerIntake, never, EmailIntake> =>
  Layer.effect(
    SmtpServerIntake,
    Effect.gen(function* () {
      const intake = yield* EmailIntake
      const context = yield* Effect.context<never>()
      const maxBytes = options.maxBytes ?? 10 * 1024 * 1024
      const server = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS", "AUTH"],
        logger: false,
        ...options.serverOptions,
        lmtp: options.lmtp ?? false,
        size: maxBytes,
        onData(stream, session, callback) {
          const chunks: Array<Buffer> = []
          stream.on("data", (chunk: Buffer) => chunks.push(chunk))
          stream.on("error", (error) => callback(error))
          stream.on("end", () => {
            if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
              callback(
                smtpError(
                  552,
                  `5.3.4 Sorry, this message is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB we accept. ` +
                    "Please send large files as links, or split them over several messages."
                )
              )
              return
            }
            const mailFrom = session.envelope.mailFrom
            Effect.runPromiseWith(context)(
              intake.receive(new Uint8Array(Buffer.concat(chunks)), {
                mailFrom: mailFrom === false ? "" : mailFrom.address,
                rcptTo: session.envelope.rcptTo.map((r) => r.address),
                remoteAddress: session.remoteAddress,
                clientHostname: session.clientHostname
              })
            ).then(
              (receipt) =>
                receipt.accepted
                  ? callback(null, `${receipt.smtp.message}`)
                  : callback(smtpError(receipt.smtp.code, receipt.smtp.message)),
              (error: unknown) =>
                callback(smtpError(451, `4.3.0 Please try again later (${(error as Error)?.message ?? error})`))
            )
          })
        }
      })
      const address = yield* Effect.acquireRelease(
        Effect.callback<AddressInfo, Error>((resume) => {
          const onError = (error: Error) => resume(Effect.fail(error))
          server.once("error", onError)
          server.listen(options.port, options.host ?? "127.0.0.1", () => {
            server.off("error", onError)
            server.on("error", () => {})
            resume(Effect.succeed(server.server.address() as AddressInfo))
          })
        }),
        () => Effect.callback<void>((resume) => server.close(() => resume(Effect.void)))
      ).pipe(Effect.orDie)
      return SmtpServerIntake.of({ host: address.address, port: address.port })
    })
  )
