/**
 * Every text the desk writes to people, in one place: who receives each notification, its subject and body, and the
 * sentences a requester reads after submitting (the tracking number, a closed channel's hand-over, the promises of
 * clauses 6.1–6.3). Instants are written by `Sla.formatInstant`, in the policy's time zone unless a caller gives the
 * reader's.
 */
import type * as Actor from "../../Actor.ts"
import type * as BusinessCalendar from "../../BusinessCalendar.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import type * as Incident from "../../Incident.ts"
import type * as Outbox from "../../Outbox.ts"
import * as Sla from "../../Sla.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import { reopenDeadline } from "./views.ts"

export type Recipient = Outbox.Message["recipient"]

/**
 * A notification before the desk gives it an id and writes it to the outbox with its events. `data` says the same as
 * data (the template and its parameters), so that a delivery adapter can write it in the recipient's language.
 */
export interface Notice {
  readonly kind: Outbox.Kind
  readonly to: Recipient
  readonly subject: string
  readonly body: string
  readonly data: Outbox.Data
}

/**
 * A signed rating link for the requester of a case answered now (`satisfaction.ts`, `ratingLink`): its address and
 * until when the case may be rated.
 */
export interface RatingLink {
  readonly url: string
  readonly until: number
}

/** The common parameters of every notice about a case. */
const about = (c: SupportCase.SupportCase) => ({
  trackingNumber: c.trackingNumber,
  caseSubject: c.subject,
  ...(c.requester.name === undefined ? {} : { requesterName: c.requester.name })
})

const data = (template: string, c: SupportCase.SupportCase, params: Record<string, unknown> = {}): Outbox.Data => ({
  template,
  params: { ...about(c), ...params }
})

/** Where a notice to the requester of `c` says times: their zone when known, else the policy's. */
const zoneOf = (c: SupportCase.SupportCase, policyZone: string): string => c.requester.timeZone ?? policyZone

// -------------------------------------------------------------------------------------------------------------------
// recipients
// -------------------------------------------------------------------------------------------------------------------

export const requesterOf = (c: SupportCase.SupportCase): Recipient => ({
  id: c.requester.id,
  role: "requester",
  language: c.language,
  ...(c.requester.email === undefined ? {} : { email: c.requester.email }),
  ...(c.requester.name === undefined ? {} : { name: c.requester.name }),
  ...(c.requester.timeZone === undefined ? {} : { timeZone: c.requester.timeZone })
})

/** A party of the case: the requester with their contact details, another party by id. */
export const partyOf = (c: SupportCase.SupportCase, id: string): Recipient =>
  id === c.requester.id ? requesterOf(c) : { id, role: "requester", language: c.language }

export const staffOf = (c: SupportCase.SupportCase, role: CaseEvent.ActorRole, id: string): Recipient => ({
  id,
  role,
  language: c.language
})

/** The parties other than the requester (the counterparty of a mediation), except `except`. */
const otherParties = (c: SupportCase.SupportCase, except?: string) =>
  c.parties.filter((p) => p !== except && p !== c.requester.id)

/** The outbox message of a notice about `supportCase`, caused by the event numbered `sequence`. */
export const message = (
  id: string,
  notice: Notice,
  supportCase: SupportCase.SupportCase,
  sequence: number | null,
  now: number
): Outbox.Message => ({
  id,
  kind: notice.kind,
  caseId: supportCase.id,
  trackingNumber: supportCase.trackingNumber,
  sequence,
  recipient: notice.to,
  subject: `[${supportCase.trackingNumber}] ${notice.subject}`,
  body: notice.body,
  createdAt: now,
  data: notice.data
})

// -------------------------------------------------------------------------------------------------------------------
// what a requester reads on intake
// -------------------------------------------------------------------------------------------------------------------

/**
 * The promise of a planned target in plain words, without its clause, in `language`: `"We will reply within 2
 * business days, by …"` (a page shows the clause beside it as a small link).
 */
