"""The query language: text → plan, testable without an index.

``language`` recognises free text and repairs malformed input, ``rewrite``
fixes up what Whoosh's parser builds, ``plan`` turns a query text into a
:class:`~newssearch.query.plan.Plan`: the query that finds and scores the
matches, and the boosts that rescore the best of them.
"""

from newssearch.query.plan import Plan, Planner, Statistics

__all__ = ["Plan", "Planner", "Statistics"]
