/**
 * What the email channel keeps for staff (clause 2.2, "support via email"): every incoming mail with its full original
 * and what became of it (a new case, a reply, an auto-reply set aside, a bounce, …), and the addresses that bounced.
 *
 * A mail is recorded once per Message-ID: the same mail delivered twice finds its first record (`record` answers
 * `created: false`), which is how an email adapter stays idempotent before it touches the desk. The original is kept
 * beside the record, read with `original` (staff only: the HTTP API asks for staff). An address marked failing (a
 * delivery-status report said the mailbox does not exist) gets no more mail until staff clear it.
 *
 * Instants are epoch milliseconds given by the caller; addresses are compared in lower case.
 *
 * The mailbox takes part in the erasure of a requester's personal data (`erase`, called by the desk through
 * {@link holder}): the mails of the erased cases and the mails from the requester's addresses are deleted with their
 * originals, except those of cases kept on a legal hold, and the addresses are no longer marked failing.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import * as Erasure from "./Erasure.ts"

/**
 * An attachment of an incoming mail, as metadata: the email adapter keeps the whole original, never the attachment
 * apart.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Attachment = Schema.Struct({
  filename: Schema.NullOr(Schema.String),
  contentType: Schema.String,
  /** Size in bytes, decoded. */
  size: Schema.Int,
  disposition: Schema.NullOr(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Attachment = typeof Attachment.Type

/**
 * What became of an incoming mail.
 * - `received`: recorded, not yet handled (a crash between recording and handling leaves this; a redelivery handles
 *   it);
 * - `opened`: it opened a case; `replied`: it was added to a case;
 * - `automatic`: an auto-reply, out-of-office, mailing-list or bulk mail: set aside, never answered;
 * - `bounce`: a delivery-status report: the failed recipient is marked failing;
 * - `unknownSender`: no requester has this address (what the sender got is in `detail`);
 * - `notAParty`: it named a case its sender is not a party of: set aside for staff, linked to that case;
 * - `rateLimited`: the address sent more new requests than the limit in the window: set aside, not answered;
 * - `unauthenticated`: the sender's domain did not authenticate it (DMARC, DKIM, SPF): set aside, not answered;
 * - `rejected`: the desk refused it (an invalid request, a rate limit of the policy): `detail` says why.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Outcome = Schema.Literals([
  "received",
  "opened",
  "replied",
  "automatic",
  "bounce",
  "unknownSender",
  "notAParty",
  "rateLimited",
  "unauthenticated",
  "rejected"
])

/**
 * @since 0.1.0
 * @category models
 */
export type Outcome = typeof Outcome.Type

/**
 * An incoming mail as recorded: who sent it, what it is about, what became of it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InboundMail = Schema.Struct({
  /** Random id. */
  id: CaseEvent.Id,
  /** The mail's Message-ID without angle brackets (one is made from a digest of the mail when it has none). */
  messageId: CaseEvent.Id,
  receivedAt: CaseEvent.EpochMillis,
  /** The sender's address (the `From` header), in lower case. */
  from: Schema.String,
  /** The envelope recipients. */
  to: Schema.Array(Schema.String),
  subject: Schema.String,
  /** The size of the original in bytes. */
  size: Schema.Int,
  attachments: Schema.Array(Attachment),
  outcome: Outcome,
  /** The case it opened, was added to, or named. */
  caseId: Schema.NullOr(CaseEvent.Id),
  trackingNumber: Schema.NullOr(Schema.String),
  /** Why, in words (the reason an auto-reply was recognised, the desk's refusal, …). */
  detail: Schema.NullOr(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type InboundMail = typeof InboundMail.Type

/**
 * An address that bounced: since when, how often, and the last reason.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FailingAddress = Schema.Struct({
  address: Schema.String,
  since: CaseEvent.EpochMillis,
  lastAt: CaseEvent.EpochMillis,
  count: Schema.Int,
  reason: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export type FailingAddress = typeof FailingAddress.Type

/**
 * What became of a recorded mail, set by `settle`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settlement {
  readonly outcome: Outcome
  readonly caseId: string | null
  readonly trackingNumber: string | null
  readonly detail: string | null
}

/**
 * A storage failure of the mailbox. `cause` keeps the driver's error.
 *
 * @since 0.1.0
 * @category errors
 */
export class MailboxFailure extends Schema.TaggedError<MailboxFailure>()("MailboxFailure", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * Paging for lists: `limit` items after skipping `offset`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly limit: number
  readonly offset?: number | undefined
}

/**
 * What `erase` removes: the mails of `caseIds` (whoever sent them), and the mails from `addresses` (whatever case they
 * name, or none) except those of `heldCaseIds`; and `addresses` from the failing addresses.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErasureScope {
  readonly caseIds: ReadonlyArray<string>
  readonly heldCaseIds: ReadonlyArray<string>
  readonly addresses: ReadonlyArray<string>
}

/**
 * What `erase` removed: how many mails (with their originals) and failing addresses.
 *
 * @since 0.1.0
 * @category models
 */
export interface Erased {
  readonly mails: number
  readonly failing: number
}

/**
 * The mailbox port.
 *
 * @since 0.1.0
 * @category services
 */
export class Mailbox extends Context.Service<
  Mailbox,
  {
    /**
     * Records an incoming mail with its original, unless a mail with the same `messageId` is recorded already: then
     * nothing is written and the first record is answered with `created: false`.
     */
    readonly record: (
      mail: InboundMail,
      original: Uint8Array
    ) => Effect.Effect<{ readonly created: boolean; readonly mail: InboundMail }, MailboxFailure>
    /** Sets what became of a recorded mail. An unknown id is ignored. */
    readonly settle: (id: string, settlement: Settlement) => Effect.Effect<void, MailboxFailure>
    readonly get: (id: string) => Effect.Effect<Option.Option<InboundMail>, MailboxFailure>
    /** The full original of a recorded mail, exactly as received. */
    readonly original: (id: string) => Effect.Effect<Option.Option<Uint8Array>, MailboxFailure>
    /** The mails of a case, oldest first (by `receivedAt`, then id). */
    readonly listByCase: (caseId: string) => Effect.Effect<ReadonlyArray<InboundMail>, MailboxFailure>
    /** Every recorded mail, newest first (by `receivedAt`, then id descending). */
    readonly list: (page: Page) => Effect.Effect<ReadonlyArray<InboundMail>, MailboxFailure>
    /** How many mails from `address` with one of `outcomes` were received at or after `since`. */
    readonly countFrom: (
      address: string,
      since: number,
      outcomes: ReadonlyArray<Outcome>
    ) => Effect.Effect<number, MailboxFailure>
    /** Marks an address failing (a bounce), or counts one more bounce of a failing address. */
    readonly markFailing: (
      address: string,
      options: { readonly at: number; readonly reason: string }
    ) => Effect.Effect<FailingAddress, MailboxFailure>
    readonly failing: (address: string) => Effect.Effect<Option.Option<FailingAddress>, MailboxFailure>
    /** The failing addresses, the most recent bounce first. */
    readonly listFailing: (page: Page) => Effect.Effect<ReadonlyArray<FailingAddress>, MailboxFailure>
    /** Clears a failing address (staff fixed it); answers whether it was failing. */
    readonly clearFailing: (address: string) => Effect.Effect<boolean, MailboxFailure>
    /**
     * Deletes what `scope` names (see {@link ErasureScope}): the mails' rows with their originals, and the failing
     * addresses. Idempotent: what is gone stays gone, and a second call removes nothing more.
     */
    readonly erase: (scope: ErasureScope) => Effect.Effect<Erased, MailboxFailure>
  }
>()("@support-policy/core/Mailbox") {}

/**
 * An address as the mailbox compares it: trimmed, in lower case.
 *
 * @since 0.1.0
 * @category constructors
 */
export const normalizeAddress = (address: string): string => address.trim().toLowerCase()

/**
 * Whether `erase` removes `mail` (the memory adapter's rule; the SQL adapters say the same in a query): a mail of an
 * erased case, or from an erased address and not of a held case.
 *
 * @since 0.1.0
 * @category erasure
 */
export const erases = (scope: ErasureScope, mail: InboundMail): boolean =>
  (mail.caseId !== null && scope.caseIds.includes(mail.caseId)) ||
  (scope.addresses.some((a) => normalizeAddress(a) === mail.from) &&
    (mail.caseId === null || !scope.heldCaseIds.includes(mail.caseId)))

/**
 * The mailbox as a holder of personal data (`Erasure.PersonalDataHolder`): for a subject, it erases the mails of the
 * cases being erased, and the mails from the subject's addresses (their addresses come only when the whole person is
 * erased, see `Erasure.Subject`) except those of held cases, and forgets those addresses as failing. The support desk
 * adds it by itself when a `Mailbox` is in the context it is built in.
 *
 * @since 0.1.0
 * @category erasure
 */
export const holder = (mailbox: Mailbox["Service"]): Erasure.PersonalDataHolder => ({
  name: "mailbox",
  erase: (subject) =>
    mailbox.erase({ caseIds: subject.caseIds, heldCaseIds: subject.heldCaseIds, addresses: subject.emails }).pipe(
      Effect.asVoid,
      Effect.mapError((cause) => new Erasure.HolderFailure({ holder: "mailbox", message: cause.message, cause }))
    )
})

/**
 * Checks a page: a whole `limit` of 0 or more and a whole `offset` of 0 or more; dies naming the field otherwise.
 *
 * @since 0.1.0
 * @category validation
 */
export const validatePage = (operation: string, page: Page): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!Number.isSafeInteger(page.limit) || page.limit < 0) problems.push(`limit: expected a non-negative integer`)
  if (page.offset !== undefined && (!Number.isSafeInteger(page.offset) || page.offset < 0)) {
    problems.push(`offset: expected a non-negative integer`)
  }
  return problems.length > 0 ? Effect.die(new Error(`Mailbox.${operation}: ${problems.join("; ")}`)) : Effect.void
}

