/**
 * Whether the domain of a mail's `From` address vouches for it (DMARC, else an aligned DKIM signature or SPF pass):
 * from the receiving MTA's `Authentication-Results` header (the topmost one stamped by the host's own authserv-id;
 * any other is ignored, since a sender can write such headers itself), or checked here with mailauth.
 */
import { Effect } from "effect"
import { authenticate } from "mailauth"
// mailauth's own parser of header fields in the Authentication-Results grammar (RFC 8601)
import parseAuthHeader from "mailauth/lib/parse-dkim-headers.js"
import type { Email } from "postal-mime"

export type Authenticity =
  | { readonly trust: "authentication-results"; readonly authservId: string }
  | {
      readonly trust: "mailauth"
      readonly mta?: string | undefined
      readonly resolver?:
        | ((domain: string, rrtype: string) => Promise<Array<string> | Array<Array<string>>>)
        | undefined
    }
  | { readonly trust: "sender" }

export interface Check {
  readonly authentic: boolean
  readonly detail: string
}

const domainOf = (address: string) => address.split("@").pop()?.toLowerCase() ?? ""

/** `a` is `b` or a subdomain of it, or the other way round (relaxed alignment, close enough for a verdict). */
const aligned = (a: string, b: string) => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`)

interface Parsed {
  readonly value?: string
  readonly header?: Record<string, string>
  readonly smtp?: Record<string, string>
}

const asList = (value: unknown): ReadonlyArray<Parsed> =>
  value === undefined ? [] : Array.isArray(value) ? (value as ReadonlyArray<Parsed>) : [value as Parsed]

const fromResults = (email: Email, authservId: string): Check => {
  const from = domainOf(email.from?.address ?? "")
  const want = authservId.toLowerCase()
  for (const h of email.headers) {
    if (h.key !== "authentication-results") continue
    let parsed: Record<string, unknown>
    try {
      parsed = parseAuthHeader(`Authentication-Results: ${h.value}`).parsed as Record<string, unknown>
    } catch {
      continue
    }
    // headers are listed top first: the first one of our own authserv-id is the topmost, written by our MTA
    if (String(parsed.value ?? "").toLowerCase() !== want) continue
    const dmarc = asList(parsed.dmarc)
    if (dmarc.some((r) => r.value === "pass")) return { authentic: true, detail: "dmarc=pass" }
    if (dmarc.some((r) => r.value === "fail")) return { authentic: false, detail: "dmarc=fail" }
    const dkim = asList(parsed.dkim).find((r) => r.value === "pass" && aligned(String(r.header?.d ?? ""), from))
    if (dkim !== undefined) return { authentic: true, detail: `dkim=pass header.d=${dkim.header?.d}` }
    const spf = asList(parsed.spf).find(
      (r) => r.value === "pass" && aligned(domainOf(String(r.smtp?.mailfrom ?? "")), from)
    )
    if (spf !== undefined) return { authentic: true, detail: "spf=pass" }
    return { authentic: false, detail: `no aligned pass in the Authentication-Results of ${authservId}` }
  }
  return { authentic: false, detail: `no Authentication-Results from ${authservId}` }
}

export const check = (
  authenticity: Authenticity,
  email: Email,
  raw: Uint8Array,
  envelope: {
    readonly mailFrom?: string | null | undefined
    readonly remoteAddress?: string | undefined
    readonly clientHostname?: string | undefined
  }
): Effect.Effect<Check> => {
  switch (authenticity.trust) {
    case "sender":
      return Effect.succeed({ authentic: true, detail: "the host trusts the From address (no check)" })
    case "authentication-results":
      return Effect.succeed(fromResults(email, authenticity.authservId))
    case "mailauth":
      return Effect.promise(() =>
        authenticate(Buffer.from(raw), {
          ...(envelope.remoteAddress === undefined ? {} : { ip: envelope.remoteAddress }),
          ...(envelope.clientHostname === undefined ? {} : { helo: envelope.clientHostname }),
          ...(envelope.mailFrom ? { sender: envelope.mailFrom } : {}),
          ...(authenticity.mta === undefined ? {} : { mta: authenticity.mta }),
          ...(authenticity.resolver === undefined ? {} : { resolver: authenticity.resolver as never })
        })
      ).pipe(
        Effect.map((result): Check => {
          const dmarc = result.dmarc === false ? undefined : result.dmarc.status.result
          if (dmarc === "pass") return { authentic: true, detail: "mailauth: dmarc=pass" }
          return { authentic: false, detail: `mailauth: dmarc=${dmarc ?? "none"}` }
        }),
        Effect.catchDefect((defect) =>
          Effect.succeed({ authentic: false, detail: `mailauth failed: ${String(defect)}` })
        )
      )
  }
}
