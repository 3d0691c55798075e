/**
 * The reply-by times of the Global Sources Support Policy v1.8 for a request received at an instant, from the preset
 * itself (`Presets.globalSources`): its calendar (clause 2.1, weekdays 09:00–18:00 at UTC+08:00 without Hong Kong's
 * public holidays), its triage (which gives the priority of a category) and `Sla.plan` (the targets of clause 6 and
 * when each falls due). The same answers as `GET /v1/policy/reply-by` of `@support-policy/http`.
 */
import { Presets, Sla, SupportPolicy } from "@support-policy/core"
import type { Temporal } from "temporal-polyfill"

export const policy = Presets.globalSources

/** The channel the request comes through: the online form, open around the clock (clause 2.2). */
export const channel = "online-form"

/** A request of one category, as the policy would plan it. */
export interface Answer {
  readonly category: SupportPolicy.Category
  readonly audience: string
  readonly priority: string
  readonly targets: ReadonlyArray<Sla.PlannedTarget>
}

/** The plan of a request of `category` received at `receivedAt`; undefined for a category the policy lacks. */
export const replyBy = (receivedAt: Temporal.Instant, categoryId: string): Answer | undefined => {
  const category = policy.categories.find((c) => c.id === categoryId)
  if (category === undefined) return undefined
  const audience = category.audiences[0]!
  const { priority } = SupportPolicy.triage(policy, { category: category.id, channel, audience })
  const targets = Sla.plan(policy, { receivedAt, priority, category: category.id, channel, audience })
  return { category, audience, priority, targets }
}