export const promisePlain = (
  target: Sla.PlannedTarget,
  timeZone: string,
  language: Sla.TextLanguage = "en"
): string => {
  const within = Sla.formatTarget(target.target, language)
  const by = Sla.formatInstant(target.dueAt, timeZone, language)
  if (language === "zh") {
    switch (target.metric) {
      case "firstResponse":
        return `我们将在 ${within}内回复您，最迟 ${by}。`
      case "progressUpdate":
        return `我们将在 ${within}内告知您处理进展（最迟 ${by}），此后至少每 ${within}更新一次，直到问题解决。`
      case "resolution":
        return `您的请求将在 ${within}内得到解决或说明，最迟 ${by}。`
    }
  }
  switch (target.metric) {
    case "firstResponse":
      return `We will reply within ${within}, by ${by}.`
    case "progressUpdate":
      return `You will get a progress update within ${within}, by ${by}, and then at least every ${within} until your request is resolved.`
    case "resolution":
      return `Your request will be resolved or explained within ${within}, by ${by}.`
  }
}

/** The clause a promise keeps, in `language`: `"clause 6.1"`, `"第 6.1 条"`. */
export const clauseText = (clause: string, language: Sla.TextLanguage = "en"): string =>
  language === "zh" ? `第 ${clause} 条` : `clause ${clause}`

/**
 * The promise of a planned target, in words, with its clause:
 * `"We will reply within 2 business days, by … (clause 6.1)."`
 */
export const promiseText = (target: Sla.PlannedTarget, timeZone: string, language: Sla.TextLanguage = "en"): string => {
  const plain = promisePlain(target, timeZone, language)
  return language === "zh"
    ? `${plain.slice(0, -1)}（${clauseText(target.clause, language)}）。`
    : `${plain.slice(0, -1)} (${clauseText(target.clause, language)}).`
}

/** The channel that asked and the channel that took a request, and when the desk opens if it was closed. */
export interface ChannelTaken {
  readonly requested: string
  readonly taken: string
  readonly nextOpening: number | null
}

const channelName = (policy: SupportPolicy.SupportPolicy, id: string) =>
  policy.channels.find((c) => c.id === id)?.name ?? id

/**
 * What a requester reads once a request is taken, one sentence a line: the tracking number (clause 6.4), the
 * hand-over of a closed channel (2.2), and every promise (6.1–6.3), instants in `timeZone`.
 */
export const intakeSentences = (
  policy: SupportPolicy.SupportPolicy,
  trackingNumber: string,
  channel: ChannelTaken,
  plan: ReadonlyArray<Sla.PlannedTarget>,
  timeZone: string,
  language: Sla.TextLanguage = "en"
): ReadonlyArray<string> => {
  if (language === "zh") {
    const lines = [
      `您的跟踪编号是 ${trackingNumber}；就此请求联系我们时请提供此编号（第 ${policy.tracking.clause} 条）。`
    ]
    if (channel.requested !== channel.taken) {
      lines.push(
        `${channelName(policy, channel.requested)}仅在服务时间内有人值守；您的留言已作为${channelName(policy, channel.taken)}请求受理` +
          (channel.nextOpening === null
            ? "。"
            : `。我们的团队将于 ${Sla.formatInstant(channel.nextOpening, timeZone, language)} 恢复服务。`)
      )
    }
    for (const target of plan) lines.push(promiseText(target, timeZone, language))
    return lines
  }
  const lines = [
    `Your tracking number is ${trackingNumber}; please quote it whenever you contact us about this request ` +
      `(clause ${policy.tracking.clause}).`
  ]
  if (channel.requested !== channel.taken) {
    lines.push(
      `${channelName(policy, channel.requested)} is staffed during our service hours only; your message was taken as ` +
        `a request through ${channelName(policy, channel.taken)}` +
        (channel.nextOpening === null
          ? "."
          : `. Our team is back on ${Sla.formatInstant(channel.nextOpening, timeZone)}.`)
    )
  }
  for (const target of plan) lines.push(promiseText(target, timeZone))
  return lines
}

