/**
 * Cross-reference checks of a support policy whose shape is already valid: unique ids, and every reference to a
 * category, channel, priority, audience, requester flag or hold names one that exists.
 */
import { slaAlertTypes } from "../CaseEvent.ts"
import type { SupportPolicy } from "../SupportPolicy.ts"
import { INTRINSIC_EVENTS, MAX_NAMED_EVENTS, namedEvents } from "./slaCompile.ts"

/** The events the desk appends when an escalation level falls due: never an input of the clocks. */
const ALERT_EVENTS: ReadonlyArray<string> = slaAlertTypes

interface Problem {
  readonly path: string
  readonly message: string
}

const quoteList = (ids: ReadonlyArray<string>): string => [...new Set(ids)].map((id) => `"${id}"`).join(", ")

export const checkReferences = (policy: SupportPolicy): ReadonlyArray<Problem> => {
  const problems: Array<Problem> = []

  const unique = (path: string, ids: ReadonlyArray<string>, what: string) => {
    const seen = new Set<string>()
    ids.forEach((id, i) => {
      if (seen.has(id)) problems.push({ path: `${path}[${i}]`, message: `duplicate ${what} "${id}"` })
      seen.add(id)
    })
  }

  const audiences = policy.audiences.map((a) => a.id)
  const channels = policy.channels.map((c) => c.id)
  const priorities = policy.priorities.map((p) => p.id)
  const categories = policy.categories.map((c) => c.id)
  const flags = policy.requesterFlags.map((f) => f.id)
  const holds = policy.holds.map((h) => h.id)

  unique("audiences", audiences, "audience")
  unique("channels", channels, "channel")
  unique("priorities", priorities, "priority")
  unique("categories", categories, "category")
  unique("requesterFlags", flags, "requester flag")
  unique("holds", holds, "hold")
  unique(
    "roles",
    policy.roles.map((r) => r.id),
    "role"
  )
  unique(
    "triage",
    policy.triage.map((r) => r.id),
    "triage rule"
  )
  unique(
    "sla",
    policy.sla.map((r) => r.id),
    "SLA rule"
  )
  unique(
    "refusal.reasons",
    policy.refusal.reasons.map((r) => r.code),
    "reason code"
  )
  unique(
    "refusal.rateLimits",
    policy.refusal.rateLimits.map((r) => r.id),
    "rate limit"
  )

  const ranks = new Map<number, string>()
  policy.priorities.forEach((p, i) => {
    const other = ranks.get(p.rank)
    if (other !== undefined) {
      problems.push({ path: `priorities[${i}].rank`, message: `rank ${p.rank} is already the rank of "${other}"` })
    } else ranks.set(p.rank, p.id)
  })

  const ref = (path: string, id: string, known: ReadonlyArray<string>, what: string) => {
    if (!known.includes(id)) {
      problems.push({ path, message: `unknown ${what} "${id}": expected one of ${quoteList(known)}` })
    }
  }
  const refs = (path: string, ids: ReadonlyArray<string> | undefined, known: ReadonlyArray<string>, what: string) => {
    ids?.forEach((id, i) => {
      ref(`${path}[${i}]`, id, known, what)
    })
  }
  const match = (
    path: string,
    m: {
      readonly priorities?: ReadonlyArray<string>
      readonly categories?: ReadonlyArray<string>
      readonly channels?: ReadonlyArray<string>
      readonly audiences?: ReadonlyArray<string>
      readonly requesterFlags?: ReadonlyArray<string>
    }
  ) => {
    refs(`${path}.priorities`, m.priorities, priorities, "priority")
    refs(`${path}.categories`, m.categories, categories, "category")
    refs(`${path}.channels`, m.channels, channels, "channel")
    refs(`${path}.audiences`, m.audiences, audiences, "audience")
    refs(`${path}.requesterFlags`, m.requesterFlags, flags, "requester flag")
  }

  policy.channels.forEach((c, i) => {
    refs(`channels[${i}].audiences`, c.audiences, audiences, "audience")
    refs(`channels[${i}].requesterFlags`, c.requesterFlags, flags, "requester flag")
    if (c.whenClosed !== undefined) {
      const target = policy.channels.find((other) => other.id === c.whenClosed)
      if (target === undefined) {
        problems.push({ path: `channels[${i}].whenClosed`, message: `unknown channel "${c.whenClosed}"` })
      } else if (target.availability !== "always" || !target.opensCase) {
        problems.push({
          path: `channels[${i}].whenClosed`,
          message: `"${c.whenClosed}" must be available always and open cases to take requests while "${c.id}" is closed`
        })
      }
    }
  })
  policy.categories.forEach((c, i) => {
    refs(`categories[${i}].audiences`, c.audiences, audiences, "audience")
    ref(`categories[${i}].defaultPriority`, c.defaultPriority, priorities, "priority")
  })
  policy.triage.forEach((r, i) => {
    match(`triage[${i}].when`, r.when)
    if (r.setPriority !== undefined) ref(`triage[${i}].setPriority`, r.setPriority, priorities, "priority")
    if (r.setPriority === undefined && r.routeTo === undefined) {
      problems.push({ path: `triage[${i}]`, message: "a triage rule sets a priority, a route, or both" })
    }
  })
  const staffRoles = policy.roles.map((r) => r.id).filter((id) => id !== "requester")
  const alertEvents = (path: string, types: ReadonlyArray<string>) => {
    types.forEach((type, i) => {
      if (ALERT_EVENTS.includes(type)) {
        problems.push({
          path: `${path}[${i}]`,
          message: `"${type}" is the desk's own alert event: it cannot start, stop or pause a clock`
        })
      }
    })
  }
  policy.holds.forEach((h, i) => {
    alertEvents(`holds[${i}].startOn`, h.startOn)
    alertEvents(`holds[${i}].endOn`, h.endOn)
  })
  policy.sla.forEach((r, i) => {
    match(`sla[${i}].appliesTo`, r.appliesTo)
    refs(`sla[${i}].pauseWhile`, r.pauseWhile, holds, "hold")
    alertEvents(`sla[${i}].startOn`, r.startOn)
    alertEvents(`sla[${i}].stopOn`, r.stopOn)
    for (let w = 1; w < r.warnAt.length; w++) {
      if (r.warnAt[w] <= r.warnAt[w - 1]) {
        problems.push({ path: `sla[${i}].warnAt[${w}]`, message: "warning points must increase" })
      }
    }
    const levels = r.escalations ?? []
    unique(
      `sla[${i}].escalations`,
      levels.map((l) => l.id),
      "escalation level"
    )
    levels.forEach((level, j) => {
      const path = `sla[${i}].escalations[${j}]`
      if (typeof level.when === "object" && "fractionOfTarget" in level.when) {
        const f = level.when.fractionOfTarget
        if (!r.warnAt.includes(f)) {
          problems.push({
            path: `${path}.when.fractionOfTarget`,
            message:
              `${f} is not a warning point of this rule (warnAt: ${r.warnAt.length === 0 ? "none" : r.warnAt.join(", ")}); ` +
              "add it to warnAt"
          })
        }
      }
      level.notify.forEach((recipient, k) => {
        if (typeof recipient === "object") ref(`${path}.notify[${k}].role`, recipient.role, staffRoles, "staff role")
      })
    })
  })
  refs("verification.categories", policy.verification.categories, categories, "category")
  ref("verification.hold", policy.verification.hold, holds, "hold")
  ref("incidents.hold", policy.incidents.hold, holds, "hold")
  refs("mediation.categories", policy.mediation.categories, categories, "category")
  refs("mediation.audiences", policy.mediation.audiences, audiences, "audience")
  if (policy.mediation.hold !== undefined) ref("mediation.hold", policy.mediation.hold, holds, "hold")
  const satisfaction = policy.satisfaction
  if (satisfaction !== undefined) {
    const { min, max } = satisfaction.scale
    if (max <= min) problems.push({ path: "satisfaction.scale.max", message: `expected more than min (${min})` })
    else if (max - min > 10) {
      problems.push({ path: "satisfaction.scale.max", message: "expected a scale of at most 11 points" })
    }
    const low = satisfaction.lowRating.atMost
    if (max > min && (low < min || low >= max)) {
      problems.push({
        path: "satisfaction.lowRating.atMost",
        message: `expected a rating of the scale below its top, from ${min} to ${max - 1}`
      })
    }
  }

  const named = namedEvents(policy)
  if (named.length > MAX_NAMED_EVENTS) {
    problems.push({
      path: "sla",
      message:
        `the SLA rules and holds name ${named.length} event types besides ${INTRINSIC_EVENTS.join(", ")}; ` +
        `at most ${MAX_NAMED_EVENTS} are supported`
    })
  }

  return problems
}
