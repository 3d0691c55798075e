/**
 * What the agents' console and search ask of a case store (clause 6.4, "tracking numbers and handling records
 * provided for follow-up"): cases filtered by status, assignee, queue, priority, category, channel, party and words,
 * in one of three orders (next due instant, last update, receipt) with keyset paging and no cap, and capped counts.
 *
 * The rules every adapter follows are written here once, so the memory store and the PostgreSQL store cannot find
 * different cases:
 * - **Text** is compared after {@link normalize} (Unicode NFKC, then lower case).
 * - **A case's searchable text** has three parts: {@link publicText} (tracking number, order reference, subject, and
 *   the bodies of the events its requester can read), {@link peopleText} (the requester's name and email, from the
 *   case's current state, so anonymisation removes them) and {@link internalText} (the bodies of the events only staff
 *   read: internal notes, …). A requester's search looks in the public part only; staff search all three.
 * - **A query's words** ({@link terms}) must each occur in the searchable text, as a substring: "custom" finds
 *   "customs", "chen@" finds an email, "斑马" finds "斑马石英". Substrings rather than stemmed words: Chinese has no
 *   spaces, and partial order references and emails are what people type.
 * - **Orders** are total: the sort key, then the case id (compared by code unit), in the query's direction; cases
 *   without a next due instant come last in the `due` order.
 *
 * Adapters may use indexes (trigrams, Chinese character pairs, see {@link grams}) to find candidates, but must return
 * exactly the cases these rules match. The contract suite holds them to it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import type * as SupportCase from "./SupportCase.ts"

// -------------------------------------------------------------------------------------------------------------------
// models
// -------------------------------------------------------------------------------------------------------------------

/**
 * The order of a list: by next due instant (`due`, cases without a running clock last), by last update
 * (`updated`), or by the instant the case was received (`received`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Sort = Schema.Literals(["due", "updated", "received"])

/**
 * @since 0.1.0
 * @category models
 */
export type Sort = typeof Sort.Type

/**
 * The direction of a list.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Order = Schema.Literals(["asc", "desc"])

/**
 * @since 0.1.0
 * @category models
 */
export type Order = typeof Order.Type

/**
 * Who may read which part of a case's text: a requester reads the public part only.
 *
 * @since 0.1.0
 * @category models
 */
export type Scope = "requester" | "staff"

/**
 * Words to find: each of `terms` (normalized, see {@link terms}) must occur in the case's searchable text of `scope`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Text {
  readonly terms: ReadonlyArray<string>
  readonly scope: Scope
}

/**
 * Filters of a list or a count. Every filter given must pass; a list filter that is empty matches nothing.
 *
 * @since 0.1.0
 * @category models
 */
export interface Filter {
  readonly statuses?: ReadonlyArray<SupportCase.Status> | undefined
  /** A person's id: the cases assigned to them (`case.assignee.id`). `null`: the cases assigned to no one by id. */
  readonly assignee?: string | null | undefined
  /** The cases routed to these queues (`case.assignee.queue`). */
  readonly queues?: ReadonlyArray<string> | undefined
  readonly priorities?: ReadonlyArray<string> | undefined
  readonly categories?: ReadonlyArray<string> | undefined
  readonly channels?: ReadonlyArray<string> | undefined
  /** The cases this person is a party to (`case.parties`). */
  readonly partyId?: string | undefined
  /**
   * The cases of this account manager: their requesters' (`case.requester.accountManagerId`) and those assigned to
   * them (clause 2.4; what `Authorization` lets an account manager see).
   */
  readonly accountManagerId?: string | undefined
  /** Opened strictly before this instant (epoch ms). */
  readonly openedBefore?: number | undefined
  /** Last updated at or after this instant (epoch ms). */
  readonly updatedSince?: number | undefined
  readonly text?: Text | undefined
}

/**
 * A position in a list: the sort key of the last case seen (null for a case without a next due instant in the
 * `due` order) and its id. The next page starts after it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Cursor {
  readonly key: number | null
  readonly id: string
}

/**
 * A list of cases: filters, an order, a page size, and where the page starts.
 *
 * @since 0.1.0
 * @category models
 */
export interface Query extends Filter {
  readonly sort: Sort
  readonly order: Order
  /** At most this many cases (a non-negative integer). */
  readonly limit: number
  readonly after?: Cursor | undefined
}

// -------------------------------------------------------------------------------------------------------------------
// text
// -------------------------------------------------------------------------------------------------------------------

