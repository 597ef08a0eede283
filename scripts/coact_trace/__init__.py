"""coact-trace: an offline viewer for the Chrome Trace Event files that COACT_TRACE=FILE writes
(scripts/coact-trace is the command; docs/tools/trace-viewer.md tells how to use it)."""
