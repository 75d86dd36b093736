// Injected (as the first script) into every page the WebKit and Firefox tests open: Selenium's
// WebKitGTK driver has no console or page-error log, so the page records its own. Classic script.
(() => {
  const rec = (window.__rec = { errors: [], console: [], events: [], readyAt: {} });
  const text = (value) => {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === "object" && value !== null) { try { return JSON.stringify(value); } catch (_) { /* */ } }
    return String(value);
  };
  addEventListener("error", (e) => rec.errors.push(`error: ${e.message} (${e.filename}:${e.lineno})`));
  addEventListener("unhandledrejection", (e) => rec.errors.push(`unhandled rejection: ${text(e.reason)}`));
  for (const level of ["error", "warn", "info", "log"]) {
    const original = console[level];
    console[level] = (...args) => {
      rec.console.push([level, args.map(text).join(" ")]);
      return original.apply(console, args);
    };
  }
  // Each element's height when its skeleton goes in, after the early answer shaped it (a first
  // visit) and when its first ready render is applied (the skeleton memory: on a return visit the
  // first and the last match). Read in a MutationObserver callback,
  // that is after the loader's synchronous insertion and before the frame is painted.
  const heights = (rec.heights = {});
  const measure = () => {
    for (const element of document.querySelectorAll("[data-stigg-state]")) {
      const key = element.id || element.localName;
      const state = element.getAttribute("data-stigg-state");
      const entry = (heights[key] ||= {});
      if (state === "loading" && entry.skeleton === undefined && element.firstElementChild) {
        entry.skeleton = Math.round(element.getBoundingClientRect().height);
      } else if (state === "loading" && entry.ready === undefined && element.firstElementChild) {
        // the skeleton changed while it showed: a first visit's early answer shaped it
        entry.shaped = Math.round(element.getBoundingClientRect().height);
      } else if (state === "ready" && entry.ready === undefined) {
        entry.ready = Math.round(element.getBoundingClientRect().height);
      }
    }
  };
  new MutationObserver(measure).observe(document, { subtree: true, childList: true, attributes: true,
    attributeFilter: ["data-stigg-state", "class"] });
  const names = ["stigg-ready", "stigg-error", "stigg-plan-selected", "stigg-manage-subscription"];
  for (const name of names) {
    document.addEventListener(name, (e) => {
      const target = e.target.id || e.target.localName;
      if (name === "stigg-ready" && !(target in rec.readyAt)) rec.readyAt[target] = performance.now();
      let detail = null;
      try { detail = JSON.parse(JSON.stringify(e.detail ?? null)); } catch (_) { detail = "unserialisable"; }
      rec.events.push({ type: name, target, detail });
    }, true);
  }
})();
