/**
 * Delivers the desk's outbox by email. One **round** claims a batch of due messages (`Outbox.claim`: a lease, `FOR
 * UPDATE SKIP LOCKED` on PostgreSQL), renders each in its recipient's language (`EmailTemplates`), sends it
 * (`EmailTransport`) with its threading headers, and marks it sent, or failed with the next attempt's instant
 * (exponential backoff with jitter), or given up after `maxAttempts` (then administrators see it in
 * `Outbox.listFailed` and may retry it).
 *
 * Any number of processes may run rounds on one database: a claimed message is leased to one of them, so in the normal
 * case each message is sent once; a process that dies mid-batch leaves its messages to the end of their lease, when
 * another round claims them again (at least once; the `Message-ID` is the same on every attempt, so a receiver can
 * deduplicate). A round is an `Effect` that a scheduler can run (`round`); `task` is delivery as a periodic task of
 * the desk's worker (`SupportWorker`, every second: each second's run happens once across the host's processes, and a
 * run cut short by a crash is taken over), and `layerLoop` runs rounds one after another for hosts without a worker.
 *
 * Headers (RFC 3834, RFC 5322): `Message-ID` signed for the case and message (`EmailThreading`), `In-Reply-To` and
 * `References` to the case's root (its acknowledgment) so a case threads, `Reply-To` with a signed `+token` when a
 * reply domain is configured, `Auto-Submitted: auto-replied` on acknowledgments (an answer to the requester's mail)
 * and `auto-generated` on everything else, and `X-Auto-Response-Suppress: All` so out-of-office replies stay away.
 *
 * @since 0.1.0
 */
import { Mailbox, Outbox, SupportWorker } from "@support-policy/core"
import { Clock, Duration, Effect, Layer, Option, Random } from "effect"
import * as EmailTemplates from "./EmailTemplates.ts"
import * as EmailThreading from "./EmailThreading.ts"
import { EmailTransport, type OutgoingMail, type TransportFailure } from "./EmailTransport.ts"

/**
 * Options of delivery.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The sender: `"Global Sources Support <support@desk.example>"`. */
  readonly from: string
  /** Signs Message-IDs and reply tokens (`EmailThreading`). */
  readonly threading: EmailThreading.Options
  /** When set, replies go to `{localPart}+{token}@{domain}` (the intake threads them by the token). */
  readonly replyTo?: { readonly localPart: string; readonly domain: string } | undefined
  /** Rendering: the policy's zone and a host's templates. */
  readonly templates: EmailTemplates.Options
  /**
   * The address of a recipient; default: the recipient's `email`. A host resolves staff (whose messages carry no
   * address) here. A message whose recipient has no address is given up (`failed`) at once.
   */
  readonly addressOf?: ((recipient: Outbox.Message["recipient"]) => string | undefined) | undefined
  /** Messages claimed per round (default 20). */
  readonly batchSize?: number | undefined
  /** Messages sent at once within a round (default 4; a pooled transport keeps as many connections). */
  readonly concurrency?: number | undefined
  /** How long a claimed message is leased to this round (default 60 s); longer than a send may take. */
  readonly leaseMillis?: number | undefined
  /** A send that takes longer fails (default 30 s) and is retried. */
  readonly sendTimeoutMillis?: number | undefined
  /** Attempts before a message is given up (default 8). */
  readonly maxAttempts?: number | undefined
  /** Backoff after the n-th failed attempt: `base × 2^(n-1)`, at most `max`, ± `jitter` (defaults 30 s, 6 h, 0.2). */
  readonly backoff?:
    | { readonly baseMillis?: number | undefined; readonly maxMillis?: number | undefined; readonly jitter?: number }
    | undefined
}

/**
 * What a round did.
 *
 * @since 0.1.0
 * @category models
 */
export interface RoundReport {
  readonly claimed: number
  readonly sent: number
  /** Failed attempts that will be tried again. */
  readonly retrying: number
  /** Messages given up in this round (permanent refusals, no address, a failing address, too many attempts). */
  readonly givenUp: number
}

const defaults = {
  batchSize: 20,
  concurrency: 4,
  leaseMillis: 60_000,
  sendTimeoutMillis: 30_000,
  maxAttempts: 8,
  baseMillis: 30_000,
  maxMillis: 6 * 60 * 60_000,
  jitter: 0.2
}

/**
 * The delay before the next attempt after `attempts` failed ones: `base × 2^(attempts-1)`, capped at `max`, then
 * moved by up to ± `jitter` of itself (`random` in [0, 1)).
 *
 * @since 0.1.0
 * @category combinators
 */
