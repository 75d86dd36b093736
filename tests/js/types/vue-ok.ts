// Vue 3: the elements as global components and in h(); must type-check with tsc --strict.
import { h } from "vue";
import type { GlobalComponents } from "vue";
import type {} from "./vue";

declare const CustomerPortal: GlobalComponents["StiggCustomerPortal"];
declare const Paywall: GlobalComponents["StiggPaywall"];

export const vnode = h(CustomerPortal, { "customer-id": "customer-123", locale: "fr-FR", "buy-more": true });
export const paywall = h(Paywall, { "preferred-billing-period": "MONTHLY", "highlighted-plan-id": "plan-pro" });
