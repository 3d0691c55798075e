// The requester page, in English and Simplified Chinese: announcements, live chat hours, submitting a request (with
// the desk's promises in plain words, the clause as a small link) and tracking one (a mistyped tracking number is
// answered with the number meant). Every text is from i18n.js or, for the desk's own sentences, from the API in the
// chosen language. Calls the /v1 API.
import * as SP from "./common.js"
import { satisfactionPart } from "./satisfaction.js"
import { initialLanguage, LANGUAGES, language, policyName, setLanguage, t, translatePage } from "./i18n.js"

const { el, api, showError } = SP
const $ = (id) => document.getElementById(id)

const form = $("submit-form")
const submitError = $("submit-error")
const trackForm = $("track-form")
const trackError = $("track-error")
const caseView = $("case-view")
let me = null
let idempotencyKey = null
let shown = null

const locale = () => (language() === "zh" ? "zh-CN" : undefined)
const fmt = () =>
  new Intl.DateTimeFormat(locale(), {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit"
  })
/** An instant in the reader's zone and language. */
const whenZoned = (ms) =>
  ms === null || ms === undefined ? "—" : `${fmt().format(new Date(ms))} ${SP.whenZoned(ms).split(" ").at(-1)}`

// --- announcements and live chat -------------------------------------------------------------------------------

const loadAnnouncements = async () => {
  const { items } = await api("GET", "/v1/announcements")
  $("announcements").replaceChildren(
    ...items.map((a) => el("div", { class: "announcement" }, el("strong", {}, a.title), a.body))
  )
}

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

/** "Mon–Fri 09:00–18:00 (UTC+08:00), closed on public holidays", from the policy's calendar, in the page's language. */
const serviceHours = (spec) => {
  const short = (i) =>
    new Intl.DateTimeFormat(locale() ?? "en", { weekday: "short" }).format(new Date(Date.UTC(2024, 0, 1 + i)))
  const hoursOf = (day) => (spec.week[day] ?? []).map(([from, to]) => `${from}–${to}`).join(", ")
  const groups = []
  DAYS.forEach((day, i) => {
    const hours = hoursOf(day)
    if (hours === "") return
    const last = groups.at(-1)
    if (last !== undefined && last.hours === hours && last.to === i - 1) last.to = i
    else groups.push({ from: i, to: i, hours })
  })
  const days = groups.map((g) => `${short(g.from)}${g.to > g.from ? `–${short(g.to)}` : ""} ${g.hours}`).join("; ")
  const zone = /^[+-]\d\d:\d\d$/.test(spec.timeZone) ? `UTC${spec.timeZone}` : spec.timeZone
  return `${days} (${zone})${(spec.holidays ?? []).length > 0 ? t("hours.holidays") : ""}`
}

let channelStatus = null

const showChannels = async () => {
  const line = $("chat-status")
  const chat = channelStatus?.channels.find((c) => c.id === "live-chat")
  if (chat === undefined) {
    line.hidden = channelStatus !== null
    return
  }
  const text = chat.openNow
    ? t("chat.open", { until: chat.nextClosing ? t("chat.until", { when: whenZoned(chat.nextClosing) }) : "" })
    : t("chat.closed", { when: whenZoned(chat.nextOpening) })
  const policy = await SP.policy()
  const hours = el("span", { class: "hint" }, t("chat.hours", { hours: serviceHours(policy.calendar.spec) }))
  line.replaceChildren(el("span", { class: `dot ${chat.openNow ? "open" : "closed"}` }), el("span", {}, text), hours)
  line.dataset.open = String(chat.openNow)
}

// --- the form ---------------------------------------------------------------------------------------------------