export const backoffMillis = (
  attempts: number,
  random: number,
  backoff: { readonly baseMillis: number; readonly maxMillis: number; readonly jitter: number }
): number => {
  const exponential = Math.min(backoff.maxMillis, backoff.baseMillis * 2 ** Math.max(0, attempts - 1))
  return Math.max(1, Math.round(exponential * (1 + backoff.jitter * (2 * random - 1))))
}

/**
 * The mail of an outbox message: rendered, addressed and threaded.
 *
 * @since 0.1.0
 * @category rendering
 */
export const compose = (
  message: Outbox.Message,
  to: string,
  options: Options,
  threading: EmailThreading.Threading = EmailThreading.make(options.threading)
): OutgoingMail => {
  const rendered = EmailTemplates.render(message, options.templates)
  const root = message.caseId === null ? undefined : threading.rootId(message.caseId)
  const own = threading.messageId(message)
  const thread = root !== undefined && root !== own ? root : undefined
  return {
    from: options.from,
    to,
    ...(options.replyTo === undefined || message.caseId === null
      ? {}
      : {
          replyTo: `${options.replyTo.localPart}+${threading.replyToken(message.caseId)}@${options.replyTo.domain}`
        }),
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: own,
    ...(thread === undefined ? {} : { inReplyTo: thread, references: [thread] }),
    headers: {
      "Auto-Submitted": message.kind === "acknowledgment" ? "auto-replied" : "auto-generated",
      "X-Auto-Response-Suppress": "All",
      "Content-Language": rendered.language,
      ...(message.trackingNumber === null ? {} : { "X-Tracking-Number": message.trackingNumber })
    }
  }
}

/**
 * One round of delivery: claim, render, send, mark. Needs the outbox, a transport and the mailbox (addresses marked
 * failing are not written to). Fails only when the outbox cannot be read or written; a failed send is recorded on its
 * message.
 *
 * @since 0.1.0
 * @category delivery
 */
export const round = (
  options: Options
): Effect.Effect<
  RoundReport,
  Outbox.OutboxFailure | Mailbox.MailboxFailure,
  Outbox.Outbox | EmailTransport | Mailbox.Mailbox
> => {
  const threading = EmailThreading.make(options.threading)
  const backoff = {
    baseMillis: options.backoff?.baseMillis ?? defaults.baseMillis,
    maxMillis: options.backoff?.maxMillis ?? defaults.maxMillis,
    jitter: options.backoff?.jitter ?? defaults.jitter
  }
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts
  const addressOf = options.addressOf ?? ((recipient: Outbox.Message["recipient"]) => recipient.email)
  return Effect.gen(function* () {
    const outbox = yield* Outbox.Outbox
    const transport = yield* EmailTransport
    const mailbox = yield* Mailbox.Mailbox
    const now = yield* Clock.currentTimeMillis
    const claimed = yield* outbox.claim({
      limit: options.batchSize ?? defaults.batchSize,
      now,
      leaseMillis: options.leaseMillis ?? defaults.leaseMillis
    })
    const counts = { sent: 0, retrying: 0, givenUp: 0 }
    const giveUp = (id: string, error: string) =>
      Effect.tap(outbox.markFailed(id, { error, retryAt: null }), () =>
        Effect.sync(() => {
          counts.givenUp++
        })
      )

    yield* Effect.forEach(
      claimed,
      (delivery) =>
        Effect.gen(function* () {
          const message = delivery.message
          const to = addressOf(message.recipient)
          if (to === undefined || to.trim() === "") {
            return yield* giveUp(message.id, `no email address for ${message.recipient.role} ${message.recipient.id}`)
          }
          const failing = yield* mailbox.failing(to)
          if (Option.isSome(failing)) {
            return yield* giveUp(message.id, `the address ${to} is failing: ${failing.value.reason}`)
          }
          const mail = compose(message, to, options, threading)
          const sent = yield* transport.send(mail).pipe(
            Effect.timeoutOrElse({
              duration: Duration.millis(options.sendTimeoutMillis ?? defaults.sendTimeoutMillis),
              orElse: () =>
                Effect.fail({
                  _tag: "TransportFailure",
                  message: "the send timed out",
                  permanent: false
                } as TransportFailure)
            }),
            Effect.result
          )
          if (sent._tag === "Success") {
            const at = yield* Clock.currentTimeMillis
            yield* outbox.markSent(message.id, at)
            counts.sent++
            return
          }
          const failure = sent.failure
          if (failure.permanent || delivery.attempts >= maxAttempts) {
            return yield* giveUp(
              message.id,
              `${failure.permanent ? "refused" : `gave up after ${delivery.attempts} attempts`}: ${failure.message}`
            )
          }
          const random = yield* Random.next
          const at = yield* Clock.currentTimeMillis
          yield* outbox.markFailed(message.id, {
            error: failure.message,
            retryAt: at + backoffMillis(delivery.attempts, random, backoff)
          })
          counts.retrying++
        }),
      { concurrency: options.concurrency ?? defaults.concurrency, discard: true }
    )
    return { claimed: claimed.length, ...counts }
  }).pipe(Effect.withSpan("EmailDelivery.round"))
}

