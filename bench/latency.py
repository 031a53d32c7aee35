"""Server-side latency of the question and results pages with a 5,000-question bank.

Run `python bench/latency.py` (or `make bench`). In one process it:

1. writes a synthetic bank of 5,000 valid questions into a temporary content folder (the real
   skills, profiles and training files, plus one question file per skill, mixed kinds, difficulties 1-5);
2. times `quiz.content.bank.read_bank` on it: the first (cold) call in the process, then 3 fresh calls;
3. times reruns (Streamlit AppTest, so script execution plus AppTest's own bookkeeping) of a trivial
   one-widget page, of the question page and of the results page of a 60-question attempt. The
   trivial page's reruns are interleaved with each page's, so both see the same load on a busy machine.
   The targets and the last line use AppTest as it is. For comparison the same reruns are also timed
   with compiled page scripts kept between reruns, as a streamlit server keeps them (AppTest compiles
   app.py and the page again on every run; see `BytecodeCache`).

The attempt is driven through the UI, as a user would: the home page's settings form is filled and
submitted, and all 60 questions are answered with the answer, checkbox and confidence widgets and the
"Submit answer" button; the app itself finishes the attempt and switches to the results page.

It is a report: it prints MISSED next to a missed target but exits 0. It exits 1 only if the benchmark
itself cannot run (the synthetic bank does not validate, or the app does not reach a page).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
REAL_CONTENT = ROOT / "questions"
COPIED_FILES = ("skills.yaml", "profiles.yaml", "training.yaml")

BANK_SIZE = 5_000
ATTEMPT_LENGTH = 60
TARGET_QUESTION_RATIO = 3.0
TARGET_RESULTS_RATIO = 8.0
TARGET_BANK_LOAD_S = 1.0
PROFILE = "junior"
APPTEST_TIMEOUT_S = 120.0  # the first app run loads the whole bank; a busy machine must not time it out

Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# --------------------------------------------------------------------------- synthetic bank

WORDS = (
    "request response handler database index query transaction cache queue worker service client server "
    "payload header token session cookie schema migration column table join commit branch merge rebase "
    "deploy container image pipeline build release rollback timeout retry backoff lock deadlock thread "
    "process memory latency throughput endpoint resource status error exception log trace metric alert "
    "test fixture mock assertion refactor module package dependency version config secret credential "
    "user order invoice payment report export import batch stream event webhook callback promise future"
).split()
CODE_LANGUAGE = {
    "python": "python",
    "java": "java",
    "php": "php",
    "ruby": "ruby",
    "nodejs": "javascript",
    "sql": "sql",
    "relational-design": "sql",
    "nosql": "javascript",
    "git": "bash",
    "cloud-deployment": "yaml",
}
# Roughly the mix of the real bank: mostly single-answer and code-reading questions.
TECH_KINDS = (("single", 40), ("code", 35), ("multiple", 15), ("true_false", 10))
SOFT_KINDS = (("scenario", 70), ("single", 20), ("true_false", 10))


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def _option_texts(rng: random.Random, count: int) -> list[str]:
    texts: list[str] = []
    while len(texts) < count:
        text = _sentence(rng, rng.randint(6, 11))
        if text not in texts:
            texts.append(text)
    return texts


def _code(rng: random.Random, lines: int) -> str:
    return (
        "\n".join(f"{rng.choice(WORDS)}_{n} = {rng.choice(WORDS)}({rng.choice(WORDS)}, {n})" for n in range(lines))
        + "\nprint(result)\n"
    )


def _kind(rng: random.Random, soft: bool) -> str:
    kinds = SOFT_KINDS if soft else TECH_KINDS
    return rng.choices([kind for kind, _ in kinds], weights=[weight for _, weight in kinds])[0]


def synthetic_question(rng: random.Random, skill_id: str, number: int, soft: bool) -> dict[str, Any]:
    """One valid question, about the size of a real one (prompt ~130, explanation ~370 characters)."""
    kind = _kind(rng, soft)
    question: dict[str, Any] = {
        "id": f"{skill_id}-synthetic-{number:04d}",
        "kind": kind,
        "difficulty": number % 5 + 1,
        "prompt": _sentence(rng, rng.randint(14, 24)) + "?",
    }
    if kind == "code":
        question["language"] = CODE_LANGUAGE.get(skill_id, "python")
        question["code"] = _code(rng, rng.randint(3, 8))
    if kind == "true_false":
        question["answer"] = rng.random() < 0.5
    elif kind == "scenario":
        credits = [1.0, 0.5, 0.25, 0.0, 0.0][: rng.randint(3, 5)]
        rng.shuffle(credits)
        question["options"] = [
            {"text": text, "credit": credit}
            for text, credit in zip(_option_texts(rng, len(credits)), credits, strict=True)
        ]
    else:
        count = 5 if kind == "multiple" else 4
        right = set(rng.sample(range(count), rng.randint(2, 3) if kind == "multiple" else 1))
        question["options"] = [
            {"text": text, "correct": True} if index in right else {"text": text}
            for index, text in enumerate(_option_texts(rng, count))
        ]
    question["explanation"] = " ".join(_sentence(rng, rng.randint(10, 16)) + "." for _ in range(4))
    question["reference"] = {
        "title": f"Documentation, {_sentence(rng, 4)}",
        "url": f"https://docs.example.org/{skill_id}/{number}",
    }
    if number % 5 == 0:  # some calibrated items, as a real bank will have
        question["irt"] = {"a": round(rng.uniform(0.6, 2.5), 2), "b": round(rng.uniform(-3, 3), 2)}
    if kind == "code" and number % 2 == 0:
        question["verify"] = {"engines": [question["language"] if skill_id == "python" else "python"]}
    return question


def write_synthetic_bank(folder: Path, total: int = BANK_SIZE, seed: int = 2024) -> dict[str, int]:
    """Copy the real skills, profiles and training files; write `total` questions, one file per skill."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in COPIED_FILES:
        shutil.copyfile(REAL_CONTENT / name, folder / name)
    skills = yaml.safe_load((folder / "skills.yaml").read_text(encoding="utf-8"))["skills"]
    rng = random.Random(seed)
    per_skill, extra = divmod(total, len(skills))
    counts: dict[str, int] = {}
    for index, skill in enumerate(skills):
        count = per_skill + (1 if index < extra else 0)
        soft = skill["category"] == "soft skills"
        document = {
            "skill": skill["id"],
            "questions": [synthetic_question(rng, skill["id"], number, soft) for number in range(count)],
        }
        text = yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
        (folder / f"{skill['id']}.yaml").write_text(text, encoding="utf-8")
        counts[skill["id"]] = count
    return counts


