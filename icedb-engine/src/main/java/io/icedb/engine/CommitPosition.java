package io.icedb.engine;

import io.icedb.engine.spec.LogFileName;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Where the parts a superseding log added (a merge, a row-level rewrite) take their place in commit order
 * ({@code CommitOrder}): the writer computed them from a snapshot it read long before it committed, and every log
 * committed after that read holds newer rows, though the superseding log, stamped when it commits, sorts after it. So
 * such parts sort right after the newest log the writer had read ({@code after}), and after them comes every log the
 * writer had not read: those that sort after {@code after}, and those stamped before it that were still being created
 * while the writer read ({@code seen} lists the logs of its snapshot stamped from {@code seenFromMillis} on; a log
 * stamped in that window and not listed had not been read).
 *
 * A position whose {@code seenFromMillis} is {@link Long#MAX_VALUE} ({@link #at}: every log counts as read) is the
 * position of the parts of the log {@code after} itself: what a cleanup that folds that log into one records for them.
 *
 * @param after the name (not the key) of the newest log the writer had read
 * @param seenFromMillis logs stamped before this are taken as read
 * @param seen the names of the logs the writer had read that are stamped at {@code seenFromMillis} or later
 */
public record CommitPosition(String after, long seenFromMillis, Set<String> seen)
{
    /**
     * How long before the newest read log a log may have been stamped and still be created after the read: an insert
     * that takes longer between stamping its log and creating it (or a writer whose clock is that far behind) is taken
     * as read.
     */
    public static final long SEEN_WINDOW_MILLIS = 60_000;

    public CommitPosition
    {
        requireNonNull(after, "after is null");
        seen = Set.copyOf(seen);
    }

    /**
     * The position of the parts of the log named {@code logName}, as if that log still added them.
     */
    public static CommitPosition at(String logName)
    {
        return new CommitPosition(logName, Long.MAX_VALUE, Set.of());
    }

    /**
     * Whether this is the position of the parts of the log {@code after} itself ({@link #at}), not one after it.
     */
    public boolean isAt()
    {
        return seenFromMillis == Long.MAX_VALUE;
    }

    /**
     * Whether the writer had read the log named {@code logName}.
     */
    public boolean hasRead(String logName)
    {
        if (seen.contains(logName) || LogFileName.NAME_ORDER.compare(logName, after) == 0) {
            return true;
        }
        Optional<LogFileName> parsed = LogFileName.parse(logName);
        return parsed.isPresent() && parsed.get().timestampMillis() < seenFromMillis;
    }

    /**
     * The position of parts computed from {@code pinned}, the snapshot their writer read: after its newest log (or the
     * newest position of a part it read, if later), with the logs stamped in the window before it.
     *
     * @param unread keys of logs of {@code pinned} the writer is known not to have read (they were created after its read)
     * @throws IllegalArgumentException when {@code pinned} has no other log
     */
    public static CommitPosition of(Snapshot pinned, Set<String> unread)
    {
        requireNonNull(pinned, "pinned is null");
        requireNonNull(unread, "unread is null");
        List<String> names = pinned.logFiles().stream()
                .filter(key -> !unread.contains(key))
                .map(CommitPosition::logName)
                .toList();
        Optional<String> newest = names.stream().max(LogFileName.NAME_ORDER);
        for (CommitPosition position : pinned.commitPositions().values()) {
            if (newest.isEmpty() || LogFileName.NAME_ORDER.compare(position.after(), newest.get()) > 0) {
                newest = Optional.of(position.after());
            }
        }
        String after = newest.orElseThrow(() -> new IllegalArgumentException("Snapshot of table '%s' has no log to take a position after".formatted(pinned.tablePrefix())));
        long seenFrom = LogFileName.parse(after).map(name -> name.timestampMillis() - SEEN_WINDOW_MILLIS).orElse(Long.MIN_VALUE);
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (LogFileName.parse(name).map(parsed -> parsed.timestampMillis() >= seenFrom).orElse(false)) {
                seen.add(name);
            }
        }
        return new CommitPosition(after, seenFrom, seen);
    }

    /**
     * The file name of a log key.
     */
    public static String logName(String logKey)
    {
        return logKey.substring(logKey.lastIndexOf('/') + 1);
    }
}
