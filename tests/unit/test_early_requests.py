"""Early answers (clients/early.py): used only for the byte-identical request, once; failures
fall back or count as the attempt's outcome exactly as Python's own request would."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import pytest

from stigg_portal.clients import CallableTransport, ClientConfig, ClientError, HttpResponse, StiggClient
from stigg_portal.clients.early import EARLY, loader_plan
from stigg_portal.graphql import load_document

DEMO = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "customer-demo.json").read_text())


class NoSleep:
    async def __call__(self, seconds: float) -> None:
        pass


def client(transport, **config) -> StiggClient:
    values = {"api_key": "pk_test", "customer_id": "customer-demo", "base_url": "https://api.example", **config}
    return StiggClient(ClientConfig(**values), transport, sleep=NoSleep())


def as_sent(request) -> dict:
    """What the loader reports having sent (its fetch's method, URL, headers and body)."""
    return {"method": request.method, "url": request.url, "headers": dict(request.headers), "body": request.body}


@pytest.fixture(autouse=True)
def _clean():
    EARLY.clear()
    yield
    EARLY.clear()


def portal_request(c: StiggClient):
    return c.build_request("GetCustomerPortalByRefId", c.variables("GetCustomerPortalByRefId"))


def run_with_early(make_request_dict, answer, network=None, **config):
    """Announce an early request, answer it a little later, and load the portal (the network
    answers ``network``, by default the customer's data)."""
    network = network or HttpResponse(200, {}, json.dumps(DEMO["GetCustomerPortalByRefId"]))
    transport = CallableTransport(lambda r: network)
    c = client(transport, **config)

    async def main():
        sent = make_request_dict(c)
        EARLY.expect(sent)
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, EARLY.settle, sent, answer)
        try:
            return await c.get_customer_portal(), None
        except ClientError as exc:
            return None, exc

    result, error = asyncio.run(main())
    return result, error, transport


def test_identical_request_uses_the_early_answer_and_sends_nothing():
    used = EARLY.used
    portal, error, transport = run_with_early(lambda c: as_sent(portal_request(c)),
                                              {"status": 200, "headers": {}, "text": json.dumps(DEMO["GetCustomerPortalByRefId"])})
    assert error is None and portal is not None
    assert transport.requests == []
    assert EARLY.used == used + 1 and len(EARLY) == 0


@pytest.mark.parametrize("change", ["body", "header", "url", "method"])
def test_a_request_that_differs_in_any_byte_is_sent_by_python(change):
    def other(c):
        sent = as_sent(portal_request(c))
        if change == "body":
            sent["body"] = sent["body"].replace("customer-demo", "customer-other")
        elif change == "header":
            sent["headers"]["X-API-KEY"] = "pk_other"
        elif change == "url":
            sent["url"] += "/"
        else:
            sent["method"] = "GET"
        return sent

    portal, error, transport = run_with_early(other, {"status": 200, "headers": {}, "text": "{}"})
    assert error is None and portal is not None
    assert len(transport.requests) == 1 and len(EARLY) == 1  # the early answer is never taken


def test_an_early_network_error_falls_back_to_python_fetching_itself():
    portal, error, transport = run_with_early(lambda c: as_sent(portal_request(c)),
                                              {"error": "network", "message": "Failed to fetch"})
    assert error is None and portal is not None
    assert len(transport.requests) == 1


@pytest.mark.parametrize("status,code", [(401, "unauthorized"), (404, "not-found"), (500, "network"),
                                         (200, "bad-response")])
def test_an_early_error_status_gives_the_same_error_as_python_own_request(status, code):
    text = "<html>oops" if status == 200 else "{}"
    answer = HttpResponse(status, {}, text)
    _, error, transport = run_with_early(lambda c: as_sent(portal_request(c)),
                                         {"status": status, "headers": {}, "text": text}, network=answer)
    own_transport = CallableTransport(lambda r: answer)
    own = client(own_transport)
    with pytest.raises(ClientError) as expected:
        asyncio.run(own.get_customer_portal())
    assert (error.code, error.message) == (expected.value.code, expected.value.message) == (code, error.message)
    # retries (5xx) go to the network: as many requests in all as without the early answer
    assert len(transport.requests) + 1 == len(own_transport.requests)


def test_the_loader_plan_is_read_off_the_client():
    plan = loader_plan()
    portal = plan["operations"]["GetCustomerPortalByRefId"]
    assert portal["query"] == load_document("GetCustomerPortalByRefId")
    assert dict(portal["headers"])["X-API-KEY"] == {"attribute": "api-key"}
    assert dict(portal["headers"])["X-CUSTOMER-KEY"] == {"attribute": "customer-token"}
    assert portal["input"] == [["customerId", "customer-id"], ["resourceId", "resource-id"],
                               ["productId", "product-id"]]
    assert portal["bodyKeys"] == ["operationName", "query", "variables"]  # the loader's JSON.stringify order
    assert plan["tags"]["stigg-customer-portal"]["droppedWhenHidden"] == {"GetPaywall": ["paywall", "plans"]}
    assert plan["tags"]["stigg-paywall"]["operations"] == ["GetPaywall"]
    assert "stigg-provider" not in plan["tags"]


