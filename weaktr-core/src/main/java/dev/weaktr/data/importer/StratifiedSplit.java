package dev.weaktr.data.importer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A train/val split stratified by class, deterministic given the seed. Each image belongs to the stratum
 * of its rarest class (counted over the whole import; ties go to the lower class index), images without a
 * class form their own stratum. Each stratum gives floor(n · fraction) images to val; the remaining
 * round(N · fraction) − Σ floor are given to the strata with the largest remainders (ties: lower stratum).
 * Within a stratum the val images are the first of a seeded shuffle. Lists keep the input order.
 */
final class StratifiedSplit {
    private StratifiedSplit() {}

    /** The two lists of positions into the input. */
    record Result(List<Integer> train, List<Integer> val) {}

    /**
     * @param labels per image, its class indices 1..C (empty = negative)
     * @param numClasses C
     */
    static Result split(List<int[]> labels, int numClasses, double fraction, long seed) {
        int[] counts = new int[numClasses + 1];
        for (int[] l : labels) {
            for (int k : l) {
                counts[k]++;
            }
        }
        TreeMap<Integer, List<Integer>> strata = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            strata.computeIfAbsent(stratum(labels.get(i), counts), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> groups = new ArrayList<>(strata.values());
        int[] quota = quotas(groups, labels.size(), fraction);
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] isVal = new boolean[labels.size()];
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> members = new ArrayList<>(groups.get(g));
            shuffle(members, rng);
            for (int j = 0; j < quota[g]; j++) {
                isVal[members.get(j)] = true;
            }
        }
        List<Integer> train = new ArrayList<>(), val = new ArrayList<>();
        for (int i = 0; i < isVal.length; i++) {
            (isVal[i] ? val : train).add(i);
        }
        return new Result(train, val);
    }

    /** Rarest class of the image (0 for none). */
    private static int stratum(int[] classes, int[] counts) {
        int best = 0;
        for (int k : classes) {
            if (best == 0 || counts[k] < counts[best] || (counts[k] == counts[best] && k < best)) {
                best = k;
            }
        }
        return best;
    }

    /** Largest-remainder apportionment of round(total · fraction) val images over the strata. */
    private static int[] quotas(List<List<Integer>> groups, int total, double fraction) {
        int[] quota = new int[groups.size()];
        double[] rest = new double[groups.size()];
        int assigned = 0;
        for (int g = 0; g < groups.size(); g++) {
            double exact = groups.get(g).size() * fraction;
            quota[g] = (int) Math.floor(exact);
            rest[g] = exact - quota[g];
            assigned += quota[g];
        }
        int target = (int) Math.round(total * fraction);
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            order.add(g);
        }
        order.sort((a, b) -> rest[a] != rest[b] ? Double.compare(rest[b], rest[a]) : Integer.compare(a, b));
        for (int j = 0; assigned < target && j < order.size(); j++) {
            int g = order.get(j);
            if (quota[g] < groups.get(g).size()) {
                quota[g]++;
                assigned++;
            }
        }
        return quota;
    }

    private static void shuffle(List<Integer> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, rng.nextInt(i + 1));
        }
    }
}