/**
 * Text as search compares it: Unicode NFKC (full-width letters and digits become their plain forms), then lower
 * case.
 *
 * @since 0.1.0
 * @category text
 */
export const normalize = (text: string): string => text.normalize("NFKC").toLowerCase()

/**
 * The words of a query: normalized, split on white space (ideographic spaces too), without repeats, in order.
 *
 * @since 0.1.0
 * @category text
 */
export const terms = (query: string): ReadonlyArray<string> =>
  Array.from(
    new Set(
      normalize(query)
        .split(/\s+/u)
        .filter((t) => t.length > 0)
    )
  )

const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
const cjkRuns = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu

/**
 * Whether an index can find a word without reading every case: it has three letters or digits in a row (a trigram),
 * or a Chinese, Japanese or Korean character (a character or pair of characters). A query needs one such word.
 *
 * @since 0.1.0
 * @category text
 */
export const isIndexable = (term: string): boolean => /[\p{L}\p{N}]{3}/u.test(term) || cjk.test(term)

/**
 * The Chinese, Japanese and Korean characters and pairs of adjacent characters of a normalized text: what an index
 * of such text holds (their scripts have no spaces between words, and trigram indexes cannot find one- or
 * two-character words).
 *
 * @since 0.1.0
 * @category text
 */
export const grams = (normalized: string): ReadonlyArray<string> => {
  const out = new Set<string>()
  for (const run of normalized.match(cjkRuns) ?? []) {
    const chars = Array.from(run)
    for (let i = 0; i < chars.length; i++) {
      out.add(chars[i])
      if (i + 1 < chars.length) out.add(chars[i] + chars[i + 1])
    }
  }
  return Array.from(out)
}

/**
 * Whether a text's grams alone tell whether it holds `term`, with no look at the text: the term is one or two
 * Chinese, Japanese or Korean characters, and {@link grams} holds each such character and each pair of adjacent ones.
 * A longer term's pairs may all be there without the term (`石台` in `石英台面` is not, yet `石英` … `台面` are).
 *
 * @since 0.1.0
 * @category text
 */
export const gramsSuffice = (term: string): boolean => {
  const chars = Array.from(term)
  return chars.length > 0 && chars.length <= 2 && chars.every((c) => cjk.test(c))
}

/**
 * The grams a text must hold to contain `term`: each pair of adjacent Chinese, Japanese or Korean characters of the
 * term, or the character itself where it stands alone. Empty for a term without such characters.
 *
 * @since 0.1.0
 * @category text
 */
export const termGrams = (term: string): ReadonlyArray<string> => {
  const out = new Set<string>()
  for (const run of term.match(cjkRuns) ?? []) {
    const chars = Array.from(run)
    if (chars.length === 1) out.add(chars[0])
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1])
  }
  return Array.from(out)
}

const join = (parts: ReadonlyArray<string | undefined>): string =>
  normalize(parts.filter((p): p is string => p !== undefined && p.length > 0).join("\n"))

const bodyOf = (event: CaseEvent.CaseEvent): string | undefined => ("body" in event ? event.body : undefined)

/**
 * Whether the requester (and every party) reads the event: what `Authorization.visibleRecord` shows them.
 *
 * @since 0.1.0
 * @category text
 */
export const isPublic = (event: CaseEvent.CaseEvent): boolean =>
  CaseEvent.isVisibleToRequester(event) || event.type === "counterpartyResponded"

/**
 * The public searchable text of new events: the bodies of those the requester reads (normalized). With `withCase`,
 * the case's tracking number, order reference and subject first (for a new case).
 *
 * @since 0.1.0
 * @category text
 */
export const publicText = (
  events: ReadonlyArray<CaseEvent.CaseEvent>,
  withCase?: SupportCase.SupportCase | undefined
): string =>
  join([withCase?.trackingNumber, withCase?.orderReference, withCase?.subject, ...events.filter(isPublic).map(bodyOf)])

/**
 * The internal searchable text of new events: the bodies of those only staff read (internal notes, …), normalized.
 *
 * @since 0.1.0
 * @category text
 */
export const internalText = (events: ReadonlyArray<CaseEvent.CaseEvent>): string =>
  join(events.filter((e) => !isPublic(e)).map(bodyOf))

/**
 * The people part of a case's searchable text: its requester's name and email as the case holds them now.
 *
 * @since 0.1.0
 * @category text
 */
export const peopleText = (c: SupportCase.SupportCase): string => join([c.requester.name, c.requester.email])

/**
 * The whole searchable text of a case in a scope (what a memory store searches; a database keeps the parts in
 * columns, appending to them as events come).
 *
 * @since 0.1.0
 * @category text
 */