const decodeMail = Schema.decodeUnknownSync(InboundMail)

/**
 * Checks a mail before it is recorded (a malformed one is a defect of the caller: it dies naming the field).
 *
 * @since 0.1.0
 * @category validation
 */
export const validateMail = (mail: InboundMail): Effect.Effect<InboundMail> =>
  Effect.try({ try: () => decodeMail(mail), catch: (e) => e }).pipe(
    Effect.catch((e) => Effect.die(new Error(`Mailbox.record: ${String(e)}`)))
  )

/**
 * The mailbox in memory, on a fresh state of its own.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Mailbox> = Layer.sync(Mailbox, () => {
  const mails = new Map<string, InboundMail>()
  const originals = new Map<string, Uint8Array>()
  const byMessageId = new Map<string, string>()
  const failingAddresses = new Map<string, FailingAddress>()
  const newestFirst = (a: InboundMail, b: InboundMail) =>
    b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

  return Mailbox.of({
    record: (mail, original) =>
      Effect.map(validateMail(mail), (valid) => {
        const first = byMessageId.get(valid.messageId)
        if (first !== undefined) return { created: false, mail: mails.get(first)! }
        const stored = Object.freeze({
          ...valid,
          from: normalizeAddress(valid.from),
          to: Object.freeze([...valid.to]),
          attachments: Object.freeze(valid.attachments.map((a) => Object.freeze({ ...a })))
        })
        mails.set(stored.id, stored)
        originals.set(stored.id, new Uint8Array(original))
        byMessageId.set(stored.messageId, stored.id)
        return { created: true, mail: stored }
      }),
    settle: (id, settlement) =>
      Effect.sync(() => {
        const mail = mails.get(id)
        if (mail !== undefined) mails.set(id, Object.freeze({ ...mail, ...settlement }))
      }),
    get: (id) => Effect.sync(() => Option.fromNullishOr(mails.get(id))),
    original: (id) =>
      Effect.sync(() => Option.map(Option.fromNullishOr(originals.get(id)), (bytes) => new Uint8Array(bytes))),
    listByCase: (caseId) =>
      Effect.sync(() =>
        [...mails.values()]
          .filter((m) => m.caseId === caseId)
          .sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      ),
    list: (page) =>
      Effect.map(validatePage("list", page), () => {
        const offset = page.offset ?? 0
        return [...mails.values()].sort(newestFirst).slice(offset, offset + page.limit)
      }),
    countFrom: (address, since, outcomes) =>
      Effect.sync(() => {
        const from = normalizeAddress(address)
        let n = 0
        for (const m of mails.values())
          if (m.from === from && m.receivedAt >= since && outcomes.includes(m.outcome)) n++
        return n
      }),
    markFailing: (address, options) =>
      Effect.sync(() => {
        const key = normalizeAddress(address)
        const before = failingAddresses.get(key)
        const after: FailingAddress = Object.freeze({
          address: key,
          since: before?.since ?? options.at,
          lastAt: Math.max(before?.lastAt ?? options.at, options.at),
          count: (before?.count ?? 0) + 1,
          reason: options.reason
        })
        failingAddresses.set(key, after)
        return after
      }),
    failing: (address) => Effect.sync(() => Option.fromNullishOr(failingAddresses.get(normalizeAddress(address)))),
    listFailing: (page) =>
      Effect.map(validatePage("listFailing", page), () => {
        const offset = page.offset ?? 0
        return [...failingAddresses.values()]
          .sort((a, b) => b.lastAt - a.lastAt || (a.address < b.address ? -1 : 1))
          .slice(offset, offset + page.limit)
      }),
    clearFailing: (address) => Effect.sync(() => failingAddresses.delete(normalizeAddress(address))),
    erase: (scope) =>
      Effect.sync(() => {
        let erasedMails = 0
        for (const mail of [...mails.values()]) {
          if (!erases(scope, mail)) continue
          mails.delete(mail.id)
          originals.delete(mail.id)
          byMessageId.delete(mail.messageId)
          erasedMails++
        }
        let failing = 0
        for (const address of new Set(scope.addresses.map(normalizeAddress))) {
          if (failingAddresses.delete(address)) failing++
        }
        return { mails: erasedMails, failing }
      })
  })
})
