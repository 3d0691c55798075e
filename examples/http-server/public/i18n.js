// Every text of the requester page, one place per language: English and Simplified Chinese. Texts written by the
// desk itself (the promises after a submission) come from the API in the language the page asks for
// (Accept-Language); the names of the demo policy's topics and channels are translated here for the demo.
export const LANGUAGES = { en: "English", zh: "中文" }

const en = {
  "page.title": "Get help — Support desk demo",
  "nav.help": "Get help",
  "nav.console": "Console",
  "nav.policy": "Our promises",
  "nav.api": "API",
  who: "You are",
  language: "Language",
  "chat.checking": "Checking live chat…",
  "chat.open": "Live chat is open now{until}.",
  "chat.until": ", until {when}",
  "chat.closed": "Live chat is closed now. It opens {when}; you can still send a request below.",
  "chat.hours": "Service hours: {hours}.",
  "hours.holidays": ", closed on public holidays",
  "ask.title": "Ask for help",
  "ask.topic": "Topic",
  "ask.chooseTopic": "Choose a topic…",
  "ask.channel": "How would you like to reach us?",
  "ask.closedNow": " (closed now — taken as an online form)",
  "ask.subject": "Subject",
  "ask.subjectPlaceholder": "e.g. My order has not arrived",
  "ask.description": "What happened?",
  "ask.descriptionPlaceholder": "Tell us what you tried and what you saw. Include order numbers if any.",
  "ask.order": "Order reference",
  "ask.optional": "(optional)",
  "ask.send": "Send request",
  "ask.missing": "Please fill in: {fields}.",
  "field.category": "topic",
  "field.subject": "subject",
  "field.description": "description",
  "sent.title": "Your tracking number",
  "sent.promises": "What we promise",
  "sent.fallback": "We will get back to you.",
  "sent.another": "Ask something else",
  "track.title": "Track a request",
  "track.placeholder": "Tracking number, e.g. GS-AB12-CD34E",
  "track.label": "Tracking number",
  "track.button": "Track",
  "track.notVisible": "No request {tn} is visible to {who}.",
  "track.didYouMean": "Check the characters; did you mean {tn}?",
  "track.notValid": "Check the characters: {tn} is not a valid tracking number.",
  "mine.title": "Your requests",
  "mine.none": "You have no requests yet.",
  "case.tracking": "Tracking number",
  "case.status": "Status",
  "case.topic": "Topic",
  "case.priority": "Priority",
  "case.order": "Order reference",
  "case.received": "Received",
  "case.reopenUntil": "Reopen until",
  "case.promises": "Our promises",
  "case.history": "What happened so far",
  "case.earlier": "Show earlier events",
  "case.noClock": "No promise applies to this request now.",
  "case.answer": "Answer our question",
  "case.add": "Add information",
  "case.send": "Send",
  "case.reopen": "Not solved? Reopen the request",
  "case.reopenButton": "Reopen",
  "case.writeFirst": "Please write something first.",
  "rate.hint": "{min} is poor, {max} is excellent. You may rate until {when}.",
  "rate.comment": "Anything to add? (optional)",
  "rate.send": "Send rating",
  "rate.choose": "Please choose a rating first.",
  "rate.thanks": "You rated how we handled this request {rating} out of {max}. Thank you.",
  "clock.firstResponse": "First reply",
  "clock.progressUpdate": "Progress update",
  "clock.resolution": "Resolved or explained",
  "clock.by": "by {when}",
  "clock.met": "done {when}",
  "clock.running": "On track",
  "clock.dueSoon": "Due soon",
  "clock.paused": "Paused — waiting for you",
  "clock.breached": "Late — we are on it",
  "clock.done": "Done",
  "clock.stopped": "Stopped",
  clause: "clause {clause}",
  "status.open": "Open — we owe you an answer",
  "status.awaitingRequester": "Waiting for your answer",
  "status.onHold": "On hold for verification",
  "status.inMediation": "In mediation",
  "status.resolved": "Resolved",
  "status.explained": "Answered with an explanation",
  "status.refused": "Refused",
  "status.closed": "Closed",
  "priority.normal": "Normal",
  "priority.high": "High",
  "event.you": "You",
  "event.support": "Support",
  "event.manager": "Your account manager",
  "event.desk": "The desk",
  "event.submitted": "Request received",
  "event.replied": "{who} replied",
  "event.progressUpdated": "{who} posted a progress update",
  "event.informationRequested": "{who} asked for more information",
  "event.requesterResponded": "{who} answered",
  "event.priorityChanged": "Priority changed",
  "event.categoryChanged": "Topic changed",
  "event.escalated": "Passed to your account manager",
  "event.verificationStarted": "Held for verification",
  "event.verificationConcluded": "Verification finished",
  "event.incidentLinked": "Affected by a platform incident",
  "event.incidentUnlinked": "The platform incident is over",
  "event.resolved": "{who} resolved the request",
  "event.explained": "{who} answered with an explanation",
  "event.refused": "Refused",
  "event.reopened": "{who} reopened the request",
  "event.closed": "Closed",
  "event.other": "Update"
}

