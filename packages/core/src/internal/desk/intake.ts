/**
 * Taking a request (clauses 2.2–2.4, 6.4): the request is checked against the policy (audience, flags, category,
 * channel); a channel that is closed now (live chat outside the hours of 2.1) hands the request to an always-open
 * channel; triage sets the priority and the route (an account manager for the requesters who have one, 2.4); the
 * initial record is evaluated once, which gives both the case's clocks and the promises of 6.1–6.3; a tracking
 * number is drawn; and the case, its record and its acknowledgment are written in one unit of work, the store
 * checking the opening limits of 7.3 in the same write.
 *
 * `quote` runs the same steps without writing: what a submission received at an instant would be promised (the
 * HTTP API's reply-by preview), so the preview and the submission cannot disagree.
 *
 * A new case is opened under the version of the policy in force (clause 7.1; `policies.ts`), and names it.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import * as BusinessCalendar from "../../BusinessCalendar.ts"
import * as CaseEvent from "../../CaseEvent.ts"
import * as CaseLifecycle from "../../CaseLifecycle.ts"
import { ChannelNotAccepted, type InputInvalid, type SubmitError } from "../../DeskError.ts"
import { decoder, invalid, QuoteInput, SubmitInput } from "../../DeskInput.ts"
import * as Randomness from "../../Randomness.ts"
import * as Sla from "../../Sla.ts"
import type { Stored } from "../../CaseStore.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type { Options, Quote, Submission } from "../../SupportDesk.ts"
import * as SupportPolicy from "../../SupportPolicy.ts"
import * as TrackingNumber from "../../TrackingNumber.ts"
import { fingerprint } from "../fingerprint.ts"
import * as Escalations from "./escalations.ts"
import { inClockRecord, type Kernel } from "./kernel.ts"
import { message, type Notice } from "./notices.ts"
import * as Policies from "./policies.ts"
import * as Refusal from "./refusal.ts"
import { nextDueAt } from "./views.ts"

/** A request as intake takes it: a submission, or the opening of a mediation with its category chosen. */
export interface Intake {
  readonly requester: Actor.RequesterProfile
  readonly channel: string
  readonly category: string
  readonly subject: string
  readonly description: string
  readonly orderReference?: string | undefined
  readonly language: string
  readonly idempotencyKey?: string | undefined
}

/** Who asks, as far as the policy's rules look at them. */
type Requesting = Pick<Actor.RequesterProfile, "audience" | "flags">

const TRACKING_NUMBER_DRAWS = 5

const channelAccepts = (channel: SupportPolicy.Channel, requester: Requesting): boolean =>
  channel.opensCase &&
  (channel.audiences === undefined || channel.audiences.includes(requester.audience)) &&
  (channel.requesterFlags === undefined || channel.requesterFlags.every((f) => (requester.flags ?? []).includes(f)))

/**
 * The channel that takes a request made through `channel` while it is closed (clause 2.2: live chat is staffed in
 * the hours of 2.1; outside them a chat message is taken through an always-open channel): the channel named by
 * `options.whenClosed` if it is always open and accepts the requester, else the first always-open channel of the
 * policy that opens cases and accepts the requester.
 */
export const fallbackChannel = (
  policy: SupportPolicy.SupportPolicy,
  channel: SupportPolicy.Channel,
  requester: Requesting,
  options?: Options
): SupportPolicy.Channel | undefined => {
  const named = options?.whenClosed?.[channel.id] ?? channel.whenClosed
  const preferred = named === undefined ? undefined : policy.channels.find((c) => c.id === named)
  if (preferred !== undefined && preferred.availability === "always" && channelAccepts(preferred, requester)) {
    return preferred
  }
  return policy.channels.find((c) => c.availability === "always" && channelAccepts(c, requester))
}

const decodeSubmit = decoder(SubmitInput)
const decodeQuote = decoder(QuoteInput)

