/**
 * Mail that no person wrote: auto-replies and out-of-office notices, mailing-list and bulk mail, delivery-status
 * reports (bounces). The desk never opens a case for them and never answers them (RFC 3834), which is what stops mail
 * loops with auto-responders.
 */
import type { Email } from "postal-mime"

export interface Verdict {
  readonly kind: "automatic" | "bounce"
  readonly reason: string
  /** For a bounce: the recipients whose delivery failed, with the reason. */
  readonly failed: ReadonlyArray<{ readonly address: string; readonly reason: string }>
}

const header = (email: Email, name: string): string | undefined =>
  email.headers.find((h) => h.key === name)?.value?.trim()

/** The failed recipients of a delivery-status report (RFC 3464): `Final-Recipient` with `Action: failed`. */
const failedRecipients = (email: Email): Array<{ address: string; reason: string }> => {
  const failed: Array<{ address: string; reason: string }> = []
  for (const attachment of email.attachments) {
    if (attachment.mimeType.toLowerCase() !== "message/delivery-status") continue
    const content =
      typeof attachment.content === "string"
        ? attachment.content
        : new TextDecoder().decode(attachment.content as ArrayBuffer)
    // per-recipient groups are separated by blank lines
    for (const group of content.replace(/\r\n/g, "\n").split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "im").exec(group)?.[1]?.trim()
      const recipient = field("Final-Recipient") ?? field("Original-Recipient")
      const action = field("Action")?.toLowerCase()
      if (recipient === undefined || action !== "failed") continue
      const address = recipient.replace(/^rfc822;\s*/i, "").trim()
      const status = field("Status")
      const diagnostic = field("Diagnostic-Code")?.replace(/^smtp;\s*/i, "")
      failed.push({ address, reason: [status, diagnostic].filter((s) => s !== undefined).join(" ") || "failed" })
    }
  }
  const header = email.headers.find((h) => h.key === "x-failed-recipients")?.value
  if (failed.length === 0 && header !== undefined) {
    for (const address of header.split(",")) {
      if (address.trim() !== "") failed.push({ address: address.trim(), reason: "X-Failed-Recipients" })
    }
  }
  return failed
}

/**
 * Whether a mail is automatic, and why; undefined for a mail a person wrote. `envelopeSender` is the SMTP `MAIL FROM`
 * (empty for bounces), when known.
 */
export const classify = (email: Email, envelopeSender: string | null | undefined): Verdict | undefined => {
  const contentType = header(email, "content-type")?.toLowerCase() ?? ""
  const isReport =
    (contentType.startsWith("multipart/report") && /report-type="?delivery-status/.test(contentType)) ||
    email.attachments.some((a) => a.mimeType.toLowerCase() === "message/delivery-status")
  const from = email.from?.address?.toLowerCase() ?? ""
  const local = from.split("@")[0] ?? ""
  if (isReport) {
    return { kind: "bounce", reason: "a delivery-status report", failed: failedRecipients(email) }
  }
  if (header(email, "x-failed-recipients") !== undefined) {
    return { kind: "bounce", reason: "X-Failed-Recipients", failed: failedRecipients(email) }
  }
  const automatic = (reason: string): Verdict => ({ kind: "automatic", reason, failed: [] })
  const autoSubmitted = header(email, "auto-submitted")?.toLowerCase()
  if (autoSubmitted !== undefined && autoSubmitted.split(";")[0].trim() !== "no") {
    return automatic(`Auto-Submitted: ${autoSubmitted}`)
  }
  const precedence = header(email, "precedence")?.toLowerCase()
  if (precedence !== undefined && ["bulk", "junk", "list", "auto_reply"].includes(precedence)) {
    return automatic(`Precedence: ${precedence}`)
  }
  for (const name of ["x-autoreply", "x-autorespond", "x-auto-response-suppress-reply"]) {
    if (header(email, name) !== undefined) return automatic(`${name} header`)
  }
  const suppress = header(email, "x-auto-response-suppress")?.toLowerCase()
  if (
    suppress !== undefined &&
    /\b(all|oof|autoreply)\b/.test(suppress) &&
    header(email, "x-ms-exchange-generated-message-source") !== undefined
  ) {
    return automatic("an Exchange-generated message")
  }
  if (header(email, "list-id") !== undefined) return automatic("List-Id header (a mailing list)")
  if (header(email, "list-unsubscribe") !== undefined) return automatic("List-Unsubscribe header (bulk mail)")
  if (local === "mailer-daemon" || local === "postmaster") return automatic(`sent by ${local}`)
  if (envelopeSender !== undefined && envelopeSender !== null && envelopeSender.trim() === "") {
    return automatic("empty envelope sender (a bounce or notification)")
  }
  return undefined
}