# --------------------------------------------------------------------------- measuring

Sampler = Callable[[], object]


def p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[-1] if len(samples) > 1 else samples[0]


def timed(action: Sampler) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


class BytecodeCache:
    """Switch AppTest between its own behaviour and a streamlit server's for compiled page scripts.

    A server keeps one `ScriptCache` per process, so app.py and each page are parsed, rewritten for
    "magic" and compiled once. AppTest builds a new `ScriptCache` on every run, so every rerun it
    measures includes compiling app.py and the page again: a cost that grows with the page's source,
    not with what the page does, and that a real server does not pay. The bench reports both.
    """

    def __init__(self) -> None:
        import streamlit.testing.v1.app_test as app_test
        import streamlit.testing.v1.local_script_runner as local_script_runner
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache

        self.modules = [module for module in (app_test, local_script_runner) if hasattr(module, "ScriptCache")]
        self.original = ScriptCache
        self.shared = ScriptCache()
        self.available = len(self.modules) == 2

    def kept(self, keep: bool) -> None:
        factory: Any = (lambda: self.shared) if keep else self.original
        for module in self.modules:
            module.ScriptCache = factory


MODES = ("apptest", "server")  # AppTest as it is; AppTest keeping compiled scripts like a server


def interleaved(
    page: Sampler, trivial: Sampler, reruns: int, cache: BytecodeCache
) -> dict[str, tuple[list[float], list[float]]]:
    """Time `reruns` reruns of the page, each next to a rerun of the trivial page, in both modes.

    The order (page/trivial, and mode) alternates, so a busy machine slows both sides alike.
    """
    modes = MODES if cache.available else MODES[:1]
    samples: dict[str, tuple[list[float], list[float]]] = {mode: ([], []) for mode in modes}
    for mode in modes:  # warm-up in each mode (the first "server" run compiles the scripts once)
        cache.kept(mode == "server")
        for _ in range(2):
            page()
            trivial()
    for index in range(reruns):
        for mode in modes if index % 2 == 0 else modes[::-1]:
            cache.kept(mode == "server")
            page_samples, trivial_samples = samples[mode]
            if index % 2 == 0:
                page_samples.append(timed(page))
                trivial_samples.append(timed(trivial))
            else:
                trivial_samples.append(timed(trivial))
                page_samples.append(timed(page))
    cache.kept(False)
    return samples