// -------------------------------------------------------------------------------------------------------------------
// notifications
// -------------------------------------------------------------------------------------------------------------------

const because = (reason: string | undefined) => (reason === undefined ? "" : `: ${reason}`)

const metricWords: { readonly [M in SupportPolicy.Metric]: string } = {
  firstResponse: "first response",
  progressUpdate: "progress update",
  resolution: "resolution"
}

const percentOf = (level: SupportPolicy.EscalationLevel): string =>
  typeof level.when === "object" && "fractionOfTarget" in level.when
    ? `${Math.round(level.when.fractionOfTarget * 100)}%`
    : "All"

/** An SLA alert about to be appended: the clock, its rule, the level and the instant it fell due. */
export interface AlertFacts {
  readonly type: CaseEvent.SlaAlert["type"]
  readonly clock: Sla.Clock
  readonly rule: SupportPolicy.SlaRule
  readonly level: SupportPolicy.EscalationLevel
  readonly dueAt: number
}

/** The answers to the requester and the other parties: acknowledgment, replies, resolutions, mediation. */
const makeAnswers = (policy: SupportPolicy.SupportPolicy, calendar: BusinessCalendar.BusinessCalendar) => {
  const zone = policy.calendar.spec.timeZone
  const at = (ms: number, c: SupportCase.SupportCase) => Sla.formatInstant(ms, zoneOf(c, zone))

  const reopenNote = (c: SupportCase.SupportCase, until: number | null) =>
    until === null ? "" : `\n\nIf this does not settle your request, you may reopen it until ${at(until, c)}.`

  /** An answer (reply, update, resolution, explanation, outcome) goes to the requester and every other party. */
  const answer = (
    c: SupportCase.SupportCase,
    kind: Outbox.Kind,
    subject: string,
    body: string,
    d: Outbox.Data
  ): Array<Notice> => [
    { kind, to: requesterOf(c), subject, body, data: d },
    ...otherParties(c).map(
      (party): Notice => ({ kind: "mediationUpdate", to: partyOf(c, party), subject, body, data: d })
    )
  ]

  /**
   * The requester's invitation to rate the case through a signed link (the policy's `satisfaction`, clause 7.4): the
   * policy's question, its scale and until when, then the link on a line of its own.
   */
  const ratingNote = (c: SupportCase.SupportCase, link: RatingLink | undefined) => {
    const asked = policy.satisfaction
    if (link === undefined || asked === undefined) return ""
    return (
      `\n\n${asked.question} Rate it from ${asked.scale.min} to ${asked.scale.max} until ${at(link.until, c)}, ` +
      `no sign-in needed:\n${link.url}`
    )
  }

  /**
   * An answer that ends the desk's work (6.3), with until when the requester may reopen the case, and, when the desk
   * gives one, the requester's rating link (theirs only: not the other party's).
   */
  const final = (
    c: SupportCase.SupportCase,
    kind: Outbox.Kind,
    template: string,
    subject: string,
    body: string,
    t: number,
    link: RatingLink | undefined,
    extra: Record<string, unknown> = {}
  ) => {
    const until = reopenDeadline(policy, calendar, t)
    const d = data(template, c, { body, reopenableUntil: until, ...extra })
    const [toRequester, ...others] = answer(c, kind, subject, body + reopenNote(c, until), d)
    const asked = policy.satisfaction
    if (link === undefined || asked === undefined) return [toRequester, ...others]
    const rating = { url: link.url, until: link.until, min: asked.scale.min, max: asked.scale.max }
    return [
      {
        ...toRequester,
        body: toRequester.body + ratingNote(c, link),
        data: { template, params: { ...d.params, rating } }
      },
      ...others
    ]
  }

  const mediationInvitation = (c: SupportCase.SupportCase, counterpartyId: string): Notice => ({
    kind: "mediationUpdate",
    to: partyOf(c, counterpartyId),
    subject: "A buyer asked the platform to mediate a dispute",
    body:
      "A buyer asked the platform to mediate a dispute" +
      `${c.orderReference === undefined ? "" : ` about order ${c.orderReference}`} ` +
      `(clause ${policy.mediation.clause}). Please post your statement under tracking number ${c.trackingNumber}.`,
    data: data("mediationInvitation", c, {
      clause: policy.mediation.clause,
      ...(c.orderReference === undefined ? {} : { orderReference: c.orderReference })
    })
  })

  return {
    /** Clause 6.4: the tracking number, the channel that took the request, and the promises. */
    acknowledgment: (
      c: SupportCase.SupportCase,
      channel: ChannelTaken,
      plan: ReadonlyArray<Sla.PlannedTarget>
    ): Notice => ({
      kind: "acknowledgment" as const,
      to: requesterOf(c),
      subject: `We have received your request: ${c.subject}`,
      body: [
        `Dear ${c.requester.name ?? "customer"},`,
        "",
        `We have received your request "${c.subject}".`,
        ...intakeSentences(policy, c.trackingNumber, channel, plan, zoneOf(c, zone))
      ].join("\n"),
      data: data("acknowledgment", c, {
        trackingClause: policy.tracking.clause,
        channel: {
          requested: channelName(policy, channel.requested),
          taken: channelName(policy, channel.taken),
          nextOpening: channel.nextOpening
        },
        promises: plan.map((target) => ({
          metric: target.metric,
          within: Sla.formatTarget(target.target),
          target: target.target,
          due: target.dueAt,
          clause: target.clause
        }))
      })
    }),
    mediationInvitation,
    reply: (c: SupportCase.SupportCase, body: string) =>
      answer(c, "reply", "A reply to your request", body, data("reply", c, { body })),
    progressUpdate: (c: SupportCase.SupportCase, body: string) =>
      answer(c, "progressUpdate", "Progress on your request", body, data("progressUpdate", c, { body })),
    informationRequested: (c: SupportCase.SupportCase, body: string): Array<Notice> => [
      {
        kind: "informationRequested",
        to: requesterOf(c),
        subject: "We need more information",
        body,
        data: data("informationRequested", c, { body })
      }
    ],
    resolved: (c: SupportCase.SupportCase, body: string, t: number, link?: RatingLink) =>
      final(c, "resolved", "resolved", "Your request is resolved", body, t, link),
    explained: (c: SupportCase.SupportCase, body: string, t: number, link?: RatingLink) =>
      final(c, "explained", "explained", "About your request", body, t, link),
    mediationOutcome: (
      c: SupportCase.SupportCase,
      outcome: "settled" | "notSettled" | "withdrawn",
      body: string,
      t: number,
      link?: RatingLink
    ) =>
      final(
        c,
        outcome === "settled" ? "resolved" : "explained",
        "mediationOutcome",
        `Mediation outcome: ${outcome === "settled" ? "settled" : outcome === "withdrawn" ? "withdrawn" : "not settled"}`,
        body,
        t,
        link,
        { outcome }
      ),
    statement: (c: SupportCase.SupportCase, authorId: string, body: string): Array<Notice> =>
      c.parties
        .filter((p) => p !== authorId)
        .map((p) => ({
          kind: "mediationUpdate",
          to: partyOf(c, p),
          subject: "A new statement in your mediation",
          body: `The other party posted a statement in mediation ${c.trackingNumber}:\n\n${body}`,
          data: data("statement", c, { body })
        }))
  }
}

