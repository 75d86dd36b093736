# Page glue for examples/micropython-glue.html, in MicroPython on the main thread (PyScript).
#
# pyscript.when("stigg-plan-selected", "#portal") listens on the portal element: the event bubbles
# from the plan's button. Its detail is the contract's {plan, intentionType, billingPeriod,
# customer, ..., waitUntil(promise)}; the button stays busy until the promise given to waitUntil
# settles, so a real page would start its checkout there.
from pyscript import document, when, window

choice = document.getElementById("choice-text")
state = document.getElementById("glue-state")
PERIODS = {"MONTHLY": "billed monthly", "ANNUALLY": "billed yearly"}


def checkout(resolve, reject):
    # Stands in for the page's checkout call (fetch to its backend, a redirect, ...).
    window.setTimeout(resolve, 1500)


@when("stigg-plan-selected", "#portal")
def plan_selected(event):
    detail = event.detail
    plan = detail.plan
    name = plan.displayName if plan.displayName else plan.id
    period = PERIODS.get(detail.billingPeriod, detail.billingPeriod)
    choice.textContent = f"{name} ({period}), {detail.intentionType.replace('_', ' ').lower()}"
    choice.parentElement.dataset.planId = plan.id
    choice.parentElement.dataset.billingPeriod = detail.billingPeriod
    state.textContent = "MicroPython: checking out…"
    pending = window.Promise.new(checkout)
    detail.waitUntil(pending)
    pending.then(checked_out)


def checked_out(*_):
    state.textContent = "MicroPython: ready"


state.textContent = "MicroPython: ready"
