package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.seg.SegPredictor;
import picocli.CommandLine.Option;

/** Inference flags shared by {@code segment} and {@code predict}. */
public final class SegInferenceOptions {
    static final double[] WEAKTR_SCALES = {0.5, 0.75, 1.0, 1.25, 1.5, 1.75};

    @Option(names = "--scales", split = ",",
            description = "WeakTr: ratios of the base size (short side 520 at crop 480), default 0.5,0.75,1.0,1.25,1.5,1.75; "
                    + "AFA: scale factors of the resized image, default 1.0,0.5,0.75 (test_msc_flip.py); GETAM: square sides, default 256,320,480 (test.py)")
    double[] scales;

    @Option(names = "--resize-long", defaultValue = "512", description = "AFA runs: resize each image's long side to this first "
            + "(test_msc_flip.py --resize_long); 0 keeps the size. Default: ${DEFAULT-VALUE}")
    int resizeLong;

    @Option(names = "--no-flip", description = "do not add mirrored copies")
    boolean noFlip;

    @Option(names = "--layer-weight", defaultValue = "0.8", description = "score = w * P(decoder block 1) + P(block 2), the official test-time decoder; 0 = last block only. Default: ${DEFAULT-VALUE}")
    double layerWeight;

    @Option(names = "--crf", defaultValue = "none", description = "dense-CRF preset (e.g. weaktr-seg-voc, weaktr-seg-coco; "
            + "afa = the official AFA crf_proc, getam = GETAM's test.py CRF, 20 iterations) or none. Default: ${DEFAULT-VALUE}")
    String crf;

    @Option(names = "--checkpoint", defaultValue = "last", description = "last (checkpoint.safetensors, as the official docs test) | best "
            + "(checkpoint-best.safetensors, kept by retrain's validation). Default: ${DEFAULT-VALUE}")
    String checkpoint;

    @Option(names = "--max-memory", description = "working memory for one batch of sliding windows, e.g. 512m, 2g "
            + "(as many windows run at once as fit; the masks do not depend on it). Default: 1g, or 1/8 of the machine's memory if less")
    String maxMemory;

    /** AFA's inference settings (layer weight, checkpoint and memory do not apply to an AFA run). */
    dev.weaktr.afa.AfaInference.Settings afaSettings() {
        double[] sc = scales == null ? new double[] {1.0, 0.5, 0.75} : scales;
        return new dev.weaktr.afa.AfaInference.Settings(sc, resizeLong, !noFlip, CrfConfig.presetOrNone(crf));
    }

    /** GETAM's inference settings: {@code --scales} lists square sides (default 256,320,480); flip, layer weight,
     * checkpoint and memory do not apply to a GETAM run. */
    dev.weaktr.getam.GetamInference.Settings getamSettings() {
        int[] sizes = scales == null ? dev.weaktr.getam.GetamPredictor.SIZES.clone() : sides(scales);
        return new dev.weaktr.getam.GetamInference.Settings(dev.weaktr.getam.GetamPipeline.checkSizes(sizes, "--scales"),
                CrfConfig.presetOrNone(crf));
    }

    /** {@code --scales} as whole square sides (GETAM). */
    static int[] sides(double[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i])) {
                throw new WeaktrException("--scales: a GETAM run takes square sides in pixels (e.g. 256,320,480), got " + values[i]);
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    public SegPredictor.Settings settings() {
        double[] scales = this.scales == null ? WEAKTR_SCALES : this.scales;
        for (double s : scales) {
            if (!(s > 0 && s <= 8)) {
                throw new WeaktrException("--scales: each scale must be in (0, 8], got " + s);
            }
        }
        if (layerWeight < 0) {
            throw new WeaktrException("--layer-weight must be >= 0");
        }
        long budget = maxMemory == null ? 0 : parseBytes("--max-memory", maxMemory);
        return new SegPredictor.Settings(scales, !noFlip, layerWeight, CrfConfig.presetOrNone(crf), budget, checkpoint);
    }

    /** "123", "512k", "512m", "2g" (binary units) -> bytes > 0. */
    static long parseBytes(String flag, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(?:([kmgt])i?)?b?\\s*").matcher(text);
        if (!m.matches()) {
            throw new WeaktrException(flag + ": expected a size such as 512m or 2g, got '" + text + "'");
        }
        int shift = switch (m.group(2) == null ? "" : m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (!(bytes >= 1 && bytes < Long.MAX_VALUE)) {
            throw new WeaktrException(flag + ": must be a positive size, got '" + text + "'");
        }
        return (long) bytes;
    }
}
