/**
 * Incoming mail into the desk (clause 2.2: "support via email"). `receive(raw, envelope)` takes one message as a host
 * gets it (from its own MTA's pipe, an inbound-parse webhook, an IMAP poller, or `SmtpServerIntake`) and decides, in
 * this order:
 *
 * 1. **Limits**: over `maxBytes` (default 10 MB) the mail is refused with a polite SMTP answer (552) and not kept; a
 *    mail that does not parse as MIME or has no sender address is refused (554) without harm.
 * 2. **Once per Message-ID**: the mail is recorded in the `Mailbox` with its full original (for staff); a mail whose
 *    Message-ID was handled before changes nothing (`duplicate`). The desk's own idempotency keys back this up: a new
 *    case is submitted with the key `email:<Message-ID>`, a reply carries its Message-ID as `messageKey`.
 * 3. **Automatic mail** (`Auto-Submitted` other than `no`, `Precedence: bulk|junk|list`, `X-Autoreply`,
 *    `X-Autorespond`, `List-Id`, `List-Unsubscribe`, `MAILER-DAEMON` / `postmaster`, an empty envelope sender) is set
 *    aside, never answered; a **delivery-status report** marks each failed recipient's address failing
 *    (`Mailbox.markFailing`, seen by staff; no more mail goes to it). Mail from the desk's own addresses is a loop:
 *    set aside.
 * 4. **Authenticity**: by default the topmost `Authentication-Results` of the host's own authserv-id must show an
 *    aligned pass (DMARC, DKIM or SPF); with `trust: "mailauth"` mailauth checks the mail itself. A mail that fails is
 *    kept for staff (`unauthenticated`) and changes nothing.
 * 5. **Threading**: our signed Message-ID in `In-Reply-To` / `References`; then our signed `+token` address; then a
 *    tracking number in the subject, **only when the sender is a party of that case**. A mail threaded by a signed id
 *    whose sender is not a party is kept for staff, linked to the case (`notAParty`); a tracking number named by
 *    someone else is ignored (the mail opens a case of its own).
 * 6. **Who writes**: the `RequesterDirectory` finds the requester by the `From` address. A mail is only ever a
 *    requester's: nothing that arrives by email acts as staff. A reply is stored without its quoted text and signature
 *    (email-reply-parser; HTML-only mail converted with html-to-text); an answered case is reopened by it; a closed
 *    one gets a new case.
 * 7. **Unknown senders**: no case is opened (the policy serves buyers and suppliers, who have accounts); the mail is
 *    kept for staff (`unknownSender`). With `unknownSender: { reply: true, from }` the sender also gets a polite
 *    answer saying how to reach us, once per address a day; by default nothing is sent (an answer to a forged sender
 *    is backscatter). Never to automatic or unauthenticated mail.
 * 8. **Rate limit**: at most `newCasesPerAddress.max` new cases from one address per window (default 5 an hour);
 *    beyond it mail is kept for staff, unanswered.
 *
 * Attachments are recorded as metadata (name, type, size) on the mailbox record; their content stays in the original.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import {
  Actor,
  CaseStore,
  Mailbox,
  Randomness,
  SupportDesk,
  type SupportCase,
  TrackingNumber
} from "@support-policy/core"
import EmailReplyParser from "email-reply-parser"
import { Clock, Context, Effect, Layer, Option, Schema } from "effect"
import { convert as htmlToText } from "html-to-text"
import PostalMime, { type Email } from "postal-mime"
import * as EmailThreading from "./EmailThreading.ts"
import { EmailTransport } from "./EmailTransport.ts"
import * as Authenticity from "./internal/authenticity.ts"
import * as Automatic from "./internal/automatic.ts"
import { RequesterDirectory } from "./RequesterDirectory.ts"

/**
 * How a mail arrived: the SMTP envelope, when there was one.
 *
 * @since 0.1.0
 * @category models
 */
