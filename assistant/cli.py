"""`assistant ingest | ask | eval | bench | toc | sources | calibrate | users`.

Errors a user can cause end as one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from assistant.cli_users import add_users_parser
from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import AssistantError, IndexMissing
from assistant.evaluation.bank import Split
from assistant.evaluation.fitted import Fitted
from assistant.types import ANSWER_STYLES


def _scope(args: argparse.Namespace) -> Any:
    from assistant.search.scope import Scope

    only = {
        "handreiking": "handbook",
        "handbook": "handbook",
        "cases": "case",
        "case": "case",
        "praktijk": "case",
        "law": "law",
        "wet": "law",
    }.get(args.only or "", args.only)
    scope = Scope(letter=args.letter, phase=args.phase, doc_type=only)
    return None if scope.is_empty else scope


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from assistant.index.embeddings import get_embedder
    from assistant.index.ingest import build_index
    from assistant.index.lock import LockOwner
    from assistant.index.store import IndexStore
    from assistant.search.tables import prepare_search_tables

    bars: dict[str, tqdm] = {}

    def progress(done: int, total: int, label: str) -> None:
        bar = bars.get(label)
        if bar is None:
            bar = bars[label] = tqdm(total=total, desc=f"embedding {label}", unit="tekst", file=sys.stderr)
        bar.n = done
        bar.refresh()

    def waiting(owner: LockOwner) -> None:
        who = f"process {owner.pid}, started {owner.since}" if owner.pid else "another process"
        print(
            f"Another ingest is running on {settings.index_dir} ({who}); waiting for it to finish…",
            file=sys.stderr,
            flush=True,
        )

    where = f"{settings.chroma_url} (Chroma server)" if settings.chroma_url else settings.index_dir
    report = build_index(settings, progress=progress, force=args.force, wait=not args.no_wait, on_wait=waiting)
    for bar in bars.values():
        bar.close()
    # The BM25 tables and word vectors, so the app's processes load them instead of making them
    # at a first question.
    reader = IndexStore.for_settings(settings).open_reader()
    prepare_search_tables(reader, get_embedder(reader.manifest.embedder_spec))
    for item in report.skipped:
        print(f"skipped: {item.reason}", file=sys.stderr)
    if report.unchanged:
        print(f"Index up to date ({report.chunks} chunks, {where}).")
    else:
        print(
            f"Indexed {report.chunks} chunks from {len(report.manifest.documents) if report.manifest else 0} "
            f"documents in {report.seconds:.1f} s: {report.embedded} embedded, {report.reused} reused "
            f"-> {where}"
        )
    return 0


def _print_answer(answer: Any) -> None:
    print(answer.answer)
    for notice in answer.notices:
        print(f"\n({notice})")
    if answer.sources:
        print("\nBronnen:")
        for source in answer.sources:
            chunk = source.chunk
            phase = f", fase {chunk.phase}" if chunk.phase else ""
            page = f", p. {chunk.page}" if chunk.page else ""
            print(f"[{source.n}] {chunk.title} — {chunk.section_label}{phase}{page}")
            print(f"    “{source.quote}”")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answers.chat import ChatSession
    from assistant.answers.pipeline import Assistant
    from assistant.text.markup import scrub

    assistant = Assistant(settings)
    scope = _scope(args)
    if args.question == "-":
        return _ask_stream(assistant, scope, args)
    if args.question is None:
        raise AssistantError('Geef een vraag mee: assistant ask "vraag" (of - voor stdin).')
    session = ChatSession(assistant)
    answer = session.ask(scrub(args.question), scope=scope, style=args.style)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print_answer(answer)
    return 0


def _ask_stream(assistant: Any, scope: Any, args: argparse.Namespace) -> int:
    """One question per stdin line (plain text or a JSON object with history); one JSON object
    per output line. A bad line gets an error object (Dutch); the stream goes on."""
    from assistant.answers.chat import ChatSession
    from assistant.answers.requests import parse_line

    limit = assistant.settings.max_question_chars
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        shown = raw.decode("utf-8", "replace").strip()[:200]
        try:
            request = parse_line(raw, limit)
            session = ChatSession.from_history(assistant, request.history)
            answer = session.ask(request.question, scope=scope, style=args.style)
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        except AssistantError as error:
            print(json.dumps({"question": shown, "error": str(error)}, ensure_ascii=False), flush=True)
    return 0


def cmd_toc(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.corpus.toc import corpus_toc

    for line in corpus_toc(settings):
        print(line)
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.index.store import IndexStore
    from assistant.index.sweep import folder_size

    store = IndexStore.for_settings(settings)
    manifest = store.manifest()
    if manifest is None:
        raise IndexMissing(store.location)
    print(f"Index version {manifest.version} ({manifest.embedder}), built {manifest.built_at}")
    folder = store.server.data_path if store.server else settings.index_dir
    if store.server:
        print(f"Index on the Chroma server {store.server.url}")
    if folder is not None and folder.is_dir():
        print(f"Index size on disk: {folder_size(folder) / 1e6:.1f} MB ({folder})")
    for doc in manifest.documents:
        print(f"{doc.chunks:4d} chunks  {doc.modified}  {doc.sha256[:12]}  {doc.type:9s} {doc.doc}")
    for item in manifest.skipped:
        print(f"   skipped  {item.reason}")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.evaluation.evaluate import evaluate, evaluate_bank, print_report

    if args.split:
        split = Split(args.split)
        report = evaluate_bank(settings, split, style=args.style, variants=not args.no_variants)
        name = f"bank-{split.value}"
    else:
        report = evaluate(
            settings, Path(args.file), rewrite=not args.no_rewrite, style=args.style, variants=not args.no_variants
        )
        name = Path(args.file).stem
    print_report(report)
    out = Path(args.out) if args.out else settings.var_dir / f"eval-{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    print(f"\nwritten: {out}")
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.scale is not None:
        from assistant.evaluation.bench import DEFAULT_QUESTIONS
        from assistant.evaluation.scale_bench import print_table, run_scale_bench
        from assistant.index.store import IndexStore

        if args.scale < 1:
            raise AssistantError("--scale moet een positief aantal fragmenten zijn.")
        if settings.chroma_url:
            # The scaled copy is written to a temporary embedded index; a server is not measured.
            raise AssistantError("--scale meet de ingebedde index: start het zonder ASSISTANT_CHROMA_URL.")
        if IndexStore(settings.index_dir).manifest() is None:
            raise IndexMissing(str(settings.index_dir))
        result = run_scale_bench(settings, args.scale, DEFAULT_QUESTIONS, rounds=1, skip_ingest=args.skip_ingest)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print_table(result)
        return 0
    from assistant.evaluation.bench import run_bench

    run_bench(settings, rounds=args.rounds, skip_ingest=args.skip_ingest)
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.admin.feedback import open_feedback, summary_lines

    for line in summary_lines(open_feedback(settings)):
        print(line)
    return 0


def cmd_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.evaluation.calibrate import calibrate

    figures = calibrate(settings, Fitted(args.only))
    print(json.dumps(figures, indent=1))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Fusiewijzer: cited answers from the handbook on ambtelijke fusie."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build or update index/ from corpus/")
    p.add_argument("--force", action="store_true", help="write a new version even if nothing changed")
    p.add_argument("--no-wait", action="store_true", help="fail at once if another ingest is running")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help='answer a question ("-": JSON Lines from stdin)')
    p.add_argument("question", nargs="?")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--style", choices=ANSWER_STYLES, default="uitgebreid")
    p.add_argument("--letter", choices=list("GROEI"), help="only this GROEI chapter")
    p.add_argument("--phase", type=int, choices=[1, 2, 3], help="only this phase")
    p.add_argument("--only", help="only this document type: handreiking | praktijk | wet")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="score retrieval and answers on a question file or the question bank")
    p.add_argument("file", nargs="?", default=str(PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"))
    p.add_argument(
        "--split",
        choices=[part.value for part in Split],
        help="score the question bank (eval/bank) instead of FILE: one part, or all three side by side",
    )
    p.add_argument("--no-variants", action="store_true", help="skip the lower-case / no '?' / typo runs")
    p.add_argument("--out", help="JSON report path (default var/eval-<name>.json)")
    p.add_argument("--no-rewrite", action="store_true", help="do not rewrite follow-up questions")
    p.add_argument("--style", choices=ANSWER_STYLES, default="uitgebreid")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="measure ingest, cold start, query latency and memory")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--skip-ingest", action="store_true")
    p.add_argument("--scale", type=int, help="also measure a synthetic corpus of N chunks built from the real one")
    p.add_argument("--json", action="store_true", help="with --scale: print {base, scaled} as one JSON object")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("toc", help="print the section tree of the corpus")
    p.set_defaults(func=cmd_toc)

    p = sub.add_parser("sources", help="list the indexed documents")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("feedback", help="summarise the likes and dislikes given in the chat")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser(
        "calibrate", help="fit the ranker, the answerability decision and the query adapter on the question bank"
    )
    p.add_argument(
        "--only",
        choices=[fitted.value for fitted in Fitted],
        default=Fitted.ALL.value,
        help="fit one of them and leave the others as they are",
    )
    p.set_defaults(func=cmd_calibrate)

    add_users_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args, Settings()))
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at interpreter exit
        return code
    except AssistantError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`assistant ask ... | head`): stop quietly, as cat
        # does. Python would print a traceback when flushing stdout at exit, so point it at
        # /dev/null first (the recipe of Python's signal module documentation).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
