package dev.weaktr.cli;

import dev.weaktr.weights.PublishedWeights;
import dev.weaktr.weights.WeightCache;
import dev.weaktr.weights.WeightRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weaktr weights}: the published backbones, downloaded only when asked. */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Published backbone weights: 'weights list' shows the names, 'weights get NAME' downloads one into the cache "
                + "(the only command that uses the network); then --pretrained NAME finds it.",
        subcommands = {WeightsCommand.Get.class, WeightsCommand.List.class})
final class WeightsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static WeightCache cache(Path dir) {
        return dir == null ? WeightCache.standard() : new WeightCache(dir);
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Download published weights by name from their official URL, verify them, and keep them in the cache.")
    static final class Get implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "weights name(s); 'weaktr weights list' shows them")
        java.util.List<String> names;

        @Option(names = "--cache", description = "cache folder (default: $WEAKTR_HOME/weights or ~/.weaktr/weights)")
        Path cacheDir;

        @Option(names = "--mirror", description = "download <MIRROR>/<official file name> instead of the official URL (checksums still apply)")
        String mirror;

        @Override
        public Integer call() {
            WeightRegistry registry = WeightRegistry.standard();
            WeightCache cache = cache(cacheDir);
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            for (String name : names) {
                PublishedWeights w = registry.get(name);
                if (mirror != null) {
                    w = w.fromMirror(mirror);
                }
                if (cache.cached(w).isEmpty()) {
                    System.out.println("downloading " + w.name() + " from " + w.url() + " ...");
                }
                WeightCache.Result r = cache.download(w, http);
                System.out.printf(java.util.Locale.ROOT, "%s: %s (%d bytes, SHA-256 %s; %s)%s%n", w.name(), r.file(), r.bytes(),
                        r.sha256(), w.checksumKind(), r.alreadyCached() ? " - already in the cache" : "");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The weights 'weights get' knows, and whether each is cached.")
    static final class List implements Callable<Integer> {
        @Option(names = "--cache", description = "cache folder (default: $WEAKTR_HOME/weights or ~/.weaktr/weights)")
        Path cacheDir;

        @Override
        public Integer call() {
            WeightCache cache = cache(cacheDir);
            for (PublishedWeights w : WeightRegistry.standard().all()) {
                System.out.printf("%-14s %-8s %s%n%14s %s%n%14s %s%n", w.name(),
                        cache.cached(w).isPresent() ? "cached" : "-", w.description(), "", w.url(), "", w.checksumKind());
            }
            System.out.println("builtin:cpu-demo  shipped inside weaktr (5.4 MB, pretrained by weaktr on its generated corpus: docs/pretrain.md)");
            return 0;
        }
    }
}