export interface Envelope {
  /** `MAIL FROM`; empty for bounces. */
  readonly mailFrom?: string | null | undefined
  /** `RCPT TO`. */
  readonly rcptTo: ReadonlyArray<string>
  readonly remoteAddress?: string | undefined
  readonly clientHostname?: string | undefined
}

/**
 * What happened to a mail, with the SMTP answer it deserves (`250` taken; `552`, `554` refused).
 *
 * @since 0.1.0
 * @category models
 */
export interface Receipt {
  readonly outcome: Mailbox.Outcome | "duplicate" | "tooLarge" | "malformed"
  readonly accepted: boolean
  readonly smtp: { readonly code: number; readonly message: string }
  readonly mail: Mailbox.InboundMail | null
  readonly trackingNumber: string | null
  readonly detail: string
}

/**
 * The intake could not decide now (storage or the directory is down): the mail should be tried again (SMTP 451).
 *
 * @since 0.1.0
 * @category errors
 */
export class IntakeUnavailable extends Schema.TaggedError<IntakeUnavailable>()("IntakeUnavailable", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * Options of the intake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Verifies our Message-IDs and reply tokens: the same options as `EmailDelivery`'s. */
  readonly threading: EmailThreading.Options
  /** The category of cases opened by email (an id of the policy's categories). */
  readonly category: string
  /** The channel of cases opened by email (default `"email"`). */
  readonly channel?: string | undefined
  /** The desk's own addresses (its `From`, its reply address): mail from them is a loop. */
  readonly ownAddresses?: ReadonlyArray<string> | undefined
  /** The largest mail taken, in bytes (default 10 MB). */
  readonly maxBytes?: number | undefined
  /** Who vouches for the `From` address (default: the `Authentication-Results` of `authservId`). */
  readonly authenticity: Authenticity.Authenticity
  /** What an unknown sender gets: a polite answer from `from` (once per address a day), or silence (default). */
  readonly unknownSender?: { readonly reply: false } | { readonly reply: true; readonly from: string } | undefined
  /** New cases one address may open by email per window (default 5 per hour). */
  readonly newCasesPerAddress?: { readonly max: number; readonly windowMillis: number } | undefined
  /** The language of cases from requesters whose language the directory does not know (default: guessed, else en). */
  readonly defaultLanguage?: string | undefined
}

export type {
  /**
   * Who vouches for the `From` address of a mail.
   *
   * @since 0.1.0
   * @category models
   */
  Authenticity
} from "./internal/authenticity.ts"

/**
 * The intake service.
 *
 * @since 0.1.0
 * @category services
 */
export class EmailIntake extends Context.Service<
  EmailIntake,
  {
    readonly receive: (raw: Uint8Array | string, envelope: Envelope) => Effect.Effect<Receipt, IntakeUnavailable>
  }
>()("@support-policy/email/EmailIntake") {}

/** The desk refused to add a mail to a case (a rate limit of the policy, say). */
class Rejected extends Schema.TaggedError<Rejected>()("Rejected", { message: Schema.String }) {}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024
const DAY = 24 * 60 * 60_000

/** A reply's own text: quoted text and signature removed; HTML converted to text when there is no text part. */
export const visibleText = (email: Pick<Email, "text" | "html">): string => {
  const text =
    email.text !== undefined && email.text.trim() !== ""
      ? email.text
      : email.html !== undefined
        ? htmlToText(email.html, {
            wordwrap: false,
            selectors: [
              { selector: "a", options: { ignoreHref: true } },
              { selector: "img", format: "skip" }
            ]
          })
        : ""
  const visible = new EmailReplyParser().read(text.replace(/\r\n/g, "\n")).getVisibleText().trim()
  return visible === "" ? text.trim() : visible
}

/** The subject of a new case: without reply and forward prefixes, in the desk's length. */
export const caseSubject = (subject: string | undefined): string => {
  let s = (subject ?? "").trim()
  for (;;) {
    const next = s.replace(/^(re|fw|fwd|aw|wg|sv|vs|回复|回覆|答复|转发|轉寄)\s*[:：]\s*/i, "").trim()
    if (next === s) break
    s = next
  }
  s = s.replace(/\s+/g, " ")
  if (s === "") return "(no subject)"
  return s.length > 200 ? `${s.slice(0, 199)}…` : s
}