const fillForm = async () => {
  const policy = await SP.policy()
  const chosen = form.category.value
  const categories = policy.categories.filter((c) => c.audiences.includes(me.audience))
  form.category.replaceChildren(
    el("option", { value: "" }, t("ask.chooseTopic")),
    ...categories.map((c) => el("option", { value: c.id }, policyName(policy.categories, c.id)))
  )
  form.category.value = chosen
  const channels = policy.channels.filter(
    (c) =>
      c.opensCase &&
      (c.audiences === undefined || c.audiences.includes(me.audience)) &&
      (c.requesterFlags === undefined || c.requesterFlags.every((f) => me.flags.includes(f)))
  )
  const channel = form.channel.value
  form.channel.replaceChildren(
    ...channels.map((c) => {
      const live = channelStatus?.channels.find((s) => s.id === c.id)
      const closed = live !== undefined && !live.openNow
      return el("option", { value: c.id }, `${policyName(policy.channels, c.id)}${closed ? t("ask.closedNow") : ""}`)
    })
  )
  form.channel.value = channels.some((c) => c.id === channel)
    ? channel
    : channels.some((c) => c.id === "online-form")
      ? "online-form"
      : channels[0]?.id
}

form.addEventListener("input", () => {
  idempotencyKey ??= crypto.randomUUID()
})

form.addEventListener("submit", async (event) => {
  event.preventDefault()
  submitError.hidden = true
  const data = new FormData(form)
  const missing = ["category", "subject", "description"].filter((k) => String(data.get(k) ?? "").trim() === "")
  if (missing.length > 0) {
    showError(
      submitError,
      t("ask.missing", { fields: missing.map((m) => t(`field.${m}`)).join(language() === "zh" ? "、" : ", ") })
    )
    return
  }
  const body = {
    category: data.get("category"),
    channel: data.get("channel"),
    subject: String(data.get("subject")).trim(),
    description: String(data.get("description")).trim(),
    language: language() === "zh" ? "zh-CN" : "en",
    timeZone: SP.localZone
  }
  const order = String(data.get("orderReference") ?? "").trim()
  if (order !== "") body.orderReference = order
  const button = form.querySelector("button[type=submit]")
  button.disabled = true
  try {
    idempotencyKey ??= crypto.randomUUID()
    const result = await api("POST", "/v1/cases", body, { "idempotency-key": idempotencyKey })
    idempotencyKey = null
    showSubmitted(result)
    form.reset()
    await fillForm()
    await loadMyCases()
    showCase(result.view)
    trackForm.trackingNumber.value = result.trackingNumber
  } catch (error) {
    showError(submitError, error)
  } finally {
    button.disabled = false
  }
})

/** A promise in plain words, with its clause as a small link to the policy. */
const promise = (text, clause, clauseText) =>
  el("li", {}, text, el("a", { class: "clause", href: `/policy#clause-${clause}` }, clauseText))

const showSubmitted = (result) => {
  form.hidden = true
  $("submitted").hidden = false
  $("submitted-tracking").textContent = result.trackingNumber
  $("submitted-promises").replaceChildren(
    ...(result.plan.length === 0
      ? [el("li", {}, t("sent.fallback"))]
      : result.plan.map((p) => promise(p.plainText, p.clause, p.clauseText)))
  )
}

$("submit-another").addEventListener("click", () => {
  $("submitted").hidden = true
  form.hidden = false
  form.subject.focus()
})

// --- tracking ---------------------------------------------------------------------------------------------------

const loadMyCases = async () => {
  const { items } = await api("GET", "/v1/cases?limit=20")
  const box = $("my-cases")
  if (items.length === 0) {
    box.replaceChildren(el("p", { class: "hint" }, t("mine.none")))
    return
  }
  box.replaceChildren(
    el("h3", { class: "spaced" }, t("mine.title")),
    el(
      "ul",
      { class: "case-list", id: "my-cases-list" },
      items.map((c) =>
        el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              class: "case-row",
              dataset: { tracking: c.trackingNumber },
              onclick: () => track(c.trackingNumber)
            },
            el(
              "span",
              { class: "line1" },
              el("span", { class: "mono" }, c.trackingNumber),
              el("span", { class: "badge neutral", dataset: { status: c.status } }, t(`status.${c.status}`))
            ),
            el("span", { class: "subject" }, c.subject)
          )
        )
      )
    )
  )
}

/** The nine characters of a tracking number as typed (prefix, spaces and hyphens left out), upper case. */
const compact = (text) => text.toUpperCase().replace(/[\s-]/g, "").slice(-9)

const notVisible = (input) => showError(trackError, t("track.notVisible", { tn: input, who: me.label.split(" — ")[0] }))

