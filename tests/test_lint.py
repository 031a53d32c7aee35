"""The checker rejects the tells that let a learner game a quiz without knowing the skill."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.content.bank import read_bank
from quiz.content.lint import absolute_words, key_positions, lint_bank, vote_spells_key
from quiz.content.models import Question
from tests.conftest import content, question, write_content


def _lint(tmp_path: Path, change) -> list[str]:  # type: ignore[no-untyped-def]
    files = content()
    change(files)
    report = read_bank(write_content(tmp_path, files))
    assert report.problems == []
    return [str(problem) for problem in lint_bank(report.bank)]


def _set_options(files: dict[str, Any], index: int, options: list[dict[str, Any]]) -> None:
    files["sql.yaml"]["questions"][index]["options"] = options


def test_the_small_bank_has_no_tells(tmp_path: Path) -> None:
    assert _lint(tmp_path, lambda files: None) == []


def test_all_of_the_above_is_rejected(tmp_path: Path) -> None:
    problems = _lint(
        tmp_path,
        lambda f: _set_options(
            f, 0, [{"text": "right answer sql-l1-0", "correct": True}, {"text": "All of the above"}]
        ),
    )
    assert problems == ["sql.yaml: item 'sql-l1-0', field 'options': catch-all option 'All of the above' is a tell"]


def test_none_of_these_is_rejected(tmp_path: Path) -> None:
    problems = _lint(
        tmp_path,
        lambda f: _set_options(f, 0, [{"text": "right answer sql-l1-0", "correct": True}, {"text": "none of these"}]),
    )
    assert "catch-all option 'none of these' is a tell" in problems[0]


def test_a_repeated_option_is_rejected(tmp_path: Path) -> None:
    problems = _lint(
        tmp_path,
        lambda f: _set_options(
            f, 0, [{"text": "right answer sql-l1-0", "correct": True}, {"text": "Wrong"}, {"text": "wrong."}]
        ),
    )
    assert problems == ["sql.yaml: item 'sql-l1-0', field 'options': option repeated: 'wrong.'"]


def test_an_explanation_that_does_not_name_the_key_is_rejected(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        files["sql.yaml"]["questions"][0]["explanation"] = "Because reasons."

    assert _lint(tmp_path, change) == [
        "sql.yaml: item 'sql-l1-0', field 'explanation': does not say why the key is right (name the right answer)"
    ]


def test_a_near_duplicate_prompt_is_rejected(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        files["sql.yaml"]["questions"][1]["prompt"] = "Which statement about topic sql_l1_0 holds??"

    problems = _lint(tmp_path, change)
    assert problems == ["sql.yaml: item 'sql-l1-1', field 'prompt': near-duplicate of sql-l1-0 (100% of words shared)"]


def test_the_same_prompt_over_different_code_is_not_a_duplicate(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        for index, code in ((0, "print(1)"), (1, "print(2)")):
            item = files["sql.yaml"]["questions"][index]
            item.update(prompt="What does this print?", code=code, language="python")

    assert _lint(tmp_path, change) == []


def test_a_skill_whose_key_is_usually_the_longest_option_is_rejected(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        for index, item in enumerate(files["sql.yaml"]["questions"][:6]):
            item["options"][0]["text"] = f"the right answer, spelled out at great length {index}"

    problems = _lint(tmp_path, change)
    assert problems == [
        "sql.yaml: item '(file)', field 'options': the key is the strictly longest option in 40% of sql choice "
        "questions (limit 35%): shorten keys or lengthen distractors"
    ]


def test_the_real_bank_has_no_tells() -> None:
    report = read_bank()
    assert [str(p) for p in report.problems] == []
    assert [str(p) for p in lint_bank(report.bank)] == []


def test_a_true_false_explanation_must_say_true_or_false(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        files["git.yaml"]["questions"].append(
            question("git-tf", 2, kind="true_false", options=[], answer=True, explanation="It holds, always.")
        )

    assert _lint(tmp_path, change) == [
        "git.yaml: item 'git-tf', field 'explanation': does not say why the key is right (name the right answer)"
    ]


def _sql_question(files: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(item for item in files["sql.yaml"]["questions"] if item["id"] == question_id)


ABSOLUTE_DISTRACTORS = [
    {"text": "right answer sql-l3-0", "correct": True},
    {"text": "The planner always reads the table"},
    {"text": "An index is never used in a join"},
    {"text": "It tells nobody and retries"},
]


def test_distractors_ruled_out_by_absolute_words_are_rejected_from_level_three(tmp_path: Path) -> None:
    problems = _lint(tmp_path, lambda f: _sql_question(f, "sql-l3-0").update(options=ABSOLUTE_DISTRACTORS))
    assert problems == [
        "sql.yaml: item 'sql-l3-0', field 'options': a distractor rests on an absolute the key lacks "
        "('always' in 'The planner always reads the table'; "
        "'never' in 'An index is never used in a join'; "
        "'nobody' in 'It tells nobody and retries'): state the misconception without it"
    ]


def test_an_absolute_word_in_the_key_as_well_is_no_tell(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        options = [dict(option) for option in ABSOLUTE_DISTRACTORS]
        options[0]["text"] = "right answer sql-l3-0, which always holds"
        _sql_question(files, "sql-l3-0").update(options=options)

    assert _lint(tmp_path, change) == []


def test_absolute_distractors_below_level_three_are_allowed(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        options = [dict(option, text=option["text"].replace("sql-l3-0", "sql-l2-0")) for option in ABSOLUTE_DISTRACTORS]
        _sql_question(files, "sql-l2-0").update(options=options)

    assert _lint(tmp_path, change) == []


def test_a_scenario_counts_full_credit_as_the_key_and_no_credit_as_wrong(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        scenario = files["teamwork.yaml"]["questions"][6]  # team-l3-0
        scenario["options"] = [
            {"text": "best move 3-0", "credit": 1.0},
            {"text": "Fix it quietly and tell nobody", "credit": 0.0},
            {"text": "Escalate, since a late launch is never acceptable", "credit": 0.5},
        ]

    problems = _lint(tmp_path, change)
    assert len(problems) == 1
    assert "item 'team-l3-0'" in problems[0] and "'nobody'" in problems[0] and "never" not in problems[0]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Tell no one until it is fixed", ["no one"]),
        ("It deletes the commits for good.", ["for good"]),
        ("It is GUARANTEED to run once", ["guaranteed"]),
        ("It does not always run, and almost never fails", []),  # hedged, not absolute
        ("Set `appendfsync always` and `Cache-Control: must-revalidate`", []),  # code is not prose
        ("It keeps the row for good reasons", []),
        ("Only every any all must none nothing", []),  # precise quantifiers, left out on purpose
        # The French edition is linted with the same rule.
        ("Tout le monde relit, et le plan est garanti", ["tout le monde", "garanti"]),
        ("La clé contient toujours notre uuid et ne sera jamais réécrite", []),  # "still", "not ever"
        ("Ce n'est pas garanti, et presque impossible en production", []),
        ("Une personne de l'équipe relit la pull request", []),  # « personne » also means "a person"
    ],
)
def test_absolute_words_are_whole_words_of_prose(text: str, words: list[str]) -> None:
    assert absolute_words(text) == words


def test_a_french_catch_all_option_is_a_tell(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        _sql_question(files, "sql-l1-0")["options"][-1]["text"] = "Toutes les réponses ci-dessus"

    assert _lint(tmp_path, change) == [
        "sql.yaml: item 'sql-l1-0', field 'options': catch-all option 'Toutes les réponses ci-dessus' is a tell"
    ]


def test_the_allow_list_lets_a_flagged_question_through_and_names_ids_it_no_longer_needs(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        _sql_question(files, "sql-l3-0").update(options=ABSOLUTE_DISTRACTORS)
        files["lint-allow.yaml"] = {
            "absolute_distractors": [
                {"id": "sql-l3-0", "reason": "pending rewrite (issue 12)"},
                {"id": "sql-l4-0", "reason": "pending rewrite (issue 12)"},
                {"id": "sql-gone", "reason": "pending rewrite (issue 12)"},
            ]
        }

    assert _lint(tmp_path, change) == [
        "lint-allow.yaml: item 'sql-l4-0', field 'absolute_distractors': no absolute-word distractor left: remove this id",
        "lint-allow.yaml: item 'sql-gone', field 'absolute_distractors': no such question: remove this id",
    ]


def test_key_positions_report_where_keys_sit_and_how_often_the_key_is_longest() -> None:
    questions = [
        Question.model_validate(question("a", 3, options=[{"text": "key", "correct": True}, {"text": "no"}])),
        Question.model_validate(
            question("b", 3, options=[{"text": "no"}, {"text": "the longest key", "correct": True}, {"text": "nope"}])
        ),
        Question.model_validate(
            question(
                "c",
                3,
                kind="multiple",
                options=[
                    {"text": "yes", "correct": True},
                    {"text": "a wrong one"},
                    {"text": "also yes", "correct": True},
                ],
            )
        ),
        Question.model_validate(question("d", 3, kind="true_false", options=[], answer=True)),
    ]
    report = key_positions(questions)
    assert report.questions == 3
    assert report.by_position == {1: 1.5 / 3, 2: 1 / 3, 3: 0.5 / 3}
    assert report.longest == 2 / 3  # a and b; in c a wrong option is the longest


def test_a_key_that_echoes_the_prompt_is_rejected(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        _sql_question(files, "sql-l3-0").update(
            prompt="Which store keeps a ledger of wallet transfers consistent for the auditors?",
            options=[
                {"text": "A store that keeps the wallet ledger consistent for auditors", "correct": True},
                {"text": "Redis with an append-only file", "correct": False},
                {"text": "MongoDB with one document per account", "correct": False},
            ],
            explanation="A store that keeps the wallet ledger consistent: the right answer sql-l3-0.",
        )

    assert _lint(tmp_path, change) == [
        "sql.yaml: item 'sql-l3-0', field 'options': the key repeats the prompt's words far more than any "
        "wrong option: reword it, or give a distractor the same words"
    ]


def test_a_key_that_names_the_prompts_subject_like_its_rivals_is_no_echo(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        _sql_question(files, "sql-l3-0").update(
            prompt="Which store keeps a ledger of wallet transfers consistent for the auditors?",
            options=[
                {"text": "PostgreSQL, one transaction per transfer and a CHECK on each wallet", "correct": True},
                {"text": "DynamoDB, a transaction per transfer and a condition on each wallet", "correct": False},
                {"text": "MongoDB, one document per wallet with its transfers embedded", "correct": False},
            ],
            explanation="PostgreSQL with one transaction per transfer: the right answer sql-l3-0.",
        )

    assert _lint(tmp_path, change) == []


def _outputs(files: dict[str, Any], qid: str, texts: list[str]) -> None:
    """A question whose options are program outputs of one shape, the first one the key."""
    _sql_question(files, qid).update(
        options=[{"text": texts[0], "correct": True}] + [{"text": text} for text in texts[1:]],
        explanation=f"It prints {texts[0]}: the rule.",
    )


@pytest.mark.parametrize("question_id", ["sql-l1-0", "sql-l3-0"])
def test_options_whose_vote_per_position_spells_the_key_are_rejected_at_every_level(
    tmp_path: Path, question_id: str
) -> None:
    # 3 wins the first position, test the second: a learner who knows nothing bets on "3 test".
    problems = _lint(tmp_path, lambda files: _outputs(files, question_id, ["3 test", "3 prod", "5 test", "7 test"]))
    assert problems == [
        f"sql.yaml: item '{question_id}', field 'options': a vote per position over the options spells the key: "
        "make the options the combinations of two mistakes, or replace one with another real mistake"
    ]


def test_two_mistakes_combined_tie_every_vote(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        _outputs(
            files, "sql-l3-0", ["[2, 5, 30]", "[5, 10, 30]", "[2, 10, 30]", "[5, 5, 30]"]
        )  # the vote: [2|5, 5|10, 30]
        _outputs(files, "sql-l4-0", ["3 test", "5 test", "3 prod", "5 prod"])

    assert _lint(tmp_path, change) == []


_OUTPUT_TOKEN = st.text(alphabet="abcdefgh0123456789.'", min_size=1, max_size=6)


def _choice(texts: list[str], key: str) -> Question:
    options = [{"text": text, "correct": text == key} for text in texts]
    return Question.model_validate(question("sql-l4-0", 4, options=options))


@given(first=st.lists(_OUTPUT_TOKEN, min_size=2, max_size=2, unique=True),
       second=st.lists(_OUTPUT_TOKEN, min_size=2, max_size=2, unique=True),
       order=st.permutations(range(4)))  # fmt: skip
def test_the_four_combinations_of_two_mistakes_are_never_flagged_and_three_of_them_plus_a_stray_are(
    first: list[str], second: list[str], order: list[int]
) -> None:
    combinations = [f"{a} {b}" for a in first for b in second]  # the first is the key: no mistake made
    assert not vote_spells_key(_choice([combinations[i] for i in order], combinations[0]))
    # Without "both mistakes", and a stray second token instead ('z' is outside the alphabet): 2 to 1 twice.
    stray = f"{first[0]} z{second[0]}"
    assert vote_spells_key(_choice([combinations[0], combinations[1], combinations[2], stray], combinations[0]))


def test_an_option_of_another_shape_does_not_hide_the_vote_of_the_others(tmp_path: Path) -> None:
    spread = ["3 test", "3 prod", "5 test", "TypeError: Assignment to constant variable."]
    problems = _lint(tmp_path, lambda files: _outputs(files, "sql-l3-0", spread))
    assert [problem.split(": a vote")[0] for problem in problems] == ["sql.yaml: item 'sql-l3-0', field 'options'"]


@pytest.mark.parametrize(
    ("explanation", "flagged"),
    [
        ("The right answer sql-l1-0 holds. The last option makes both mistakes.", "The last option"),
        ("The right answer sql-l1-0 holds; option B forgets the index.", "option B"),
        ("La bonne réponse sql-l1-0 tient. La dernière option cumule les deux erreurs.", "La dernière option"),
        # Prose, not a place among the options: a course of action, a hyphenated name, an ordinary "option".
        ("The right answer sql-l1-0 turns a yes/no argument into a third option.", None),
        ("The right answer sql-l1-0 holds; the scalar-first option invents a rule.", None),
        ("The right answer sql-l1-0 holds, unlike an option d'encodage.", None),
    ],
)
def test_an_explanation_that_points_at_an_option_by_its_place_is_rejected_since_options_are_shuffled(
    tmp_path: Path, explanation: str, flagged: str | None
) -> None:
    problems = _lint(tmp_path, lambda files: _sql_question(files, "sql-l1-0").update(explanation=explanation))
    if flagged is None:
        assert problems == []
    else:
        assert problems == [
            f"sql.yaml: item 'sql-l1-0', field 'explanation': refers to an option by its place ({flagged!r}), "
            "but options are shuffled: name it by its text"
        ]
