package dev.weaktr.pretrain;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.CorpusRenderer;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Unlabelled images to pretrain on: a user's folder, the generated corpus, or both. */
public interface ImageSource {
    int size();

    /** Image {@code index} (0 ≤ index &lt; size), the same every time it is asked for. */
    RgbImage image(int index);

    /** One line for run.json. */
    String describe();

    /** Every .jpg/.jpeg/.png under {@code dir} (recursively, sorted by path). */
    static ImageSource folder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WeaktrException("--images " + dir + " is not a folder");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
            }).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new WeaktrException("cannot list --images " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new WeaktrException("--images " + dir + " holds no .jpg or .png images");
        }
        return new ImageSource() {
            public int size() {
                return files.size();
            }

            public RgbImage image(int index) {
                return ImageFiles.readRgb(files.get(index));
            }

            public String describe() {
                return files.size() + " images under " + dir.toAbsolutePath();
            }
        };
    }

    /** {@code count} images of the generated corpus ({@link CorpusRenderer}, {@code px} square), image i from (seed, i). */
    static ImageSource corpus(int count, int px, long seed) {
        if (count < 1) {
            throw new WeaktrException("--corpus must be at least 1");
        }
        return new ImageSource() {
            public int size() {
                return count;
            }

            public RgbImage image(int index) {
                return CorpusRenderer.render(CorpusRenderer.Split.PRETRAIN, px, new SplittableRandom(corpusSeed(seed, index))).image();
            }

            public String describe() {
                return count + " generated corpus images (" + CorpusRenderer.corpusFamilies() + " object families), " + px
                        + " px, corpus seed " + seed;
            }
        };
    }

    /** The seed of corpus image {@code index} of corpus {@code seed}. */
    static long corpusSeed(long seed, int index) {
        return seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (index + 1L);
    }

    /** {@code a} then {@code b}. */
    static ImageSource concat(ImageSource a, ImageSource b) {
        return new ImageSource() {
            public int size() {
                return a.size() + b.size();
            }

            public RgbImage image(int index) {
                return index < a.size() ? a.image(index) : b.image(index - a.size());
            }

            public String describe() {
                return a.describe() + " + " + b.describe();
            }
        };
    }
}