const track = async (input) => {
  trackError.hidden = true
  trackForm.trackingNumber.value = input
  try {
    // one look-up for what was typed: the case, or the numbers of one's own cases a mistyped one may have meant
    const found = await api("GET", `/v1/cases?q=${encodeURIComponent(input)}&limit=5`)
    const exact = found.items.find((c) => compact(c.trackingNumber) === compact(input))
    if (exact !== undefined) {
      showCase(await api("GET", `/v1/cases/${encodeURIComponent(exact.trackingNumber)}`))
      history.replaceState(null, "", `#${exact.trackingNumber}`)
      return
    }
    caseView.hidden = true
    const meant = found.didYouMean?.[0]
    if (meant === undefined) return notVisible(input)
    const [before, after] = t("track.didYouMean", { tn: "\u0000" }).split("\u0000")
    const link = el(
      "a",
      {
        href: `#${meant}`,
        class: "mono",
        onclick: (e) => {
          e.preventDefault()
          track(meant)
        }
      },
      meant
    )
    trackError.replaceChildren(before, link, after)
    trackError.hidden = false
  } catch (error) {
    caseView.hidden = true
    if (error.status === 404 || error.status === 400) notVisible(input)
    else showError(trackError, error)
  }
}

trackForm.addEventListener("submit", (event) => {
  event.preventDefault()
  const value = trackForm.trackingNumber.value.trim()
  if (value !== "") track(value)
})

/** A clock's state for the requester: [badge class, words]. */
const clockState = (c, asOf) => {
  if (c.state === "met") return ["on-track", t("clock.done")]
  if (c.state === "breached")
    return c.outcome === "met" ? ["neutral", t("clock.done")] : ["breached", t("clock.breached")]
  if (c.state === "paused") return ["paused", t("clock.paused")]
  if (c.state === "cancelled" || c.state === "refused") return ["neutral", t("clock.stopped")]
  if (c.warningsAt.some((w) => w <= asOf)) return ["due-soon", t("clock.dueSoon")]
  return ["on-track", t("clock.running")]
}

const who = (e) =>
  e.actor.role === "requester"
    ? t("event.you")
    : e.actor.role === "accountManager"
      ? t("event.manager")
      : e.actor.role === "system"
        ? t("event.desk")
        : t("event.support")

const showCase = async (view) => {
  shown = view
  const policy = await SP.policy()
  const c = view.case
  const parts = [
    el("h3", { id: "case-subject", class: "case-title" }, c.subject),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, t("case.tracking")),
      el("dd", { class: "mono", id: "case-tracking" }, c.trackingNumber),
      el("dt", {}, t("case.status")),
      el("dd", { id: "case-status", dataset: { status: c.status } }, t(`status.${c.status}`)),
      el("dt", {}, t("case.topic")),
      el("dd", {}, policyName(policy.categories, c.category)),
      el("dt", {}, t("case.priority")),
      el("dd", {}, t(`priority.${c.priority}`)),
      c.orderReference ? [el("dt", {}, t("case.order")), el("dd", { id: "case-order" }, c.orderReference)] : null,
      el("dt", {}, t("case.received")),
      el("dd", {}, whenZoned(c.openedAt)),
      view.reopenableUntil === null
        ? null
        : [el("dt", {}, t("case.reopenUntil")), el("dd", {}, whenZoned(view.reopenableUntil))]
    ),
    el("h3", {}, t("case.promises")),
    view.sla.clocks.length === 0
      ? el("p", { class: "empty" }, t("case.noClock"))
      : el(
          "ul",
          { class: "promises clocks" },
          view.sla.clocks.map((clock) => {
            const [cls, words] = clockState(clock, view.asOf)
            const done = clock.metAt !== undefined
            return el(
              "li",
              { dataset: { metric: clock.metric, state: clock.state } },
              el("span", { class: `badge ${cls}` }, words),
              ` ${t(`clock.${clock.metric}`)}${clock.instance > 1 ? ` #${clock.instance}` : ""}: `,
              done ? t("clock.met", { when: whenZoned(clock.metAt) }) : t("clock.by", { when: whenZoned(clock.dueAt) }),
              el(
                "a",
                { class: "clause", href: `/policy#clause-${clock.clause}` },
                t("clause", { clause: clock.clause })
              )
            )
          })
        ),
    el("h3", { class: "spaced" }, t("case.history")),
    historyList(view)
  ]
  if (c.status === "awaitingRequester" || c.status === "open") {
    parts.push(messageForm(c, c.status === "awaitingRequester" ? t("case.answer") : t("case.add"), "messages"))
  }
  if (view.reopenableUntil !== null && view.reopenableUntil > view.asOf) {
    parts.push(messageForm(c, t("case.reopen"), "actions/reopen", "reason"))
  }
  const rating = satisfactionPart(view, (rated) => showCase(rated))
  if (rating !== null) parts.push(rating)
  caseView.replaceChildren(...parts)
  caseView.hidden = false
  caseView.dataset.tracking = c.trackingNumber
}

