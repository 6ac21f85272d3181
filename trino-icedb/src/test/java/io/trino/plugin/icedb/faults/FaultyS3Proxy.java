package io.trino.plugin.icedb.faults;

import com.google.common.collect.ImmutableList;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

/**
 * An HTTP/1.1 proxy in the test JVM, in front of the test S3 server ({@code TestingIcedbS3Server}), that injects faults
 * by rule: the catalog's {@code s3.endpoint} points at it, and it forwards every request byte for byte (the {@code Host}
 * header included, so the server checks the client's signature as sent) unless a rule matches.
 * <p>
 * A rule names a method, a pattern the request target must contain (path and query, e.g. {@code /_log/}) and how
 * often it fires. The faults:
 * <ul>
 * <li>{@link Fault#INTERNAL_ERROR}, {@link Fault#SERVICE_UNAVAILABLE}, {@link Fault#SLOW_DOWN}: answered by the proxy,
 * the request never reaches the server;</li>
 * <li>{@link Fault#HANG}: no answer at all (the client's socket read timeout ends it), not forwarded;</li>
 * <li>{@link Fault#APPLIED_THEN_DROPPED}, {@link Fault#APPLIED_THEN_FAILED}, {@link Fault#APPLIED_THEN_HUNG}: the
 * request is forwarded and applied by the server, then its response is lost: the connection is closed, answered with a
 * 500 instead, or left without an answer;</li>
 * <li>{@link Fault#TRUNCATED_BODY}: forwarded, and the response's headers and half its body are sent before the
 * connection closes.</li>
 * </ul>
 */