/** What assignment, escalation, verification, refusal, reopening and closing tell staff and the requester. */
const makeCaseChanges = (policy: SupportPolicy.SupportPolicy) => ({
  assigned: (c: SupportCase.SupportCase, to: CaseEvent.Assignee, priority: string): Array<Notice> =>
    to.id === undefined
      ? []
      : [
          {
            kind: "assigned",
            to: staffOf(c, to.role, to.id),
            subject: `Case assigned to you: ${c.subject}`,
            body: `Case ${c.trackingNumber} (${policy.priorities.find((p) => p.id === priority)?.name ?? priority} priority) is assigned to you.`,
            data: data("assigned", c, {
              priority: policy.priorities.find((p) => p.id === priority)?.name ?? priority
            })
          }
        ],
  escalated: (c: SupportCase.SupportCase, managerId: string, reason: string | undefined): Notice => ({
    kind: "escalated",
    to: staffOf(c, "accountManager", managerId),
    subject: `Escalated to you: ${c.subject}`,
    body: `Case ${c.trackingNumber} of your requester ${c.requester.id} was escalated to you${because(reason)}.`,
    data: data("escalated", c, { requesterId: c.requester.id, ...(reason === undefined ? {} : { reason }) })
  }),
  verificationHold: (c: SupportCase.SupportCase, reason: string | undefined): Notice => ({
    kind: "verificationHold",
    to: requesterOf(c),
    subject: `Your request ${c.trackingNumber} is being verified`,
    body:
      "Submitted content must be genuine and lawful, and we are verifying what you sent " +
      `(clause ${policy.verification.clause}). We will write to you with the outcome.` +
      (reason === undefined ? "" : `\n\nReason: ${reason}`),
    data: data("verificationHold", c, {
      clause: policy.verification.clause,
      ...(reason === undefined ? {} : { reason })
    })
  }),
  refused: (c: SupportCase.SupportCase, description: string, body: string | undefined): Notice => ({
    kind: "refused",
    to: requesterOf(c),
    subject: "Your request was refused",
    body:
      `Your request was refused under clause ${policy.refusal.clause} of our support policy: ` +
      `${description}.${body === undefined ? "" : `\n\n${body}`}`,
    data: data("refused", c, {
      clause: policy.refusal.clause,
      description,
      ...(body === undefined ? {} : { body })
    })
  }),
  /** A reopening tells the assignee, and the requester when someone else reopened their case. */
  reopened: (c: SupportCase.SupportCase, by: Actor.Actor, reason: string | undefined): Array<Notice> => {
    const notices: Array<Notice> = []
    if (c.assignee?.id !== undefined) {
      notices.push({
        kind: "reopened",
        to: staffOf(c, c.assignee.role, c.assignee.id),
        subject: `Case reopened: ${c.subject}`,
        body: `Case ${c.trackingNumber} was reopened${because(reason)}.`,
        data: data("reopenedStaff", c, reason === undefined ? {} : { reason })
      })
    }
    if (by.role !== "requester") {
      notices.push({
        kind: "reopened",
        to: requesterOf(c),
        subject: "Your request was reopened",
        body: `We reopened your request ${c.trackingNumber}${because(reason)}.`,
        data: data("reopened", c, reason === undefined ? {} : { reason })
      })
    }
    return notices
  },
  closed: (c: SupportCase.SupportCase, reason: string | undefined): Notice => ({
    kind: "closed",
    to: requesterOf(c),
    subject: "Your request is closed",
    body: `Your request ${c.trackingNumber} is closed${because(reason)}.`,
    data: data("closed", c, reason === undefined ? {} : { reason })
  }),
  /** Clause 6.3: an answered case left idle, or a request for information never answered. */
  closedIdle: (c: SupportCase.SupportCase, rule: "inactiveAfterAnswer" | "requesterDidNotRespond"): Notice => ({
    kind: "closed",
    to: requesterOf(c),
    subject: "Your request is closed",
    body:
      rule === "inactiveAfterAnswer"
        ? `Your request ${c.trackingNumber} was answered and has had no activity for ` +
          `${policy.lifecycle.closeResolvedAfterBusinessDays} business days, so it is now closed.`
        : `We asked for more information on your request ${c.trackingNumber} and have not heard back for ` +
          `${policy.lifecycle.closeAwaitingRequesterAfterBusinessDays} business days, so it is now closed. ` +
          "You are welcome to submit a new request.",
    data: data("closedIdle", c, {
      rule,
      businessDays:
        rule === "inactiveAfterAnswer"
          ? policy.lifecycle.closeResolvedAfterBusinessDays
          : policy.lifecycle.closeAwaitingRequesterAfterBusinessDays
    })
  })
})

