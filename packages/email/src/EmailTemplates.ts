/**
 * How a notification of the desk becomes an email: a subject with the tracking number (`[GS-XXXX-XXXX] …`), a text
 * part and an HTML part, in the recipient's language.
 *
 * - **English** is the desk's own text: the `subject` and `body` that core's notices wrote (one text, decision 15),
 *   with times in the recipient's time zone when the host told the desk, else the policy's, offset shown.
 * - **Simplified Chinese** (`zh`, `zh-CN`, `zh-SG`, `zh-Hans…`) is rendered here from the message's template data
 *   (`Outbox.Message.data`), times written in Chinese in the same zone.
 * - A host **overrides** any template of any language (`overrides: { "zh": { acknowledgment: … } }`), or adds
 *   languages. A language without a template for a notification, or a message without data, falls back to English.
 *
 * The HTML part is the text part escaped, paragraph by paragraph, unless a template gives its own.
 *
 * @since 0.1.0
 */
import { type Outbox, Sla, type SupportPolicy } from "@support-policy/core"

/**
 * A rendered email: subject (tracking number included), text part, HTML part.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rendered {
  readonly subject: string
  readonly text: string
  readonly html: string
  /** The language tag it was written in (`"en"`, `"zh-Hans"`, or a host's). */
  readonly language: string
}

/**
 * What a template gets: the message's parameters, the message itself, and a formatter of instants in the
 * recipient's zone for the template's language.
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateContext {
  readonly params: Readonly<Record<string, unknown>>
  readonly message: Outbox.Message
  readonly trackingNumber: string | null
  /** The zone times are written in: the recipient's, else the policy's. */
  readonly timeZone: string
  readonly formatInstant: (epochMillis: number) => string
}

/**
 * A template: the subject (without the tracking number, added in front) and the text; `html` optionally.
 *
 * @since 0.1.0
 * @category models
 */
export type Template = (context: TemplateContext) => {
  readonly subject: string
  readonly text: string
  readonly html?: string | undefined
}

/**
 * Templates of one language, by template name (`Outbox.Data.template`: `acknowledgment`, `reply`, …).
 *
 * @since 0.1.0
 * @category models
 */
export type Language = Readonly<Record<string, Template>>

/**
 * Options of rendering.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The zone of times for recipients whose zone the desk does not know: the policy's calendar zone. */
  readonly policyTimeZone: string
  /** Templates by language tag, over the built-in ones (a host's own wording, or more languages). */
  readonly overrides?: Readonly<Record<string, Language>> | undefined
  /** Formatters of instants by language tag, for languages a host adds (English and Chinese are built in). */
  readonly instantFormats?: Readonly<Record<string, (epochMillis: number, timeZone: string) => string>> | undefined
}

// -------------------------------------------------------------------------------------------------------------------
// instants
// -------------------------------------------------------------------------------------------------------------------

const offsetOf = (epochMillis: number, timeZone: string): string => {
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(epochMillis)
    .find((p) => p.type === "timeZoneName")?.value
  return part === undefined || part === "GMT" ? "UTC+00:00" : part.replace("GMT", "UTC")
}

