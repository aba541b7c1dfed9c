package io.netconverge.core.diff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The difference of two ordered lists (the rules of a chain before and after), in memory linear in
 * their length: 100,000 rules against 100,000 take a few megabytes, where a table of longest common
 * subsequences would take 40 GB.
 *
 * <p>Equal elements are paired in order (the k-th occurrence before with the k-th after). The
 * longest run of pairs that keep their relative order stays where it is (for lists without
 * duplicates, that run is exactly their longest common subsequence); every other pair moved. What
 * is left between two elements that stay, before and after, was changed in place, pairwise in
 * order, and the rest was removed or added.
 */
public final class ListDiff {

  private ListDiff() {}

  /** One difference; positions are 0-based indexes into the before and after lists. */
  public sealed interface Edit permits Moved, Changed, Added, Removed {}

  /** The element at {@code from} before is the element at {@code to} after, out of order. */
  public record Moved(int from, int to) implements Edit {}

  /** In the same place (between the same elements that stay), {@code from} became {@code to}. */
  public record Changed(int from, int to) implements Edit {}

  public record Added(int to) implements Edit {}

  public record Removed(int from) implements Edit {}

  /**
   * The edits that turn {@code before} into {@code after}: moves in the order of {@code after},
   * then, place by place in order, changes, removals and additions. None when the lists are equal.
   */
  public static <T> List<Edit> of(List<? extends T> before, List<? extends T> after) {
    int n = before.size();
    int m = after.size();
    Map<T, ArrayDeque<Integer>> positions = new HashMap<>();
    for (int i = 0; i < n; i++) {
      positions.computeIfAbsent(before.get(i), k -> new ArrayDeque<>()).add(i);
    }
    // match[j]: the position before of after's j-th element, or -1.
    int[] match = new int[m];
    for (int j = 0; j < m; j++) {
      ArrayDeque<Integer> at = positions.get(after.get(j));
      match[j] = at == null || at.isEmpty() ? -1 : at.poll();
    }
    positions = null;
    boolean[] keptAfter = keptRun(match);
    boolean[] keptBefore = new boolean[n];
    boolean[] movedBefore = new boolean[n];
    List<Edit> edits = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      if (match[j] < 0) {
        continue;
      }
      if (keptAfter[j]) {
        keptBefore[match[j]] = true;
      } else {
        movedBefore[match[j]] = true;
        edits.add(new Moved(match[j], j));
      }
    }
    // Walk both lists gap by gap: a gap ends at the next element that stays.
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      List<Integer> removed = new ArrayList<>();
      List<Integer> added = new ArrayList<>();
      while (i < n && !keptBefore[i]) {
        if (!movedBefore[i]) {
          removed.add(i);
        }
        i++;
      }
      while (j < m && !keptAfter[j]) {
        if (match[j] < 0) {
          added.add(j);
        }
        j++;
      }
      int paired = Math.min(removed.size(), added.size());
      for (int k = 0; k < paired; k++) {
        edits.add(new Changed(removed.get(k), added.get(k)));
      }
      for (int k = paired; k < removed.size(); k++) {
        edits.add(new Removed(removed.get(k)));
      }
      for (int k = paired; k < added.size(); k++) {
        edits.add(new Added(added.get(k)));
      }
      // Both stand at the same kept pair now (or at their ends).
      i++;
      j++;
    }
    return edits;
  }

  /**
   * Marks the after positions whose pairs form the longest run increasing in their before position
   * (patience sorting, O(m log m) time, O(m) memory). It is searched from the end, so that among
   * runs of equal length the one that keeps the earlier elements in place wins.
   */
  private static boolean[] keptRun(int[] match) {
    int m = match.length;
    int[] tails =
        new int[m]; // tails[k]: after index ending the best run of length k+1 (from the end)
    int[] previous = new int[m];
    Arrays.fill(previous, -1);
    int length = 0;
    for (int j = m - 1; j >= 0; j--) {
      if (match[j] < 0) {
        continue;
      }
      // Runs built from the end decrease in before position: find the first tail not above ours.
      int lo = 0;
      int hi = length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (match[tails[mid]] > match[j]) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      previous[j] = lo > 0 ? tails[lo - 1] : -1;
      tails[lo] = j;
      if (lo == length) {
        length++;
      }
    }
    boolean[] kept = new boolean[m];
    for (int j = length > 0 ? tails[length - 1] : -1; j >= 0; j = previous[j]) {
      kept[j] = true;
    }
    return kept;
  }
}