const zh = {
  "page.title": "获取帮助 — 客服演示",
  "nav.help": "获取帮助",
  "nav.console": "客服工作台",
  "nav.policy": "服务承诺",
  "nav.api": "API",
  who: "您是",
  language: "语言",
  "chat.checking": "正在查询在线客服状态…",
  "chat.open": "在线客服现在开放{until}。",
  "chat.until": "，至 {when}",
  "chat.closed": "在线客服现在关闭，将于 {when} 开放；您仍可在下方提交请求。",
  "chat.hours": "服务时间：{hours}。",
  "hours.holidays": "，公众假期休息",
  "ask.title": "寻求帮助",
  "ask.topic": "主题",
  "ask.chooseTopic": "请选择主题…",
  "ask.channel": "您希望通过什么方式联系我们？",
  "ask.closedNow": "（现在关闭 — 按在线表单受理）",
  "ask.subject": "标题",
  "ask.subjectPlaceholder": "例如：我的订单还没有到",
  "ask.description": "发生了什么？",
  "ask.descriptionPlaceholder": "请告诉我们您尝试了什么、看到了什么；如有订单号请一并填写。",
  "ask.order": "订单编号",
  "ask.optional": "（可选）",
  "ask.send": "提交请求",
  "ask.missing": "请填写：{fields}。",
  "field.category": "主题",
  "field.subject": "标题",
  "field.description": "问题描述",
  "sent.title": "您的跟踪编号",
  "sent.promises": "我们的承诺",
  "sent.fallback": "我们会尽快回复您。",
  "sent.another": "咨询其他问题",
  "track.title": "查询请求",
  "track.placeholder": "跟踪编号，例如 GS-AB12-CD34E",
  "track.label": "跟踪编号",
  "track.button": "查询",
  "track.notVisible": "{who}无法查看请求 {tn}。",
  "track.didYouMean": "请检查字符；您要找的是否是 {tn}？",
  "track.notValid": "请检查字符：{tn} 不是有效的跟踪编号。",
  "mine.title": "您的请求",
  "mine.none": "您还没有提交过请求。",
  "case.tracking": "跟踪编号",
  "case.status": "状态",
  "case.topic": "主题",
  "case.priority": "优先级",
  "case.order": "订单编号",
  "case.received": "受理时间",
  "case.reopenUntil": "可重新打开至",
  "case.promises": "我们的承诺",
  "case.history": "处理记录",
  "case.earlier": "显示更早的记录",
  "case.noClock": "此请求当前没有适用的承诺。",
  "case.answer": "回答我们的问题",
  "case.add": "补充信息",
  "case.send": "发送",
  "case.reopen": "问题没有解决？重新打开请求",
  "case.reopenButton": "重新打开",
  "case.writeFirst": "请先填写内容。",
  "rate.hint": "{min} 表示很差，{max} 表示非常好。评分截止时间：{when}。",
  "rate.comment": "还有什么要补充的吗？（可选）",
  "rate.send": "提交评分",
  "rate.choose": "请先选择一个评分。",
  "rate.thanks": "您为我们处理此请求的方式评了 {rating} 分（满分 {max} 分）。谢谢！",
  "clock.firstResponse": "首次回复",
  "clock.progressUpdate": "进展更新",
  "clock.resolution": "解决或说明",
  "clock.by": "最迟 {when}",
  "clock.met": "已于 {when} 完成",
  "clock.running": "按时进行中",
  "clock.dueSoon": "即将到期",
  "clock.paused": "已暂停 — 等待您的回复",
  "clock.breached": "已逾期 — 我们正在处理",
  "clock.done": "已完成",
  "clock.stopped": "已停止",
  clause: "第 {clause} 条",
  "status.open": "处理中 — 我们尚未答复",
  "status.awaitingRequester": "等待您的回复",
  "status.onHold": "核实中，暂停处理",
  "status.inMediation": "调解中",
  "status.resolved": "已解决",
  "status.explained": "已给出说明",
  "status.refused": "已拒绝",
  "status.closed": "已关闭",
  "priority.normal": "普通",
  "priority.high": "高",
  "event.you": "您",
  "event.support": "客服",
  "event.manager": "您的客户经理",
  "event.desk": "系统",
  "event.submitted": "已收到请求",
  "event.replied": "{who}已回复",
  "event.progressUpdated": "{who}更新了进展",
  "event.informationRequested": "{who}请求补充信息",
  "event.requesterResponded": "{who}已回复",
  "event.priorityChanged": "优先级已调整",
  "event.categoryChanged": "主题已调整",
  "event.escalated": "已转交您的客户经理",
  "event.verificationStarted": "内容核实中",
  "event.verificationConcluded": "核实已完成",
  "event.incidentLinked": "受平台故障影响",
  "event.incidentUnlinked": "平台故障已恢复",
  "event.resolved": "{who}已解决此请求",
  "event.explained": "{who}已给出说明",
  "event.refused": "已拒绝",
  "event.reopened": "{who}重新打开了请求",
  "event.closed": "已关闭",
  "event.other": "更新"
}