/**
 * An instant in Chinese, in `timeZone`, offset shown: `2026年12月1日 星期二 10:00（Asia/Shanghai，UTC+08:00）`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatInstantZh = (epochMillis: number, timeZone: string): string => {
  const parts = new Intl.DateTimeFormat("zh-CN", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    weekday: "long",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23"
  }).formatToParts(epochMillis)
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ""
  const offset = offsetOf(epochMillis, timeZone)
  const zone = /^[+-]\d/.test(timeZone) || timeZone === "UTC" ? offset : `${timeZone}，${offset}`
  return `${get("year")}年${get("month")}月${get("day")}日 ${get("weekday")} ${get("hour")}:${get("minute")}（${zone}）`
}

// -------------------------------------------------------------------------------------------------------------------
// Simplified Chinese
// -------------------------------------------------------------------------------------------------------------------

const str = (params: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const value = params[key]
  return typeof value === "string" ? value : undefined
}

const num = (params: Readonly<Record<string, unknown>>, key: string): number | undefined => {
  const value = params[key]
  return typeof value === "number" ? value : undefined
}

const targetZh = (target: unknown): string => {
  const t = (target ?? {}) as Partial<SupportPolicy.Target>
  if (t.businessDays !== undefined) return `${t.businessDays} 个工作日`
  if (t.businessHours !== undefined) return `${t.businessHours} 个工作小时`
  return `${t.businessMinutes ?? "?"} 个工作分钟`
}

const reasonZh = (params: Readonly<Record<string, unknown>>): string => {
  const reason = str(params, "reason")
  return reason === undefined ? "" : `：${reason}`
}

const reopenZh = (c: TemplateContext): string => {
  const until = num(c.params, "reopenableUntil")
  return until === undefined
    ? ""
    : `\n\n如果这未能解决您的问题，您可以在 ${c.formatInstant(until)} 之前重新打开此请求。`
}

/** The requester's invitation to rate the case through its signed link (`params.rating`), when the desk gave one. */
const ratingZh = (c: TemplateContext): string => {
  const rating = (c.params.rating ?? undefined) as
    | { readonly url?: unknown; readonly until?: unknown; readonly min?: unknown; readonly max?: unknown }
    | undefined
  if (rating === undefined || typeof rating.url !== "string" || typeof rating.until !== "number") return ""
  return (
    `\n\n您对我们处理此请求的方式满意吗？请在 ${c.formatInstant(rating.until)} 之前为我们评分` +
    `（${String(rating.min)}–${String(rating.max)} 分，无需登录）：\n${rating.url}`
  )
}

const tracking = (c: TemplateContext) => str(c.params, "trackingNumber") ?? c.trackingNumber ?? ""
const caseSubject = (c: TemplateContext) => str(c.params, "caseSubject") ?? ""
const body = (c: TemplateContext) => str(c.params, "body") ?? c.message.body

interface Promise {
  readonly metric: string
  readonly target: unknown
  readonly due: number
  readonly clause: string
}

/**
 * The built-in Simplified Chinese templates, one per template of the desk's notices.
 *
 * @since 0.1.0
 * @category templates
 */
