package dev.weaktr.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.weaktr.WeaktrException;
import dev.weaktr.cli.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weaktr weights get} against a local HTTP server on 127.0.0.1 serving the fixture {@code tiny.pth} (see the
 * README beside it: its SHA-256 comes from coreutils' sha256sum): success, wrong checksum, a download cut off before
 * its Content-Length, one cut off without a length (only the zip check can tell), and a 404 — each failure one line,
 * exit 2, and nothing left in the cache folder.
 */
class WeightsGetTest {
    static final String TINY_SHA256 = "1d6d3954dd5fa14daac63d403465a0b4104f1202aa7ec0d3c73fcf4238d412c9";
    static byte[] tiny;
    static HttpServer server;
    static String base;

    @TempDir
    Path cacheDir;

    @BeforeAll
    static void serve() throws IOException {
        try (InputStream in = WeightsGetTest.class.getResourceAsStream("tiny.pth")) {
            tiny = in.readAllBytes();
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok/", ex -> {
            ex.sendResponseHeaders(200, tiny.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(tiny);
            }
        });
        server.createContext("/cut/", ex -> { // promises the whole file, sends 300 bytes, drops the connection
            ex.sendResponseHeaders(200, tiny.length);
            OutputStream out = ex.getResponseBody();
            out.write(tiny, 0, 300);
            out.flush();
            ex.close();
        });
        server.createContext("/cut-chunked/", ex -> { // no length: only the content can tell
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(tiny, 0, 300);
            }
        });
        server.createContext("/missing/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static PublishedWeights tinyEntry(String path, String sha) {
        return new PublishedWeights("tiny", "tiny.pth", base + path + "tiny.pth", sha, "zip", "test fixture");
    }

    private List<Path> cacheFiles() throws IOException {
        if (!Files.isDirectory(cacheDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cacheDir)) {
            return s.toList();
        }
    }

    @Test
    void downloadsVerifiesAndKeepsTheFileUnderItsName() throws Exception {
        WeightCache cache = new WeightCache(cacheDir);
        WeightCache.Result r = cache.download(tinyEntry("/ok/", TINY_SHA256), HttpClient.newHttpClient());
        assertEquals(cacheDir.resolve("tiny.pth"), r.file());
        assertEquals(TINY_SHA256, r.sha256());
        assertEquals(738, r.bytes());
        assertFalse(r.alreadyCached());
        assertEquals(List.of(cacheDir.resolve("tiny.pth")), cacheFiles(), "no temporary file left");
        assertTrue(java.util.Arrays.equals(tiny, Files.readAllBytes(r.file())));
        assertTrue(cache.download(tinyEntry("/missing/", TINY_SHA256), HttpClient.newHttpClient()).alreadyCached(),
                "a verified cached file is not fetched again");
        // a torch.hub-style prefix is enough to match
        assertTrue(tinyEntry("/ok/", TINY_SHA256.substring(0, 8)).matches(TINY_SHA256));
        // and --pretrained NAME now finds it (never downloading)
        WeightRegistry reg = WeightRegistry.standard().with(tinyEntry("/ok/", TINY_SHA256));
        assertEquals(r.file(), PretrainedSource.resolve(Path.of("tiny"), reg, cache));
    }

    @Test
    void pretrainedNameOfAnUncachedBackboneSaysToRunWeightsGet() {
        WeaktrException e = assertThrows(WeaktrException.class,
                () -> PretrainedSource.resolve(Path.of("deit-small"), WeightRegistry.standard(), new WeightCache(cacheDir)));
        assertTrue(e.getMessage().contains("weaktr weights get deit-small"), e.getMessage());
        assertEquals(Path.of("no-such-file.pth"), PretrainedSource.resolve(Path.of("no-such-file.pth"),
                WeightRegistry.standard(), new WeightCache(cacheDir)), "other paths pass through to the loaders' errors");
        WeaktrException b = assertThrows(WeaktrException.class,
                () -> PretrainedSource.resolve(Path.of("builtin:nothing"), WeightRegistry.standard(), new WeightCache(cacheDir)));
        assertTrue(b.getMessage().contains("builtin:nothing"), b.getMessage());
    }

    private void failsWithOneLine(String expected, String... args) throws IOException {
        Object[] r = Cli.withOutput(args);
        String err = ((String) r[2]).trim();
        assertEquals(2, r[0], err);
        assertTrue(err.startsWith("weaktr: error: ") && !err.contains("\n") && err.contains(expected), err);
        assertEquals(List.of(), cacheFiles(), "nothing left behind");
    }

    @Test
    void wrongChecksumIsRefused() throws IOException {
        // deit-tiny's published prefix is a1311bcf; the fixture's digest starts 1d6d3954
        failsWithOneLine("checksum mismatch for deit-tiny", "weights", "get", "deit-tiny", "--cache", cacheDir.toString(),
                "--mirror", base + "/ok/");
        WeaktrException e = assertThrows(WeaktrException.class, () -> new WeightCache(cacheDir)
                .download(tinyEntry("/ok/", "0".repeat(64)), HttpClient.newHttpClient()));
        assertTrue(e.getMessage().contains("SHA-256 " + TINY_SHA256), e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void truncatedDownloadIsRefused() throws IOException {
        // dinov2-small has no published checksum: the length and the zip container are what is checked
        failsWithOneLine("dinov2-small", "weights", "get", "dinov2-small", "--cache", cacheDir.toString(), "--mirror", base + "/cut/");
        failsWithOneLine("not an intact zip", "weights", "get", "dinov2-small", "--cache", cacheDir.toString(),
                "--mirror", base + "/cut-chunked/");
    }

    @Test
    void notFoundIsRefused() throws IOException {
        failsWithOneLine("HTTP 404", "weights", "get", "eva02-small", "--cache", cacheDir.toString(), "--mirror", base + "/missing/");
        failsWithOneLine("unknown weights 'resnet-9000'", "weights", "get", "resnet-9000", "--cache", cacheDir.toString());
    }

    @Test
    void cliSucceedsForAnEntryWithoutChecksumAndListsIt() {
        Object[] r = Cli.withOutput("weights", "get", "eva02-tiny", "--cache", cacheDir.toString(), "--mirror", base + "/ok/");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(Files.isRegularFile(cacheDir.resolve("eva02_Ti_pt_in21k_p14.pt")));
    }
}
