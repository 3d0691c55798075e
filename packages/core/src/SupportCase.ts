/**
 * A support case as the desk and its stores see it: the current state folded from the handling record
 * (`CaseEvent`), kept beside the record so that queries (by tracking number, by requester, by party, the agents'
 * queue by next due instant) need not replay events.
 *
 * The state is derived: `SupportCase.fold` computes it from the record, and stores keep what the desk gives them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"

/**
 * Where a case stands.
 * - `open`: the desk owes the requester an answer,
 * - `awaitingRequester`: the desk asked the requester for information,
 * - `onHold`: held for content verification (clause 7.2),
 * - `inMediation`: a dispute in platform mediation (clause 4.5),
 * - `resolved` / `explained`: answered (clause 6.3); the requester may reopen within the policy's window,
 * - `refused`: refused as abusive or harassing (clause 7.3),
 * - `closed`: final.
 *
 * @since 0.1.0
 * @category models
 */
export const Status = Schema.Literals([
  "open",
  "awaitingRequester",
  "onHold",
  "inMediation",
  "resolved",
  "explained",
  "refused",
  "closed"
])

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * The requester of a case: who they are, their audience (buyer or supplier), their dedicated account manager if
 * any, and their policy flags.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Requester = Schema.Struct({
  id: CaseEvent.Id,
  audience: CaseEvent.Id,
  accountManagerId: Schema.optionalKey(CaseEvent.Id),
  flags: Schema.Array(CaseEvent.Id),
  email: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String),
  /** Where the requester reads times (IANA name), when the host told the desk. */
  timeZone: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Requester = typeof Requester.Type

/**
 * The current state of a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SupportCase = Schema.Struct({
  /** Internal id, random. */
  id: CaseEvent.Id,
  /** The tracking number given to the requester (clause 6.4). Unique. */
  trackingNumber: CaseEvent.Id,
  policyId: CaseEvent.Id,
  policyVersion: Schema.String,
  requester: Requester,
  /** Everyone who is a party to the case: the requester, and the counterparty of a mediation. */
  parties: Schema.Array(CaseEvent.Id),
  channel: CaseEvent.Id,
  category: CaseEvent.Id,
  priority: CaseEvent.Id,
  status: Status,
  subject: Schema.String,
  orderReference: Schema.optionalKey(Schema.String),
  language: Schema.String,
  assignee: Schema.optionalKey(CaseEvent.Assignee),
  openedAt: CaseEvent.EpochMillis,
  updatedAt: CaseEvent.EpochMillis,
  /** The sequence number of the last event of the record. */
  sequence: Schema.Int,
  /**
   * The earliest due instant among the case's running clocks, or null when none runs (the agents' queue is ordered
   * by it).
   */
  nextDueAt: Schema.NullOr(CaseEvent.EpochMillis)
})

/**
 * @since 0.1.0
 * @category models
 */
export type SupportCase = typeof SupportCase.Type

/**
 * A case with its handling record.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithRecord {
  readonly case: SupportCase
  readonly events: CaseEvent.Record
}
