"""Log sources: follow files, commands and the journal; every line sanitized, timed, levelled.

Public API (import from the modules)::

    factory.build_source(cfg, env_name, base_dir, *, options=None, environment=None) -> LogSource
    base.LogSource.run(sink)   # async; sink.lines(list[LogRow]), sink.status(state, reason)
    base: LogRow, LogSink, SourceState, SourceStatus, StreamOptions, Backoff, NotConfigured
    lines: LineSplitter, StreamDecoder (chunks -> LogRow, for new source kinds)
    filters: LineFilter, FilterError, compile_pattern
    file.FileSource, command.CommandSource, journald.JournaldSource
"""
