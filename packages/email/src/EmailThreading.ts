/**
 * The signed identifiers that thread a case's mail: the `Message-ID` of each outgoing message carries its case and
 * message ids and an HMAC of them under the host's secret, and so does the `+token` of a reply address. A reply
 * naming one of them in `In-Reply-To` / `References` (or sent to the reply address) is threaded to its case; a forged
 * or altered id does not verify, so nobody can post into a case by guessing ids.
 *
 * - the acknowledgment of a case (the first mail the requester gets) has the case's **root** id
 *   `<c.{caseId}.{signature}@{domain}>`, and every later message refers to it in `In-Reply-To` and `References`, so
 *   every mail of a case threads in the requester's client;
 * - every other message: `<m.{messageId}.{caseId}.{signature}@{domain}>`, the same on every attempt (receivers may
 *   deduplicate by it);
 * - the reply address: `{localPart}+{caseId}.{signature}@{replyDomain}`.
 *
 * Signatures are HMAC-SHA-256 (`node:crypto`), truncated: 128 bits in base64url in Message-IDs, 96 bits in lower-case
 * hex in reply addresses (some mail systems change the case of local parts).
 *
 * @since 0.1.0
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { Option, Redacted } from "effect"

/**
 * Options of the signer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The host's secret (at least 16 characters); rotating it breaks the threading of mail sent before. */
  readonly secret: Redacted.Redacted<string> | string
  /** The domain of the Message-IDs (`desk.example`). */
  readonly domain: string
}

/**
 * The signer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Threading {
  /** The root Message-ID of a case (the acknowledgment's), with angle brackets. */
  readonly rootId: (caseId: string) => string
  /** The Message-ID of an outbox message (the root for a case's acknowledgment), with angle brackets. */
  readonly messageId: (message: {
    readonly id: string
    readonly caseId: string | null
    readonly kind: string
  }) => string
  /** The case a Message-ID (with or without angle brackets) was signed for, if it verifies. */
  readonly caseOfMessageId: (id: string) => Option.Option<string>
  /** The `+token` of a case's reply address. */
  readonly replyToken: (caseId: string) => string
  /** The case whose `+token` an address carries, if it verifies (`support+{caseId}.{sig}@…`). */
  readonly caseOfAddress: (address: string) => Option.Option<string>
}

const ID = /^[A-Za-z0-9_-]{1,100}$/

/**
 * A signer for `options`. Dies (a mistake of the host) for a secret shorter than 16 characters or a domain with
 * characters a Message-ID cannot carry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Threading => {
  const secret = typeof options.secret === "string" ? options.secret : Redacted.value(options.secret)
  if (secret.length < 16) throw new Error("EmailThreading: the secret needs at least 16 characters")
  if (!/^[A-Za-z0-9.-]+$/.test(options.domain)) throw new Error(`EmailThreading: bad domain "${options.domain}"`)
  const domain = options.domain.toLowerCase()
  const sign = (...parts: ReadonlyArray<string>) =>
    createHmac("sha256", secret).update(parts.join("\n")).digest("base64url").slice(0, 22)
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

  const rootId = (caseId: string) => `<c.${caseId}.${sign("case", caseId)}@${domain}>`

  const messageId = (message: { readonly id: string; readonly caseId: string | null; readonly kind: string }) => {
    if (message.caseId === null) return `<m.${message.id}.${sign("message", message.id)}@${domain}>`
    if (message.kind === "acknowledgment") return rootId(message.caseId)
    return `<m.${message.id}.${message.caseId}.${sign("message", message.id, message.caseId)}@${domain}>`
  }

  const caseOfMessageId = (raw: string): Option.Option<string> => {
    const id = raw.trim().replace(/^</, "").replace(/>$/, "")
    const at = id.lastIndexOf("@")
    if (at < 0 || id.slice(at + 1).toLowerCase() !== domain) return Option.none()
    const parts = id.slice(0, at).split(".")
    if (parts[0] === "c" && parts.length === 3 && ID.test(parts[1])) {
      return same(parts[2], sign("case", parts[1])) ? Option.some(parts[1]) : Option.none()
    }
    if (parts[0] === "m" && parts.length === 4 && ID.test(parts[1]) && ID.test(parts[2])) {
      return same(parts[3], sign("message", parts[1], parts[2])) ? Option.some(parts[2]) : Option.none()
    }
    return Option.none()
  }

  // hex, lower case: some mail systems change the case of local parts
  const signReply = (caseId: string) =>
    createHmac("sha256", secret).update(`reply\n${caseId}`).digest("hex").slice(0, 24)
  const replyToken = (caseId: string) => `${caseId}.${signReply(caseId)}`

  const caseOfAddress = (address: string): Option.Option<string> => {
    const local = (address.trim().split("@")[0] ?? "").toLowerCase()
    const plus = local.indexOf("+")
    if (plus < 0) return Option.none()
    const [caseId, signature, ...rest] = local.slice(plus + 1).split(".")
    if (rest.length > 0 || caseId === undefined || signature === undefined || !ID.test(caseId)) return Option.none()
    return same(signature, signReply(caseId)) ? Option.some(caseId) : Option.none()
  }

  return { rootId, messageId, caseOfMessageId, replyToken, caseOfAddress }
}
