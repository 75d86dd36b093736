"""The big binaries reach the worker compressed even from a host that compresses nothing
(issue 11, item 4): the build names them in RUNTIME.packed and ships .br and .gz copies; the worker
sees the raw Content-Length, drops that download and decodes the .br copy itself with the build's
small brotli decoder (RUNTIME.brotliDecoder), or the .gz copy when the decoder or a .br copy is
missing.

The host here is Python's plain http.server (no compression at all, CORS allowed), dist/ on
another origin than the page. The session's dist/ must be built with compression (the default
``stigg-portal build``); a ``--no-compress`` dist/ skips these tests.
"""

from __future__ import annotations

import pytest
from browser_helpers import BOOT_TIMEOUT_MS, packed_files


@pytest.fixture(autouse=True)
def _packed_build(dist_dir):
    if not packed_files(dist_dir):
        pytest.skip("dist/ was built with --no-compress: no packed binaries")


def _load_from_raw_host(page, site, raw_host, name):
    # the session's site loads dist/ from the compressing server: this page loads it from the raw host
    url = raw_host.page_url('<stigg-usage id="u" client="demo" scenario="paid"></stigg-usage>', name=f"{name}.html")
    raw_host.sent.clear()
    page.goto(url)
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("StiggPortal.bootMode") == "snapshot"
    # real usage cards, no skeleton left
    assert page.locator("#u .stigg-usage-card").count() > 0
    assert page.locator("#u .stigg-usage-card-skeleton").count() == 0


def test_binaries_come_brotli_compressed_from_a_host_that_compresses_nothing(page, site, dist_dir, raw_host,
                                                                            worker_requests, watch):
    _load_from_raw_host(page, site, raw_host, "packed")
    names = [url.split("?")[0].rsplit("/", 1)[-1] for url in worker_requests]
    packed = packed_files(dist_dir)
    assert sorted(page.evaluate("StiggPortal.bootInfo.packedCopies")) == sorted(
        f"{name}.br" for name in packed)
    for name in packed:  # once each
        assert names.count(name + ".br") == 1, (name, names)
        assert name + ".gz" not in names, (name, names)
    assert "brotli-dec.wasm.gz" in names  # the decoder itself, from its gzip copy
    br_bytes = sum(size for path, size in raw_host.sent if path.endswith(".br"))
    raw_bytes = sum(packed.values())
    print(f"\npacked binaries: {raw_bytes} bytes raw, {br_bytes} bytes of .br sent")
    assert 0 < br_bytes < raw_bytes / 4
    assert watch.console_errors() == []
    assert not [text for _, text in watch.console if "not used" in text]  # no copy, handed file or snapshot refused

    # the decoded bytes went to Cache Storage, whole, under the raw URLs: the next visit reads them
    from test_speed_levers import RUNTIME_CACHE_KEYS, RUNTIME_CACHE_SIZES, poll

    keys = poll(page, RUNTIME_CACHE_KEYS, until=lambda found: len(found) >= len(packed))
    assert {k.rsplit("/", 1)[-1] for k in keys} >= set(packed), keys
    sizes = page.evaluate(RUNTIME_CACHE_SIZES)
    assert {name: sizes.get(name) for name in packed} == packed
    worker_requests.clear()
    page.reload()
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("StiggPortal.runtimeCache") == "hit"
    assert page.evaluate("StiggPortal.bootMode") == "snapshot"
    # (on a hit the downloads started in parallel with the cache lookup are aborted, .br included)


@pytest.mark.parametrize("missing", ["brotli-dec.mjs", ".br"], ids=["no-decoder", "no-br-copies"])
def test_without_the_decoder_or_the_br_copies_the_gz_copies_serve(page, site, dist_dir, raw_host,
                                                                  worker_requests, watch, missing):
    raw_host.missing.add(missing)
    try:
        _load_from_raw_host(page, site, raw_host, f"packed-{missing.strip('.')}")
    finally:
        raw_host.missing.clear()
    names = [url.split("?")[0].rsplit("/", 1)[-1] for url in worker_requests]
    packed = packed_files(dist_dir)
    for name in packed:
        assert name + ".gz" in names, (name, names)
    gz_bytes = sum(size for path, size in raw_host.sent if path.endswith(".gz") and "brotli-dec" not in path)
    assert 0 < gz_bytes < sum(packed.values()) / 2
    # what the console says (not an error: the page works), and nothing else went wrong
    assert [text for _, text in watch.console if ".br not used" in text], watch.console
    assert [text for text in watch.console_errors() if "404" not in text] == []


def test_a_compressing_host_is_not_asked_for_the_gz_copies(page, site, dist_dir, worker_requests, watch):
    page.goto(site.page_url('<stigg-usage id="u" client="demo" scenario="paid"></stigg-usage>',
                            name="packed-served.html"))
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("StiggPortal.bootMode") == "snapshot"
    assert not [url for url in worker_requests if url.split("?")[0].endswith(".gz")], worker_requests
    assert watch.console_errors() == []


def test_a_cut_off_br_copy_is_reported_and_the_portal_still_renders(page, site, dist_dir, raw_host, watch):
    snapshot = next(name for name in packed_files(dist_dir) if name.startswith("snapshot-"))
    raw_host.halved.add(snapshot + ".br")
    try:
        page.goto(raw_host.page_url('<stigg-usage id="u" client="demo" scenario="paid"></stigg-usage>',
                                    name="packed-cut.html"))
        page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
    finally:
        raw_host.halved.clear()
    # the broken heap is never restored: the plain boot renders the same cards, and the console says why
    assert page.evaluate("StiggPortal.bootMode") == "plain"
    assert page.evaluate("StiggPortal.bootInfo.plainBootReason")
    assert [text for _, text in watch.console if f"{snapshot}.br could not be decoded (truncated brotli stream)" in text], \
        watch.console
    assert page.locator("#u .stigg-usage-card").count() > 0
    assert page.locator("#u .stigg-usage-card-skeleton").count() == 0
