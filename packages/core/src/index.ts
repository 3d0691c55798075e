/**
 * @since 0.1.0
 */
export * as BusinessCalendar from "./BusinessCalendar.ts"

/**
 * @since 0.1.0
 */
export * as FieldProblem from "./FieldProblem.ts"

/**
 * @since 0.1.0
 */
export * as Text from "./Text.ts"

/**
 * @since 0.1.0
 */
export * as CaseEvent from "./CaseEvent.ts"

/**
 * @since 0.1.0
 */
export * as SupportPolicy from "./SupportPolicy.ts"

/**
 * @since 0.1.0
 */
export * as Presets from "./Presets.ts"

/**
 * @since 0.1.0
 */
export * as Sla from "./Sla.ts"

/**
 * @since 0.1.0
 */
export * as CaseStore from "./CaseStore.ts"

/**
 * @since 0.1.0
 */
export * as CaseQuery from "./CaseQuery.ts"

/**
 * @since 0.1.0
 */
export * as Directory from "./Directory.ts"

/**
 * @since 0.1.0
 */
export * as Reports from "./Reports.ts"

/**
 * @since 0.1.0
 */
export * as Outbox from "./Outbox.ts"

/**
 * @since 0.1.0
 */
export * as Incident from "./Incident.ts"

/**
 * @since 0.1.0
 */
export * as PolicyStore from "./PolicyStore.ts"

/**
 * @since 0.1.0
 */
export * as Erasure from "./Erasure.ts"

/**
 * @since 0.1.0
 */
export * as SatisfactionToken from "./SatisfactionToken.ts"

/**
 * @since 0.1.0
 */
export * as Randomness from "./Randomness.ts"

/**
 * @since 0.1.0
 */
export * as Parties from "./Parties.ts"

/**
 * @since 0.1.0
 */
export * as FailedLookups from "./FailedLookups.ts"

/**
 * @since 0.1.0
 */
export * as SupportCase from "./SupportCase.ts"

/**
 * @since 0.1.0
 */
export * as TrackingNumber from "./TrackingNumber.ts"

/**
 * @since 0.1.0
 */
export * as MemoryStorage from "./MemoryStorage.ts"

/**
 * @since 0.1.0
 */
export * as Actor from "./Actor.ts"

/**
 * @since 0.1.0
 */
export * as Authorization from "./Authorization.ts"

/**
 * @since 0.1.0
 */
export * as CaseLifecycle from "./CaseLifecycle.ts"

/**
 * @since 0.1.0
 */
export * as DeskInput from "./DeskInput.ts"

/**
 * @since 0.1.0
 */
export * as DeskError from "./DeskError.ts"

/**
 * @since 0.1.0
 */
export * as SupportDesk from "./SupportDesk.ts"

/**
 * @since 0.1.0
 */
export * as Mailbox from "./Mailbox.ts"

/**
 * @since 0.1.0
 */
export * as SlaAlert from "./SlaAlert.ts"

/**
 * @since 0.1.0
 */
export * as TaskStore from "./TaskStore.ts"

/**
 * @since 0.1.0
 */
export * as SupportWorker from "./SupportWorker.ts"
