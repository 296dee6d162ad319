package dev.weaktr.semformer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * IRN's pixel pairs within a radius and the straight paths between them (Ahn et al. 2019; SemFormer's
 * {@code core/aff_utils.py PathIndex}; peers.md §0.5), on a feature grid of H×W pixels.
 *
 * <ul>
 *   <li>Directions: (0, x) for 1 ≤ x &lt; r, and (y, x) for 1 ≤ y &lt; r, |x| &lt; r with x² + y² &lt; r² (a half
 *       disc, so every unordered pair appears once).
 *   <li>A direction's path: the grid points (y, x) of its bounding box whose squared distance to the line
 *       through 0 and the direction is below 1, sorted by −(|y| + |x|) (stable: the farthest point first, which is
 *       the destination); paths are grouped by their length in points.
 *   <li>Sources: the pixels of the window rows 0 … H − r', columns r' … W − r' (r' = ⌈r⌉ − 1), M of them; each
 *       path point's pixel index is the source's shifted by that point.
 * </ul>
 */
public final class PathIndex {
    private final int radius;
    private final int height, width;
    private final int croppedHeight, croppedWidth;
    /** Per path-length group: the paths' points, [P_g][L_g][2] (dy, dx). */
    private final List<int[][][]> searchPaths;
    /** Per group: pixel indices [P_g · L_g · M] in (path, point, source) order. */
    private final List<long[]> groupIndices = new ArrayList<>();
    private final int[] src;
    /** [P · M]: the destination pixel of every (direction, source), directions in group order. */
    private final int[] dst;
    private final int directions;

    public PathIndex(int radius, int height, int width) {
        this.radius = radius;
        this.height = height;
        this.width = width;
        int floor = radius - 1;
        this.croppedHeight = height - floor;
        this.croppedWidth = width - 2 * floor;
        if (croppedHeight < 1 || croppedWidth < 1) {
            throw new IllegalArgumentException("a " + height + "x" + width + " grid is too small for radius " + radius
                    + " (its width must exceed " + 2 * floor + ")");
        }
        this.searchPaths = searchPaths(radius);
        int m = croppedHeight * croppedWidth;
        src = new int[m];
        for (int y = 0; y < croppedHeight; y++) {
            for (int x = 0; x < croppedWidth; x++) {
                src[y * croppedWidth + x] = y * width + floor + x;
            }
        }
        int p = 0;
        for (int[][][] g : searchPaths) {
            p += g.length;
        }
        directions = p;
        dst = new int[p * m];
        int d = 0;
        for (int[][][] g : searchPaths) {
            int len = g[0].length;
            long[] idx = new long[g.length * len * m];
            for (int i = 0; i < g.length; i++) {
                for (int l = 0; l < len; l++) {
                    int dy = g[i][l][0], dx = g[i][l][1];
                    int base = (i * len + l) * m;
                    for (int s = 0; s < m; s++) {
                        idx[base + s] = src[s] + (long) dy * width + dx;
                    }
                }
                for (int s = 0; s < m; s++) {
                    dst[d * m + s] = (int) idx[(i * len) * m + s];
                }
                d++;
            }
            groupIndices.add(idx);
        }
    }

    /** The directions of the half disc and their paths, grouped by path length (official order). */
    static List<int[][][]> searchPaths(int maxRadius) {
        List<int[]> dirs = new ArrayList<>();
        for (int x = 1; x < maxRadius; x++) {
            dirs.add(new int[] {0, x});
        }
        for (int y = 1; y < maxRadius; y++) {
            for (int x = -maxRadius + 1; x < maxRadius; x++) {
                if (x * x + y * y < maxRadius * maxRadius) {
                    dirs.add(new int[] {y, x});
                }
            }
        }
        List<List<int[][]>> byLength = new ArrayList<>();
        for (int i = 0; i < maxRadius * 4; i++) {
            byLength.add(new ArrayList<>());
        }
        for (int[] dir : dirs) {
            int lengthSq = dir[0] * dir[0] + dir[1] * dir[1];
            List<int[]> coords = new ArrayList<>();
            int minY = Math.min(0, dir[0]), maxY = Math.max(0, dir[0]);
            int minX = Math.min(0, dir[1]), maxX = Math.max(0, dir[1]);
            for (int y = minY; y <= maxY; y++) {
                for (int x = minX; x <= maxX; x++) {
                    long cross = (long) dir[0] * x - (long) dir[1] * y;
                    if (cross * cross < lengthSq) { // dist² = cross² / |dir|² < 1
                        coords.add(new int[] {y, x});
                    }
                }
            }
            coords.sort(Comparator.comparingInt(c -> -Math.abs(c[0]) - Math.abs(c[1]))); // stable, as Python's
            byLength.get(coords.size()).add(coords.toArray(new int[0][]));
        }
        List<int[][][]> out = new ArrayList<>();
        for (List<int[][]> g : byLength) {
            if (!g.isEmpty()) {
                out.add(g.toArray(new int[0][][]));
            }
        }
        return out;
    }

    public int radius() {
        return radius;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** M: the number of source pixels. */
    public int sources() {
        return src.length;
    }

    /** P: the number of directions. */
    public int directions() {
        return directions;
    }

    /** The source pixels, [M] (flat indices into the H×W grid). */
    public int[] src() {
        return src;
    }

    /** The destination of each (direction, source), [P · M]. */
    public int[] dst() {
        return dst;
    }

    /** The path-length groups, in order. */
    public int groups() {
        return searchPaths.size();
    }

    /** Group {@code g}'s number of paths and points per path. */
    public int[] groupShape(int g) {
        return new int[] {searchPaths.get(g).length, searchPaths.get(g)[0].length};
    }

    /** Group {@code g}'s pixel indices, [P_g · L_g · M]. */
    public long[] groupIndices(int g) {
        return groupIndices.get(g);
    }
}
