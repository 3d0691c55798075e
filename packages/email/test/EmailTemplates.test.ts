import { Outbox } from "@support-policy/core"
import { EmailTemplates } from "@support-policy/email"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"

const decode = Schema.decodeUnknownSync(Outbox.Message)

const message = (overrides: Record<string, unknown> = {}) =>
  decode({
    id: "m1",
    kind: "resolved",
    caseId: "c1",
    trackingNumber: "GS-7KQ2-M9XD4",
    sequence: 3,
    recipient: { id: "buyer-ana", role: "requester", language: "en" },
    subject: "[GS-7KQ2-M9XD4] Your request is resolved",
    body: "Refund sent.\n\nIf this does not settle your request, you may reopen it until Mon 16 Jun 2025, 10:00 (UTC+08:00).",
    createdAt: 1_749_434_400_000,
    data: {
      template: "resolved",
      params: { trackingNumber: "GS-7KQ2-M9XD4", body: "Refund sent.", reopenableUntil: 1_750_039_200_000 }
    },
    ...overrides
  })

const options = { policyTimeZone: "+08:00" }

describe("EmailTemplates.render", () => {
  it("writes English with the desk's own text, and an HTML part of it", () => {
    const rendered = EmailTemplates.render(message(), options)
    expect(rendered.subject).toBe("[GS-7KQ2-M9XD4] Your request is resolved")
    expect(rendered.text).toBe(message().body)
    expect(rendered.html).toContain("<p>Refund sent.</p>")
    expect(rendered.language).toBe("en")
  })

  it("writes Simplified Chinese from the data, times in the recipient's zone", () => {
    const zh = message({
      recipient: { id: "buyer-li", role: "requester", language: "zh-CN", timeZone: "Asia/Shanghai" }
    })
    const rendered = EmailTemplates.render(zh, options)
    expect(rendered.subject).toBe("[GS-7KQ2-M9XD4] 您的请求已解决")
    expect(rendered.text).toBe(
      "Refund sent.\n\n如果这未能解决您的问题，您可以在 2025年6月16日 星期一 10:00（Asia/Shanghai，UTC+08:00） 之前重新打开此请求。"
    )
    expect(rendered.language).toBe("zh-Hans")
  })

  it("carries the rating link: in Chinese from the data, in HTML as a link", () => {
    const url = "https://desk.example/rate#v1.eyJjIjoiYzEifQ.c2ln"
    const rating = { url, until: 1_750_212_000_000, min: 1, max: 5 }
    const english = message({
      body: `${message().body}\n\nHow satisfied are you? Rate it from 1 to 5 until …, no sign-in needed:\n${url}`,
      data: { template: "resolved", params: { ...message().data?.params, rating } }
    })
    expect(EmailTemplates.render(english, options).html).toContain(`<br><a href="${url}">${url}</a></p>`)
    const zh = EmailTemplates.render(
      { ...english, recipient: { id: "buyer-li", role: "requester", language: "zh-CN", timeZone: "Asia/Shanghai" } },
      options
    )
    expect(zh.text).toBe(
      "Refund sent.\n\n如果这未能解决您的问题，您可以在 2025年6月16日 星期一 10:00（Asia/Shanghai，UTC+08:00） 之前重新打开此请求。" +
        "\n\n您对我们处理此请求的方式满意吗？请在 2025年6月18日 星期三 10:00（Asia/Shanghai，UTC+08:00） 之前为我们评分" +
        `（1–5 分，无需登录）：\n${url}`
    )
    expect(zh.html).toContain(`<a href="${url}">`)
  })

  it("falls back to English for Traditional Chinese, other languages and messages without data", () => {
    for (const language of ["zh-TW", "zh-Hant-HK", "fr"]) {
      const rendered = EmailTemplates.render(message({ recipient: { id: "x", role: "requester", language } }), options)
      expect(rendered.language, language).toBe("en")
    }
    const { data: _, ...withoutData } = message({ recipient: { id: "x", role: "requester", language: "zh" } })
    expect(EmailTemplates.render(withoutData, options).text).toBe(message().body)
  })

  it("lets a host override a template, add a language, and give its own HTML", () => {
    const rendered = EmailTemplates.render(message({ recipient: { id: "x", role: "requester", language: "pt-BR" } }), {
      ...options,
      overrides: {
        pt: {
          resolved: (c) => ({
            subject: "Seu pedido foi resolvido",
            text: `${String(c.params.body)} (até ${c.formatInstant(Number(c.params.reopenableUntil))})`,
            html: "<p>custom</p>"
          })
        },
        en: { reply: () => ({ subject: "Host reply", text: "host text" }) }
      }
    })
    expect(rendered.subject).toBe("[GS-7KQ2-M9XD4] Seu pedido foi resolvido")
    expect(rendered.text).toBe("Refund sent. (até Mon 16 Jun 2025, 10:00 (UTC+08:00))")
    expect(rendered.html).toBe("<p>custom</p>")
    const reply = EmailTemplates.render(
      message({ kind: "reply", data: { template: "reply", params: { body: "x" } } }),
      { ...options, overrides: { en: { reply: () => ({ subject: "Host reply", text: "host text" }) } } }
    )
    expect([reply.subject, reply.text]).toEqual(["[GS-7KQ2-M9XD4] Host reply", "host text"])
  })

  it("has a Chinese template for every template the desk writes", () => {
    const templates = [
      "acknowledgment",
      "reply",
      "progressUpdate",
      "informationRequested",
      "resolved",
      "explained",
      "mediationOutcome",
      "mediationInvitation",
      "statement",
      "assigned",
      "escalated",
      "verificationHold",
      "refused",
      "reopened",
      "reopenedStaff",
      "closed",
      "closedIdle",
      "incidentLinked",
      "incidentResolved"
    ]
    expect(Object.keys(EmailTemplates.chinese).sort()).toEqual([...templates].sort())
  })
})
