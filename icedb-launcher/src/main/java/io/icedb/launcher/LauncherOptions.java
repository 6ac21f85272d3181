package io.icedb.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Command-line options of the embedded server. S3 settings come from flags or, when absent, from the usual AWS environment variables.
 */
record LauncherOptions(
        String warehouse,
        int port,
        Optional<Path> readyFile,
        boolean seedDemo,
        Map<String, String> s3Settings)
{
    LauncherOptions
    {
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(readyFile, "readyFile is null");
        s3Settings = Map.copyOf(s3Settings);
    }

    static final String DEFAULT_WAREHOUSE = "icedb-warehouse";

    static final String USAGE = """
            usage: IcedbServer [--warehouse <dir or s3://bucket[/path]>] [--port <n>] [--ready-file <path>]
                               [--s3-endpoint <url>] [--s3-region <region>] [--s3-access-key <key>] [--s3-secret-key <secret>]
                               [--s3-path-style-access <true|false>]
            Without --warehouse the warehouse is ./icedb-warehouse, with a demo schema created on first use.
            Port 0 picks a free port.
            S3 settings default to AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.""";

    static LauncherOptions parse(String[] args, Map<String, String> environment)
    {
        String warehouse = DEFAULT_WAREHOUSE;
        boolean warehouseGiven = false;
        int port = 8080;
        Optional<Path> readyFile = Optional.empty();
        Map<String, String> s3 = new HashMap<>();
        putIfPresent(s3, "s3.endpoint", environment.get("AWS_ENDPOINT_URL"));
        putIfPresent(s3, "s3.region", Optional.ofNullable(environment.get("AWS_REGION")).orElse(environment.get("AWS_DEFAULT_REGION")));
        putIfPresent(s3, "s3.aws-access-key", environment.get("AWS_ACCESS_KEY_ID"));
        putIfPresent(s3, "s3.aws-secret-key", environment.get("AWS_SECRET_ACCESS_KEY"));
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag + "\n" + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--warehouse" -> {
                    warehouse = value;
                    warehouseGiven = true;
                }
                case "--port" -> port = parsePort(value);
                case "--ready-file" -> readyFile = Optional.of(Path.of(value));
                case "--s3-endpoint" -> s3.put("s3.endpoint", value);
                case "--s3-region" -> s3.put("s3.region", value);
                case "--s3-access-key" -> s3.put("s3.aws-access-key", value);
                case "--s3-secret-key" -> s3.put("s3.aws-secret-key", value);
                case "--s3-path-style-access" -> s3.put("s3.path-style-access", value);
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        return new LauncherOptions(warehouse, port, readyFile, !warehouseGiven, s3);
    }

    private static int parsePort(String value)
    {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + value);
            }
            return port;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number: " + value);
        }
    }

    private static void putIfPresent(Map<String, String> map, String key, String value)
    {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
