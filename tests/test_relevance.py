"""The topic query language: parsing, matching rules and the default North Korea topic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsspider.config import ConfigError, Topic, bundled_config_text, parse_config
from newsspider.extraction.extract import extract_article
from newsspider.relevance import (
    And,
    Near,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    TopicMatcher,
    parse_query,
)


def t(*words: str, fields: tuple[str, ...] | None = None) -> Term:
    return Term(tuple(w.rstrip("*") for w in words), tuple(w.endswith("*") for w in words), fields)


# --- parser ------------------------------------------------------------------------------


def test_and_binds_tighter_than_or_and_adjacent_terms_are_anded() -> None:
    assert parse_query("a b OR c").root == Or((And((t("a"), t("b"))), t("c")))
    assert parse_query("a AND b OR c AND d").root == Or(
        (And((t("a"), t("b"))), And((t("c"), t("d"))))
    )


def test_parentheses_override_precedence() -> None:
    assert parse_query("a AND (b OR c)").root == And((t("a"), Or((t("b"), t("c")))))


def test_not_applies_to_the_next_operand() -> None:
    assert parse_query("a NOT b").root == And((t("a"), Not(t("b"))))
    assert parse_query("a AND NOT (b OR c)").root == And((t("a"), Not(Or((t("b"), t("c"))))))


def test_near_takes_terms_phrases_and_or_groups() -> None:
    root = parse_query('"north korea*" NEAR/5 (troop* OR soldier*)').root
    assert root == Near(t("north", "korea*"), Or((t("troop*"), t("soldier*"))), 5)


def test_field_prefix_applies_to_a_group_and_inner_fields_win() -> None:
    root = parse_query("title:(kursk OR body:russia)").root
    assert root == Or((t("kursk", fields=("title",)), t("russia", fields=("body",))))


def test_a_term_the_tokenizer_splits_becomes_a_phrase() -> None:
    assert parse_query("jong-un").root == t("jong", "un")


def test_lower_case_operators_are_words() -> None:
    assert parse_query("war and peace").root == And((t("war"), t("and"), t("peace")))


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("", 0),
        ("a AND", 5),
        ("(a OR b", 0),
        ("a) b", 1),
        ('a "open phrase', 2),
        ("foo:bar", 0),
        ("a NEAR b", 2),
        ("tr*op", 2),
        ("a NEAR/3 (b AND c)", 9),
        ("a OR OR b", 5),
        ("!!!", 0),
    ],
)
def test_syntax_errors_name_the_position(query: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError, match=f"at position {position}$") as raised:
        parse_query(query)
    assert raised.value.position == position


_words = st.sampled_from(["kursk", "troop", "북한", "russia", "and", "near", "title", "n"])
_terms = st.builds(
    lambda words, star, field: Term(tuple(words), (False,) * (len(words) - 1) + (star,), field),
    st.lists(_words, min_size=1, max_size=3),
    st.booleans(),
    st.sampled_from([None, ("title",), ("body",), ("description",)]),
)
_positional = st.recursive(
    _terms,
    lambda inner: st.one_of(
        st.builds(lambda ops: Or(tuple(ops)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Near, inner, inner, st.integers(0, 50)),
    ),
    max_leaves=6,
)
_nodes = st.recursive(
    _positional,
    lambda inner: st.one_of(
        st.builds(lambda ops: And(tuple(ops)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda ops: Or(tuple(ops)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Not, inner),
    ),
    max_leaves=10,
)


@given(_nodes)
def test_rendered_query_parses_back_to_the_same_tree(root) -> None:
    assert parse_query(str(parse_query(str(root)))).root == parse_query(str(root)).root
    assert parse_query(str(root)).root == root


# --- matching ----------------------------------------------------------------------------


def test_matching_ignores_case_and_accents() -> None:
    query = parse_query('"CAFÉ crème" OR zelenskyy')
    assert query.score({"body": "a cafe CREME in Kyiv"}) > 0
    assert query.score({"title": "ZELENSKYY speaks"}) > 0


def test_korean_terms_match_words_carrying_particles() -> None:
    query = parse_query("북한군 AND 러시아")
    assert query.score({"title": "북한군은 러시아에 파병됐다"}) > 0
    assert query.score({"title": "남한군은 러시아에"}) == 0


def test_latin_terms_match_whole_words_unless_wildcarded() -> None:
    assert parse_query("troop").score({"body": "troops"}) == 0
    assert parse_query("troop*").score({"body": "troops"}) > 0


def test_phrase_needs_consecutive_words() -> None:
    query = parse_query('"north korean troops"')
    assert query.score({"body": "North Korean troops arrived"}) > 0
    assert query.score({"body": "North Korean and Russian troops"}) == 0


def test_near_counts_words_between_within_one_field() -> None:
    query = parse_query("korea NEAR/2 troops")
    assert query.score({"body": "korea sent many troops"}) > 0
    assert query.score({"body": "korea sent very many troops"}) == 0
    assert query.score({"title": "korea", "body": "troops"}) == 0


def test_field_targets_restrict_where_terms_match() -> None:
    query = parse_query("title:kursk")
    assert query.score({"title": "Fighting in Kursk"}) > 0
    assert query.score({"body": "Fighting in Kursk"}) == 0


def test_title_hits_weigh_more_than_body_hits() -> None:
    query = parse_query("kursk")
    assert query.score({"title": "Kursk"}) > query.score({"body": "Kursk"}) > 0


def test_topic_from_include_and_exclude_lists() -> None:
    topic = Topic(name="nk", include=["north korea", "pyongyang"], exclude=["missile"])
    matcher = TopicMatcher([topic])
    assert "nk" in matcher.match({"title": "Pyongyang sends troops"})
    assert matcher.match({"title": "Pyongyang fires missile"}) == {}


def test_topic_query_and_lists_are_combined() -> None:
    topic = Topic(name="nk", query="troop*", include=["pyongyang"], exclude=["drill"])
    matcher = TopicMatcher([topic])
    assert matcher.match({"title": "Pyongyang troops in Kursk"})
    assert not matcher.match({"title": "Pyongyang troops drill"})
    assert not matcher.match({"title": "Seoul troops in Kursk"})


def test_topic_min_score_and_languages() -> None:
    topics = [
        Topic(name="strong", query="kursk", min_score=3),
        Topic(name="english", query="kursk", languages=["en"]),
    ]
    matcher = TopicMatcher(topics)
    assert matcher.match({"body": "Kursk", "language": "ko"}) == {}
    assert set(matcher.match({"title": "Kursk", "language": "en"})) == {"strong", "english"}


def test_topic_syntax_error_is_a_config_error_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"topics\[0\]\.query: invalid topic query: .*position 2"):
        parse_config('[[topics]]\nname = "bad"\nquery = "a (b"\n', "t.toml")


# --- the default topic -------------------------------------------------------------------

KEEP = [
    (
        "US confirms N. Korea suffered 'significant losses' in combat against Ukraine",
        "The United States believes North Korea has suffered some significant troop losses "
        "during combat alongside Russian forces against Ukraine.",
    ),
    ("N. Korean troops in Russia's Kursk suffer 1,100 casualties: JCS", ""),
    ("Ukraine captures 2 North Korean soldiers in Kursk Oblast, Zelensky says", ""),
    (
        "Pentagon says North Korean troops have entered combat",
        "North Korean soldiers have engaged in combat in Russia's Kursk region, the Pentagon said.",
    ),
    ("DPRK forces deployed to Russia's Kursk region, Kyiv says", ""),
    (
        "Pyongyang's troops thrown into assaults as 'cannon fodder'",
        "Ukrainian intelligence says Pyongyang's troops are being used in human-wave attacks "
        "by Russian commanders in Kursk.",
    ),
    ("N. Korea sends additional 3,000 troops to Russia: JCS", ""),
    (
        "Kim Jong Un honours soldiers killed fighting in Kursk",
        "North Korean leader Kim Jong Un honoured soldiers killed while fighting for Russia.",
    ),
    ("North Korea confirms for the first time its troops fought for Russia", ""),
    (
        "Captured North Korean soldier says he wants to go to South Korea",
        "The POW was captured by Ukrainian forces in January.",
    ),
    ('국정원 "북한군, 쿠르스크 전투서 사상자 3천명 넘어"', ""),
    (
        '우크라이나 "북한군 포로 2명 생포"',
        "젤렌스키 대통령은 쿠르스크에서 북한군 병사 2명을 생포했다고 밝혔다.",
    ),
    ("北, 러시아에 1만1천명 파병…국정원", ""),
    ("북한, 러시아에 추가 파병 준비 정황", ""),
    ("Russia may be giving N. Korea missile technology in exchange for troops", ""),
]

REJECT = [
    ("North Korea fires ballistic missile into East Sea", "The launch was detected by the JCS."),
    (
        "North Korea fires missile as US carrier arrives",
        "The launch comes as North Korea has sent some 11,000 troops to Russia, officials say.",
    ),
    ("North Korea sends trash balloons across border again", "Seoul condemned the balloons."),
    ("Seoul proposes military talks with Pyongyang", "Inter-Korean relations remain frozen."),
    ("Russian troops advance near Pokrovsk in eastern Ukraine", "Kyiv says the front is holding."),
    ("Russia deploys troops to Kursk after Ukrainian incursion", ""),
    ("North Korean troops conduct artillery drills near DMZ", "The JCS monitored the drills."),
    ("South Korean troops join US in large-scale exercises", ""),
    ("Ukraine strikes Russian oil refinery with drones", ""),
    ("북한, 동해상으로 탄도미사일 발사", "합참은 북한이 단거리 탄도미사일을 발사했다고 밝혔다."),
    ("북한 오물풍선 또 살포", "북한이 오물풍선을 다시 날려 보냈다."),
    ("러시아군, 우크라이나 동부 공세 강화", "러시아군이 도네츠크 일대에서 공세를 강화했다."),
    ("Putin and Kim sign mutual defense pact in Pyongyang", "The treaty deepens ties."),
]


@pytest.fixture(scope="module")
def default_topic():
    """The topic shipped in the bundled default config."""
    [topic] = parse_config(bundled_config_text()).topics
    return parse_query(topic.query)


@pytest.mark.parametrize(("title", "lead"), KEEP)
def test_default_topic_keeps_north_korean_troops_in_russia(default_topic, title, lead) -> None:
    assert default_topic.score({"title": title, "description": lead}) > 0


@pytest.mark.parametrize(("title", "lead"), REJECT)
def test_default_topic_rejects_other_news(default_topic, title, lead) -> None:
    assert default_topic.score({"title": title, "description": lead}) == 0


@pytest.mark.parametrize(
    ("page", "kept"),
    [
        ("korea_times_yonhap", True),
        ("yonhap_jsonld", True),
        ("graph_kyiv", True),
        ("euckr_korean", True),
        ("invalid_jsonld_reuters", True),
        ("multi_article_jsonld", True),
        ("ukrinform_uk", True),
        ("utf8_bom_tass", False),
    ],
)
def test_default_topic_on_extracted_golden_pages(default_topic, page: str, kept: bool) -> None:
    pages = Path(__file__).parent / "data" / "pages"
    spec = json.loads((pages / f"{page}.expected.json").read_text(encoding="utf-8"))
    record = extract_article(
        (pages / f"{page}.html").read_bytes(),
        spec["url"],
        timezone=spec["timezone"],
        now=datetime(2026, 11, 20, tzinfo=UTC),
    )
    assert (default_topic.score(record) > 0) is kept