export const searchableText = (stored: SupportCase.WithRecord, scope: Scope): string =>
  scope === "requester"
    ? publicText(stored.events, stored.case)
    : [publicText(stored.events, stored.case), peopleText(stored.case), internalText(stored.events)].join("\n")

/**
 * Whether a case's text holds every word of `text`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const matchesText = (stored: SupportCase.WithRecord, text: Text): boolean => {
  const haystack = searchableText(stored, text.scope)
  return text.terms.every((term) => haystack.includes(term))
}

// -------------------------------------------------------------------------------------------------------------------
// order and filters
// -------------------------------------------------------------------------------------------------------------------

/**
 * The sort key of a case in an order.
 *
 * @since 0.1.0
 * @category getters
 */
export const keyOf = (c: SupportCase.SupportCase, sort: Sort): number | null =>
  sort === "due" ? c.nextDueAt : sort === "updated" ? c.updatedAt : c.openedAt

/**
 * The cursor after a case, for the next page.
 *
 * @since 0.1.0
 * @category getters
 */
export const cursorOf = (c: SupportCase.SupportCase, sort: Sort): Cursor => ({ key: keyOf(c, sort), id: c.id })

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Compares two positions of a list: negative when `a` comes first. Null keys come last in either direction.
 *
 * @since 0.1.0
 * @category combinators
 */
export const comparePositions = (order: Order, a: Cursor, b: Cursor): number => {
  if (a.key === null || b.key === null) {
    if (a.key !== b.key) return a.key === null ? 1 : -1
  } else if (a.key !== b.key) {
    return order === "asc" ? a.key - b.key : b.key - a.key
  }
  const byId = compareIds(a.id, b.id)
  return order === "asc" ? byId : -byId
}

/**
 * Whether a case passes every filter other than `text` (which needs its record: {@link matchesText}).
 *
 * @since 0.1.0
 * @category predicates
 */
export const matchesFilter = (c: SupportCase.SupportCase, filter: Filter): boolean => {
  if (filter.statuses !== undefined && !filter.statuses.includes(c.status)) return false
  if (filter.assignee !== undefined) {
    const id = c.assignee?.id
    if (filter.assignee === null ? id !== undefined : id !== filter.assignee) return false
  }
  if (filter.queues !== undefined && (c.assignee?.queue === undefined || !filter.queues.includes(c.assignee.queue))) {
    return false
  }
  if (filter.priorities !== undefined && !filter.priorities.includes(c.priority)) return false
  if (filter.categories !== undefined && !filter.categories.includes(c.category)) return false
  if (filter.channels !== undefined && !filter.channels.includes(c.channel)) return false
  if (filter.partyId !== undefined && !c.parties.includes(filter.partyId)) return false
  if (
    filter.accountManagerId !== undefined &&
    c.requester.accountManagerId !== filter.accountManagerId &&
    !(c.assignee?.role === "accountManager" && c.assignee.id === filter.accountManagerId)
  ) {
    return false
  }
  if (filter.openedBefore !== undefined && c.openedAt >= filter.openedBefore) return false
  if (filter.updatedSince !== undefined && c.updatedAt < filter.updatedSince) return false
  return true
}

/**
 * Checks a query: `limit` is a non-negative integer, instants and the cursor's key are integers, and every search
 * word is non-empty and normalized. Returns the problems (empty when sound); adapters die on them (a defect of the
 * caller).
 *
 * @since 0.1.0
 * @category validation
 */
export const problems = (query: Filter & { readonly limit?: number; readonly after?: Cursor | undefined }) => {
  const out: Array<string> = []
  if (query.limit !== undefined && !(Number.isSafeInteger(query.limit) && query.limit >= 0)) {
    out.push(`limit: expected a non-negative integer, got ${query.limit}`)
  }
  for (const key of ["openedBefore", "updatedSince"] as const) {
    const value = query[key]
    if (value !== undefined && !Number.isSafeInteger(value)) out.push(`${key}: expected epoch milliseconds`)
  }
  if (query.after !== undefined && query.after.key !== null && !Number.isSafeInteger(query.after.key)) {
    out.push(`after.key: expected epoch milliseconds or null, got ${query.after.key}`)
  }
  query.text?.terms.forEach((term, i) => {
    if (term.length === 0 || normalize(term) !== term || /\s/u.test(term)) {
      out.push(`text.terms[${i}]: expected a normalized word without spaces, got ${JSON.stringify(term)}`)
    }
  })
  return out
}