const addressesOf = (email: Email): Array<string> => {
  const out: Array<string> = []
  for (const list of [email.to, email.cc, email.deliveredTo === undefined ? [] : [{ address: email.deliveredTo }]]) {
    for (const a of list ?? []) {
      if ("address" in a && typeof a.address === "string") out.push(a.address)
      if ("group" in a && Array.isArray(a.group)) for (const g of a.group) if (g.address) out.push(g.address)
    }
  }
  return out
}

/** Every Message-ID in `In-Reply-To` and `References`, newest first. */
const referencedIds = (email: Email): Array<string> => {
  const ids = `${email.inReplyTo ?? ""} ${email.references ?? ""}`.match(/<[^<>\s]+>/g) ?? []
  return ids.reverse()
}

const hasCjk = (s: string) => /[\u3400-\u9fff]/.test(s)

const unavailable = (what: string) => (cause: unknown) =>
  Effect.fail(new IntakeUnavailable({ message: `${what}: ${String((cause as Error)?.message ?? cause)}`, cause }))

/** A tracking number of this desk (the prefix of the policy in force) named in the subject, if any. */
const trackingInSubject = (prefix: string, subject: string): Option.Option<string> => {
  const pattern = new RegExp(`${prefix}[\\s-]?[0-9A-Z]{4}[\\s-]?[0-9A-Z]{5}`, "gi")
  for (const match of subject.match(pattern) ?? []) {
    const parsed = TrackingNumber.parse(prefix, match)
    if (Option.isSome(parsed)) return parsed
  }
  return Option.none()
}

const isParty = (c: SupportCase.SupportCase, requesterId: string) =>
  c.requester.id === requesterId || c.parties.includes(requesterId)

/** A desk error: the store being down is worth another attempt; anything else refuses the mail. */
const deskFailure = (error: {
  readonly _tag: string
  readonly message: string
}): Effect.Effect<never, IntakeUnavailable | Rejected> =>
  error._tag === "CaseStoreFailure"
    ? unavailable("the case store")(error)
    : Effect.fail(new Rejected({ message: error.message }))

/** The intake's answer to a mail, with its SMTP reply. */
const makeReceipt = (maxBytes: number) => {
  const receipt = (
    outcome: Receipt["outcome"],
    mail: Mailbox.InboundMail | null,
    detail: string,
    trackingNumber: string | null = null
  ): Receipt => {
    const refused = outcome === "tooLarge" || outcome === "malformed"
    return {
      outcome,
      accepted: !refused,
      smtp:
        outcome === "tooLarge"
          ? {
              code: 552,
              message:
                `5.3.4 Sorry, this message is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB we accept. ` +
                "Please send large files as links, or split them over several messages."
            }
          : outcome === "malformed"
            ? { code: 554, message: `5.6.0 Sorry, we could not read this message: ${detail}` }
            : { code: 250, message: `2.0.0 Thank you: ${detail}` },
      mail,
      trackingNumber,
      detail
    }
  }
  return receipt
}

const makeThread = (threading: ReturnType<typeof EmailThreading.make>) => {
  /** A case threaded from the mail, and how. */
  const thread = (
    email: Email,
    envelope: Envelope
  ): Option.Option<{ readonly caseId: string; readonly by: "signed Message-ID" | "signed reply address" }> => {
    for (const id of referencedIds(email)) {
      const caseId = threading.caseOfMessageId(id)
      if (Option.isSome(caseId)) return Option.some({ caseId: caseId.value, by: "signed Message-ID" })
    }
    for (const address of [...envelope.rcptTo, ...addressesOf(email)]) {
      const caseId = threading.caseOfAddress(address)
      if (Option.isSome(caseId)) return Option.some({ caseId: caseId.value, by: "signed reply address" })
    }
    return Option.none()
  }
  return thread
}

