package io.icedb.engine.commit;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a tombstone cleanup does, in this order (spec §5): (1) create {@link #logToCreate()} exclusively; only once it
 * exists, (2) delete {@link #dataPartsToDelete()} from the data bucket, then (3) delete {@link #logsToDelete()} from the
 * log bucket. Every intermediate state reads the same inside the retention window, so a cleanup interrupted after (1) is
 * harmless and the next cleanup finishes it; deleting parts before logs means an interruption never leaves unreferenced
 * parts behind.
 *
 * @param windowStartMillis every snapshot at a time {@code T >= windowStartMillis} reads the same before and after
 * @param logToCreate the folded merged log, stamped just below the window start; empty when there is nothing to do
 * @param dataPartsToDelete keys of dead parts that no snapshot inside the window references
 * @param logsToDelete keys of the logs folded into {@code logToCreate}
 * @param foreignPartsKept keys of dead parts old enough to delete that lie outside the table's {@code P/_data/}: their
 * markers are kept and they are never deleted (the table does not own them)
 */
public record CleanupPlan(long windowStartMillis, Optional<PlannedLog> logToCreate, List<String> dataPartsToDelete, List<String> logsToDelete, List<String> foreignPartsKept)
{
    public CleanupPlan(long windowStartMillis, Optional<PlannedLog> logToCreate, List<String> dataPartsToDelete, List<String> logsToDelete)
    {
        this(windowStartMillis, logToCreate, dataPartsToDelete, logsToDelete, List.of());
    }

    public CleanupPlan
    {
        requireNonNull(logToCreate, "logToCreate is null");
        dataPartsToDelete = List.copyOf(dataPartsToDelete);
        logsToDelete = List.copyOf(logsToDelete);
        foreignPartsKept = List.copyOf(foreignPartsKept);
        if (logToCreate.isEmpty() && (!dataPartsToDelete.isEmpty() || !logsToDelete.isEmpty())) {
            throw new IllegalArgumentException("A cleanup deletes objects only after creating its folded log");
        }
    }

    public static CleanupPlan nothingToDo(long windowStartMillis)
    {
        return new CleanupPlan(windowStartMillis, Optional.empty(), List.of(), List.of());
    }

    public boolean isEmpty()
    {
        return logToCreate.isEmpty();
    }
}
