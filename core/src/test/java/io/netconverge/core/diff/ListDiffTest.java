package io.netconverge.core.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.diff.ListDiff.Added;
import io.netconverge.core.diff.ListDiff.Changed;
import io.netconverge.core.diff.ListDiff.Moved;
import io.netconverge.core.diff.ListDiff.Removed;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListDiffTest {

  private static List<String> list(String... items) {
    return List.of(items);
  }

  /** Applies the edits to before and checks the result is after: the edits say it all. */
  private static void assertTransforms(List<String> before, List<String> after) {
    List<ListDiff.Edit> edits = ListDiff.of(before, after);
    String[] rebuilt = new String[after.size()];
    boolean[] used = new boolean[before.size()];
    for (ListDiff.Edit e : edits) {
      if (e instanceof Moved mv) {
        rebuilt[mv.to()] = before.get(mv.from());
        used[mv.from()] = true;
      } else if (e instanceof Changed c) {
        rebuilt[c.to()] = after.get(c.to());
        used[c.from()] = true;
      } else if (e instanceof Added a) {
        rebuilt[a.to()] = after.get(a.to());
      } else if (e instanceof Removed r) {
        used[r.from()] = true;
      }
    }
    // What no edit names stayed: in order, those fill the remaining places.
    int next = 0;
    for (int i = 0; i < before.size(); i++) {
      if (!used[i]) {
        while (rebuilt[next] != null) {
          next++;
        }
        rebuilt[next] = before.get(i);
      }
    }
    assertThat(java.util.Arrays.asList(rebuilt)).isEqualTo(after);
  }

  @Test
  void equalListsHaveNoEdits() {
    assertThat(ListDiff.of(list("a", "b", "c"), list("a", "b", "c"))).isEmpty();
    assertThat(ListDiff.of(list(), list())).isEmpty();
  }

  @Test
  void aMovedRuleIsOneMoveAndTheRestStays() {
    assertThat(ListDiff.of(list("a", "b", "c"), list("b", "a", "c")))
        .containsExactly(new Moved(0, 1));
    assertThat(ListDiff.of(list("a", "b", "c", "d"), list("b", "c", "d", "a")))
        .containsExactly(new Moved(0, 3));
  }

  @Test
  void aRuleReplacedInPlaceIsAChangeAndTheSurplusIsAddedOrRemoved() {
    // Before [B, A, C, X, E], after [A, B, C, D]: B moved, X became D, E went.
    assertThat(ListDiff.of(list("B", "A", "C", "X", "E"), list("A", "B", "C", "D")))
        .containsExactly(new Moved(0, 1), new Changed(3, 3), new Removed(4));
    assertThat(ListDiff.of(list("a"), list("a", "b"))).containsExactly(new Added(1));
    assertThat(ListDiff.of(list("x", "a"), list("a"))).containsExactly(new Removed(0));
  }

  @Test
  void duplicatesPairInOrder() {
    assertThat(ListDiff.of(list("r", "r", "s"), list("r", "s", "r")))
        .containsExactly(new Moved(1, 2));
    assertThat(ListDiff.of(list("r", "r"), list("r"))).containsExactly(new Removed(1));
  }

  @Test
  void everyEditScriptRebuildsTheAfterList() {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      List<String> before = new ArrayList<>();
      List<String> after = new ArrayList<>();
      for (int k = random.nextInt(12); k > 0; k--) {
        before.add("r" + random.nextInt(6));
      }
      for (int k = random.nextInt(12); k > 0; k--) {
        after.add("r" + random.nextInt(6));
      }
      assertTransforms(before, after);
    }
  }

  @Test
  void aHundredThousandRulesAgainstAHundredThousandPlanInLinearMemory() {
    int n = 100_000;
    List<String> before = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      before.add("-s 10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255) + " -j ACCEPT");
    }
    List<String> after = new ArrayList<>(before);
    Collections.swap(after, 10, 90_000);
    after.set(50_000, "-j DROP");
    after.remove(70_000);
    after.add("-j LOG");

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadAllocatedBytes();
    List<ListDiff.Edit> edits = ListDiff.of(before, after);
    long allocated = threads.getCurrentThreadAllocatedBytes() - start;

    // Everything it allocated, not only what was live at once: far below a 256 MB heap (the
    // quadratic table was 40 GB).
    assertThat(allocated).isLessThan(64L * 1024 * 1024);
    assertThat(edits).contains(new Changed(50_000, 50_000)).hasSize(5);
    assertTransforms(before, after);
  }
}