/**
 * What happened so far, oldest first: the latest page the API gives, and a button that fetches the page before it
 * (GET /v1/cases/{trackingNumber}?before=<eventsBefore>) while there is one.
 */
const historyList = (view) => {
  const item = (e) =>
    el(
      "li",
      { class: "public", dataset: { type: e.type } },
      el("div", { class: "when" }, whenZoned(e.at)),
      el(
        "div",
        {},
        t(`event.${e.type}`, { who: who(e) }).startsWith("event.")
          ? t("event.other")
          : t(`event.${e.type}`, { who: who(e) })
      ),
      e.body ? el("div", { class: "body" }, e.body) : null
    )
  return SP.recordPages(view, item, t("case.earlier"))
}

const messageForm = (c, title, path, field = "body") => {
  const error = el("p", { class: "error", role: "alert", hidden: true })
  const text = el("textarea", { name: field, rows: 3, required: true, "aria-label": title })
  const f = el(
    "form",
    { class: "reply", dataset: { path } },
    el("label", {}, title, text),
    el("button", { type: "submit" }, path === "messages" ? t("case.send") : t("case.reopenButton")),
    error
  )
  f.addEventListener("submit", async (event) => {
    event.preventDefault()
    error.hidden = true
    if (text.value.trim() === "") return showError(error, t("case.writeFirst"))
    try {
      const view = await api("POST", `/v1/cases/${encodeURIComponent(c.trackingNumber)}/${path}`, {
        [field]: text.value.trim()
      })
      showCase(view)
      loadMyCases()
    } catch (err) {
      showError(error, err)
    }
  })
  return f
}

// --- language -----------------------------------------------------------------------------------------------------

const applyLanguage = async (lang) => {
  setLanguage(lang)
  SP.setLanguage(lang === "zh" ? "zh-CN" : "en")
  $("language").value = lang
  translatePage()
  if (me === null) return
  await Promise.all([fillForm(), loadMyCases(), showChannels()])
  if (shown !== null && !caseView.hidden) await showCase(shown)
  document.body.dataset.language = lang
}

$("language").addEventListener("change", (e) => applyLanguage(e.target.value))

// --- start --------------------------------------------------------------------------------------------------------

let firstLoad = true

const start = async () => {
  $("language").replaceChildren(
    ...Object.entries(LANGUAGES).map(([value, label]) =>
      el("option", { value, lang: value === "zh" ? "zh-Hans" : "en" }, label)
    )
  )
  await applyLanguage(initialLanguage())
  await Promise.all([
    loadAnnouncements().catch(() => {}),
    api("GET", "/v1/channels")
      .then((s) => (channelStatus = s))
      .catch(() => {})
  ])
  await SP.setupIdentity($("identity"), "requester", async (identity) => {
    me = identity
    caseView.hidden = true
    shown = null
    trackError.hidden = true
    await applyLanguage(language())
    // a link to a case (#GS-…) opens it on arrival; switching identity starts afresh
    const hash = firstLoad ? decodeURIComponent(location.hash.slice(1)) : ""
    firstLoad = false
    if (hash !== "") track(hash)
    else history.replaceState(null, "", location.pathname)
  })
  document.body.dataset.ready = "true"
}
start().catch((error) => showError(submitError, error))
