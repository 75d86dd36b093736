"""Downloaded npm tarballs unpack on every Python 3.11 (Debian 12 ships 3.11.2, which has no tar
filters) and never outside their folder."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from stigg_portal import build


def tarball(tmp_path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    path = tmp_path / "package.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def file_member(name: str, data: bytes, mode: int = 0o644) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    return info, data


@pytest.fixture(params=["with filters", "without filters (3.11.2)"])
def filters(request, monkeypatch):
    if request.param.startswith("without"):
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    return request.param


def test_a_package_unpacks_with_its_files_and_modes(tmp_path, filters):
    folder = tarfile.TarInfo("package/lib")
    folder.type = tarfile.DIRTYPE
    path = tarball(tmp_path, [(folder, None), file_member("package/lib/main.js", b"export {}"),
                              file_member("package/bin/esbuild", b"#!/bin/sh", 0o755)])
    with tarfile.open(path) as tar:
        build.extract_tar(tar, tmp_path / "out")
    assert (tmp_path / "out/package/lib/main.js").read_bytes() == b"export {}"
    assert (tmp_path / "out/package/bin/esbuild").stat().st_mode & 0o111


@pytest.mark.parametrize("name", ["../evil.js", "package/../../evil.js"])
def test_a_member_outside_the_folder_is_refused(tmp_path, filters, name):
    path = tarball(tmp_path, [file_member(name, b"x")])
    with tarfile.open(path) as tar, pytest.raises(tarfile.TarError):
        build.extract_tar(tar, tmp_path / "out")
    assert not (tmp_path / "evil.js").exists()


def test_a_link_is_refused(tmp_path, filters):
    link = tarfile.TarInfo("package/passwd")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    path = tarball(tmp_path, [(link, None)])
    with tarfile.open(path) as tar, pytest.raises(tarfile.TarError):
        build.extract_tar(tar, tmp_path / "out")
    assert not (tmp_path / "out/package/passwd").exists()


def test_an_absolute_member_never_lands_at_its_absolute_path(tmp_path, filters):
    target = tmp_path / "abs-evil.js"
    path = tarball(tmp_path, [file_member(str(target), b"x")])
    with tarfile.open(path) as tar:
        try:
            build.extract_tar(tar, tmp_path / "out")
        except tarfile.TarError:
            pass  # refused (3.11.2 here), or unpacked inside out/ with its slash stripped (filter="data")
    assert not target.exists()
