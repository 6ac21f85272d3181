package io.icedb.engine.history;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What one maintenance run did to a table, recorded after it finished ({@link MaintenanceHistory}).
 *
 * @param operation what ran: {@code merge}, {@code cleanup}, {@code remove_orphan_files}, …
 * @param holder who ran it (the maintenance lease's holder id)
 * @param logKey the log the run committed (a merged or folded log), if any
 * @param metrics counts by name ({@code parts_merged}, {@code bytes_deleted}, …), in the order the run reported them
 */
public record MaintenanceRun(String operation, long startedMillis, long finishedMillis, String holder, Optional<String> logKey, Map<String, Long> metrics)
{
    public MaintenanceRun
    {
        requireNonNull(operation, "operation is null");
        requireNonNull(holder, "holder is null");
        requireNonNull(logKey, "logKey is null");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(metrics, "metrics is null")));
        if (operation.isEmpty()) {
            throw new IllegalArgumentException("operation is empty");
        }
    }
}
