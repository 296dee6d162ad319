package dev.weaktr.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives Debian's headless Chromium over the DevTools protocol (a WebSocket on 127.0.0.1, JDK client only):
 * loads a page, collects console errors, uncaught exceptions, browser log errors (failed loads) and every
 * request that is not {@code file:} or {@code data:}, and takes a full-page screenshot.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What loading the page produced. */
    record PageLoad(byte[] screenshotPng, List<String> errors, List<String> requests) {}

    private final Process process;
    private final Path profile;

    /** The chromium executable on PATH, if any. */
    static Optional<Path> find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    HeadlessChromium(Path executable) throws IOException {
        profile = Files.createTempDirectory("weaktr-chromium");
        process = new ProcessBuilder(executable.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                "--user-data-dir=" + profile, "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The browser's DevTools WebSocket address, read from its stderr. */
    private String browserEndpoint() throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
            int at = line.indexOf("DevTools listening on ");
            if (at >= 0) {
                String ws = line.substring(at + "DevTools listening on ".length()).trim();
                Thread drain = new Thread(() -> {
                    try {
                        while (err.readLine() != null) {
                            // keep the pipe from filling
                        }
                    } catch (IOException ignored) {
                        // browser closed
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return ws;
            }
        }
        throw new IOException("chromium did not open its DevTools port");
    }

    PageLoad load(Path page, int width) throws Exception {
        String browserWs = browserEndpoint();
        String port = URI.create(browserWs).getPort() + "";
        HttpClient http = HttpClient.newHttpClient();
        // a fresh tab, then its own WebSocket
        JsonNode tab = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body());
        Session s = new Session();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                .buildAsync(URI.create(tab.path("webSocketDebuggerUrl").asText()), s).get(30, TimeUnit.SECONDS);
        s.ws = ws;
        s.call("Runtime.enable", Map.of());
        s.call("Log.enable", Map.of());
        s.call("Network.enable", Map.of());
        s.call("Page.enable", Map.of());
        s.call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", 900, "deviceScaleFactor", 1, "mobile", false));
        CompletableFuture<JsonNode> loaded = s.event("Page.loadEventFired");
        s.call("Page.navigate", Map.of("url", page.toAbsolutePath().toUri().toString()));
        loaded.get(60, TimeUnit.SECONDS);
        Thread.sleep(300); // let late console messages arrive
        JsonNode size = s.call("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        double height = Math.min(12000, Math.max(1, size.path("height").asDouble()));
        JsonNode shot = s.call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        return new PageLoad(Base64.getDecoder().decode(shot.path("data").asText()), new ArrayList<>(s.errors),
                new ArrayList<>(s.requests));
    }

    /** One DevTools connection: numbered calls and the events the check needs. */
    private static final class Session implements WebSocket.Listener {
        WebSocket ws;
        final AtomicInteger ids = new AtomicInteger();
        final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        final Map<String, CompletableFuture<JsonNode>> awaited = new ConcurrentHashMap<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
            msg.set("params", JSON.valueToTree(params));
            ws.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
            JsonNode reply = f.get(60, TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IOException(method + ": " + reply.get("error"));
            }
            return reply.path("result");
        }

        CompletableFuture<JsonNode> event(String method) {
            return awaited.computeIfAbsent(method, m -> new CompletableFuture<>());
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    handle(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    errors.add("unreadable DevTools message: " + e.getMessage());
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(JsonNode m) {
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
                return;
            }
            String method = m.path("method").asText();
            JsonNode p = m.path("params");
            switch (method) {
                case "Runtime.consoleAPICalled" -> {
                    if (p.path("type").asText().equals("error") || p.path("type").asText().equals("assert")) {
                        errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
                    }
                }
                case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
                case "Log.entryAdded" -> {
                    if (p.path("entry").path("level").asText().equals("error")) {
                        errors.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
                    }
                }
                case "Network.requestWillBeSent" -> {
                    String url = p.path("request").path("url").asText();
                    if (!url.startsWith("file:") && !url.startsWith("data:") && !url.equals("about:blank")) {
                        requests.add(url);
                    }
                }
                case "Network.loadingFailed" -> errors.add("failed load: " + p.path("errorText").asText());
                default -> { }
            }
            CompletableFuture<JsonNode> f = awaited.get(method);
            if (f != null) {
                f.complete(p);
            }
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(profile)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
