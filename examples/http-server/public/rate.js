// The rating page of the signed link in the resolution mail (clause 7.4): /rate#<token>. The token stays in the
// fragment, so no server sees it in a request line; the page sends it in the body of POST /v1/satisfaction/form (what
// the link opens: the question, or the rating given) and POST /v1/satisfaction (the rating). No sign-in. The form is
// the requester page's own (satisfaction.js), in English or Chinese (i18n.js).
import { api, el, setLanguage as setApiLanguage, showError } from "./common.js"
import { initialLanguage, LANGUAGES, setLanguage, t, translatePage } from "./i18n.js"
import { satisfactionPart } from "./satisfaction.js"

const $ = (id) => document.getElementById(id)
const token = decodeURIComponent(location.hash.slice(1))
let form = null
let failure = null

/** What a refused link means, in the page's language: expired, not valid at all, or no longer open to ratings. */
const refusal = (error) => {
  const problem = error?.problem
  if (problem?.code === "SatisfactionTokenInvalid") {
    return t(problem.reason === "expired" ? "rate.expired" : "rate.invalid")
  }
  if (problem?.code === "SatisfactionNotAvailable") {
    return t(problem.reason === "notAsked" ? "rate.notAsked" : "rate.closed")
  }
  if (error?.status === 404 || error?.status === 400) return t("rate.invalid")
  return error instanceof Error ? error.message : String(error)
}

const show = () => {
  const error = $("rate-error")
  error.hidden = true
  if (failure !== null) {
    $("rate-form").replaceChildren()
    return showError(error, refusal(failure))
  }
  if (form === null) return
  $("rate-case").textContent = t("rate.request", { tn: form.trackingNumber })
  const view = { ...form, case: { trackingNumber: form.trackingNumber } }
  const part =
    satisfactionPart(
      view,
      (answered) => {
        form = answered
        show()
      },
      async (body) => {
        try {
          await api("POST", "/v1/satisfaction", { token, ...body })
        } catch (err) {
          throw new Error(refusal(err))
        }
        return api("POST", "/v1/satisfaction/form", { token })
      }
    ) ?? el("p", {}, t(form.satisfaction === null ? "rate.notAsked" : "rate.closed"))
  $("rate-form").replaceChildren(part)
}

const applyLanguage = (lang) => {
  setLanguage(lang)
  setApiLanguage(lang === "zh" ? "zh-CN" : "en")
  $("language").value = lang
  translatePage()
  show()
  document.body.dataset.language = lang
}

$("language").addEventListener("change", (e) => applyLanguage(e.target.value))

const start = async () => {
  $("language").replaceChildren(
    ...Object.entries(LANGUAGES).map(([value, label]) =>
      el("option", { value, lang: value === "zh" ? "zh-Hans" : "en" }, label)
    )
  )
  try {
    if (token === "") throw Object.assign(new Error("no token"), { status: 400 })
    form = await api("POST", "/v1/satisfaction/form", { token })
  } catch (error) {
    failure = error
  }
  applyLanguage(initialLanguage())
  document.body.dataset.ready = "true"
}
start()