/** The request's facts against the policy; the paths name where the caller gave each one. */
const validate = (
  policy: SupportPolicy.SupportPolicy,
  request: Requesting & { readonly category: string; readonly channel: string },
  paths: { readonly audience: string; readonly flags: string }
): Effect.Effect<SupportPolicy.Channel, InputInvalid> => {
  const problems: Array<{ path: string; message: string }> = []
  const audiences = policy.audiences.map((a) => a.id)
  if (!audiences.includes(request.audience)) {
    problems.push({
      path: paths.audience,
      message: `unknown audience "${request.audience}"; expected one of ${audiences.join(", ")}`
    })
  }
  const flags = policy.requesterFlags.map((f) => f.id)
  ;(request.flags ?? []).forEach((flag, i) => {
    if (!flags.includes(flag))
      problems.push({ path: `${paths.flags}[${i}]`, message: `unknown requester flag "${flag}"` })
  })
  const category = policy.categories.find((c) => c.id === request.category)
  if (category === undefined) {
    problems.push({ path: "category", message: `unknown category "${request.category}"` })
  } else if (audiences.includes(request.audience) && !category.audiences.includes(request.audience)) {
    problems.push({
      path: "category",
      message:
        `category "${request.category}" is not offered to ${request.audience}s ` +
        `(clause ${category.clause}: ${category.audiences.join(", ")} only)`
    })
  }
  const channel = policy.channels.find((c) => c.id === request.channel)
  if (channel === undefined) {
    problems.push({
      path: "channel",
      message: `unknown channel "${request.channel}"; expected one of ${policy.channels.map((c) => c.id).join(", ")}`
    })
  }
  return problems.length > 0 || channel === undefined ? Effect.fail(invalid(problems)) : Effect.succeed(channel)
}

/** Clauses 2.2–2.4: whether the channel takes the request now, or which always-open channel takes it instead. */
const chooseChannel = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  options: Options,
  channel: SupportPolicy.Channel,
  requester: Requesting,
  t: number
) =>
  Effect.gen(function* () {
    const refuse = (reason: ChannelNotAccepted["reason"], message: string) =>
      new ChannelNotAccepted({ channel: channel.id, reason, message })
    if (!channel.opensCase) {
      const opening = policy.channels.filter((c) => c.opensCase).map((c) => c.name)
      return yield* refuse(
        "doesNotOpenCases",
        `${channel.name} does not open cases (clause ${channel.clause}); use one of ${opening.join(", ")}`
      )
    }
    if (channel.audiences !== undefined && !channel.audiences.includes(requester.audience)) {
      return yield* refuse(
        "audience",
        `${channel.name} is not offered to ${requester.audience}s (clause ${channel.clause})`
      )
    }
    if (
      channel.requesterFlags !== undefined &&
      !channel.requesterFlags.every((f) => (requester.flags ?? []).includes(f))
    ) {
      return yield* refuse(
        "requesterFlags",
        `${channel.name} is only for requesters with ${channel.requesterFlags.join(", ")} (clause ${channel.clause})`
      )
    }
    const instant = Sla.instant(t)
    if (channel.availability === "always" || BusinessCalendar.isOpen(calendar, instant)) {
      return { taken: channel, nextOpening: null as number | null }
    }
    const nextOpening = BusinessCalendar.nextOpening(calendar, instant).epochMilliseconds
    const fallback = fallbackChannel(policy, channel, requester, options)
    if (fallback === undefined) {
      return yield* refuse(
        "closed",
        `${channel.name} is closed until ${Sla.formatInstant(nextOpening, policy.calendar.spec.timeZone)} and no ` +
          "always-open channel takes the request"
      )
    }
    return { taken: fallback, nextOpening }
  })

/** Triage (clause 2.4 among others): the priority, and whom the case is assigned to. */
const triage = (
  policy: SupportPolicy.SupportPolicy,
  category: string,
  taken: SupportPolicy.Channel,
  requester: Requesting & { readonly accountManagerId?: string | undefined }
) => {
  const result = SupportPolicy.triage(policy, {
    category,
    channel: taken.id,
    audience: requester.audience,
    requesterFlags: requester.flags ?? []
  })
  const assignee: CaseEvent.Assignee =
    result.routeTo.role === "accountManager"
      ? requester.accountManagerId === undefined
        ? { role: "agent" }
        : { role: "accountManager", id: requester.accountManagerId }
      : result.routeTo.queue === undefined
        ? { role: "agent" }
        : { role: "agent", queue: result.routeTo.queue }
  return { priority: result.priority, assignee }
}

