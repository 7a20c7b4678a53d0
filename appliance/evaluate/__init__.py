"""Accuracy (``hinge-mirror evaluate``): the analysis run over labelled recordings and
compared with what a person (or the synthetic lifter) says they show.

Modules: ``labels`` (read and check a labels file, docs/labels.md), ``matching`` (pair
labelled reps with found reps), ``scoring`` (one recording against its report),
``metrics`` (every number over all recordings; pure functions of labels and reports),
``table`` (the printed table), ``results`` (the ``--json`` output), ``runner`` (the
analyses, on every core) and ``command`` (the CLI). Nothing is imported here, so
registering the command stays cheap.
"""