const makeSlaAlerts = (policy: SupportPolicy.SupportPolicy) => {
  const zone = policy.calendar.spec.timeZone
  return {
    /**
     * An SLA escalation level fell due (the policy's `sla[].escalations`): a warning, a breach or an escalation, to
     * each person the level notifies.
     */
    slaAlert: (c: SupportCase.SupportCase, alert: AlertFacts, to: ReadonlyArray<Recipient>): Array<Notice> => {
      // staff read instants in the policy's zone (the requester's may be anywhere)
      const atDesk = (ms: number) => Sla.formatInstant(ms, zone)
      const what = metricWords[alert.clock.metric]
      const target = `${Sla.formatTarget(alert.rule.target)} (clause ${alert.rule.clause})`
      const about = `case ${c.trackingNumber} "${c.subject}"`
      const [subject, body] =
        alert.type === "slaWarning"
          ? [
              `SLA warning: ${what} due ${atDesk(alert.clock.dueAt)}`,
              `${percentOf(alert.level)} of the ${what} target of ${target} is used for ${about}. ` +
                `It is due ${atDesk(alert.clock.dueAt)}.`
            ]
          : alert.type === "slaBreached"
            ? [
                `SLA breached: ${what} was due ${atDesk(alert.dueAt)}`,
                `The ${what} of ${about} was due ${atDesk(alert.dueAt)}, within ${target}, and is not done.`
              ]
            : [
                `SLA escalation: ${what} overdue since ${atDesk(alert.clock.dueAt)}`,
                `The ${what} of ${about} was due ${atDesk(alert.clock.dueAt)}, within ${target}, and is still not ` +
                  `done at ${atDesk(alert.dueAt)}. You are told as the policy's escalation "${alert.level.id}" says.`
              ]
      const params = {
        metric: alert.clock.metric,
        rule: alert.rule.id,
        level: alert.level.id,
        clockDueAt: alert.clock.dueAt,
        dueAt: alert.dueAt
      }
      return to.map((recipient) => ({
        kind: alert.type,
        to: recipient,
        subject,
        body,
        data: data(alert.type, c, params)
      }))
    }
  }
}

