"""A namespace's pack (generator.entrypack): what one process or several append is read back whole by the
next, a write cut short by a kill is never served, and old bytes are dropped once they are most of it."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from generator import entrypack
from generator.cache import BlobCache, PackedFile
from generator.entrypack import EntryPack
from tests.packs import data_file


def pack(folder: Path) -> EntryPack:
    return EntryPack(folder, PackedFile(folder / "index.pack", "test"))


def test_entries_put_by_one_process_are_read_by_the_next(tmp_path: Path) -> None:
    first = pack(tmp_path)
    first.put("a", b"alpha")
    first.put("b", b"beta")
    first.put("a", b"alpha again")  # the newest entry for a key is the one read
    assert (first.get("a"), first.get("b"), first.get("c")) == (b"alpha again", b"beta", None)
    later = pack(tmp_path)
    assert (later.get("a"), later.get("b"), later.has("c")) == (b"alpha again", b"beta", False)
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix in (".data", ".keys")) == [
        f"{data_file(tmp_path).stem}.data", f"{data_file(tmp_path).stem}.keys"]


def test_the_index_is_written_again_once_many_lines_follow_it(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entrypack, "REINDEX", 3)
    index = PackedFile(tmp_path / "index.pack", "test")
    writer = EntryPack(tmp_path, index)
    writer.put("a", b"1")
    assert index.load()[2] == {}  # type: ignore[index]  # written when the token was new, before any entry
    for key in "bcd":
        writer.put(key, key.encode())
    assert pack(tmp_path).get("d") == b"d"  # four lines after the index: read, then the index written again
    token, read_to, places = index.load()  # type: ignore[misc]
    assert set(places) == set("abcd") and read_to == (tmp_path / f"{token}.keys").stat().st_size
    assert pack(tmp_path).get("a") == b"1"  # from the index alone


def share_entry(share: int, number: int) -> bytes:
    return f"entry {number} of share {share} ".encode() * (number % 7 + 1)


def _put_share(folder: str, share: int) -> None:
    _put_inherited(pack(Path(folder)), share)


def test_forked_writers_each_append_their_own_and_the_parent_reads_them_all(tmp_path: Path) -> None:
    parent = pack(tmp_path)
    parent.put("before", b"written before the fork")  # each writer inherits the open pack
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_put_inherited, args=(parent, share)) for share in range(3)]
    for process in writers:
        process.start()
    for process in writers:
        process.join()
        assert process.exitcode == 0
    for share in range(3):
        for number in range(200):
            assert parent.get(f"{share}-{number}") == share_entry(share, number)
    assert parent.get("before") == b"written before the fork"


def _put_inherited(inherited: EntryPack, share: int) -> None:
    for number in range(200):
        inherited.put(f"{share}-{number}", share_entry(share, number))


def test_separate_processes_opening_a_new_pack_at_once_share_one_set_of_files(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_put_share, args=(str(tmp_path), share)) for share in range(3)]
    for process in writers:
        process.start()
    for process in writers:
        process.join()
        assert process.exitcode == 0
    reader = pack(tmp_path)
    assert all(reader.has(f"{share}-{number}") for share in range(3) for number in range(200))
    assert len(list(tmp_path.glob("*.data"))) == 1


def test_a_write_cut_short_by_a_kill_is_never_served_and_later_ones_are(tmp_path: Path) -> None:
    writer = pack(tmp_path)
    writer.put("kept", b"whole")
    with data_file(tmp_path).open("ab") as stream:
        stream.write(b"half an ent")  # killed mid-entry: no line names these bytes
    with data_file(tmp_path).with_suffix(".keys").open("ab") as stream:
        stream.write(b"cut 5 1")  # killed mid-line: no newline
    later = pack(tmp_path)
    assert (later.get("kept"), later.has("cut")) == (b"whole", False)
    later.put("next", b"after the kill")  # its line runs on from the cut one, so it is lost
    later.put("last", b"read")
    again = pack(tmp_path)
    assert (again.get("kept"), again.has("cut"), again.get("last")) == (b"whole", False, b"read")
    assert again.get("next") in (None, b"after the kill")


def test_a_line_naming_bytes_past_the_end_reads_short_and_the_cache_recomputes(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path)
    cache.write("pages", "abcd", {"html": "<p>kept</p>"})
    with data_file(tmp_path / "pages").open("r+b") as stream:
        stream.truncate(10)  # the data file cut short (a disk that lost its tail)
    assert BlobCache(tmp_path).read("pages", "abcd") is None


def test_a_damaged_index_starts_afresh_and_serves_nothing_old(tmp_path: Path) -> None:
    BlobCache(tmp_path).write("pages", "abcd", ["fresh"])
    (tmp_path / "pages" / "index.pack").write_bytes(b"charter-pack 1 damaged")
    cache = BlobCache(tmp_path)
    assert cache.read("pages", "abcd") is None
    cache.write("pages", "abcd", ["again"])
    assert BlobCache(tmp_path).read("pages", "abcd") == ["again"]
    assert len(list((tmp_path / "pages").glob("*.data"))) == 1, "the old files are removed"


def test_old_bytes_are_dropped_once_they_are_most_of_the_data_file(tmp_path: Path) -> None:
    writer = pack(tmp_path)
    for number in range(40):
        writer.put("page", f"render {number} ".encode() * 10_000)  # one page rendered again and again
    writer.put("other", b"kept")
    before = data_file(tmp_path)
    assert before.stat().st_size > 3_000_000
    later = pack(tmp_path)
    assert later.get("page") == b"render 39 " * 10_000 and later.get("other") == b"kept"
    after = data_file(tmp_path)
    assert after != before and not before.exists() and after.stat().st_size == 100_000 + 4
    assert pack(tmp_path).get("page") == b"render 39 " * 10_000


def test_the_earlier_layout_of_a_file_per_entry_is_removed(tmp_path: Path) -> None:
    old = tmp_path / "pages" / "ab"
    old.mkdir(parents=True)
    (old / "abcd.json").write_text("an entry as the earlier layout kept it", encoding="utf-8")
    cache = BlobCache(tmp_path)
    assert cache.read("pages", "abcd") is None and not old.exists()


def test_a_forked_writer_opens_its_own_descriptors(tmp_path: Path) -> None:
    parent = pack(tmp_path)
    parent.put("a", b"1")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's result is its exit code
        parent.put("from-child", b"2")
        os._exit(0 if parent._data != -1 and parent.get("a") == b"1" else 1)
    os.close(read)
    os.close(write)
    assert os.waitpid(child, 0)[1] == 0
    parent.put("b", b"3")
    assert (parent.get("from-child"), parent.get("b")) == (b"2", b"3")