public final class FaultyS3Proxy
        implements Closeable
{
    public enum Fault
    {
        INTERNAL_ERROR(500, "InternalError", "We encountered an internal error. Please try again."),
        SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "Please reduce your request rate."),
        SLOW_DOWN(503, "SlowDown", "Please reduce your request rate."),
        HANG(0, "", ""),
        APPLIED_THEN_DROPPED(0, "", ""),
        APPLIED_THEN_FAILED(500, "InternalError", "We encountered an internal error. Please try again."),
        APPLIED_THEN_HUNG(0, "", ""),
        TRUNCATED_BODY(0, "", "");

        private final int status;
        private final String code;
        private final String message;

        Fault(int status, String code, String message)
        {
            this.status = status;
            this.code = code;
            this.message = message;
        }

        boolean forwards()
        {
            return this == APPLIED_THEN_DROPPED || this == APPLIED_THEN_FAILED || this == APPLIED_THEN_HUNG || this == TRUNCATED_BODY;
        }
    }

    /**
     * A request the proxy saw: its method, target (path and query) and the fault injected, if any.
     */
    public record Request(String method, String target, Optional<Fault> fault)
    {
        public Request
        {
            requireNonNull(method, "method is null");
            requireNonNull(target, "target is null");
            requireNonNull(fault, "fault is null");
        }

        @Override
        public String toString()
        {
            return method + " " + target + fault.map(value -> " -> " + value).orElse("");
        }
    }

    private record Rule(String method, Pattern target, Fault fault, AtomicInteger remaining) {}

    private record Head(String firstLine, List<String> headers, byte[] raw)
    {
        Optional<String> header(String name)
        {
            for (String header : headers) {
                int colon = header.indexOf(':');
                if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return Optional.of(header.substring(colon + 1).trim());
                }
            }
            return Optional.empty();
        }

        int status()
        {
            return Integer.parseInt(firstLine.split(" ")[1]);
        }
    }

    private final String backendHost;
    private final int backendPort;
    private final ServerSocket serverSocket;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile boolean closed;
    private volatile Optional<Fault> lostWriteReadFault = Optional.empty();
    private volatile int lostWriteReadFaults;

    public FaultyS3Proxy(String backendEndpoint)
            throws IOException
    {
        URI backend = URI.create(backendEndpoint);
        this.backendHost = backend.getHost();
        this.backendPort = backend.getPort();
        this.serverSocket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        executor.execute(this::accept);
    }

    public String endpoint()
    {
        return "http://127.0.0.1:" + serverSocket.getLocalPort();
    }

    /**
     * Injects {@code fault} into the next {@code times} requests of {@code method} whose target (path and query)
     * matches {@code targetRegex} somewhere. Rules are tried in the order they were added.
     */
    public FaultyS3Proxy inject(String method, String targetRegex, Fault fault, int times)
    {
        rules.add(new Rule(method.toUpperCase(Locale.ENGLISH), Pattern.compile(targetRegex), fault, new AtomicInteger(times)));
        return this;
    }

    /**
     * After a forwarding fault fires on a request of {@code writeMethod} (the write was applied, its answer lost),
     * the next {@code times} GET and HEAD requests of the same object get {@code readFault}: the writer cannot
     * find out at once that its write was applied.
     */
    public FaultyS3Proxy failReadsOfLostWrites(Fault readFault, int times)
    {
        this.lostWriteReadFault = Optional.of(readFault);
        this.lostWriteReadFaults = times;
        return this;
    }

    /**
     * Removes every rule.
     */
    public void clearFaults()
    {
        rules.clear();
        lostWriteReadFault = Optional.empty();
    }

    /**
     * How many injections the rules still have to make.
     */
    public int pendingFaults()
    {
        return rules.stream().mapToInt(rule -> Math.max(0, rule.remaining().get())).sum();
    }

    public List<Request> requests()
    {
        return ImmutableList.copyOf(requests);
    }

    public List<Request> injected()
    {
        return requests.stream().filter(request -> request.fault().isPresent()).collect(toImmutableList());
    }

    public void clearRequests()
    {
        requests.clear();
    }

    private synchronized Optional<Fault> match(String method, String target)
    {
        for (Rule rule : rules) {
            if (rule.method().equals(method) && rule.target().matcher(target).find()) {
                if (rule.remaining().getAndUpdate(value -> value > 0 ? value - 1 : value) > 0) {
                    Optional<Fault> readFault = lostWriteReadFault;
                    if (rule.fault().forwards() && !method.equals("GET") && readFault.isPresent()) {
                        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                        String readPattern = Pattern.quote(path) + "(\\?|$)";
                        rules.addFirst(new Rule("GET", Pattern.compile("^" + readPattern), readFault.get(), new AtomicInteger(lostWriteReadFaults)));
                        rules.addFirst(new Rule("HEAD", Pattern.compile("^" + readPattern), readFault.get(), new AtomicInteger(lostWriteReadFaults)));
                        lostWriteReadFault = Optional.empty();
                    }
                    return Optional.of(rule.fault());
                }
            }
        }
        return Optional.empty();
    }

    private void accept()
    {
        while (!closed) {
            try {
                Socket client = serverSocket.accept();
                sockets.add(client);
                executor.execute(() -> serve(client));
            }
            catch (IOException e) {
                if (!closed) {
                    throw new RuntimeException(e);
                }
            }
        }
    }

    private void serve(Socket client)
    {
        Socket backend = null;
        try (client) {
            InputStream clientIn = new BufferedInputStream(client.getInputStream());
            OutputStream clientOut = client.getOutputStream();
            InputStream backendIn = null;
            OutputStream backendOut = null;
            while (true) {
                Head request = readHead(clientIn);
                if (request == null) {
                    return;
                }
                String[] requestLine = request.firstLine().split(" ");
                String method = requestLine[0].toUpperCase(Locale.ENGLISH);
                String target = requestLine[1];
                Optional<Fault> fault = match(method, target);
                requests.add(new Request(method, target, fault));
                boolean expectContinue = request.header("Expect").map(value -> value.equalsIgnoreCase("100-continue")).orElse(false);

                if (fault.isPresent() && !fault.get().forwards()) {
                    if (fault.get() == Fault.HANG) {
                        hang(clientIn);
                        return;
                    }
                    if (!expectContinue) {
                        copyBody(request, clientIn, OutputStream.nullOutputStream());
                    }
                    clientOut.write(errorResponse(fault.get()));
                    clientOut.flush();
                    return;
                }

                if (backend == null) {
                    backend = new Socket(backendHost, backendPort);
                    sockets.add(backend);
                    backendIn = new BufferedInputStream(backend.getInputStream());
                    backendOut = backend.getOutputStream();
                }
                backendOut.write(request.raw());
                backendOut.flush();
                Head response;
                if (expectContinue) {
                    Head interim = readHead(backendIn);
                    if (interim == null) {
                        return;
                    }
                    if (interim.status() == 100) {
                        clientOut.write(interim.raw());
                        clientOut.flush();
                        copyBody(request, clientIn, backendOut);
                        backendOut.flush();
                        response = readFinalHead(backendIn);
                    }
                    else {
                        // answered without the body (e.g. 412): relay, and start over on fresh connections
                        byte[] body = readBody(method, interim, backendIn);
                        respond(fault, clientIn, clientOut, interim, body);
                        return;
                    }
                }
                else {
                    copyBody(request, clientIn, backendOut);
                    backendOut.flush();
                    response = readFinalHead(backendIn);
                }
                if (response == null) {
                    return;
                }
                byte[] body = readBody(method, response, backendIn);
                if (!respond(fault, clientIn, clientOut, response, body)) {
                    return;
                }
                if (response.header("Connection").map(value -> value.equalsIgnoreCase("close")).orElse(false)
                        || request.header("Connection").map(value -> value.equalsIgnoreCase("close")).orElse(false)) {
                    return;
                }
            }
        }
        catch (IOException _) {
            // a client or the server closed the connection
        }
        finally {
            if (backend != null) {
                sockets.remove(backend);
                try {
                    backend.close();
                }
                catch (IOException _) {
                    // closing
                }
            }
            sockets.remove(client);
        }
    }

    /**
     * @return whether the connection goes on
     */
    private boolean respond(Optional<Fault> fault, InputStream clientIn, OutputStream clientOut, Head response, byte[] body)
            throws IOException
    {
        if (fault.isEmpty()) {
            clientOut.write(response.raw());
            clientOut.write(body);
            clientOut.flush();
            return true;
        }
        switch (fault.get()) {
            case APPLIED_THEN_DROPPED -> {
                return false;
            }
            case APPLIED_THEN_FAILED -> {
                clientOut.write(errorResponse(fault.get()));
                clientOut.flush();
                return false;
            }
            case APPLIED_THEN_HUNG -> {
                hang(clientIn);
                return false;
            }
            case TRUNCATED_BODY -> {
                clientOut.write(response.raw());
                clientOut.write(body, 0, body.length / 2);
                clientOut.flush();
                return false;
            }
            default -> throw new IllegalStateException("not a forwarding fault: " + fault.get());
        }
    }

    private byte[] errorResponse(Fault fault)
    {
        String requestId = "faulty-" + requestIds.incrementAndGet();
        String body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>""".formatted(fault.code, fault.message, requestId);
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String reason = fault.status == 500 ? "Internal Server Error" : "Service Unavailable";
        String head = "HTTP/1.1 %s %s\r\nContent-Type: application/xml\r\nContent-Length: %s\r\nx-amz-request-id: %s\r\nConnection: close\r\n\r\n"
                .formatted(fault.status, reason, bodyBytes.length, requestId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(US_ASCII));
        out.writeBytes(bodyBytes);
        return out.toByteArray();
    }

    /**
     * Keeps the connection open without answering until the client gives up (closes it) or the proxy closes.
     */
    private void hang(InputStream clientIn)
    {
        try {
            byte[] buffer = new byte[8192];
            while (!closed && clientIn.read(buffer) >= 0) {
                // discard
            }
        }
        catch (IOException _) {
            // the client closed it
        }
    }

    private static Head readFinalHead(InputStream in)
            throws IOException
    {
        while (true) {
            Head head = readHead(in);
            if (head == null || head.status() >= 200) {
                return head;
            }
        }
    }

    /**
     * The request or status line and headers, or null at the end of the stream.
     */
    private static Head readHead(InputStream in)
            throws IOException
    {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in, raw);
            if (line == null) {
                if (raw.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed in the middle of a head");
            }
            if (line.isEmpty()) {
                if (lines.isEmpty()) {
                    // a stray CRLF between messages
                    continue;
                }
                break;
            }
            lines.add(line);
        }
        Iterator<String> iterator = lines.iterator();
        String first = iterator.next();
        List<String> headers = new ArrayList<>();
        iterator.forEachRemaining(headers::add);
        return new Head(first, headers, raw.toByteArray());
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw)
            throws IOException
    {
        StringBuilder line = new StringBuilder();
        while (true) {
            int next = in.read();
            if (next < 0) {
                return null;
            }
            raw.write(next);
            if (next == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char) next);
        }
    }

    private static void copyBody(Head request, InputStream in, OutputStream out)
            throws IOException
    {
        if (request.header("Transfer-Encoding").map(value -> value.toLowerCase(Locale.ENGLISH).contains("chunked")).orElse(false)) {
            copyChunked(in, out);
            return;
        }
        long length = request.header("Content-Length").map(Long::parseLong).orElse(0L);
        copyExactly(in, out, length);
    }

    private static byte[] readBody(String method, Head response, InputStream in)
            throws IOException
    {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = response.status();
        if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
            return body.toByteArray();
        }
        if (response.header("Transfer-Encoding").map(value -> value.toLowerCase(Locale.ENGLISH).contains("chunked")).orElse(false)) {
            copyChunked(in, body);
        }
        else if (response.header("Content-Length").isPresent()) {
            copyExactly(in, body, Long.parseLong(response.header("Content-Length").get()));
        }
        else {
            in.transferTo(body);
        }
        return body.toByteArray();
    }

    private static void copyChunked(InputStream in, OutputStream out)
            throws IOException
    {
        while (true) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            String sizeLine = readLine(in, raw);
            if (sizeLine == null) {
                throw new IOException("connection closed in a chunked body");
            }
            out.write(raw.toByteArray());
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                // trailers up to the empty line
                while (true) {
                    ByteArrayOutputStream trailer = new ByteArrayOutputStream();
                    String line = readLine(in, trailer);
                    if (line == null) {
                        throw new IOException("connection closed in chunked trailers");
                    }
                    out.write(trailer.toByteArray());
                    if (line.isEmpty()) {
                        return;
                    }
                }
            }
            copyExactly(in, out, size + 2);
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long length)
            throws IOException
    {
        byte[] buffer = new byte[65536];
        long remaining = length;
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("connection closed with %s bytes of a body missing".formatted(remaining));
            }
            out.write(buffer, 0, read);
            remaining -= read;
        }
    }

    @Override
    public void close()
            throws IOException
    {
        closed = true;
        serverSocket.close();
        for (Socket socket : sockets) {
            try {
                socket.close();
            }
            catch (SocketException _) {
                // closing
            }
        }
        executor.shutdownNow();
    }
}
