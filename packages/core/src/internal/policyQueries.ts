/**
 * Queries on a decoded support policy: its compiled calendar (once per policy value), whether a case matches an entry,
 * and triage. Re-exported by `SupportPolicy`.
 */
import * as BusinessCalendar from "../BusinessCalendar.ts"
import type { Match, Routing, SupportPolicy, TriageRule } from "../SupportPolicy.ts"

const calendars = new WeakMap<SupportPolicy, BusinessCalendar.BusinessCalendar>()

/**
 * The business calendar of the policy, compiled once per policy value and cached.
 */
export const calendar = (policy: SupportPolicy): BusinessCalendar.BusinessCalendar => {
  let compiled = calendars.get(policy)
  if (compiled === undefined) {
    compiled = BusinessCalendar.makeUnsafe(policy.calendar.spec)
    calendars.set(policy, compiled)
  }
  return compiled
}

/**
 * The facts triage looks at for a new request.
 */
export interface TriageRequest {
  readonly category: string
  readonly channel: string
  readonly audience?: string | undefined
  readonly requesterFlags?: ReadonlyArray<string> | undefined
}

/**
 * The outcome of triage: the priority, where the case goes, and the triage rules that decided it.
 */
export interface Triage {
  readonly priority: string
  readonly routeTo: Routing
  readonly rules: ReadonlyArray<TriageRule>
}

/**
 * Whether a case with these facts matches a {@link Match}.
 */
export const matches = (
  match: Match,
  facts: {
    readonly priority?: string | undefined
    readonly category?: string | undefined
    readonly channel?: string | undefined
    readonly audience?: string | undefined
    readonly requesterFlags?: ReadonlyArray<string> | undefined
  }
): boolean =>
  (match.priorities === undefined || (facts.priority !== undefined && match.priorities.includes(facts.priority))) &&
  (match.categories === undefined || (facts.category !== undefined && match.categories.includes(facts.category))) &&
  (match.channels === undefined || (facts.channel !== undefined && match.channels.includes(facts.channel))) &&
  (match.audiences === undefined || (facts.audience !== undefined && match.audiences.includes(facts.audience))) &&
  (match.requesterFlags === undefined ||
    match.requesterFlags.every((flag) => facts.requesterFlags?.includes(flag) === true))

/**
 * Triages a new request: the category's default priority, raised by every matching triage rule with `setPriority`
 * (a rule sees the priority decided so far), then routed by the first matching rule with `routeTo` (to the agents
 * when none does).
 */
export const triage = (policy: SupportPolicy, request: TriageRequest): Triage => {
  const rank = (id: string) => policy.priorities.find((p) => p.id === id)?.rank ?? Number.NEGATIVE_INFINITY
  const category = policy.categories.find((c) => c.id === request.category)
  let priority = category?.defaultPriority ?? lowestPriority(policy)
  const applied: Array<TriageRule> = []
  const facts = { ...request, priority }
  for (const rule of policy.triage) {
    if (rule.setPriority === undefined || !matches(rule.when, facts)) continue
    applied.push(rule)
    if (rank(rule.setPriority) > rank(priority)) {
      priority = rule.setPriority
      facts.priority = priority
    }
  }
  let routeTo: Routing = { role: "agent" }
  for (const rule of policy.triage) {
    if (rule.routeTo === undefined || !matches(rule.when, facts)) continue
    if (!applied.includes(rule)) applied.push(rule)
    routeTo = rule.routeTo
    break
  }
  return { priority, routeTo, rules: applied }
}

const lowestPriority = (policy: SupportPolicy): string =>
  policy.priorities.reduce((low, p) => (p.rank < low.rank ? p : low)).id
