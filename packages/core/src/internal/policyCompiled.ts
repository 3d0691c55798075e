/**
 * What a policy compiles to, once per policy value: its business calendar and its SLA rules in engine form.
 */
import * as BusinessCalendar from "../BusinessCalendar.ts"
import type { SupportPolicy } from "../SupportPolicy.ts"
import { type CompiledSla, compileSla } from "./slaCompile.ts"

export interface CompiledPolicy {
  readonly calendar: BusinessCalendar.BusinessCalendar
  readonly sla: CompiledSla
}

const cache = new WeakMap<SupportPolicy, CompiledPolicy>()

export const compiledPolicy = (policy: SupportPolicy): CompiledPolicy => {
  let compiled = cache.get(policy)
  if (compiled === undefined) {
    const calendar = BusinessCalendar.makeUnsafe(policy.calendar.spec)
    compiled = { calendar, sla: compileSla(policy, calendar.compiled) }
    cache.set(policy, compiled)
  }
  return compiled
}