class BenchError(RuntimeError):
    pass


def check_ran(at: Any, where: str) -> None:
    if at.exception:
        raise BenchError(f"{where}: the app raised {at.exception[0].value}")


def on_question_page(at: Any) -> int | None:
    """The position of the question shown, read from the confidence radio's key, or None."""
    for radio in at.radio:
        key = radio.key or ""
        if key.startswith("confidence-"):
            return int(key.removeprefix("confidence-"))
    return None


def start_attempt(at: Any, languages: list[str]) -> None:
    """Fill and submit the home page's settings form, as a user would."""
    from quiz.measure.assemble import Length
    from quiz.messages import t

    at.selectbox(key="profile").set_value(PROFILE)
    at.multiselect(key="languages").set_value(languages)
    at.radio(key="length").set_value(Length.FULL)
    start = [button for button in at.button if button.label == t("start_button")]
    if not start:
        raise BenchError("home page: no 'Start the assessment' button")
    start[0].click().run()
    check_ran(at, "starting the assessment")
    if on_question_page(at) is None:
        raise BenchError("the app did not switch to the question page after 'Start the assessment'")


def answer_current_question(at: Any, rng: random.Random) -> None:
    """Pick an answer and a confidence with the widgets, then press 'Submit answer'."""
    from quiz.messages import t
    from quiz.report.attempt_result import CONFIDENCE_LEVELS

    position = on_question_page(at)
    assert position is not None
    boxes = [box for box in at.checkbox if (box.key or "").startswith(f"opt-{position}-")]
    if boxes:
        for box in rng.sample(boxes, rng.randint(1, min(3, len(boxes)))):
            box.check()
    else:
        choice = at.radio(key=f"choice-{position}")
        choice.set_value(rng.choice(choice.options))
    at.radio(key=f"confidence-{position}").set_value(rng.choice(CONFIDENCE_LEVELS))
    submit = [button for button in at.button if button.label == t("submit_button")]
    if not submit:
        raise BenchError(f"question {position + 1}: no 'Submit answer' button")
    submit[0].click().run()
    check_ran(at, f"answering question {position + 1}")


def languages_for_full_length(bank: Any) -> list[str]:
    """The fewest chosen languages for which the full form holds ATTEMPT_LENGTH questions."""
    from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz

    languages = list(bank.language_skills)
    for count in range(1, len(languages) + 1):
        settings = AssessmentSettings(PROFILE, tuple(languages[:count]), Length.FULL)
        if len(assemble_quiz(bank, settings, rng=random.Random(0))) >= ATTEMPT_LENGTH:
            return languages[:count]
    return languages


def attempt_length(attempt_id: str) -> int:
    """How many questions the attempt the app started holds, read back from the app's database."""
    from quiz.store.database import Store

    store = Store.open()
    try:
        attempt = store.attempt(attempt_id)
        if attempt is None:
            raise BenchError("the attempt the app started is not in its database")
        return len(attempt.quiz)
    finally:
        store.engine.dispose()


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def row(name: str, samples: list[float], baseline: list[float] | None) -> str:
    ratio = median(samples) / median(baseline) if baseline else 1.0
    return f"{name:<44}{median(samples) * 1000:>10.1f}{p90(samples) * 1000:>10.1f}{ratio:>10.2f}x{len(samples):>6}"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def quiet_streamlit_logs() -> None:
    """Drop the "missing ScriptRunContext" warning AppTest's constructor logs: it says nothing about the app.

    A filter, not a level: streamlit resets its loggers' levels when it parses its config.
    """
    import logging

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )


# --------------------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reruns", type=int, default=60, help="timed reruns per page and mode (default 60)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary content and data folders")
    options = parser.parse_args()
    wall = time.perf_counter()

    workdir = Path(tempfile.mkdtemp(prefix="devready-bench-"))
    content_dir, data_dir = workdir / "questions", workdir / "data"
    # Set before any quiz module is imported and before any AppTest runs: the app reads its content
    # folder and its SQLite database from these (a temporary database: the bench writes attempts).
    os.environ["DEVREADY_CONTENT_DIR"] = str(content_dir)
    os.environ["DEVREADY_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("DEVREADY_LOCALE", None)
    sys.path.insert(0, str(ROOT))
    try:
        return run(content_dir, max(options.reruns, 2), wall)
    except BenchError as error:
        print(f"BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if options.keep:
            print(f"(kept {workdir})", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(content_dir: Path, reruns: int, wall: float) -> int:
    counts = write_synthetic_bank(content_dir)
    size = sum(len(path.read_bytes()) for path in content_dir.glob("*.yaml"))

    import quiz.content.bank

    # ---- the bank: the first call parses every file (the parse cache in DEVREADY_DATA_DIR is empty, as
    # after any content change); the 3 later calls are what a restarted server pays with unchanged files
    # (parsed YAML served from the on-disk cache, validation run again).
    cold = timed(lambda: quiz.content.bank.read_bank(content_dir))
    fresh = [timed(lambda: quiz.content.bank.read_bank(content_dir)) for _ in range(3)]
    report = quiz.content.bank.read_bank(content_dir)
    if report.problems or len(report.bank.questions) != BANK_SIZE:
        shown = "\n  ".join(str(problem) for problem in report.problems[:10])
        raise BenchError(f"the synthetic bank holds {len(report.bank.questions)} valid questions:\n  {shown}")
    bank = report.bank
    kinds: dict[str, int] = {}
    for question in bank.questions.values():
        kinds[question.kind.value] = kinds.get(question.kind.value, 0) + 1
    languages = languages_for_full_length(bank)

    # Count the app's bank loads: app_pages/context.py imports read_bank from quiz.content.bank when the first
    # page runs, so wrapping it now, before any AppTest, sees every load the app makes.
    app_loads: list[int] = []
    real_read_bank = quiz.content.bank.read_bank

    def counting_read_bank(*args: Any, **kwargs: Any) -> Any:
        loaded = real_read_bank(*args, **kwargs)
        app_loads.append(len(loaded.bank.questions))
        return loaded

    quiz.content.bank.read_bank = counting_read_bank  # type: ignore[assignment]

    from streamlit.testing.v1 import AppTest

    from quiz.messages import t

    quiet_streamlit_logs()

    cache = BytecodeCache()

    # ---- the trivial page: one widget
    trivial_script = content_dir.parent / "trivial_page.py"
    trivial_script.write_text('import streamlit as st\n\nst.button("Go")\n', encoding="utf-8")
    trivial = AppTest.from_file(str(trivial_script), default_timeout=APPTEST_TIMEOUT_S)
    for _ in range(5):  # the first AppTest run in a process scans the installed packages
        trivial.run()
    check_ran(trivial, "trivial page")

    # ---- the question page, reached through the home page's form
    at = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)
    first_app_run = timed(at.run)  # includes the app's one bank load (st.cache_resource)
    check_ran(at, "home page")
    if app_loads != [BANK_SIZE]:
        raise BenchError(f"the app did not load the synthetic bank from DEVREADY_CONTENT_DIR (loads: {app_loads})")
    start_attempt(at, languages)
    total = attempt_length(at.session_state["attempt_id"])
    position = on_question_page(at)
    question = interleaved(at.run, trivial.run, reruns, cache)
    check_ran(at, "question page reruns")
    if on_question_page(at) != position:
        raise BenchError("a rerun of the question page moved to another question")

    # ---- answer the whole attempt through the widgets; the app then switches to the results page
    rng = random.Random(7)
    answering = time.perf_counter()
    answered = 0
    while on_question_page(at) is not None:
        if answered >= total:
            raise BenchError(f"still on the question page after {answered} answers")
        answer_current_question(at, rng)
        answered += 1
    answering = time.perf_counter() - answering
    titles = [title.value for title in at.title]
    if not any(title.startswith(t("results_title", role="").strip()) for title in titles):
        raise BenchError(f"after {answered} answers the app shows {titles!r}, not the results page")
    first_results_rerun = timed(at.run)  # results and figures were computed by the run that switched here
    check_ran(at, "results page")
    results = interleaved(at.run, trivial.run, reruns, cache)
    check_ran(at, "results page reruns")
    review_items = len(at.expander)

    # ---- a second session in the same process must not load the bank again
    second = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)
    second_session_first_run = timed(second.run)
    check_ran(second, "second session")

    # ---- the report
    q_page, q_trivial = question["apptest"]
    r_page, r_trivial = results["apptest"]
    ratio_question = median(q_page) / median(q_trivial)
    ratio_results = median(r_page) / median(r_trivial)
    bank_load_s = cold

    print("DevReady latency benchmark: server-side rerun times under Streamlit AppTest, one process")
    print(
        f"synthetic bank: {len(bank.questions):,} questions in {len(counts)} question files, {size / 1e6:.1f} MB; "
        + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    )
    print(
        f"attempt: profile {PROFILE}, languages {'+'.join(languages)}, length full = {total} questions, "
        f"{answered} answered through the widgets in {answering:.1f} s; the results page shows {review_items} "
        "review items"
    )
    print()
    print(f"{'page (AppTest rerun, as specified)':<44}{'median ms':>10}{'p90 ms':>10}{'vs trivial':>11}{'runs':>6}")
    print(row("trivial one-widget page", q_trivial + r_trivial, None))
    print(row("question page (app_pages/assessment.py)", q_page, q_trivial))
    print(row("results page (app_pages/results.py)", r_page, r_trivial))
    if "server" in question:
        sq_page, sq_trivial = question["server"]
        sr_page, sr_trivial = results["server"]
        print(f"{'same, compiled scripts kept as a server does':<44}")
        print(row("trivial one-widget page", sq_trivial + sr_trivial, None))
        print(row("question page", sq_page, sq_trivial))
        print(row("results page", sr_page, sr_trivial))
    print(
        "(each ratio divides by the trivial reruns interleaved with that page's: "
        f"{median(q_trivial) * 1000:.1f} ms beside the question page, {median(r_trivial) * 1000:.1f} ms beside "
        "the results page)"
    )
    print()
    print(
        f"bank load, quiz.content.bank.read_bank on {BANK_SIZE:,} questions: cold, every file parsed (after a content "
        f"change) {cold:.3f} s; restart with unchanged files (parse cache warm), 3 calls: median "
        f"{median(fresh):.3f} s (min {min(fresh):.3f}, max {max(fresh):.3f}); bank_load_s below is the cold figure"
    )
    print(
        f"in the app, bank_report() is st.cache_resource: read_bank ran {len(app_loads)} time(s) across two "
        f"sessions; first app run, with the load, {first_app_run:.2f} s; a second session's first run "
        f"{second_session_first_run * 1000:.0f} ms; first results rerun {first_results_rerun * 1000:.0f} ms"
    )
    print()
    print("targets:")
    print(
        f"  question page rerun <= {TARGET_QUESTION_RATIO:g}x trivial: {ratio_question:.2f}x "
        f"{verdict(ratio_question <= TARGET_QUESTION_RATIO)}"
    )
    print(
        f"  results page rerun  <= {TARGET_RESULTS_RATIO:g}x trivial: {ratio_results:.2f}x "
        f"{verdict(ratio_results <= TARGET_RESULTS_RATIO)}"
    )
    print(
        f"  bank load < {TARGET_BANK_LOAD_S:g} s for {BANK_SIZE:,} questions: {bank_load_s:.3f} s "
        f"{verdict(bank_load_s < TARGET_BANK_LOAD_S)}"
    )
    print(f"  bank loaded once per process: {len(app_loads)} load(s) {verdict(len(app_loads) == 1)}")
    print(f"(benchmark wall time {time.perf_counter() - wall:.0f} s)")
    print(
        f"ratio_question_page={ratio_question:.2f} ratio_results_page={ratio_results:.2f} bank_load_s={bank_load_s:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