/** The demo policy's topics and channels in Chinese, by id (a host translates its own policy's names). */
const names = {
  zh: {
    consultation: "咨询与操作指导",
    "account-access": "账户登录、权限与验证",
    "orders-messages-transactions": "订单、消息与交易流程",
    "rules-and-policies": "平台规则、政策与流程",
    "misconduct-fraud-report": "举报违规或欺诈",
    "technical-diagnosis": "平台功能、页面加载与上传问题",
    "product-uploads": "产品上传、样品提交与模板",
    "online-exhibition": "线上展会对接与媒体上传",
    "platform-bugs": "平台漏洞、故障与兼容性问题",
    "data-security": "账户数据安全与访问控制",
    "supplier-verification": "供应商认证资料与信用参考",
    "sourcing-samples-inquiries": "寻找优质产品、样品与询盘",
    "order-delivery": "订单问题与发货延迟",
    "buyer-seller-communication": "订单过程中的买卖双方沟通",
    "dispute-mediation": "平台纠纷调解",
    "supplier-onboarding": "供应商注册、认证与品牌展示",
    "listing-optimisation": "产品详情页、关键词与标签",
    "exhibit-promotion": "线上展品推广与广告",
    "account-manager-visits": "客户经理拜访与运营建议",
    "multilingual-listings": "多语言产品信息与翻译",
    email: "电子邮件",
    "online-form": "在线表单",
    "live-chat": "在线客服",
    "account-manager": "专属客户经理"
  }
}

const dictionaries = { en, zh }

let current = "en"

/** The language chosen before, else the browser's first language the page speaks (what it sends as Accept-Language). */
export const initialLanguage = () => {
  const saved = localStorage.getItem("support-demo:language")
  if (saved in dictionaries) return saved
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag).toLowerCase().slice(0, 2)
    if (base in dictionaries) return base
  }
  return "en"
}

export const setLanguage = (language) => {
  current = language in dictionaries ? language : "en"
  localStorage.setItem("support-demo:language", current)
  document.documentElement.lang = current === "zh" ? "zh-Hans" : "en"
}

export const language = () => current

/** A text in the current language, with {placeholders} filled in. */
export const t = (key, values = {}) =>
  (dictionaries[current][key] ?? en[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""))

/** A policy entry's name in the current language (its own name in English). */
export const policyName = (list, id) => names[current]?.[id] ?? list?.find((x) => x.id === id)?.name ?? id

/** Fills every element marked `data-i18n` (text), `data-i18n-placeholder` and `data-i18n-label` (aria-label). */
export const translatePage = (root = document) => {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n)
  for (const node of root.querySelectorAll("[data-i18n-placeholder]"))
    node.placeholder = t(node.dataset.i18nPlaceholder)
  for (const node of root.querySelectorAll("[data-i18n-label]"))
    node.setAttribute("aria-label", t(node.dataset.i18nLabel))
  document.title = t("page.title")
}