const emptyReport: RoundReport = { claimed: 0, sent: 0, retrying: 0, givenUp: 0 }

/**
 * Rounds back to back while they claim a full batch: everything due now (and whatever falls due meanwhile) is sent,
 * one batch at a time. The counts of all its rounds. Fails as a round fails.
 *
 * @since 0.1.0
 * @category delivery
 */
export const drain = (
  options: Options
): Effect.Effect<
  RoundReport,
  Outbox.OutboxFailure | Mailbox.MailboxFailure,
  Outbox.Outbox | EmailTransport | Mailbox.Mailbox
> => {
  const batch = options.batchSize ?? defaults.batchSize
  const once = round(options)
  return Effect.gen(function* () {
    let total = emptyReport
    for (;;) {
      const report = yield* once
      total = {
        claimed: total.claimed + report.claimed,
        sent: total.sent + report.sent,
        retrying: total.retrying + report.retrying,
        givenUp: total.givenUp + report.givenUp
      }
      if (report.claimed < batch) return total
    }
  })
}

/**
 * The name of the delivery task in the worker's task table (`support_tasks`).
 *
 * @since 0.1.0
 * @category constants
 */
export const taskName = "email/delivery"

/**
 * Delivery as a periodic task of the desk's worker: `SupportWorker.layer({ tasks: [EmailDelivery.task(options)] })`.
 * Each run {@link drain}s the outbox; a run happens every `every` (default 1 second) once across all the processes
 * that run the worker, so a message goes out within about a second of being written. A process that dies mid-run
 * holds the task for `lease` (default 10 seconds, renewed every third of it while the run lasts); another process
 * then takes the task over, and the messages the dead one had claimed once their own lease (`leaseMillis`) ends.
 * A failed run (the database or the SMTP server down) is logged by the worker, and the next period runs.
 *
 * @since 0.1.0
 * @category delivery
 */
export const task = (
  options: Options & {
    /** The task's period (default 1 second): how long a message may wait for the next run. */
    readonly every?: Duration.Input | undefined
    /** How long a dead process holds the task before another takes it over (default 10 seconds). */
    readonly lease?: Duration.Input | undefined
    /** The task's name (default {@link taskName}); two hosts' deliveries on one database need two names. */
    readonly name?: string | undefined
  }
): SupportWorker.Task<Outbox.Outbox | EmailTransport | Mailbox.Mailbox> =>
  SupportWorker.task(
    options.name ?? taskName,
    options.every ?? "1 second",
    Effect.tap(drain(options), (report) =>
      report.givenUp > 0 ? Effect.logWarning(`email delivery: gave up ${report.givenUp} message(s)`) : Effect.void
    ),
    { lease: options.lease ?? "10 seconds" }
  )

/**
 * Runs rounds for as long as the layer lives, for a host without the desk's worker: a round right after a full batch,
 * else one every `intervalMillis` (default 2 s). A round that fails (the database is down) is logged and the next one
 * tries again. Every process that adds it polls the outbox; `task` runs delivery once per period across them.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLoop = (
  options: Options & { readonly intervalMillis?: number | undefined }
): Layer.Layer<never, never, Outbox.Outbox | EmailTransport | Mailbox.Mailbox> => {
  const once = drain(options).pipe(
    Effect.catchCause((cause) =>
      Effect.as(Effect.logWarning("email delivery: a round failed; trying again", cause), emptyReport)
    )
  )
  const loop = Effect.gen(function* () {
    for (;;) {
      yield* once
      yield* Effect.sleep(Duration.millis(options.intervalMillis ?? 2_000))
    }
  })
  return Layer.effectDiscard(Effect.forkScoped(loop))
}
