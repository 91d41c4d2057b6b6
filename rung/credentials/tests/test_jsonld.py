import shutil
from pathlib import Path

import pytest

from rung.credentials import jsonld
from rung.credentials.jsonld import (
    CONTEXTS,
    OB_V3P0_URL,
    ContextIntegrityError,
    UnknownContextError,
    document_loader,
    load_context,
    parse_context_file,
    read_context_file,
)


@pytest.mark.parametrize("url", sorted(CONTEXTS))
def test_every_pinned_context_is_installed_and_matches_its_hash(url: str) -> None:
    document = load_context(url)
    assert isinstance(document["@context"], (dict, list))


def test_credentials_v2_defines_bitstring_status_list_entry() -> None:
    # Why no separate status-list context is pinned: VC 2.0 already has the term.
    assert "BitstringStatusListEntry" in load_context(jsonld.CREDENTIALS_V2_URL)["@context"]


def test_ob_context_is_read_from_its_commonjs_module() -> None:
    context = load_context(OB_V3P0_URL)["@context"]
    assert (
        context["OpenBadgeCredential"]["@id"] == "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
    )


def test_loader_returns_a_copy_callers_may_mutate() -> None:
    first = document_loader(OB_V3P0_URL)
    first["document"]["@context"].clear()
    assert load_context(OB_V3P0_URL)["@context"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/2018/credentials/v2",
        "https://example.org/evil-context.jsonld",
        "https://www.w3.org/ns/credentials/v2/",
        "",
    ],
)
def test_unknown_context_urls_are_refused_not_fetched(url: str) -> None:
    with pytest.raises(UnknownContextError, match="not one of the pinned"):
        document_loader(url, {})


def _copy_context_tree(target: Path) -> None:
    source = jsonld.context_dir()
    for relative, _ in CONTEXTS.values():
        if Path(relative).is_absolute():
            continue  # shipped in the repository (contexts/), not under node_modules
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, destination)


def test_context_dir_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_context_tree(tmp_path)
    monkeypatch.setenv(jsonld.CONTEXT_DIR_ENV, str(tmp_path))
    assert jsonld.context_dir() == tmp_path
    assert load_context(OB_V3P0_URL)["@context"]["@protected"] is True


def test_a_changed_context_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_context_tree(tmp_path)
    relative, _ = CONTEXTS[jsonld.CREDENTIALS_V2_URL]
    path = tmp_path / relative
    path.write_text(path.read_text(encoding="utf-8").replace("schema.org/name", "evil.example/name"))
    monkeypatch.setenv(jsonld.CONTEXT_DIR_ENV, str(tmp_path))
    with pytest.raises(ContextIntegrityError, match="refusing it"):
        load_context(jsonld.CREDENTIALS_V2_URL)


def test_a_missing_context_file_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(ContextIntegrityError, match="npm ci"):
        read_context_file(tmp_path / "absent.jsonld", "0" * 64)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("x.js", "export default {};"),
        ("x.js", "module.exports = {not json};"),
        ("x.jsonld", "[1, 2]"),
        ("x.jsonld", '{"no": "context"}'),
    ],
)
def test_malformed_context_files_are_refused(name: str, text: str) -> None:
    with pytest.raises(ContextIntegrityError):
        parse_context_file(name, text.encode())


def test_the_clr_contexts_are_served_offline_from_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wherever node_modules is, the CLR and OB extensions contexts come from rung/credentials/contexts.
    monkeypatch.setenv(jsonld.CONTEXT_DIR_ENV, str(tmp_path))
    assert "ClrCredential" in load_context(jsonld.CLR_V2P0_URL)["@context"]
    assert "1EdTechRevocationList" in load_context(jsonld.OB_V3P0_EXTENSIONS_URL)["@context"]
