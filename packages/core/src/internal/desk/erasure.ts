/**
 * Clause 7.4 (records) and the right to be forgotten (GDPR art. 17, PIPL, PDPO): one mechanism erases a person's
 * personal data from a case, whether the retention sweep (`records.ts`) or a request asks (see `Erasure` for what it
 * removes and keeps, `redaction.ts` for each field).
 *
 * Erasing one case: the other holders of personal data erase theirs first (`Erasure.PersonalDataHolders`), then a
 * case not closed is closed (`reason: "erasure"`), and the case is anonymised (its record rewritten with the person's
 * texts and ids replaced by the marker, and an `anonymised` event naming the erasure) or, when its version of the
 * policy says `retention.afterwards: "delete"`, deleted with everything that refers to it, leaving its tally. One
 * store operation (`CaseStore.erase`) against the sequence read, re-run on a conflict.
 *
 * A request erases every case of the requester, and their statements in mediations of others. Cases on a legal hold
 * (when the policy's `retention.legalHoldSuspends`) are left as they are with an `erasureRequested` event; the erasure
 * runs when the hold is released.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import * as CaseEvent from "../../CaseEvent.ts"
import * as CaseLifecycle from "../../CaseLifecycle.ts"
import type { CaseNotFound, CaseStoreFailure, SequenceConflict } from "../../CaseStore.ts"
import { invalid } from "../../DeskInput.ts"
import * as Erasure from "../../Erasure.ts"
import * as Mailbox from "../../Mailbox.ts"
import type { PolicyStoreFailure } from "../../PolicyStore.ts"
import type * as Sla from "../../Sla.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type { CaseRef, ErasureReport } from "../../SupportDesk.ts"
import { redactEvent, redactIdentity, redactMessage, type Whom } from "../redaction.ts"
import { inClockRecord, type Kernel, retry, type Step } from "./kernel.ts"
import { nextDueAt, ratingOf } from "./views.ts"

/** Whether the record ends under a legal hold: its last `legalHoldPlaced` was not released since. */
export const onLegalHold = (record: CaseEvent.Record): boolean => {
  for (let i = record.length - 1; i >= 0; i--) {
    const type = record[i].type
    if (type === "legalHoldReleased") return false
    if (type === "legalHoldPlaced") return true
  }
  return false
}

/** Whether the requester's personal data was erased from the case (by this mechanism, not the contact-only one). */
export const isErased = (record: CaseEvent.Record): boolean =>
  record.some((e) => e.type === "anonymised" && e.basis !== undefined && e.whose !== "counterparty")

/** An erasure requested while the case was held, and not done since. */
export const pendingErasure = (record: CaseEvent.Record): CaseEvent.Of<"erasureRequested"> | undefined => {
  for (let i = record.length - 1; i >= 0; i--) {
    const e = record[i]
    if (e.type === "anonymised" && e.basis !== undefined) return undefined
    if (e.type === "erasureRequested") return e
  }
  return undefined
}

/** What a report groups by, as the record said at `t` (events at or before it). */
const groupFactsAt = (record: CaseEvent.Record, t: number): Erasure.GroupFacts => {
  let n = 0
  while (n < record.length && record[n].at <= t) n++
  const facts = CaseLifecycle.factsUnsafe(record.slice(0, Math.max(1, n)))
  return {
    category: facts.category,
    priority: facts.priority,
    channel: facts.channel,
    queue: facts.assignee?.queue ?? null,
    agent: facts.assignee?.id ?? null
  }
}

/** The tally a deleted case leaves: the facts reports count, from its record as erased. */
const tallyOf = (
  c: SupportCase.SupportCase,
  facts: CaseLifecycle.Facts,
  clocks: ReadonlyArray<Sla.Clock>,
  record: CaseEvent.Record,
  erasure: Erasure.Erasure
): Erasure.Tally => ({
  caseId: c.id,
  policyId: c.policyId,
  policyVersion: facts.policyVersion ?? c.policyVersion,
  openedAt: facts.openedAt,
  updatedAt: facts.updatedAt,
  status: facts.status,
  channel: facts.channel,
  category: facts.category,
  priority: facts.priority,
  audience: facts.audience,
  reopenCount: facts.reopenCount,
  clocks: clocks.map((clock) => ({
    rule: clock.rule,
    clause: clock.clause,
    metric: clock.metric,
    instance: clock.instance,
    cycle: clock.cycle,
    state: clock.state,
    outcome: clock.outcome,
    targetMs: clock.targetMs,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    usedMs: clock.usedMs,
    ...(clock.breachedAt === undefined ? {} : { breachedAt: clock.breachedAt }),
    ...(clock.metAt === undefined ? {} : { metAt: clock.metAt }),
    ...(clock.stoppedAt === undefined ? {} : { stoppedAt: clock.stoppedAt }),
    facts: groupFactsAt(
      record,
      clock.state === "breached"
        ? (clock.breachedAt ?? clock.startedAt)
        : (clock.metAt ?? clock.stoppedAt ?? clock.startedAt)
    )
  })),
  satisfaction: ((rated) =>
    rated === undefined ? null : { rating: rated.rating, at: rated.at, facts: groupFactsAt(record, rated.at) })(
    ratingOf(record)
  ),
  erasure
})

