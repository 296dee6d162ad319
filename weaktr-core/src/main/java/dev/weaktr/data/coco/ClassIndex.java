package dev.weaktr.data.coco;

import dev.weaktr.WeaktrException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * COCO category id → weaktr class index (0 = background, 255 = ignore, so at most 254 classes).
 *
 * <ul>
 *   <li>contiguous (default): index = rank of the category id among the file's categories in
 *       ascending id order, 1..N (COCO 2014: the 80 used ids → 1..80, as most WSSS repos ship);
 *   <li>raw ids: index = category id (COCO: 1..90, as WeakTr keeps them); ids without a category
 *       get a placeholder name {@code unused_<id>} so that line number of classes.txt = id.
 * </ul>
 */
public final class ClassIndex {
    private final int[] indexById; // category id → class index, -1 where no category
    private final List<String> names;

    private ClassIndex(int[] indexById, List<String> names) {
        this.indexById = indexById;
        this.names = List.copyOf(names);
    }

    /** Builds the mapping; a duplicate or out-of-range category id is a {@link WeaktrException}. */
    public static ClassIndex of(List<CocoCategory> categories, boolean rawIds, String source) {
        if (categories.isEmpty()) {
            throw new WeaktrException(source + ": \"categories\" is empty; expected the dataset's classes");
        }
        CocoCategory[] sorted = categories.toArray(new CocoCategory[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.id(), b.id()));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].id() == sorted[i - 1].id()) {
                throw new WeaktrException(source + ": category id " + sorted[i].id() + " appears twice in \"categories\"");
            }
        }
        int maxId = sorted[sorted.length - 1].id();
        int classes = rawIds ? maxId : sorted.length;
        if (classes > 254) {
            throw new WeaktrException(source + ": " + (rawIds ? "--raw-ids needs category ids ≤ 254 (found " + maxId + ")"
                    : sorted.length + " categories; at most 254 fit an 8-bit label map with 255 = ignore"));
        }
        int[] indexById = new int[maxId + 1];
        Arrays.fill(indexById, -1);
        List<String> names = new ArrayList<>();
        names.add("background");
        if (rawIds) {
            for (int id = 1; id <= maxId; id++) {
                names.add("unused_" + id);
            }
        }
        for (int rank = 0; rank < sorted.length; rank++) {
            int index = rawIds ? sorted[rank].id() : rank + 1;
            indexById[sorted[rank].id()] = index;
            if (rawIds) {
                names.set(index, sorted[rank].name());
            } else {
                names.add(sorted[rank].name());
            }
        }
        return new ClassIndex(indexById, names);
    }

    /** The class index of a category id, or -1 if the file has no such category. */
    public int indexOf(int categoryId) {
        return categoryId > 0 && categoryId < indexById.length ? indexById[categoryId] : -1;
    }

    /** Class names by index, {@code background} first: the lines of classes.txt. */
    public List<String> names() {
        return names;
    }
}