const makeAddToCase = (desk: SupportDesk.SupportDesk["Service"]) => {
  /** Adds the mail to a case its sender is a party of; none for a closed or refused case (a new case instead). */
  const addToCase = (
    stored: { readonly case: SupportCase.SupportCase },
    actor: Actor.Requester,
    body: string,
    messageKey: string
  ): Effect.Effect<Option.Option<string>, IntakeUnavailable | Rejected> =>
    Effect.gen(function* () {
      const c = stored.case
      const input = SupportDesk.assumeDecoded({ body, messageKey })
      switch (c.status) {
        case "inMediation":
          yield* desk.postStatement(actor, c.id, input).pipe(Effect.catch(deskFailure))
          return Option.some(c.trackingNumber)
        case "open":
        case "awaitingRequester":
        case "onHold":
          yield* desk.respond(actor, c.id, input).pipe(Effect.catch(deskFailure))
          return Option.some(c.trackingNumber)
        case "resolved":
        case "explained": {
          const reopened = yield* desk
            .reopen(actor, c.id, SupportDesk.assumeDecoded({ reason: "The requester wrote again by email." }))
            .pipe(Effect.result)
          if (reopened._tag === "Failure") {
            if (reopened.failure._tag === "CaseStoreFailure")
              return yield* unavailable("the case store")(reopened.failure)
            return Option.none()
          }
          yield* desk.respond(actor, c.id, input).pipe(Effect.catch(deskFailure))
          return Option.some(c.trackingNumber)
        }
        default:
          return Option.none()
      }
    })
  return addToCase
}

/** The answer to an unknown sender, when the options ask for one; whether it was sent. */
const makePoliteRefusal = (
  options: Options,
  transport: EmailTransport["Service"],
  unknownSender: NonNullable<Options["unknownSender"]>
) => {
  const politeRefusal = (email: Email, to: string, messageId: string) =>
    unknownSender.reply
      ? transport
          .send({
            from: unknownSender.from,
            to,
            subject: `Re: ${caseSubject(email.subject)}`,
            text:
              "Thank you for writing to us. We could not match your address to an account of a buyer or a " +
              "supplier, so this email did not open a support request.\n\n" +
              "Please write to us again from the email address of your account, or sign in and use the online " +
              "form. This is an automatic answer: we send it once a day at most.",
            messageId: `<r.${messageId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 60)}@${options.threading.domain}>`,
            inReplyTo: `<${messageId}>`,
            references: [`<${messageId}>`],
            headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" }
          })
          .pipe(
            Effect.as(true),
            Effect.catchTag("TransportFailure", (e) =>
              Effect.as(Effect.logWarning(`email intake: the answer to ${to} failed: ${e.message}`), false)
            )
          )
      : Effect.succeed(false)
  return politeRefusal
}

