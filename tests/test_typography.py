"""The French typography filter: its own table of cases, documents, and what it never touches."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplevier.messages import t
from cooplevier.report.templating import md_escape
from cooplevier.typography import inner, protect, typeset, typeset_html, typeset_markdown, unprotect

F = "\u202f"  # espace fine insécable
N = "\u00a0"  # espace insécable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Pourquoi ?", f"Pourquoi{F}?", id="question"),
        pytest.param("Attention !", f"Attention{F}!", id="exclamation"),
        pytest.param("un ; deux", f"un{F}; deux", id="semicolon"),
        pytest.param("Pourquoi : parce que", f"Pourquoi{N}: parce que", id="colon"),
        pytest.param("« oui »", f"«{N}oui{N}»", id="guillemets"),
        pytest.param("«oui»", f"«{N}oui{N}»", id="guillemets-without-spaces"),
        pytest.param("«  oui  »", f"«{N}oui{N}»", id="guillemets-extra-spaces"),
        pytest.param(
            "des « démarches » ou « chantiers »", f"des «{N}démarches{N}» ou «{N}chantiers{N}»", id="two-quotes"
        ),
        pytest.param("« des « démarches » ici »", f"«{N}des “démarches” ici{N}»", id="nested"),
        pytest.param(
            "« « Les réunions du lundi » entre »", f"«{N}“Les réunions du lundi” entre{N}»", id="nested-at-start"
        ),
        pytest.param("« a « b « c » d » e »", f"«{N}a “b “c” d” e{N}»", id="three-levels"),
        pytest.param("et ainsi de suite...", "et ainsi de suite…", id="ellipsis"),
        pytest.param("un…", "un…", id="ellipsis-kept"),
        pytest.param("....", "....", id="four-dots-kept"),
        pytest.param("Quoi ?!", f"Quoi{F}?!", id="question-exclamation"),
        pytest.param("« Pourquoi ? »", f"«{N}Pourquoi{F}?{N}»", id="question-in-quote"),
        pytest.param("x » stray", f"x{N}» stray", id="stray-closing"),
        pytest.param("vers ../dossier", "vers ../dossier", id="two-dots-kept"),
        pytest.param("d'escalier", "d'escalier", id="apostrophe-kept"),
        pytest.param("a:b", "a:b", id="colon-in-a-word"),
        pytest.param("a ?b", "a ?b", id="question-before-a-word"),
        pytest.param("https://exemple.fr/?a=1", "https://exemple.fr/?a=1", id="url"),
        pytest.param("d&#39;escalier ;", f"d&#39;escalier{F};", id="entity-kept"),
        pytest.param("Total :", f"Total{N}:", id="colon-at-the-end"),
        pytest.param("a\u00a0;", f"a{F};", id="no-break-to-fine"),
        pytest.param(f"a{F}:", f"a{N}:", id="fine-to-no-break-before-colon"),
        pytest.param("“ déjà ”", "“ déjà ”", id="english-quotes-untouched"),
        pytest.param("un  ,  deux", "un  ,  deux", id="comma-untouched"),
    ],
)
def test_typeset(text: str, expected: str) -> None:
    assert typeset(text) == expected


def test_inner_turns_the_texts_own_guillemets_into_english_ones() -> None:
    assert inner("des « démarches » ou « chantiers »") == "des “démarches” ou “chantiers”"


@given(st.text(alphabet=" ;:!?.«»“”ab&#/=\u00a0\u202f\n", max_size=40))
def test_typesetting_twice_changes_nothing(text: str) -> None:
    once = typeset(text)
    assert typeset(once) == once


@given(st.text(max_size=60))
def test_protected_text_comes_out_exactly_as_typed(text: str) -> None:
    text = text.replace("\ufdd0", "").replace("\ufdd1", "")
    assert unprotect(typeset_html(f"<p>« {protect(text)} »</p>")) == f"<p>«{N}{text}{N}»</p>"
    assert typeset_markdown(f"« {protect(text)} » ;") == f"«{N}{text}{N}»{F};"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param('<p title="a : b">x : y</p>', f'<p title="a : b">x{N}: y</p>', id="attribute-untouched"),
        pytest.param("<style>a { b : c; }</style>", "<style>a { b : c; }</style>", id="css-untouched"),
        pytest.param("<script>if (a ? b : c) {}</script>", "<script>if (a ? b : c) {}</script>", id="script-untouched"),
        pytest.param("<code>a : b</code> c : d", f"<code>a : b</code> c{N}: d", id="code-untouched"),
        pytest.param("<!-- a : b -->", "<!-- a : b -->", id="comment-untouched"),
        pytest.param("<p>« x <b>« y »</b> z »</p>", f"<p>«{N}x <b>“y”</b> z{N}»</p>", id="nested-across-tags"),
        pytest.param("<p>« x</p><p>« y »</p>", f"<p>«{N}x</p><p>«{N}y{N}»</p>", id="depth-reset-by-a-block"),
        pytest.param(
            '<a href="https://x.fr/?a ; b">lien ?</a>',
            f'<a href="https://x.fr/?a ; b">lien{F}?</a>',
            id="href-untouched",
        ),
    ],
)
def test_typeset_html(html: str, expected: str) -> None:
    assert typeset_html(html) == expected


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        pytest.param("**Pourquoi :** oui", f"**Pourquoi{N}:** oui", id="bold"),
        pytest.param("`cooplevier a : b` c ?", f"`cooplevier a : b` c{F}?", id="code-span-untouched"),
        pytest.param("[lien](http://x/?a ; b) ?", f"[lien](http://x/?a ; b){F}?", id="link-target-untouched"),
        pytest.param("```\na : b\n```\nc : d", f"```\na : b\n```\nc{N}: d", id="fenced-code-untouched"),
        pytest.param("« a\n« b »", f"«{N}a\n«{N}b{N}»", id="each-line-a-block"),
        pytest.param("| a : b | c |", f"| a{N}: b | c |", id="table-cell"),
    ],
)
def test_typeset_markdown(md: str, expected: str) -> None:
    assert typeset_markdown(md) == expected


def test_catalogue_sentences_are_typeset_but_not_their_values() -> None:
    said = t("compare.other_territory", old="A ; B", new="« C »")
    assert said.startswith(f"avertissement{N}: ")
    assert f"(«{N}A ; B{N}», «{N}« C »{N}»)" in said


def test_markdown_escaping_keeps_no_break_spaces() -> None:
    assert md_escape(f"a{N}:  b\n c") == f"a{N}: b c"
    assert md_escape(protect("1. Pays")) == protect("1\\. Pays")


@given(st.text(alphabet=" \t\u00a0\u202fab.:;!?«»/=\n", max_size=40), st.integers(min_value=0, max_value=2))
def test_a_run_is_typeset_the_same_whether_or_not_it_is_scanned(text: str, depth: int) -> None:
    # runs without a cue character are returned as they are: they must be the runs _PROSE leaves alone
    from cooplevier.typography import _PROSE, Typesetter

    scanned = Typesetter(depth)
    expected = _PROSE.sub(scanned._sub, text)
    assert Typesetter(depth).run(text) == expected
