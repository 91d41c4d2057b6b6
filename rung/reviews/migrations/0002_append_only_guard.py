from django.db import migrations

from rung.lib.db import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    # Reviews, scores, self-assessments, ratings and the submission history are records: once written
    # they are never changed, here or in raw SQL.
    operations = [
        append_only_guard("reviews_submissionevent"),
        append_only_guard("reviews_review"),
        append_only_guard("reviews_reviewscore"),
        append_only_guard("reviews_selfassessment"),
        append_only_guard("reviews_selfassessmentscore"),
        append_only_guard("reviews_experiencerating"),
        append_only_guard("reviews_internrating"),
    ]
