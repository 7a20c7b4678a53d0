"""Offline analysis (``hinge-mirror analyze``): the live pipeline run as fast as the machine
allows over a file, with a summary, the version-1 JSON report, a keypoints file and an
annotated video as outputs.

Modules: ``command`` (the CLI), ``report`` (build and validate the report), ``summary``
(the terminal text), ``annotate`` (the video), ``progress`` (the terminal progress line).
Nothing is imported here, so registering the command stays cheap.
"""
