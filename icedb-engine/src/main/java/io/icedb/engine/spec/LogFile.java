package io.icedb.engine.spec;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The content of one log file (spec §2). The metadata line's indexes follow from the content:
 * {@code sch} = 1, {@code tmb} = 2 when there are log tombstones, {@code f} = 2 + number of log tombstones.
 * Duplicate lines are kept as they are (Python writes them), so re-encoding gives the same bytes.
 *
 * @param createdMillis the metadata line's {@code t}
 */
public record LogFile(long createdMillis, Schema schema, List<LogTombstone> logTombstones, List<FileMarker> fileMarkers)
{
    public LogFile
    {
        requireNonNull(schema, "schema is null");
        logTombstones = List.copyOf(logTombstones);
        fileMarkers = List.copyOf(fileMarkers);
    }
}