/** What a platform incident tells the requesters of the cases it affects. */
const makeIncidentNotices = (policy: SupportPolicy.SupportPolicy) => ({
  incidentLinked: (c: SupportCase.SupportCase, incident: Incident.Incident): Notice => ({
    kind: "incidentLinked",
    to: requesterOf(c),
    subject: `Your request is affected by a platform incident: ${incident.title}`,
    body:
      `Your request ${c.trackingNumber} is affected by a system-wide incident: ${incident.title}. ` +
      `We will tell you when it is resolved (clause ${policy.incidents.clause}).`,
    data: data("incidentLinked", c, { incidentTitle: incident.title, clause: policy.incidents.clause })
  }),
  incidentResolved: (c: SupportCase.SupportCase, incident: Incident.Incident, note: string | undefined): Notice => ({
    kind: "incidentResolved",
    to: requesterOf(c),
    subject: `The platform incident affecting your request is resolved: ${incident.title}`,
    body:
      `The system-wide incident "${incident.title}" is resolved. We continue with your request ` +
      `${c.trackingNumber}.${note === undefined ? "" : `\n\n${note}`}`,
    data: data("incidentResolved", c, { incidentTitle: incident.title, ...(note === undefined ? {} : { note }) })
  })
})

/** The notices of a desk running `policy`; instants in the policy's time zone. */
export const make = (policy: SupportPolicy.SupportPolicy, calendar: BusinessCalendar.BusinessCalendar) => ({
  ...makeAnswers(policy, calendar),
  ...makeCaseChanges(policy),
  ...makeSlaAlerts(policy),
  ...makeIncidentNotices(policy)
})

export type Notices = ReturnType<typeof make>
