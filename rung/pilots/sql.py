"""Date arithmetic in SQL that works the same on SQLite and PostgreSQL (the dashboards aggregate in
the database; no row is looped over in Python)."""

from typing import Any

from django.db.models import Expression, FloatField, Func, IntegerField


class EpochDays(Func):
    """A timestamp as (fractional) days since 1970-01-01 UTC; differences are durations in days."""

    output_field = FloatField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s) - 2440587.5)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)", **extra)


class _DayNumber(Func):
    """The UTC date of a timestamp as whole days since Monday 5 January 1970 (so n % 7 < 5 is a weekday)."""

    output_field = IntegerField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(julianday(date(%(expressions)s)) - julianday('1970-01-05') AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(CAST((%(expressions)s) AT TIME ZONE 'UTC' AS date) - DATE '1970-01-05')"
        return self.as_sql(compiler, connection, template=template, **extra)


class _WeekdaysBefore(Func):
    """Weekdays among day numbers 0 … n − 1: 5 per whole week, plus the rest of the last week up to 5."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"
        # The argument appears twice, so its parameters do too; "%%" is a literal % for the driver.
        return f"(5 * (({sql}) / 7) + {least}(({sql}) %% 7, 5))", (*params, *params)


def business_days_between(start: str | Expression, end: str | Expression) -> Expression:
    """Weekdays after `start`'s UTC date up to and including `end`'s — the same count as
    `rung.ledger.models.business_days_between`, in SQL."""
    from django.db.models import Value

    one = Value(1)
    return _WeekdaysBefore(_DayNumber(end) + one) - _WeekdaysBefore(_DayNumber(start) + one)
