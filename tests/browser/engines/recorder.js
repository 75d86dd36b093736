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
