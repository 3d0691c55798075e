import { EmailThreading } from "@support-policy/email"
import { Option, Redacted } from "effect"
import { describe, expect, it } from "vitest"

const threading = EmailThreading.make({ secret: Redacted.make("a-secret-of-enough-length"), domain: "Desk.Example" })
const other = EmailThreading.make({ secret: "another-secret-of-enough-length", domain: "desk.example" })
const caseId = "0123456789abcdef0123456789abcdef"

describe("EmailThreading", () => {
  it("signs a case's root id and its messages' ids, stable, and reads the case back", () => {
    const root = threading.rootId(caseId)
    expect(root).toMatch(/^<c\.0123456789abcdef0123456789abcdef\.[A-Za-z0-9_-]{22}@desk\.example>$/)
    expect(threading.messageId({ id: "m1", caseId, kind: "acknowledgment" })).toBe(root)
    const reply = threading.messageId({ id: "m2", caseId, kind: "reply" })
    expect(reply).toBe(threading.messageId({ id: "m2", caseId, kind: "reply" }))
    expect(reply).not.toBe(root)
    expect(threading.caseOfMessageId(root)).toEqual(Option.some(caseId))
    expect(threading.caseOfMessageId(reply.slice(1, -1))).toEqual(Option.some(caseId))
    expect(threading.messageId({ id: "m3", caseId: null, kind: "reply" })).toMatch(/^<m\.m3\.[^.]+@desk\.example>$/)
  })

  it("refuses ids signed with another secret, altered, or of another domain", () => {
    const root = threading.rootId(caseId)
    expect(threading.caseOfMessageId(other.rootId(caseId))).toEqual(Option.none())
    expect(threading.caseOfMessageId(root.replace("0123", "9123"))).toEqual(Option.none())
    expect(threading.caseOfMessageId(root.replace("@desk.example", "@evil.example"))).toEqual(Option.none())
    expect(threading.caseOfMessageId("<CAF123@mail.gmail.com>")).toEqual(Option.none())
  })

  it("reads a reply token in any letter case, and refuses a forged one", () => {
    const token = threading.replyToken(caseId)
    expect(threading.caseOfAddress(`support+${token}@reply.desk.example`)).toEqual(Option.some(caseId))
    expect(threading.caseOfAddress(`SUPPORT+${token.toUpperCase()}@Reply.Desk.Example`)).toEqual(Option.some(caseId))
    expect(threading.caseOfAddress(`support+${other.replyToken(caseId)}@reply.desk.example`)).toEqual(Option.none())
    expect(threading.caseOfAddress("support@reply.desk.example")).toEqual(Option.none())
  })

  it("refuses a short secret", () => {
    expect(() => EmailThreading.make({ secret: "short", domain: "desk.example" })).toThrow(/16 characters/)
  })
})
