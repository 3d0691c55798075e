/**
 * How a host tunes the support desk: the options of the desk (`SupportDesk.make`, `layer`, `layerMemory`) and of
 * its services that page or batch, re-exported by `SupportDesk`.
 *
 * @since 0.1.0
 */
import type { Redacted } from "effect"

/**
 * Options of the desk.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * For channels available in business hours only: the channel a request through them is taken as while they are
   * closed, by channel id (e.g. `{ "live-chat": "online-form" }`), overriding the policy's `channels[].whenClosed`.
   * Channels named in neither fall back to the first
   * always-open channel of the policy that opens cases and accepts the requester (see `SupportDesk.fallbackChannel`).
   */
  readonly whenClosed?: Readonly<Record<string, string>> | undefined
  /**
   * How long the desk keeps the version in force before it reads it from the store again, in milliseconds (default
   * 1000). Several processes share one store: a version published through another is in force here within this
   * interval; one published through this desk is in force here at once.
   */
  readonly policyRefreshMillis?: number | undefined
  /**
   * The secret of signed rating links (`SatisfactionToken`; at least 32 characters), for `rateSatisfactionWithToken`.
   * Without it, rating links are refused.
   */
  readonly satisfactionSecret?: Redacted.Redacted<string> | undefined
  /**
   * The address of the host's rating page (`https://support.example.com/rate`, say). With it and
   * `satisfactionSecret`, the answer that opens a rating window (a resolution, an explanation, a mediation's outcome)
   * tells its requester how to rate, with a signed link: this address, `#`, and a `SatisfactionToken` for the case and
   * its requester that expires with the window. The token is in the fragment, so the page's server never sees it in
   * a request line or a log; the page reads it and calls `satisfactionWithToken` and `rateSatisfactionWithToken`.
   */
  readonly satisfactionLinkUrl?: string | undefined
  /**
   * How many lookups of cases that do not exist or are not the actor's (a mistyped or guessed tracking number) an
   * actor may make in a window before their lookups are refused until it ends (`LookupThrottled`, HTTP 429 with
   * `Retry-After`). Default: 20 in 10 minutes. `false` turns the throttle off. The count is kept by the
   * `FailedLookups` port when one is in context (shared by every process on one store), else in this process.
   */
  readonly lookupThrottle?: { readonly maxFailures: number; readonly windowMs: number } | false | undefined
}

/**
 * Which page of a case's record a view shows: at most `limit` events (default 50), the latest ones before the
 * sequence `before` (default: the latest ones).
 *
 * @since 0.1.0
 * @category models
 */
export interface PageOptions {
  readonly before?: number | undefined
  readonly limit?: number | undefined
}

/**
 * Options of `SupportDesk.closeIdle`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CloseIdleOptions {
  /** How many cases are read from the store at a time (default 100). */
  readonly batchSize?: number | undefined
}

/**
 * Options of `SupportDesk.fireAlerts`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FireAlertsOptions {
  /** How many due cases to claim at once (default 10; smaller claims spread a burst over more processes). */
  readonly limit?: number | undefined
  /**
   * How long a claimed case is kept from other watchers, in milliseconds (default 3 000): a watcher that dies
   * mid-way delays its cases' alerts by at most this.
   */
  readonly leaseMillis?: number | undefined
  /** How many claimed cases are handled at once (default 4). */
  readonly concurrency?: number | undefined
}

/**
 * Paging of `SupportDesk.alerts`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AlertQuery {
  /** At most this many alerts (default 50). */
  readonly limit?: number | undefined
  /** Only alerts older than this one (its `firedAt`, `caseId` and `sequence`), for the next page. */
  readonly before?: { readonly firedAt: number; readonly caseId: string; readonly sequence: number } | undefined
}
