// Uses the elements as a React 19 app would; must type-check with tsc --strict.
import type { StiggCustomerPortalElement, StiggEventMap } from "./stigg-portal";
import type {} from "./react";

export function Billing({ customerId }: { customerId: string }) {
  return (
    <div>
      <stigg-customer-portal customer-id={customerId} locale="de-DE" timeout={5}
                             hidden-sections="usage invoices" text-manage-subscription="Manage plan"
                             buy-more />
      <stigg-provider api-key="pk_test" customer-id={customerId}>
        <stigg-usage />
        <stigg-paywall preferred-billing-period="ANNUALLY" show-only-eligible-plans />
      </stigg-provider>
    </div>
  );
}

const portal: StiggCustomerPortalElement = document.createElement("stigg-customer-portal");
portal.customerId = "customer-123";
portal.buyMore = true;
portal.timeout = 10;
const done: Promise<void> = portal.refresh();
portal.addEventListener("stigg-error", (event) => {
  const code: "bad-config" | string = event.detail.code;
  const attribute: string | undefined = event.detail.attribute;
  console.log(code, attribute, done);
});
portal.addEventListener("stigg-cancel-scheduled-updates", (event) => {
  event.detail.waitUntil(Promise.resolve());
});
const ready: StiggEventMap["stigg-ready"] | null = null;
console.log(ready);
window.StiggPortal.configure({ apiKey: "pk_test" });
