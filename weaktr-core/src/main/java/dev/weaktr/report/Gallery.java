package dev.weaktr.report;

import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamStore;
import dev.weaktr.cam.Seeds;
import dev.weaktr.data.PilResize;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.ConfusionMatrix;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.Overlays;
import dev.weaktr.io.RgbImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The picture grid: per image, the image, its ground truth and per column (a row of the report) the CAM
 * heat map (CAMS: JET of the max over the image's classes) or the mask (PRED, SEEDS), each with that image's mIoU. Pictures are
 * embedded PNG data URIs, at most {@link #THUMB} px on their longer side.
 */
final class Gallery {
    static final int THUMB = 160;

    /** One column: a row's headline output. */
    record Column(Inputs.Output output, double threshold) {}

    /** One picture with its caption. */
    record Cell(String src, String caption) {}

    /** One gallery row. */
    record Picture(String id, List<Cell> cells) {}

    private final VocDataset data;
    private final List<Column> columns;
    private final List<CamStore> stores = new ArrayList<>();

    Gallery(VocDataset data, List<Column> columns) {
        this.data = data;
        this.columns = columns;
        for (Column c : columns) {
            stores.add(c.output().kind() == Inputs.Kind.CAMS ? CamStore.open(c.output().dir()) : null);
        }
    }

    /** The first {@code n} images of the split, or the {@code n} with the lowest mean mIoU over the columns. */
    List<Picture> pictures(int n, boolean worst) {
        List<String> ids = new ArrayList<>(data.ids());
        if (worst && !columns.isEmpty()) {
            List<double[]> scored = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                LabelPng.LabelMap gt = data.readMask(ids.get(i));
                double s = 0;
                int k = 0;
                for (int c = 0; c < columns.size(); c++) {
                    double v = score(gt, labels(c, ids.get(i), gt));
                    if (!Double.isNaN(v)) {
                        s += v;
                        k++;
                    }
                }
                scored.add(new double[] {k == 0 ? Double.MAX_VALUE : s / k, i});
            }
            scored.sort(Comparator.comparingDouble((double[] a) -> a[0]).thenComparingDouble(a -> a[1]));
            List<String> sorted = new ArrayList<>();
            for (double[] a : scored) {
                sorted.add(ids.get((int) a[1]));
            }
            ids = sorted;
        }
        List<Picture> out = new ArrayList<>();
        for (String id : ids.subList(0, Math.min(n, ids.size()))) {
            RgbImage image = data.readImage(id);
            LabelPng.LabelMap gt = data.readMask(id);
            List<Cell> cells = new ArrayList<>();
            cells.add(new Cell(png(image), id));
            cells.add(new Cell(png(colours(gt)), "ground truth"));
            for (int c = 0; c < columns.size(); c++) {
                LabelPng.LabelMap pred = labels(c, id, gt);
                RgbImage picture = columns.get(c).output().kind() == Inputs.Kind.CAMS
                        ? Overlays.heatmap(image, CamPipeline.maxOverClasses(stores.get(c).read(id, gt.height(), gt.width())), 1f)
                        : colours(pred);
                double v = score(gt, pred);
                cells.add(new Cell(png(picture), Double.isNaN(v) ? "mIoU n/a" : String.format(java.util.Locale.ROOT, "mIoU %.1f", 100 * v)));
            }
            out.add(new Picture(id, cells));
        }
        return out;
    }

    /**
     * A label map in VOC's palette (ignore in VOC's cream). Masks and heat maps are drawn on their own, not
     * over the image: flat colours compress to a fraction of a photo's PNG, and the image is in the first column.
     */
    private static RgbImage colours(LabelPng.LabelMap map) {
        byte[] rgb = new byte[3 * map.labels().length];
        for (int i = 0; i < map.labels().length; i++) {
            int l = map.labels()[i] & 0xff;
            int c = l == LabelPng.IGNORE ? 0xe0e0c0 : LabelPng.vocColor(l);
            rgb[3 * i] = (byte) (c >> 16);
            rgb[3 * i + 1] = (byte) (c >> 8);
            rgb[3 * i + 2] = (byte) c;
        }
        return new RgbImage(map.width(), map.height(), rgb);
    }

    /** The column's label map for one image: thresholded CAMs at the column's best threshold, or the PNG. */
    private LabelPng.LabelMap labels(int c, String id, LabelPng.LabelMap gt) {
        Column col = columns.get(c);
        if (col.output().kind() == Inputs.Kind.CAMS) {
            CamInference.Cams cams = stores.get(c).read(id, gt.height(), gt.width());
            return Seeds.threshold(cams, col.threshold());
        }
        return LabelPng.read(col.output().dir().resolve(id + ".png"));
    }

    /** mIoU of one image, as the evaluators compute it over a split. */
    private double score(LabelPng.LabelMap gt, LabelPng.LabelMap pred) {
        if (pred.width() != gt.width() || pred.height() != gt.height()) {
            return Double.NaN;
        }
        ConfusionMatrix m = new ConfusionMatrix(data.classes().size());
        m.add(gt.labels(), pred.labels());
        return m.meanIou();
    }

    private static String png(RgbImage image) {
        double scale = Math.min(1.0, THUMB / (double) Math.max(image.width(), image.height()));
        RgbImage small = scale < 1 ? PilResize.bilinear(image, Math.max(1, (int) Math.round(image.width() * scale)),
                Math.max(1, (int) Math.round(image.height() * scale))) : image;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (javax.imageio.stream.ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0f); // strongest deflate: lossless either way, the page is smaller
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(ImageFiles.toBufferedImage(small), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
