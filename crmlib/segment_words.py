"""Segments in words: kept for the old import path; the words live in :mod:`crmlib.words.segments`.

:func:`rule_words`, :func:`scheme_note`, :func:`segment_table` and :func:`cohort_note` take the
page's ``w`` (:class:`crmlib.words.Words`) and ``fmt`` (:class:`crmlib.formats.Formats`), English
without them. The single-cohort test itself is :func:`crmlib.rfm.single_cohort`.
"""

from crmlib.words.segments import cohort_note, rule_words, scheme_note, segment_table

__all__ = ["cohort_note", "rule_words", "scheme_note", "segment_table"]
