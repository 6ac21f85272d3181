package io.icedb.engine.spec;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The name of a log file under {@code P/_log/} (spec §1): {@code {ts}_{host}.jsonl}, or {@code {ts}_m_{host}.jsonl} for a merged log.
 * Parsed as Python does: split on {@code _}; field 0 is the timestamp; merged iff there are more than 2 fields and field 1 is {@code m}.
 */
public record LogFileName(long timestampMillis, boolean merged, String host)
{
    public LogFileName
    {
        requireNonNull(host, "host is null");
    }

    /**
     * Parses a bare file name (no directory). Empty when the name is not a log file name Python could read.
     */
    public static Optional<LogFileName> parse(String fileName)
    {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The bare file name, e.g. {@code 1795579479252_m_host.jsonl}.
     */
    public String fileName()
    {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The object key of this log in the table under {@code tablePrefix} ({@code P/_log/name}).
     */
    public String key(String tablePrefix)
    {
        return TablePaths.logPrefix(tablePrefix) + fileName();
    }
}
