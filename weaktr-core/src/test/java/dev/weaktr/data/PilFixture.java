package dev.weaktr.data;

import dev.weaktr.io.RgbImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads pil-fixture.txt (made by tools/fixtures/pil_fixture.py with Pillow): name to RGB image. */
final class PilFixture {
    private PilFixture() {}

    static Map<String, RgbImage> load() {
        Map<String, RgbImage> cases = new LinkedHashMap<>();
        try (InputStream in = PilFixture.class.getResourceAsStream("pil-fixture.txt");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] t = line.trim().split(" ");
                int w = Integer.parseInt(t[1]), h = Integer.parseInt(t[2]);
                byte[] rgb = new byte[w * h * 3];
                if (t.length != 3 + rgb.length) {
                    throw new IllegalStateException("bad fixture line " + t[0]);
                }
                for (int i = 0; i < rgb.length; i++) {
                    rgb[i] = (byte) Integer.parseInt(t[3 + i]);
                }
                cases.put(t[0], new RgbImage(w, h, rgb));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return cases;
    }

    static int[] unsigned(RgbImage img) {
        int[] out = new int[img.rgb().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = img.rgb()[i] & 0xff;
        }
        return out;
    }
}