export const make = (k: Kernel) => {
  const { store } = k

  /** A case with its whole record (an erasure rewrites every event), none when it is gone. */
  const withRecord = (caseId: string) => Effect.map(store.getMany([caseId]), (found) => Option.fromNullishOr(found[0]))

  /** What the other holders of personal data are told: whose data, which cases go, which are held. */
  const callHolders = (subject: Erasure.Subject) =>
    Effect.forEach(k.holders, (holder) => holder.erase(subject), { discard: true })

  /**
   * Erases one case as read (`stored`), for `whom`, as `erasure` says; fails with a conflict when it changed since
   * (the caller re-reads it). The other holders were told already.
   */
  const eraseStored = (
    stored: SupportCase.WithRecord,
    erasure: Erasure.Erasure,
    whom: Whom
  ): Effect.Effect<"anonymised" | "deleted", SequenceConflict | CaseNotFound | CaseStoreFailure | PolicyStoreFailure> =>
    Effect.gen(function* () {
      const rules = yield* k.rulesOfCase(stored)
      const t = Math.max(erasure.at, stored.case.updatedAt)
      const base = stored.case.sequence
      const added: Array<CaseEvent.CaseEvent> = []
      const requester = whom.whose === "requester"
      // the requester's request ends the case: like a withdrawal, with what happened until now kept as it happened
      if (requester && stored.case.status !== "closed") {
        added.push({ type: "closed", reason: "erasure", sequence: base + 1, at: t, actor: erasure.by })
      }
      if (requester && rules.policy.retention.afterwards === "delete") {
        const record = [...stored.events, ...added]
        const facts = CaseLifecycle.factsUnsafe(record)
        const evaluation = rules.evaluate(record, t)
        yield* store.erase({
          caseId: stored.case.id,
          expectedSequence: base,
          outcome: { _tag: "Delete", tally: tallyOf(stored.case, facts, evaluation.clocks, record, erasure) }
        })
        return "deleted"
      }
      added.push({
        type: "anonymised",
        basis: erasure.basis,
        erasureId: erasure.id,
        ...(requester ? {} : { whose: "counterparty" as const }),
        sequence: base + added.length + 1,
        at: t,
        actor: erasure.by
      })
      const record = [...stored.events.map((e) => redactEvent(e, whom)), ...added]
      const facts = CaseLifecycle.factsUnsafe(record)
      // the clock record rebuilt from the redacted record (the events that keep people's ids lose them there too)
      const clockRecord = record.filter((e) => inClockRecord(rules.policy, e)).map(CaseEvent.withoutText)
      const evaluation = rules.evaluate(clockRecord, t)
      const next = CaseLifecycle.caseOf(
        CaseLifecycle.identityOf(redactIdentity(stored.case, whom)),
        facts,
        nextDueAt(evaluation)
      )
      yield* store.erase({
        caseId: stored.case.id,
        expectedSequence: base,
        outcome: {
          _tag: "Anonymise",
          events: record,
          case: next,
          facts,
          clockRecord,
          message: redactMessage(whom)
        }
      })
      return "anonymised"
    })

  /** Erases a case by id, re-reading it on a conflict; none when it is gone. */
  const eraseCase = (caseId: string, erasure: Erasure.Erasure, whomOf: (stored: SupportCase.WithRecord) => Whom) =>
    retry(
      Effect.gen(function* () {
        const found = yield* withRecord(caseId)
        if (Option.isNone(found)) return Option.none<"anonymised" | "deleted">()
        return Option.some(yield* eraseStored(found.value, erasure, whomOf(found.value)))
      })
    ).pipe(Effect.catchTag("CaseNotFound", () => Effect.succeed(Option.none<"anonymised" | "deleted">())))

  /**
   * The subject of one case's erasure for the other holders (retention, a released hold): its requester, and their
   * address only when no other case of theirs that is not erased still knows it (those may still write to it).
   */
  const subjectOf = (stored: SupportCase.WithRecord, erasure: Erasure.Erasure, whom: Whom) =>
    Effect.gen(function* () {
      const email = whom.whose === "requester" ? stored.case.requester.email : undefined
      let stillKnown = false
      for (let offset = 0; email !== undefined && !stillKnown; offset += 200) {
        const page = yield* store.listByRequester(whom.personId, { limit: 200, offset })
        stillKnown = page.some(
          (c) =>
            c.id !== stored.case.id &&
            c.requester.email !== undefined &&
            Mailbox.normalizeAddress(c.requester.email) === Mailbox.normalizeAddress(email)
        )
        if (page.length < 200) break
      }
      return {
        erasure,
        requesterId: whom.personId,
        emails: email !== undefined && !stillKnown ? [email] : [],
        // a counterparty's erasure redacts only their statements: the case stays its requester's
        caseIds: whom.whose === "requester" ? [stored.case.id] : [],
        heldCaseIds: []
      } satisfies Erasure.Subject
    })

  /** Who an erasure of a case is for, given the person erased: its requester, or its mediation counterparty. */
  const whomIn = (stored: SupportCase.WithRecord, personId: string): Whom =>
    stored.case.requester.id === personId ? { whose: "requester", personId } : { whose: "counterparty", personId }

  /** Every case a person is the requester of or a party to, each once. */
  const casesOf = (personId: string) =>
    Effect.gen(function* () {
      const found = new Map<string, SupportCase.SupportCase>()
      for (const list of [store.listByRequester, store.listByParty]) {
        for (let offset = 0; ; offset += 200) {
          const page = yield* list(personId, { limit: 200, offset })
          for (const c of page) found.set(c.id, c)
          if (page.length < 200) break
        }
      }
      return [...found.values()]
    })

  const eraseRequester = Effect.fn("SupportDesk.eraseRequester")(function* (actor: Actor.Actor, requesterId: string) {
    yield* k.authorizeDesk(actor, "eraseRequester")
    if (requesterId.trim().length === 0 || requesterId === Erasure.redacted) {
      return yield* invalid([{ path: "id", message: "expected the id of a requester" }])
    }
    const erasure: Erasure.Erasure = {
      id: yield* k.randomId,
      basis: "request",
      at: yield* k.now,
      by: Actor.toEventActor(actor)
    }
    const erasable: Array<{ readonly stored: SupportCase.WithRecord; readonly whom: Whom }> = []
    const held: Array<{ readonly stored: SupportCase.WithRecord; readonly whom: Whom }> = []
    for (const c of yield* casesOf(requesterId)) {
      const found = yield* withRecord(c.id)
      if (Option.isNone(found)) continue
      const stored = found.value
      const whom = whomIn(stored, requesterId)
      const rules = yield* k.rulesOfCase(stored)
      if (rules.policy.retention.legalHoldSuspends && onLegalHold(stored.events)) held.push({ stored, whom })
      else erasable.push({ stored, whom })
    }
    const ref = (stored: SupportCase.WithRecord): CaseRef => ({
      caseId: stored.case.id,
      trackingNumber: stored.case.trackingNumber
    })
    const emails = new Set<string>()
    for (const { stored, whom } of [...erasable, ...held]) {
      if (whom.whose === "requester" && stored.case.requester.email !== undefined)
        emails.add(stored.case.requester.email)
    }
    yield* callHolders({
      erasure,
      requesterId,
      emails: [...emails],
      caseIds: erasable.filter((e) => e.whom.whose === "requester").map((e) => e.stored.case.id),
      heldCaseIds: held.map((e) => e.stored.case.id)
    })
    const report = { anonymised: [] as Array<CaseRef>, deleted: [] as Array<CaseRef>, held: [] as Array<CaseRef> }
    for (const { stored } of erasable) {
      const done = yield* eraseCase(stored.case.id, erasure, (fresh) => whomIn(fresh, requesterId))
      if (Option.isSome(done)) report[done.value].push(ref(stored))
    }
    for (const { stored, whom } of held) {
      const found = yield* withRecord(stored.case.id)
      if (Option.isSome(found) && pendingErasure(found.value.events)?.whose !== whom.whose) {
        yield* k
          .commitTo(
            stored.case.id,
            () =>
              Effect.succeed(
                Option.some<Step>({
                  events: [{ type: "erasureRequested", erasureId: erasure.id, whose: whom.whose }],
                  notices: []
                })
              ),
            erasure.by
          )
          .pipe(Effect.catchTag("CaseNotFound", () => Effect.void))
      }
      report.held.push(ref(stored))
    }
    return { erasureId: erasure.id, ...report } satisfies ErasureReport
  })

  /**
   * The erasure a case waited for on its legal hold, now that it is released: the other holders erase theirs, then
   * the case is erased as requested. None when nothing waits.
   */
  const eraseReleased = (stored: SupportCase.WithRecord) =>
    Effect.gen(function* () {
      const pending = pendingErasure(stored.events)
      if (pending === undefined) return Option.none<"anonymised" | "deleted">()
      const facts = CaseLifecycle.factsUnsafe(stored.events)
      const personId = pending.whose === "requester" ? stored.case.requester.id : facts.counterpartyId
      if (personId === undefined) return Option.none<"anonymised" | "deleted">()
      const whom: Whom = { whose: pending.whose, personId }
      const erasure: Erasure.Erasure = {
        id: pending.erasureId,
        basis: "request",
        at: yield* k.now,
        by: pending.actor
      }
      yield* callHolders(yield* subjectOf(stored, erasure, whom))
      return yield* eraseCase(stored.case.id, erasure, () => whom)
    })

  /** Retention (clause 7.4): one closed case of its requester, after the other holders erased theirs. */
  const eraseForRetention = (stored: SupportCase.WithRecord, erasure: Erasure.Erasure) =>
    Effect.gen(function* () {
      const whom: Whom = { whose: "requester", personId: stored.case.requester.id }
      yield* callHolders(yield* subjectOf(stored, erasure, whom))
      return yield* eraseStored(stored, erasure, whom)
    })

  return { withRecord, eraseRequester, eraseReleased, eraseForRetention }
}

export type Erasing = ReturnType<typeof make>
