// Plain TypeScript, no framework installed: the core types stand alone.
import type { StiggUsageElement } from "./stigg-portal";

const usage: StiggUsageElement = document.createElement("stigg-usage");
usage.customerId = "customer-123";
usage.hiddenSections = "usage invoices";
usage.addEventListener("stigg-ready", (event) => console.log(event.detail.customerId));
export const painted: Promise<void> = usage.refresh();
