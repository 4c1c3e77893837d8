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


class LikeAny(models.Expression):
    """True when the column matches every string of one of `alternatives` with `lookup`
    (startswith, contains or icontains): `(col LIKE a) OR (col LIKE b AND col LIKE c)`."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, column, lookup, alternatives):
        if lookup not in PATTERNS:
            raise ValueError(f"LikeAny cannot use the lookup {lookup!r}")
        super().__init__()
        self.column = models.F(column)
        self.lookup = lookup
        self.alternatives = tuple(tuple(strings) for strings in alternatives if strings)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

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


class NotExists(models.Lookup):
    """`NOT EXISTS (subquery)`, written as a lookup on a column (the primary key) that the
    subquery refers to through OuterRef.

    Django's own `~Exists(...)` in a filter is an `exact` lookup whose left-hand side is the
    subquery itself; modelsearch, which walks a searched queryset's conditions to check that
    each names a filter field, cannot read that and fails. As a lookup on the page pointer this
    condition is one modelsearch already skips (it skips every `*_ptr_id` lookup), and the
    database backends run it as part of the queryset's own SQL.
    """

    lookup_name = "not_exists"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        subquery, params = compiler.compile(self.rhs)
        return f"NOT {subquery}", params
