"""SQL conditions written at once instead of as a Q of many lookups.

Django resolves, copies and compiles every lookup of a query each time the query is built; a
condition made of dozens of LIKE tests (the hidden subtrees' path prefixes, the search's title
and summary forms) cost several milliseconds of Python per request that way. LikeAny renders the
same SQL as Django's own lookups, escaping included, from one expression.
"""

from django.db import models

# How each lookup's value becomes a LIKE pattern (as Django's PatternLookup builds it).
PATTERNS = {
    "startswith": "{}%",
    "contains": "%{}%",
    "icontains": "%{}%",
}


class ColumnCondition(models.Expression):
    """A condition on one column, written as SQL at once (the subclasses' as_sql)."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, column):
        super().__init__()
        self.column = models.F(column)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions


class LikeAny(ColumnCondition):
    """True when the column matches every string of one of `alternatives` with `lookup`
    (startswith, contains or icontains): `(col LIKE a) OR (col LIKE b AND col LIKE c)`."""

    def __init__(self, column, lookup, alternatives):
        if lookup not in PATTERNS:
            raise ValueError(f"LikeAny cannot use the lookup {lookup!r}")
        super().__init__(column)
        self.lookup = lookup
        self.alternatives = tuple(tuple(strings) for strings in alternatives if strings)

    def as_sql(self, compiler, connection):
        if not self.alternatives:
            return "(1 = 0)", []
        column, column_params = compiler.compile(self.column)
        internal_type = self.column.output_field.get_internal_type()
        test = (
            f"{connection.ops.lookup_cast(self.lookup, internal_type) % column} "
            f"{connection.operators[self.lookup]}"
        )
        pattern = PATTERNS[self.lookup]
        alternatives, params = [], []
        for strings in self.alternatives:
            alternatives.append("(" + " AND ".join([test] * len(strings)) + ")")
            for string in strings:
                params += [
                    *column_params,
                    pattern.format(connection.ops.prep_for_like_query(string)),
                ]
        return "(" + " OR ".join(alternatives) + ")", params


class PathUnder(ColumnCondition):
    """True when a treebeard path lies at or under one of `roots`: its first len(root)
    characters are that root (every level of a path is the same number of characters).

    Written as one IN list per length of root, `SUBSTR(path, 1, 16) IN (…) OR SUBSTR(path, 1,
    20) IN (…)`: each row costs a lookup per distinct length (two or three) however many roots
    there are, and PostgreSQL plans it as a few clauses. An OR of one LIKE per root (LikeAny)
    made the planner weigh an index path for each of them: 3 ms of planning for 65 hidden
    subtrees, on every search, against 0.6 ms for the rest of its statement.
    """

    def __init__(self, column, roots):
        super().__init__(column)
        by_length = {}
        for root in roots:
            by_length.setdefault(len(root), set()).add(root)
        self.by_length = tuple(
            (length, tuple(sorted(same))) for length, same in sorted(by_length.items())
        )

    def as_sql(self, compiler, connection):
        if not self.by_length:
            return "(1 = 0)", []
        column, column_params = compiler.compile(self.column)
        tests, params = [], []
        for length, roots in self.by_length:
            # `length` is an int (len() of a root): safe to write into the SQL.
            tests.append(
                f"SUBSTR({column}, 1, {int(length)}) IN ({', '.join(['%s'] * len(roots))})"
            )
            params += [*column_params, *roots]
        return "(" + " OR ".join(tests) + ")", params


class Excluding(models.Lookup):
    """`NOT (condition)`, written as a lookup on the primary key.

    Django's own `filter(~condition)` makes the condition the left-hand side of an `exact`
    lookup; modelsearch, which walks a searched queryset's conditions to check that each names
    a filter field, cannot read that and fails. As a lookup on the page pointer this condition
    is one modelsearch already skips (it skips every `*_ptr_id` lookup), and the database
    backends run it as part of the queryset's own SQL. The condition must not be null (a path
    never is).
    """

    lookup_name = "excluding"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        condition, params = compiler.compile(self.rhs)
        return f"NOT {condition}", params