export const chinese: Language = {
  acknowledgment: (c) => {
    const channel = (c.params.channel ?? {}) as { requested?: string; taken?: string; nextOpening?: number | null }
    const lines = [
      `尊敬的${str(c.params, "requesterName") ?? "客户"}：`,
      "",
      `我们已收到您的请求“${caseSubject(c)}”。`,
      `您的跟踪编号是 ${tracking(c)}；就此请求联系我们时，请注明该编号（条款 ${str(c.params, "trackingClause") ?? "6.4"}）。`
    ]
    if (channel.requested !== undefined && channel.taken !== undefined && channel.requested !== channel.taken) {
      lines.push(
        `${channel.requested}仅在服务时间内有人值守；您的消息已作为通过${channel.taken}提交的请求受理` +
          (typeof channel.nextOpening === "number"
            ? `。我们的团队将于 ${c.formatInstant(channel.nextOpening)} 恢复服务。`
            : "。")
      )
    }
    const promises = Array.isArray(c.params.promises) ? (c.params.promises as ReadonlyArray<Promise>) : []
    for (const p of promises) {
      const within = targetZh(p.target)
      const by = c.formatInstant(p.due)
      if (p.metric === "firstResponse") lines.push(`我们将在 ${within}内（${by} 之前）回复您（条款 ${p.clause}）。`)
      else if (p.metric === "progressUpdate") {
        lines.push(
          `您将在 ${within}内（${by} 之前）收到进度更新，此后至少每 ${within}更新一次，直至您的请求得到解决（条款 ${p.clause}）。`
        )
      } else lines.push(`您的请求将在 ${within}内（${by} 之前）得到解决或说明（条款 ${p.clause}）。`)
    }
    return { subject: `我们已收到您的请求：${caseSubject(c)}`, text: lines.join("\n") }
  },
  reply: (c) => ({ subject: "对您请求的回复", text: body(c) }),
  progressUpdate: (c) => ({ subject: "您的请求有新进展", text: body(c) }),
  informationRequested: (c) => ({ subject: "我们需要更多信息", text: body(c) }),
  resolved: (c) => ({ subject: "您的请求已解决", text: body(c) + reopenZh(c) + ratingZh(c) }),
  explained: (c) => ({ subject: "关于您的请求", text: body(c) + reopenZh(c) + ratingZh(c) }),
  mediationOutcome: (c) => {
    const outcome = str(c.params, "outcome")
    const word = outcome === "settled" ? "已和解" : outcome === "withdrawn" ? "已撤回" : "未和解"
    return { subject: `调解结果：${word}`, text: body(c) + reopenZh(c) + ratingZh(c) }
  },
  mediationInvitation: (c) => {
    const order = str(c.params, "orderReference")
    return {
      subject: "一位买家请求平台调解一项争议",
      text:
        `一位买家请求平台调解一项争议${order === undefined ? "" : `（订单 ${order}）`}` +
        `（条款 ${str(c.params, "clause") ?? ""}）。请在跟踪编号 ${tracking(c)} 下提交您的陈述。`
    }
  },
  statement: (c) => ({
    subject: "您的调解有新的陈述",
    text: `对方在调解 ${tracking(c)} 中提交了陈述：\n\n${body(c)}`
  }),
  assigned: (c) => ({
    subject: `分配给您的案件：${caseSubject(c)}`,
    text: `案件 ${tracking(c)}（${str(c.params, "priority") ?? ""}优先级）已分配给您。`
  }),
  escalated: (c) => ({
    subject: `升级给您的案件：${caseSubject(c)}`,
    text: `您的请求者 ${str(c.params, "requesterId") ?? ""} 的案件 ${tracking(c)} 已升级给您${reasonZh(c.params)}。`
  }),
  verificationHold: (c) => {
    const reason = str(c.params, "reason")
    return {
      subject: `您的请求 ${tracking(c)} 正在核实中`,
      text:
        `提交的内容必须真实合法，我们正在核实您发送的内容（条款 ${str(c.params, "clause") ?? ""}）。我们会将结果告知您。` +
        (reason === undefined ? "" : `\n\n原因：${reason}`)
    }
  },
  refused: (c) => {
    const extra = str(c.params, "body")
    return {
      subject: "您的请求被拒绝",
      text:
        `根据我们支持政策的条款 ${str(c.params, "clause") ?? ""}，您的请求被拒绝：${str(c.params, "description") ?? ""}。` +
        (extra === undefined ? "" : `\n\n${extra}`)
    }
  },
  reopened: (c) => ({
    subject: "您的请求已重新打开",
    text: `我们重新打开了您的请求 ${tracking(c)}${reasonZh(c.params)}。`
  }),
  reopenedStaff: (c) => ({
    subject: `案件已重新打开：${caseSubject(c)}`,
    text: `案件 ${tracking(c)} 已重新打开${reasonZh(c.params)}。`
  }),
  closed: (c) => ({ subject: "您的请求已关闭", text: `您的请求 ${tracking(c)} 已关闭${reasonZh(c.params)}。` }),
  closedIdle: (c) => {
    const days = num(c.params, "businessDays") ?? 0
    return {
      subject: "您的请求已关闭",
      text:
        str(c.params, "rule") === "inactiveAfterAnswer"
          ? `您的请求 ${tracking(c)} 已得到答复，且已有 ${days} 个工作日没有任何活动，因此现已关闭。`
          : `我们曾就您的请求 ${tracking(c)} 请您提供更多信息，但 ${days} 个工作日内未收到回复，因此现已关闭。欢迎您提交新的请求。`
    }
  },
  incidentLinked: (c) => ({
    subject: `您的请求受到平台事件影响：${str(c.params, "incidentTitle") ?? ""}`,
    text:
      `您的请求 ${tracking(c)} 受到一项全系统事件的影响：${str(c.params, "incidentTitle") ?? ""}。` +
      `事件解决后我们会通知您（条款 ${str(c.params, "clause") ?? ""}）。`
  }),
  incidentResolved: (c) => {
    const note = str(c.params, "note")
    return {
      subject: `影响您请求的平台事件已解决：${str(c.params, "incidentTitle") ?? ""}`,
      text:
        `全系统事件“${str(c.params, "incidentTitle") ?? ""}”已解决。我们将继续处理您的请求 ${tracking(c)}。` +
        (note === undefined ? "" : `\n\n${note}`)
    }
  }
}

