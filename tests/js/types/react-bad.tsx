// Misuses attribute types: tsc --strict must reject this file.
import type {} from "./react";

export const wrong = <stigg-paywall preferred-billing-period="WEEKLY" />;
export const wrong2 = <stigg-customer-portal customer-id={123} />;
export const wrong3 = document.createElement("stigg-usage").refresh("now");
