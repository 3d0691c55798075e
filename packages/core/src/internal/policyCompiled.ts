/**
 * What a policy compiles to for the SLA engine, once per policy value: its business calendar (the one
 * `SupportPolicy.calendar` keeps) and its SLA rules in engine form.
 */
import type * as BusinessCalendar from "../BusinessCalendar.ts"
import * as SupportPolicy from "../SupportPolicy.ts"
import { type CompiledSla, compileSla } from "./slaCompile.ts"

export interface CompiledPolicy {
  readonly calendar: BusinessCalendar.BusinessCalendar
  readonly sla: CompiledSla
}

const cache = new WeakMap<SupportPolicy.SupportPolicy, CompiledPolicy>()

export const compiledPolicy = (policy: SupportPolicy.SupportPolicy): CompiledPolicy => {
  let compiled = cache.get(policy)
  if (compiled === undefined) {
    const calendar = SupportPolicy.calendar(policy)
    compiled = { calendar, sla: compileSla(policy, calendar.compiled) }
    cache.set(policy, compiled)
  }
  return compiled
}
