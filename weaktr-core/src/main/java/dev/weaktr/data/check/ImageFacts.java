package dev.weaktr.data.check;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.JpegHeader;
import dev.weaktr.io.Orientation;
import dev.weaktr.io.PngHeader;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one image file once — header parse and a full decode — and says what is odd about it.
 *
 * @param findings what {@code dataset check} reports for it (empty = an ordinary 8-bit RGB image)
 * @param width displayed width (EXIF orientation applied), 0 when it could not be decoded
 * @param height displayed height, 0 when it could not be decoded
 */
record ImageFacts(List<Finding> findings, int width, int height) {
    static ImageFacts inspect(String id, Path file) {
        List<Finding> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            out.add(new Finding(Problem.MISSING_IMAGE, id, file.toString()));
            return new ImageFacts(out, 0, 0);
        }
        byte[] bytes;
        try {
            bytes = ImageFiles.readBytes(file);
        } catch (WeaktrException e) {
            out.add(new Finding(Problem.UNREADABLE_IMAGE, id, e.getMessage()));
            return new ImageFacts(out, 0, 0);
        }
        int orientation = 1;
        boolean refused = false;
        if (JpegHeader.isJpeg(bytes)) {
            JpegHeader h = JpegHeader.parse(bytes);
            orientation = h.orientation();
            refused = jpegFindings(id, file, h, out);
        } else if (PngHeader.isPng(bytes)) {
            refused = pngFindings(id, file, PngHeader.parse(bytes), out);
        }
        if (refused) {
            return new ImageFacts(out, 0, 0);
        }
        BufferedImage img;
        try {
            img = ImageFiles.decode(file, bytes);
        } catch (WeaktrException e) {
            out.add(new Finding(Problem.UNREADABLE_IMAGE, id, e.getMessage()));
            return new ImageFacts(out, 0, 0);
        }
        if (!JpegHeader.isJpeg(bytes) && !PngHeader.isPng(bytes)) {
            colourModelFindings(id, img.getColorModel(), out);
        }
        if (orientation != 1) {
            out.add(new Finding(Problem.EXIF_ROTATED, id, "EXIF orientation " + orientation));
        }
        boolean swap = Orientation.swapsAxes(orientation);
        return new ImageFacts(out, swap ? img.getHeight() : img.getWidth(), swap ? img.getWidth() : img.getHeight());
    }

    /** @return true when the file is refused before decoding */
    private static boolean jpegFindings(String id, Path file, JpegHeader h, List<Finding> out) {
        if (h.truncated()) {
            out.add(new Finding(Problem.TRUNCATED_IMAGE, id, file + ": no JPEG end-of-image marker"));
            return true;
        }
        if (h.components() == 4) {
            out.add(new Finding(Problem.CMYK_IMAGE, id, file + ": 4-component JPEG"
                    + (h.adobeTransform() == 2 ? " (YCCK)" : " (CMYK)")));
            return true;
        }
        if (h.components() == 1) {
            out.add(new Finding(Problem.GREY_IMAGE, id, "grey JPEG"));
        }
        return false;
    }

    private static boolean pngFindings(String id, Path file, PngHeader h, List<Finding> out) {
        if (h.truncated()) {
            out.add(new Finding(Problem.TRUNCATED_IMAGE, id, file + ": no PNG IEND chunk"));
            return true;
        }
        if (h.bitDepth() == 16) {
            out.add(new Finding(Problem.SIXTEEN_BIT_IMAGE, id, "16-bit PNG"));
        }
        if (h.grey()) {
            out.add(new Finding(Problem.GREY_IMAGE, id, "grey PNG"));
        }
        if (h.transparency()) {
            out.add(new Finding(Problem.ALPHA_IMAGE, id, "PNG with transparency"));
        }
        return false;
    }

    /** BMP/GIF: what the decoded colour model says. */
    private static void colourModelFindings(String id, ColorModel cm, List<Finding> out) {
        if (cm.hasAlpha()) {
            out.add(new Finding(Problem.ALPHA_IMAGE, id, "image with transparency"));
        }
        if (cm.getNumColorComponents() == 1 && !(cm instanceof java.awt.image.IndexColorModel)) {
            out.add(new Finding(Problem.GREY_IMAGE, id, "grey image"));
        }
    }
}