/**
 * Builds the intake on the desk, the case store, the mailbox, the requester directory and a transport (for the
 * answer to unknown senders).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options) =>
  Effect.gen(function* () {
    const desk = yield* SupportDesk.SupportDesk
    const store = yield* CaseStore.CaseStore
    const mailbox = yield* Mailbox.Mailbox
    const directory = yield* RequesterDirectory
    const transport = yield* EmailTransport
    const randomness = yield* Randomness.Randomness
    const threading = EmailThreading.make(options.threading)
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    const own = new Set((options.ownAddresses ?? []).map(Mailbox.normalizeAddress))
    const limit = options.newCasesPerAddress ?? { max: 5, windowMillis: 60 * 60_000 }
    const unknownSender = options.unknownSender ?? { reply: false as const }
    const channel = options.channel ?? "email"

    const receipt = makeReceipt(maxBytes)
    const thread = makeThread(threading)
    const addToCase = makeAddToCase(desk)
    const politeRefusal = makePoliteRefusal(options, transport, unknownSender)

    const receive = (raw: Uint8Array | string, envelope: Envelope): Effect.Effect<Receipt, IntakeUnavailable> =>
      Effect.gen(function* () {
        const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw
        if (bytes.byteLength > maxBytes) {
          return receipt("tooLarge", null, `${bytes.byteLength} bytes, over the limit of ${maxBytes}`)
        }
        const parsed = yield* Effect.tryPromise(() => PostalMime.parse(bytes)).pipe(Effect.result)
        if (parsed._tag === "Failure") return receipt("malformed", null, "the MIME structure does not parse")
        const email = parsed.success
        const fromAddress = email.from?.address?.trim() ?? ""
        if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(fromAddress)) {
          return receipt("malformed", null, "it has no valid From address")
        }
        if (
          email.headers.length === 0 ||
          (email.text === undefined && email.html === undefined && email.attachments.length === 0)
        ) {
          return receipt("malformed", null, "it has no readable body")
        }
        const now = yield* Clock.currentTimeMillis
        const messageId =
          (email.messageId ?? "").trim().replace(/^</, "").replace(/>$/, "").slice(0, 900) ||
          `${createHash("sha256").update(bytes).digest("hex")}@no-message-id.invalid`
        const id = yield* Randomness.id.pipe(Effect.provideService(Randomness.Randomness, randomness))
        const recorded = yield* mailbox
          .record(
            {
              id,
              messageId,
              receivedAt: now,
              from: fromAddress,
              to: [...envelope.rcptTo],
              subject: (email.subject ?? "").slice(0, 1_000),
              size: bytes.byteLength,
              attachments: email.attachments.map((a) => ({
                filename: a.filename ?? null,
                contentType: a.mimeType,
                size: typeof a.content === "string" ? a.content.length : (a.content as ArrayBuffer).byteLength,
                disposition: a.disposition ?? null
              })),
              outcome: "received",
              caseId: null,
              trackingNumber: null,
              detail: null
            },
            bytes
          )
          .pipe(Effect.catchTag("MailboxFailure", unavailable("the mailbox")))
        const mail = recorded.mail
        if (!recorded.created && mail.outcome !== "received") {
          return receipt("duplicate", mail, `this message was received before (${mail.outcome})`, mail.trackingNumber)
        }
        const settle = (
          outcome: Mailbox.Outcome,
          detail: string,
          c: { readonly id: string; readonly trackingNumber: string } | null = null
        ) =>
          mailbox
            .settle(mail.id, { outcome, detail, caseId: c?.id ?? null, trackingNumber: c?.trackingNumber ?? null })
            .pipe(
              Effect.catchTag("MailboxFailure", unavailable("the mailbox")),
              Effect.as(
                receipt(
                  outcome,
                  { ...mail, outcome, detail, caseId: c?.id ?? null, trackingNumber: c?.trackingNumber ?? null },
                  detail,
                  c?.trackingNumber ?? null
                )
              )
            )

        // automatic mail and bounces
        const automatic = Automatic.classify(email, envelope.mailFrom)
        if (automatic !== undefined) {
          if (automatic.kind === "bounce") {
            for (const failed of automatic.failed) {
              yield* mailbox
                .markFailing(failed.address, { at: now, reason: failed.reason })
                .pipe(Effect.catchTag("MailboxFailure", unavailable("the mailbox")))
            }
            const who = automatic.failed.map((f) => f.address).join(", ")
            return yield* settle("bounce", `${automatic.reason}${who === "" ? "" : `; marked failing: ${who}`}`)
          }
          return yield* settle("automatic", automatic.reason)
        }
        if (own.has(Mailbox.normalizeAddress(fromAddress))) {
          return yield* settle("automatic", "sent from the desk's own address (a loop)")
        }

        const authentic = yield* Authenticity.check(options.authenticity, email, bytes, envelope)
        if (!authentic.authentic) return yield* settle("unauthenticated", authentic.detail)

        const entry = yield* directory
          .findByEmail(fromAddress)
          .pipe(Effect.catchTag("DirectoryUnavailable", unavailable("the requester directory")))
        const actor = Option.map(entry, (e) => Actor.requester(e.profile))
        const body = visibleText(email).slice(0, 20_000) || "(empty message)"

        // threading: signed Message-ID, signed reply address, then a tracking number of a case the sender is party of
        const threaded = thread(email, envelope)
        let target: Option.Option<{ readonly case: SupportCase.SupportCase }> = Option.none()
        if (Option.isSome(threaded)) {
          const found = yield* store
            .get(threaded.value.caseId)
            .pipe(Effect.catchTag("CaseStoreFailure", unavailable("the case store")))
          if (Option.isSome(found)) {
            if (Option.isNone(actor) || !isParty(found.value.case, actor.value.id)) {
              return yield* settle(
                "notAParty",
                `threaded to ${found.value.case.trackingNumber} by ${threaded.value.by}, but the sender is not a party of it`,
                found.value.case
              )
            }
            target = found
          }
        }
        if (Option.isNone(target) && Option.isSome(actor)) {
          const inForce = yield* desk.policyInForce.pipe(
            Effect.catchTag("PolicyStoreFailure", unavailable("the policy store"))
          )
          const named = trackingInSubject(inForce.tracking.prefix, email.subject ?? "")
          if (Option.isSome(named)) {
            const found = yield* store
              .getByTrackingNumber(named.value)
              .pipe(Effect.catchTag("CaseStoreFailure", unavailable("the case store")))
            if (Option.isSome(found) && isParty(found.value.case, actor.value.id)) target = found
          }
        }

        if (Option.isSome(target) && Option.isSome(actor)) {
          const added = yield* addToCase(target.value, actor.value, body, messageId).pipe(Effect.result)
          if (added._tag === "Failure") {
            if (added.failure._tag === "IntakeUnavailable") return yield* Effect.fail(added.failure)
            return yield* settle("rejected", added.failure.message, target.value.case)
          }
          if (Option.isSome(added.success)) {
            return yield* settle("replied", `added to ${target.value.case.trackingNumber}`, target.value.case)
          }
          // a closed case: the mail is a new request
        }

        if (Option.isNone(entry) || Option.isNone(actor)) {
          const answered = yield* mailbox
            .countFrom(fromAddress, now - DAY, ["unknownSender"])
            .pipe(Effect.catchTag("MailboxFailure", unavailable("the mailbox")))
          const replied = answered === 0 ? yield* politeRefusal(email, fromAddress, messageId) : false
          return yield* settle(
            "unknownSender",
            replied
              ? "no requester has this address; the sender was told how to reach us"
              : "no requester has this address; not answered"
          )
        }

        const opened = yield* mailbox
          .countFrom(fromAddress, now - limit.windowMillis, ["opened"])
          .pipe(Effect.catchTag("MailboxFailure", unavailable("the mailbox")))
        if (opened >= limit.max) {
          return yield* settle(
            "rateLimited",
            `${opened} new cases from this address in the window (at most ${limit.max})`
          )
        }
        const key = `email:${messageId}`
        const submitted = yield* desk
          .submit({
            requester: entry.value.profile,
            channel,
            category: options.category,
            subject: caseSubject(email.subject),
            description: body,
            language:
              entry.value.language ??
              options.defaultLanguage ??
              (hasCjk(`${email.subject ?? ""} ${body}`) ? "zh-CN" : "en"),
            idempotencyKey: key.length <= 200 ? key : `email:${createHash("sha256").update(messageId).digest("hex")}`
          })
          .pipe(Effect.result)
        if (submitted._tag === "Failure") {
          const error = submitted.failure
          if (error._tag === "CaseStoreFailure") return yield* unavailable("the case store")(error)
          return yield* settle("rejected", error.message)
        }
        const c = submitted.success.view.case
        return yield* settle("opened", `opened ${c.trackingNumber}`, c)
      }).pipe(Effect.withSpan("EmailIntake.receive"))

    return EmailIntake.of({ receive })
  })

/**
 * The intake as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options) => Layer.effect(EmailIntake, make(options))