def test_an_early_timeout_is_the_first_attempt_timing_out_and_the_retry_goes_out():
    portal, error, transport = run_with_early(lambda c: as_sent(portal_request(c)),
                                              {"error": "timeout", "message": "aborted"})
    assert error is None and portal is not None
    assert len(transport.requests) == 1  # attempt 2 of 3, as when Python's own first request times out


def test_a_cancelled_early_request_is_forgotten_and_a_render_waiting_for_it_fetches_itself():
    """The loader aborted the request (no element needed it any more): nothing is held for it, a
    take still waiting goes to the network, and it is not counted as an early failure."""
    network = HttpResponse(200, {}, json.dumps(DEMO["GetCustomerPortalByRefId"]))
    transport = CallableTransport(lambda r: network)
    c = client(transport)
    cancelled, fallbacks = EARLY.cancelled, EARLY.fallbacks

    async def main():
        sent = as_sent(portal_request(c))
        EARLY.expect(sent)
        assert len(EARLY) == 1
        asyncio.get_running_loop().call_later(0.05, EARLY.cancel, sent)
        portal = await c.get_customer_portal()
        # a late answer for it (a message already on its way) is ignored: nothing is held
        EARLY.settle(sent, {"status": 200, "headers": {}, "text": "{}"})
        return portal

    assert asyncio.run(main()) is not None
    assert len(transport.requests) == 1
    assert len(EARLY) == 0
    assert EARLY.cancelled == cancelled + 1 and EARLY.fallbacks == fallbacks


def test_a_cancelled_request_announced_again_is_answered_by_the_new_one():
    """Removed, then attached again while the runtime boots: the loader sends it anew."""
    transport = CallableTransport(lambda r: HttpResponse(500, {}, "no"))
    c = client(transport)
    text = json.dumps(DEMO["GetCustomerPortalByRefId"])

    async def main():
        sent = as_sent(portal_request(c))
        EARLY.expect(sent)
        EARLY.cancel(sent)
        assert len(EARLY) == 0
        EARLY.expect(sent)
        asyncio.get_running_loop().call_later(0.05, EARLY.settle, sent, {"status": 200, "headers": {}, "text": text})
        return await c.get_customer_portal()

    assert asyncio.run(main()) is not None
    assert transport.requests == []


def test_a_load_that_asks_for_a_cancelled_request_after_the_cancel_yields_to_the_render_that_superseded_it():
    """The page changed the element's customer: its new render was queued, then the cancel
    handled, before the stale load reached take(). That render cancels the stale load, which must
    not send the aborted request itself first (a second request for the old customer)."""
    transport = CallableTransport(lambda r: HttpResponse(500, {}, "no"))
    c = client(transport)

    async def main():
        sent = as_sent(portal_request(c))
        EARLY.expect(sent)
        stale = asyncio.ensure_future(c.get_customer_portal())  # its first step runs after the cancel

        async def superseding_render():  # queued before the cancel is handled, as the loader posts it
            stale.cancel()

        render = asyncio.ensure_future(superseding_render())
        EARLY.cancel(sent)
        await render
        with contextlib.suppress(asyncio.CancelledError):
            await stale
        return stale.cancelled()

    assert asyncio.run(main()) is True
    assert transport.requests == []  # the aborted request was not sent again


def test_release_unclaimed_drops_answers_nobody_took_and_keeps_those_on_their_way():
    """What the worker calls once it has handled every message: an answer that came back and
    that no render took is dropped (a later identical request goes to the network, fresh); one
    still on its way stays for the render waiting for it."""
    network = HttpResponse(200, {}, json.dumps(DEMO["GetCustomerPortalByRefId"]))
    transport = CallableTransport(lambda r: network)
    demo, trial = client(transport), client(transport, customer_id="customer-trial")
    text = json.dumps(DEMO["GetCustomerPortalByRefId"])

    async def main():
        old, coming = as_sent(portal_request(trial)), as_sent(portal_request(demo))
        EARLY.expect(old)
        EARLY.expect(coming)
        EARLY.settle(old, {"status": 200, "headers": {}, "text": text})
        assert len(EARLY) == 2
        assert EARLY.release_unclaimed() == 1
        assert len(EARLY) == 1  # the one on its way
        await trial.get_customer_portal()  # the dropped answer's request: sent by Python
        assert len(transport.requests) == 1
        asyncio.get_running_loop().call_later(0.05, EARLY.settle, coming, {"status": 200, "headers": {}, "text": text})
        await demo.get_customer_portal()  # the kept one: its early answer, nothing sent
        assert len(transport.requests) == 1

    used = EARLY.used
    asyncio.run(main())
    assert EARLY.used == used + 1 and len(EARLY) == 0
