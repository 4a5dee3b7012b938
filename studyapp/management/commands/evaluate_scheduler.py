import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp import evaluation


class Command(BaseCommand):
    help = (
        "Replay a review log through our scheduler: fit FSRS parameters on the first part (by time) and "
        "print log loss, RMSE(bins) and AUC of the recall predicted on the rest, beside the default "
        "parameters and SM-2."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "revlog", type=Path, help="CSV: card_id,review_time,review_rating,review_state,..."
        )
        parser.add_argument("--train-fraction", type=float, default=0.8)
        parser.add_argument(
            "--predictions",
            type=Path,
            help="Write card_id,review_time,predicted_recall for every scored review.",
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, revlog: Path, train_fraction: float, predictions: Path | None, **options):
        if not 0 < train_fraction < 1:
            raise CommandError("--train-fraction must be between 0 and 1 (exclusive).")
        try:
            with revlog.open(newline="", encoding="utf-8") as lines:
                reviews = evaluation.read_revlog(lines)
        except OSError as error:
            raise CommandError(f"Cannot read {revlog}: {error}") from error
        except (evaluation.RevlogError, UnicodeDecodeError) as error:
            raise CommandError(f"{revlog}: {error}") from error
        if not reviews:
            raise CommandError(f"{revlog} has no reviews.")

        result = evaluation.evaluate(reviews, train_fraction=train_fraction)

        if predictions:
            try:
                self._write_predictions(predictions, result.predictions)
            except OSError as error:
                raise CommandError(f"Cannot write {predictions}: {error}") from error

        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2))
            return
        self._print_report(result)

    def _write_predictions(self, path: Path, predictions: list[evaluation.Prediction]) -> None:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["card_id", "review_time", "predicted_recall"])
            for prediction in predictions:
                millis = evaluation.epoch_millis(prediction.reviewed_at)
                writer.writerow([prediction.card_id, millis, f"{prediction.predicted:.6f}"])

    def _print_report(self, result: evaluation.Evaluation) -> None:
        write = self.stdout.write
        split = result.split_at.strftime("%Y-%m-%d %H:%M UTC") if result.split_at else "the end"
        write(
            f"{result.review_count:,} reviews of {result.card_count:,} cards; "
            f"trained on the {result.train_review_count:,} before {split}."
        )
        if result.fit.fitted:
            write(
                f"Fitted FSRS-6 on {result.fit.review_count:,} reviews "
                f"({result.fit.long_term_review_count:,} a day or more apart)."
            )
        else:
            write(
                f"Too little history to fit ({result.fit.long_term_review_count:,} reviews a day or more "
                "apart): the default parameters are kept, as the app does."
            )
        if result.fitted is None:
            write(
                "No review in the later part comes a day or more after its card's previous one: nothing to score."
            )
            return
        write(f"Scored {result.fitted.count:,} later reviews.\n")
        write(f"{'model':<18}{'log loss':>10}{'RMSE(bins)':>12}{'AUC':>8}")
        for name, scores in (
            ("FSRS-6 fitted", result.fitted),
            ("FSRS-6 defaults", result.defaults),
            ("SM-2", result.sm2),
        ):
            auc = f"{scores.auc:.4f}" if scores.auc is not None else "n/a"
            write(f"{name:<18}{scores.log_loss:>10.4f}{scores.rmse_bins:>12.4f}{auc:>8}")
        write("\nParameters: " + ", ".join(f"{value:.4f}" for value in result.fit.parameters))
