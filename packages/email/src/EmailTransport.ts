/**
 * The port through which the email adapter hands a rendered mail to a mail server: `send` one mail, and learn whether
 * a failure is for good (the server refused the recipient, a 5xx answer) or worth another attempt (the server is
 * down, a 4xx answer, a time-out). `NodemailerTransport` is the SMTP adapter.
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Effect } from "effect"

/**
 * A mail ready to send: addresses, the rendered parts, and the headers that thread it.
 *
 * @since 0.1.0
 * @category models
 */
export interface OutgoingMail {
  /** `"Support <support@desk.example>"` or a bare address. */
  readonly from: string
  readonly to: string
  readonly replyTo?: string | undefined
  readonly subject: string
  readonly text: string
  readonly html?: string | undefined
  /** With angle brackets: `<…@desk.example>`. */
  readonly messageId: string
  readonly inReplyTo?: string | undefined
  readonly references?: ReadonlyArray<string> | undefined
  /** More headers (`Auto-Submitted`, `X-Auto-Response-Suppress`, …). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * A mail server took a mail.
 *
 * @since 0.1.0
 * @category models
 */
export interface Sent {
  /** The server's answer (`250 OK: queued as …`). */
  readonly response: string
  readonly accepted: ReadonlyArray<string>
}

/**
 * Sending failed. `permanent` when the server refused for good (a 5xx answer): another attempt would fail alike.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportFailure extends Schema.TaggedError<TransportFailure>()("TransportFailure", {
  message: Schema.String,
  permanent: Schema.Boolean,
  responseCode: Schema.optionalKey(Schema.Int),
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The transport port.
 *
 * @since 0.1.0
 * @category services
 */
export class EmailTransport extends Context.Service<
  EmailTransport,
  { readonly send: (mail: OutgoingMail) => Effect.Effect<Sent, TransportFailure> }
>()("@support-policy/email/EmailTransport") {}