// -------------------------------------------------------------------------------------------------------------------
// rendering
// -------------------------------------------------------------------------------------------------------------------

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/**
 * The HTML part of a text: each paragraph (separated by a blank line) a `<p>`, line breaks kept, everything escaped,
 * and web addresses (`https://…`, `http://…`) made links.
 *
 * @since 0.1.0
 * @category formatting
 */
export const htmlOf = (text: string, language: string): string =>
  `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"></head>` +
  `<body style="font-family:sans-serif;line-height:1.5">` +
  text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${linked(escapeHtml(paragraph)).replace(/\n/g, "<br>")}</p>`)
    .join("") +
  "</body></html>"

/** Web addresses in escaped text as links (the address is its own text). */
const linked = (escaped: string): string =>
  escaped.replace(/\bhttps?:\/\/[^\s<>"]+/g, (url) => `<a href="${url}">${url}</a>`)

/**
 * The built-in language a recipient's language tag is written in: `"zh-Hans"` for Simplified Chinese (`zh`,
 * `zh-CN`, `zh-SG`, `zh-Hans…`), else `"en"`.
 *
 * @since 0.1.0
 * @category getters
 */
export const builtInLanguage = (tag: string): "en" | "zh-Hans" => {
  const t = tag.toLowerCase()
  if (t === "zh" || t === "zh-cn" || t === "zh-sg" || t.startsWith("zh-hans")) return "zh-Hans"
  return "en"
}

/** The templates a host gave for a tag: exact, then the primary subtag (`pt-BR` → `pt`), case-blind. */
const overridesFor = (options: Options, tag: string): { tag: string; language: Language } | undefined => {
  const overrides = options.overrides ?? {}
  const entries = Object.entries(overrides)
  const lower = tag.toLowerCase()
  const exact = entries.find(([k]) => k.toLowerCase() === lower)
  if (exact !== undefined) return { tag: exact[0], language: exact[1] }
  const builtIn = builtInLanguage(tag)
  const same = entries.find(([k]) => builtInLanguage(k) === builtIn && builtIn !== "en")
  if (same !== undefined) return { tag: same[0], language: same[1] }
  const primary = entries.find(([k]) => k.toLowerCase() === lower.split("-")[0])
  return primary === undefined ? undefined : { tag: primary[0], language: primary[1] }
}

/**
 * Renders a message in its recipient's language (see the module's summary for the rules).
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (message: Outbox.Message, options: Options): Rendered => {
  const timeZone = message.recipient.timeZone ?? options.policyTimeZone
  const prefix = message.trackingNumber === null ? "" : `[${message.trackingNumber}] `
  const data = message.data
  const tag = message.recipient.language
  const candidates: Array<{ tag: string; language: Language | undefined }> = []
  const hostLanguage = overridesFor(options, tag)
  if (hostLanguage !== undefined) candidates.push(hostLanguage)
  if (builtInLanguage(tag) === "zh-Hans") candidates.push({ tag: "zh-Hans", language: chinese })
  const hostEnglish = overridesFor(options, "en")
  if (hostEnglish !== undefined) candidates.push(hostEnglish)
  if (data !== undefined) {
    for (const candidate of candidates) {
      const template = candidate.language?.[data.template]
      if (template === undefined) continue
      const format =
        options.instantFormats?.[candidate.tag] ??
        (builtInLanguage(candidate.tag) === "zh-Hans" ? formatInstantZh : Sla.formatInstant)
      const written = template({
        params: data.params,
        message,
        trackingNumber: message.trackingNumber,
        timeZone,
        formatInstant: (ms) => format(ms, timeZone)
      })
      return {
        subject: `${prefix}${written.subject}`,
        text: written.text,
        html: written.html ?? htmlOf(written.text, candidate.tag),
        language: candidate.tag
      }
    }
  }
  // the desk's own English text
  return { subject: message.subject, text: message.body, html: htmlOf(message.body, "en"), language: "en" }
}
