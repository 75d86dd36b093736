// Vue 3 misuse: tsc --strict must reject this file.
import { h } from "vue";
import type { GlobalComponents } from "vue";
import type {} from "./vue";

declare const Paywall: GlobalComponents["StiggPaywall"];

export const paywall = h(Paywall, { "preferred-billing-period": "WEEKLY" });