/** The first events of a case's record, all at `t`. */
const initialRecord = (
  t: number,
  submitted: Omit<CaseEvent.Of<"submitted">, "type" | "sequence" | "at" | "actor">,
  assignee: CaseEvent.Assignee,
  mediation: { readonly counterpartyId: string } | undefined
): Array<CaseEvent.CaseEvent> => {
  const requester: CaseEvent.Actor = { role: "requester", id: submitted.requester.id }
  const events: Array<CaseEvent.CaseEvent> = [
    { sequence: 1, at: t, actor: requester, type: "submitted", ...submitted },
    { sequence: 2, at: t, actor: Actor.system, type: "assigned", to: assignee }
  ]
  if (mediation !== undefined) {
    events.push(
      {
        sequence: 3,
        at: t,
        actor: requester,
        type: "mediationRequested",
        counterpartyId: mediation.counterpartyId,
        body: submitted.body ?? ""
      },
      {
        sequence: 4,
        at: t,
        actor: Actor.system,
        type: "counterpartyContacted",
        counterpartyId: mediation.counterpartyId
      }
    )
  }
  return events
}

export const make = (k: Kernel) => {
  const { store, options } = k
  const drawTrackingNumber = (prefix: string) =>
    TrackingNumber.make(prefix).pipe(Effect.provideService(Randomness.Randomness, k.randomness))

  // -----------------------------------------------------------------------------------------------------------------
  // quote
  // -----------------------------------------------------------------------------------------------------------------

  const quote = Effect.fn("SupportDesk.quote")(function* (input: QuoteInput) {
    const decoded = yield* decodeQuote(input)
    const { policy, calendar } = Policies.rulesOf(yield* k.inForce)
    const t = decoded.receivedAt ?? (yield* k.now)
    const audience =
      decoded.audience ??
      policy.categories.find((c) => c.id === decoded.category)?.audiences[0] ??
      policy.audiences[0].id
    const requester: Requesting = { audience, flags: decoded.requesterFlags ?? [] }
    const requested = yield* validate(
      policy,
      { ...requester, category: decoded.category, channel: decoded.channel },
      { audience: "audience", flags: "requesterFlags" }
    )
    if (decoded.priority !== undefined && !policy.priorities.some((p) => p.id === decoded.priority)) {
      return yield* invalid([
        {
          path: "priority",
          message: `unknown priority "${decoded.priority}"; expected one of ${policy.priorities.map((p) => p.id).join(", ")}`
        }
      ])
    }
    const { nextOpening, taken } = yield* chooseChannel(policy, calendar, options, requested, requester, t)
    const triaged = triage(policy, decoded.category, taken, requester)
    const priority = decoded.priority ?? triaged.priority
    const record = initialRecord(
      t,
      {
        channel: taken.id,
        category: decoded.category,
        priority,
        audience,
        requester: { id: "quote", flags: requester.flags ?? [] }
      },
      triaged.assignee,
      undefined
    )
    const plan = Sla.planOf(Sla.evaluate(policy, record, t))
    return {
      receivedAt: t,
      priority,
      category: decoded.category,
      audience,
      channel: { requested: requested.id, taken: taken.id, nextOpening },
      plan,
      replyBy: plan.find((p) => p.metric === "firstResponse")?.dueAt ?? null
    } satisfies Quote
  })

  // -----------------------------------------------------------------------------------------------------------------
  // submission
  // -----------------------------------------------------------------------------------------------------------------

  /** A submission that an idempotency key replayed: the case first created, with what it was promised then. */
  const replayed = (actor: Actor.Actor, stored: Stored, requested: string, t: number) =>
    Effect.gen(function* () {
      // the clock record starts with the submission (without its texts): the facts the promises were made from
      const submitted = stored.clockRecord[0] as CaseEvent.Of<"submitted">
      // promised under the version the case was opened under (a move is in the clock record)
      const opening = stored.clockRecord.find((e) => e.type === "policyChanged")
      const policy = yield* k.policies.require(
        opening?.type === "policyChanged" ? opening.from : stored.case.policyVersion
      )
      const plan = Sla.plan(policy, {
        receivedAt: CaseEvent.instant(submitted),
        priority: submitted.priority,
        category: submitted.category,
        channel: submitted.channel,
        audience: submitted.audience,
        requesterFlags: submitted.requester.flags
      })
      return {
        created: false,
        view: yield* k.viewStored(actor, stored, t),
        policy,
        plan,
        replyBy: plan.find((p) => p.metric === "firstResponse")?.dueAt ?? null,
        channel: { requested, taken: submitted.channel, nextOpening: null },
        acknowledgment: null
      } satisfies Submission
    })

  /** Opens a case for a decoded request, with the first events of a mediation when one is asked for (clause 4.5). */
  const openCase = (
    input: Intake,
    mediation: { readonly counterpartyId: string } | undefined
  ): Effect.Effect<Submission, SubmitError> =>
    Effect.gen(function* () {
      const rules = Policies.rulesOf(yield* k.inForce)
      const { policy, calendar } = rules
      const requested = yield* validate(
        policy,
        { ...input.requester, category: input.category, channel: input.channel },
        { audience: "requester.audience", flags: "requester.flags" }
      )
      const t = yield* k.now
      const { nextOpening, taken } = yield* chooseChannel(policy, calendar, options, requested, input.requester, t)
      const flags = input.requester.flags ?? []
      const { priority, assignee } = triage(policy, input.category, taken, input.requester)
      const events = initialRecord(
        t,
        {
          channel: taken.id,
          category: input.category,
          priority,
          audience: input.requester.audience,
          requester: { id: input.requester.id, flags },
          subject: input.subject,
          body: input.description
        },
        assignee,
        mediation
      )
      // the one evaluation of a new case: its state's next due instant, its view, and its promises
      const clockRecord = events.filter((e) => inClockRecord(policy, e)).map(CaseEvent.withoutText)
      const evaluation = Sla.evaluate(policy, clockRecord, t)
      const facts = CaseLifecycle.factsUnsafe(events)
      const plan = Sla.planOf(evaluation)
      const due = nextDueAt(evaluation)
      const channel = { requested: requested.id, taken: taken.id, nextOpening }
      const requester: SupportCase.Requester = {
        id: input.requester.id,
        audience: input.requester.audience,
        flags,
        ...(input.requester.accountManagerId === undefined
          ? {}
          : { accountManagerId: input.requester.accountManagerId }),
        ...(input.requester.email === undefined ? {} : { email: input.requester.email }),
        ...(input.requester.name === undefined ? {} : { name: input.requester.name }),
        ...(input.requester.timeZone === undefined ? {} : { timeZone: input.requester.timeZone })
      }
      const idempotency =
        input.idempotencyKey === undefined
          ? undefined
          : { key: input.idempotencyKey, fingerprint: fingerprint({ ...input, idempotencyKey: undefined, mediation }) }
      const requesterView: Actor.Actor = { role: "requester", ...input.requester }

      for (let draw = 1; ; draw++) {
        const id = yield* k.randomId
        const trackingNumber = yield* drawTrackingNumber(policy.tracking.prefix)
        const supportCase = CaseLifecycle.caseOf(
          {
            id,
            trackingNumber,
            policyId: policy.id,
            policyVersion: policy.version,
            requester,
            language: input.language,
            orderReference: input.orderReference
          },
          facts,
          due
        )
        const notices: Array<Notice> = [rules.notices.acknowledgment(supportCase, channel, plan)]
        if (mediation !== undefined) {
          notices.push(rules.notices.mediationInvitation(supportCase, mediation.counterpartyId))
        }
        const outbox = yield* Effect.forEach(notices, (notice) =>
          Effect.map(k.randomId, (messageId) => message(messageId, notice, supportCase, 1, t))
        )
        const result = yield* store
          .create({
            case: supportCase,
            facts,
            events,
            clockRecord,
            outbox,
            idempotency,
            openingLimits: Refusal.openingLimits(policy, t),
            alertAt: Escalations.nextAlertAt(Escalations.pending(policy, calendar, clockRecord, evaluation))
          })
          .pipe(
            Effect.map(Option.some),
            Effect.catchTag("TrackingNumberTaken", (e) =>
              draw < TRACKING_NUMBER_DRAWS ? Effect.succeed(Option.none()) : Effect.die(e)
            ),
            Effect.catchTag("OpeningLimitReached", (reached) =>
              Effect.fail(Refusal.openingLimitExceeded(policy, input.requester.id, reached))
            )
          )
        if (Option.isNone(result)) continue
        const created = result.value
        if (!created.created) return yield* replayed(requesterView, created.stored, requested.id, t)
        return {
          created: true,
          view: k.viewOfRecord(
            requesterView,
            {
              stored: created.stored,
              evaluation,
              rules: { ...rules, evaluate: (r, at) => Sla.evaluate(policy, r, at) }
            },
            events,
            t
          ),
          policy,
          plan,
          replyBy: plan.find((p) => p.metric === "firstResponse")?.dueAt ?? null,
          channel,
          acknowledgment: outbox[0]
        } satisfies Submission
      }
    })

  const submit = Effect.fn("SupportDesk.submit")(function* (input: SubmitInput) {
    return yield* openCase(yield* decodeSubmit(input), undefined)
  })

  return { submit, quote, openCase }
}

export type IntakeRoom = ReturnType<typeof make>
