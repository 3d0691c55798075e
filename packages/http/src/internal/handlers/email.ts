/**
 * The email channel for staff: given-up notifications and their retry (administrators), incoming mail with its
 * originals, and the addresses that bounced. The outbox and the mailbox are taken from the context the API is built
 * in when the host has them; without them these endpoints answer 503.
 */
import { type Actor, Mailbox, Outbox, SupportDesk } from "@support-policy/core"
import { Clock, Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import { Conflict, Forbidden, NotFound, ServiceUnavailable } from "../../HttpProblem.ts"
import type { Api } from "../../HttpSupportApi.ts"
import { deskErrors } from "../problems.ts"

const requireRole = (roles: ReadonlyArray<Actor.Actor["role"]>, what: string) =>
  Effect.flatMap(Effect.service(CurrentActor), (actor) =>
    roles.includes(actor.role)
      ? Effect.void
      : Effect.fail(new Forbidden({ code: "RoleRequired", detail: `Only ${what} may do this` }))
  )

const administrators = requireRole(["administrator"], "administrators")
const staff = requireRole(["agent", "accountManager", "administrator"], "staff")

const unavailable = (what: string) => (cause: { readonly message: string }) =>
  Effect.andThen(
    Effect.logError(`support desk HTTP API: the ${what} failed`, cause),
    Effect.fail(
      new ServiceUnavailable({ code: "StorageUnavailable", detail: `The ${what} is unavailable; retry later` })
    )
  )

const required = <A>(service: Option.Option<A>, what: string): Effect.Effect<A, ServiceUnavailable> =>
  Option.isSome(service)
    ? Effect.succeed(service.value)
    : Effect.fail(new ServiceUnavailable({ code: "NotConfigured", detail: `This host runs no ${what}` }))

export const layer = (api: typeof Api) =>
  HttpApiBuilder.group(
    api,
    "email",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      const outboxService = yield* Effect.serviceOption(Outbox.Outbox)
      const mailboxService = yield* Effect.serviceOption(Mailbox.Mailbox)
      const outbox = required(outboxService, "outbox")
      const mailbox = required(mailboxService, "email mailbox")
      return handlers
        .handle("failedMessages", ({ query }) =>
          Effect.gen(function* () {
            yield* administrators
            const items = yield* (yield* outbox)
              .listFailed({ limit: query.limit ?? 50, offset: query.offset ?? 0 })
              .pipe(Effect.catchTag("OutboxFailure", unavailable("outbox")))
            return { items }
          })
        )
        .handle("retryMessage", ({ params }) =>
          Effect.gen(function* () {
            yield* administrators
            const o = yield* outbox
            const before = yield* o.get(params.messageId).pipe(Effect.catchTag("OutboxFailure", unavailable("outbox")))
            if (Option.isNone(before)) {
              return yield* new NotFound({ code: "MessageNotFound", detail: `No message ${params.messageId}` })
            }
            if (before.value.status !== "failed") {
              return yield* new Conflict({
                code: "MessageNotFailed",
                detail: `Message ${params.messageId} is ${before.value.status}: only a failed message is retried`
              })
            }
            const now = yield* Clock.currentTimeMillis
            const after = yield* o
              .retry(params.messageId, now)
              .pipe(Effect.catchTag("OutboxFailure", unavailable("outbox")))
            return Option.getOrElse(after, () => before.value)
          })
        )
        .handle("inboundMail", ({ query }) =>
          Effect.gen(function* () {
            yield* staff
            const items = yield* (yield* mailbox)
              .list({ limit: query.limit ?? 50, offset: query.offset ?? 0 })
              .pipe(Effect.catchTag("MailboxFailure", unavailable("mailbox")))
            return { items }
          })
        )
        .handle("caseMail", ({ params }) =>
          Effect.gen(function* () {
            yield* staff
            const actor = yield* CurrentActor
            const m = yield* mailbox
            const view = yield* desk.getCase(actor, params.trackingNumber).pipe(deskErrors())
            const items = yield* m
              .listByCase(view.case.id)
              .pipe(Effect.catchTag("MailboxFailure", unavailable("mailbox")))
            return { items }
          })
        )
        .handle("original", ({ params }) =>
          Effect.gen(function* () {
            yield* staff
            const m = yield* mailbox
            const mail = yield* m.get(params.mailId).pipe(Effect.catchTag("MailboxFailure", unavailable("mailbox")))
            const original = yield* m
              .original(params.mailId)
              .pipe(Effect.catchTag("MailboxFailure", unavailable("mailbox")))
            if (Option.isNone(mail) || Option.isNone(original)) {
              return yield* new NotFound({ code: "MailNotFound", detail: `No mail ${params.mailId}` })
            }
            return { mail: mail.value, originalBase64: Buffer.from(original.value).toString("base64") }
          })
        )
        .handle("failingAddresses", ({ query }) =>
          Effect.gen(function* () {
            yield* staff
            const items = yield* (yield* mailbox)
              .listFailing({ limit: query.limit ?? 50, offset: query.offset ?? 0 })
              .pipe(Effect.catchTag("MailboxFailure", unavailable("mailbox")))
            return { items }
          })
        )
        .handle("clearFailingAddress", ({ params }) =>
          Effect.gen(function* () {
            yield* administrators
            const cleared = yield* (yield* mailbox)
              .clearFailing(params.address)
              .pipe(Effect.catchTag("MailboxFailure", unavailable("mailbox")))
            if (!cleared) {
              return yield* new NotFound({ code: "AddressNotFailing", detail: `${params.address} is not failing` })
            }
          })
        )
    })
  )
