// Log every portal event; answer the ones that need the host's help.
const log = document.getElementById("log");
const names = [
  "stigg-ready", "stigg-error", "stigg-manage-subscription", "stigg-plan-selected",
  "stigg-contact-support", "stigg-cancel-scheduled-updates", "stigg-buy-more", "stigg-billing-period-change",
];
for (const name of names) {
  document.addEventListener(name, (event) => {
    const line = `${name} ${JSON.stringify(event.detail, (k, v) => (typeof v === "function" ? "[function]" : v))}`;
    // newest first; the 20 latest events are kept whole (a cut line would not be valid JSON)
    log.textContent = [line, ...log.textContent.split("\n").filter(Boolean)].slice(0, 20).join("\n");
    if (name === "stigg-cancel-scheduled-updates") {
      // The button shows a spinner until this settles (e.g. your backend call).
      event.detail.waitUntil(new Promise((resolve) => setTimeout(resolve, 1200)));
    }
    if (name === "stigg-manage-subscription" && event.detail.intentionType === "MANAGE_SUBSCRIPTION") {
      // Without preventDefault the portal scrolls to its Plans section.
    }
  });
}
