package io.icedb.engine.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.icedb.engine.LogFileCache;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.history.MaintenanceHistory;
import io.icedb.engine.history.MaintenanceRun;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Command line tools over a root that plays the bucket: a local directory here, an {@code s3://} bucket through the
 * launcher's tool, which passes its own {@link TableStorage.Opener}.
 * <pre>
 * inspect &lt;root&gt; &lt;prefix&gt; [--at &lt;epoch-ms&gt;]   print the table's snapshot as one JSON object
 * files &lt;root&gt; &lt;prefix&gt; [--at &lt;epoch-ms&gt;] [--format list|json|duckdb]   the snapshot's live parts, for other engines
 * </pre>
 * Errors print one line to stderr and exit with status 1.
 */
public final class IcedbCli
{
    private static final int MAX_READ_CONCURRENCY = 16;
    private static final String USAGE = "usage: inspect <root> <prefix> [--at <epoch-ms>] | files <root> <prefix> [--at <epoch-ms>] [--format list|json|duckdb]";

    private IcedbCli() {}

    public static void main(String[] args)
    {
        int status = run(args, System.out, System.err);
        System.out.flush();
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs one command; returns the exit status.
     */
    public static int run(String[] args, PrintStream out, PrintStream err)
    {
        return run(args, out, err, IcedbCli::openLocal);
    }

    /**
     * Runs one command with roots opened by {@code opener}; returns the exit status.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, TableStorage.Opener opener)
    {
        try {
            if (args.length == 0) {
                throw new UsageException("missing command");
            }
            return switch (args[0]) {
                case "inspect" -> inspect(TableArguments.parse(List.of(args).subList(1, args.length), false), opener, out);
                case "files" -> files(TableArguments.parse(List.of(args).subList(1, args.length), true), opener, out);
                default -> throw new UsageException("unknown command '%s'".formatted(args[0]));
            };
        }
        catch (UsageException e) {
            err.println("icedb: " + e.getMessage() + "; " + USAGE);
            return 1;
        }
        catch (IcedbException | IllegalArgumentException e) {
            err.println("icedb: " + oneLine(e.getMessage()));
            return 1;
        }
        catch (IOException e) {
            err.println("icedb: I/O error: " + oneLine(String.valueOf(e.getMessage())));
            return 1;
        }
        catch (RuntimeException e) {
            err.println("icedb: unexpected error: " + oneLine(e.toString()));
            return 1;
        }
    }

    private static int inspect(TableArguments arguments, TableStorage.Opener opener, PrintStream out)
            throws IOException
    {
        try (TableStorage storage = opener.open(arguments.root())) {
            Snapshot snapshot = readSnapshot(storage.fileIo(), arguments);
            writeJson(snapshot, MaintenanceHistory.read(storage.fileIo(), arguments.tablePrefix()), out);
        }
        return 0;
    }

    private static int files(TableArguments arguments, TableStorage.Opener opener, PrintStream out)
            throws IOException
    {
        try (TableStorage storage = opener.open(arguments.root())) {
            Snapshot snapshot = readSnapshot(storage.fileIo(), arguments);
            List<String> paths = snapshot.aliveFiles().stream()
                    .map(marker -> storage.pathOf(marker.path()))
                    .toList();
            out.print(LiveParts.format(arguments.format(), paths, snapshot.schema()));
            out.flush();
        }
        return 0;
    }

    private static Snapshot readSnapshot(IcedbFileIo fileIo, TableArguments arguments)
            throws IOException
    {
        SnapshotTime time = arguments.at().map(SnapshotTime::asOfTimestamp).orElseGet(SnapshotTime::latest);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            SnapshotReader reader = new SnapshotReader(fileIo, new LogFileCache(), executor, MAX_READ_CONCURRENCY);
            return reader.read(arguments.tablePrefix(), time);
        }
    }

    /**
     * A local directory that plays the bucket; an {@code s3://} root needs the launcher's tool.
     */
    public static TableStorage openLocal(String rootArgument)
    {
        if (rootArgument.startsWith("s3://")) {
            throw new IllegalArgumentException("Root '%s' is an S3 bucket: use ./icedb, which reads S3 with the launcher's tool".formatted(rootArgument));
        }
        Path root;
        try {
            root = Path.of(rootArgument);
        }
        catch (InvalidPathException e) {
            throw new IllegalArgumentException("Invalid root directory '%s': %s".formatted(rootArgument, e.getMessage()));
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("Root '%s' is not a directory".formatted(root));
        }
        Path absoluteRoot = root.toAbsolutePath().normalize();
        LocalFileIo fileIo = new LocalFileIo(root);
        return new TableStorage()
        {
            @Override
            public IcedbFileIo fileIo()
            {
                return fileIo;
            }

            @Override
            public String pathOf(String key)
            {
                return absoluteRoot.resolve(key).toString();
            }
        };
    }

    /**
     * The arguments of {@code inspect} and {@code files}.
     */
    record TableArguments(String root, String tablePrefix, Optional<Long> at, LiveParts.Format format)
    {
        static TableArguments parse(List<String> args, boolean formatAllowed)
        {
            List<String> positional = new ArrayList<>();
            Optional<Long> at = Optional.empty();
            LiveParts.Format format = LiveParts.Format.LIST;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--at") || arg.equals("--format")) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(arg.equals("--at") ? "--at needs a time in epoch milliseconds" : "--format needs list, json or duckdb");
                    }
                    String value = args.get(++i);
                    if (arg.equals("--at")) {
                        at = Optional.of(parseMillis(value));
                    }
                    else {
                        format = parseFormat(value, formatAllowed);
                    }
                }
                else if (arg.startsWith("--at=")) {
                    at = Optional.of(parseMillis(arg.substring("--at=".length())));
                }
                else if (arg.startsWith("--format=")) {
                    format = parseFormat(arg.substring("--format=".length()), formatAllowed);
                }
                else if (arg.startsWith("--")) {
                    throw new UsageException("unknown option '%s'".formatted(arg));
                }
                else {
                    positional.add(arg);
                }
            }
            if (positional.size() != 2) {
                throw new UsageException("inspect and files take a root (a directory or s3://bucket) and a table prefix");
            }
            return new TableArguments(positional.get(0), trimSlashes(positional.get(1)), at, format);
        }

        private static LiveParts.Format parseFormat(String value, boolean formatAllowed)
        {
            if (!formatAllowed) {
                throw new UsageException("unknown option '--format'");
            }
            return switch (value) {
                case "list" -> LiveParts.Format.LIST;
                case "json" -> LiveParts.Format.JSON;
                case "duckdb" -> LiveParts.Format.DUCKDB;
                default -> throw new UsageException("--format needs list, json or duckdb, not '%s'".formatted(value));
            };
        }
    }

    static void writeJson(Snapshot snapshot, List<MaintenanceRun> maintenanceRuns, OutputStream out)
            throws IOException
    {
        JsonGenerator generator = new JsonFactory().createGenerator(out);
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        generator.useDefaultPrettyPrinter();
        generator.writeStartObject();
        generator.writeObjectFieldStart("schema");
        for (Map.Entry<String, String> column : snapshot.schema().columns().entrySet()) {
            generator.writeStringField(column.getKey(), column.getValue());
        }
        generator.writeEndObject();
        generator.writeArrayFieldStart("alive_files");
        for (FileMarker marker : snapshot.aliveFiles()) {
            generator.writeStartObject();
            generator.writeStringField("path", marker.path());
            generator.writeNumberField("bytes", marker.bytes());
            generator.writeNumberField("created", marker.createdMillis());
            generator.writeEndObject();
        }
        generator.writeEndArray();
        generator.writeArrayFieldStart("log_files");
        for (String logFile : snapshot.logFiles()) {
            generator.writeString(logFile);
        }
        generator.writeEndArray();
        generator.writeNumberField("dead_files", snapshot.deadFiles().size());
        generator.writeNumberField("log_tombstones", snapshot.logTombstones().size());
        // what maintenance runs did, from P/_icedb/history/ (all of them, whatever --at says)
        generator.writeArrayFieldStart("maintenance_runs");
        for (MaintenanceRun run : maintenanceRuns) {
            generator.writeStartObject();
            generator.writeStringField("operation", run.operation());
            generator.writeNumberField("started", run.startedMillis());
            generator.writeNumberField("finished", run.finishedMillis());
            generator.writeObjectFieldStart("metrics");
            for (Map.Entry<String, Long> metric : run.metrics().entrySet()) {
                generator.writeNumberField(metric.getKey(), metric.getValue());
            }
            generator.writeEndObject();
            generator.writeEndObject();
        }
        generator.writeEndArray();
        generator.writeEndObject();
        generator.writeRaw('\n');
        generator.close();
        out.flush();
    }

    private static long parseMillis(String value)
    {
        try {
            return Long.parseLong(value);
        }
        catch (NumberFormatException e) {
            throw new UsageException("--at needs a time in epoch milliseconds, not '%s'".formatted(value));
        }
    }

    private static String trimSlashes(String prefix)
    {
        int start = 0;
        int end = prefix.length();
        while (start < end && prefix.charAt(start) == '/') {
            start++;
        }
        while (end > start && prefix.charAt(end - 1) == '/') {
            end--;
        }
        return prefix.substring(start, end);
    }

    private static String oneLine(String message)
    {
        return message == null ? "" : message.replace('\n', ' ').replace('\r', ' ');
    }

    static final class UsageException
            extends RuntimeException
    {
        UsageException(String message)
        {
            super(message);
        }
    }
}
